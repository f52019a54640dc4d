"""The SMS channel in the dashboard: the center's SMS tab, the record page's composer, the feed's marks.

Inbound messages are posted by `commcenter_local.simulate` exactly as Twilio posts them (signed
webhooks). The test stack has no Twilio account: what the rep sends is stored with the status
"sandbox" and never leaves, and the dashboard says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from e2e_support import (
    REP_NUMBER,
    Api,
    coloured_pixels,
    create_record,
    format_phone,
    free_phone,
    screenshot,
    sms_counts,
    tag,
)
from playwright.sync_api import Locator, Page, Route, expect

from commcenter.domain.facts import Media
from commcenter.services import sms_inbound
from commcenter_local.simulate import incoming_sms, new_sid

pytestmark = pytest.mark.browser

SANDBOX = "Not delivered — sandbox outbox"
MEDIA_URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0"

InboundSms = Callable[..., None]


@pytest.fixture
def sms_from(api_url: str, twilio_auth_token: str) -> InboundSms:
    """Posts an SMS from `sender` to the signed-in rep's number, as Twilio does."""

    def post(sender: str, body: str, media: Sequence[tuple[str, str]] = ()) -> None:
        response = incoming_sms(
            api_url, twilio_auth_token, from_number=sender, to_number=REP_NUMBER, body=body, media=media
        )
        assert response.status_code == 200, response.text

    return post


def texting_lead(api: Api, first_name: str, last_name: str, **fields: Any) -> tuple[dict[str, Any], str]:
    """A lead with a fictional mobile number of its own, and that number."""
    lead = create_record(
        api,
        first_name=first_name,
        last_name=last_name,
        phones=[{"number": free_phone(api), "label": "mobile"}],
        **fields,
    )
    return lead, str(lead["phones"][0]["number"])


def sms_center(page: Page) -> Locator:
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    expect(panel.get_by_role("button", name="New SMS")).to_be_visible()
    return panel


def conversation_row(panel: Locator, text: str) -> Locator:
    """The button that expands the conversation whose row shows `text` (a name, a number)."""
    return panel.get_by_role("button", name=re.compile(re.escape(text)))


def messages(conversation: Locator) -> Locator:
    return conversation.get_by_role("list", name="Messages").locator(":scope > li")


def feed_items(page: Page) -> Locator:
    return page.get_by_role("region", name="Activity").get_by_role("list", name="Activities").locator(":scope > li")


def record_sms(api: Api, record_id: str) -> list[dict[str, Any]]:
    response = api("GET", f"/api/records/{record_id}/activities", type="sms")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_inbound_sms_is_matched_counted_and_read_when_expanded(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Mona", f"Matched{marker}")
    before = sms_counts(api)
    sms_from(number, f"Hello from {marker}")
    sms_from(number, "Can we talk tomorrow?", media=[(MEDIA_URL, "image/jpeg")])
    assert sms_counts(api)["matched"] == before["matched"] + 2

    page = signed_in
    panel = sms_center(page)
    matched = panel.get_by_role("button", name=f"Matched ({before['matched'] + 2})", exact=True)
    expect(matched).to_have_attribute("aria-pressed", "true")
    row = conversation_row(panel, lead["display_name"])
    expect(row).to_contain_text(format_phone(number))
    expect(row).to_contain_text("Can we talk tomorrow?")
    expect(row).to_contain_text("2 unread")
    expect(row).to_have_attribute("aria-expanded", "false")
    screenshot(page, "sms-matched")

    row.click()
    expect(row).to_have_attribute("aria-expanded", "true")
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    bubbles = messages(conversation)
    expect(bubbles).to_have_count(2)
    expect(bubbles.nth(0)).to_contain_text(f"Hello from {marker}")  # oldest at the top
    expect(bubbles.nth(1)).to_contain_text("Can we talk tomorrow?")
    expect(bubbles.nth(1)).to_contain_text("Received")
    attachment = bubbles.nth(1).get_by_role("link", name=re.compile(r"Attachment 1"))
    expect(attachment).to_have_attribute("href", MEDIA_URL)
    expect(attachment).to_contain_text("image/jpeg")

    # Expanding read it: the count in brackets goes down, here and in the API.
    expect(panel.get_by_role("button", name=f"Matched ({before['matched']})", exact=True)).to_be_visible()
    expect(row).not_to_contain_text("unread")
    assert sms_counts(api)["matched"] == before["matched"]
    screenshot(page, "sms-expanded")

    conversation.get_by_role("link", name="Open lead").click()
    expect(page).to_have_url(re.compile(f"/records/{lead['id']}$"))
    expect(feed_items(page)).to_have_count(2)
    expect(feed_items(page).nth(0)).to_contain_text("Incoming SMS")
    expect(feed_items(page).nth(1)).to_contain_text(f"Hello from {marker}")


def test_only_twilios_media_is_shown_as_a_link(signed_in: Page, api: Api) -> None:
    """A message stored before the API kept only Twilio's media: its other URLs are not links."""
    marker = tag()
    lead, number = texting_lead(api, "Otto", f"Media{marker}")
    forged = ["javascript:alert(document.domain)", "https://evil.example/invoice.pdf", "data:text/html,hi"]
    sms_inbound.receive_sms(
        sms_inbound.InboundSms(
            sid=new_sid("MM"),
            from_number=number,
            to_number=REP_NUMBER,
            body=f"Attachments {marker}",
            media=[Media(url=url, content_type="text/html") for url in forged]
            + [Media(url=MEDIA_URL, content_type="image/jpeg")],
        )
    )
    panel = sms_center(signed_in)
    conversation_row(panel, lead["display_name"]).click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    bubble = messages(conversation).nth(0)
    expect(bubble).to_contain_text(f"Attachments {marker}")
    links = bubble.get_by_role("list", name="Attachments").get_by_role("link")
    expect(links).to_have_count(1)
    expect(links.nth(0)).to_have_attribute("href", MEDIA_URL)
    expect(links.nth(0)).to_contain_text("Attachment 1")
    hrefs = signed_in.locator("a[href]").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert not any(href in forged for href in hrefs), hrefs


def test_reply_is_kept_in_the_sandbox_outbox_and_emoji_render(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Rhea", f"Reply{marker}")
    sms_from(number, f"Are you there? {marker}")
    page = signed_in
    panel = sms_center(page)
    row = conversation_row(panel, lead["display_name"])
    row.click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    reply = conversation.get_by_label(f"Reply to {lead['display_name']}")

    # The API counts segments as carriers do: an emoji turns the message into UCS-2.
    reply.fill("Sure, see you at 10")
    expect(conversation.get_by_text("19 characters · 1 segment · GSM-7")).to_be_visible()
    text = "Sure 👍 see you at 10 🎉 " + "x" * 60
    reply.fill(text)
    expect(conversation.get_by_text(re.compile(r"· 2 segments · UCS-2$"))).to_be_visible()
    conversation.get_by_role("button", name="Send SMS").click()
    expect(reply).to_have_value("")

    bubbles = messages(conversation)
    expect(bubbles).to_have_count(2)
    sent = bubbles.nth(1)
    expect(sent).to_contain_text(text)
    expect(sent).to_contain_text("Sent by Alice")
    expect(sent).to_contain_text(SANDBOX)
    expect(row).to_contain_text("You: Sure 👍")
    screenshot(page, "sms-reply-sandbox")

    # Emoji are drawn in colour, not as empty boxes, in the font the bubbles use.
    assert coloured_pixels(sent, "👍") > 100, "no colour emoji font: install fonts-noto-color-emoji"

    stored = record_sms(api, lead["id"])
    assert [(m["direction"], m["body"], m["data"]["status"]) for m in stored] == [
        ("outbound", text, "sandbox"),
        ("inbound", f"Are you there? {marker}", "received"),
    ]
    assert stored[0]["data"]["to"] == number
    assert stored[0]["data"]["encoding"] == "UCS-2"


def test_new_sms_from_the_center_finds_the_record_and_uses_the_chosen_number(signed_in: Page, api: Api) -> None:
    marker = tag()
    first, second = free_phone(api), free_phone(api)
    while second == first:
        second = free_phone(api)
    lead = create_record(
        api,
        first_name="Nina",
        last_name=f"Newsms{marker}",
        phones=[{"number": first, "label": "work"}, {"number": second, "label": "mobile"}],
    )
    numbers = [phone["number"] for phone in lead["phones"]]
    page = signed_in
    panel = sms_center(page)
    panel.get_by_role("button", name="New SMS").click()
    dialog = page.get_by_role("dialog", name="New SMS")

    # Found by number...
    dialog.get_by_label("To", exact=True).fill(numbers[1].removeprefix("+"))
    expect(dialog.get_by_role("button", name=re.compile(lead["display_name"]))).to_be_visible()
    # ... and by name.
    dialog.get_by_label("To", exact=True).fill(f"Newsms{marker}")
    dialog.get_by_role("button", name=re.compile(lead["display_name"])).click()
    choice = dialog.get_by_label("To", exact=True)
    expect(choice).to_have_value(numbers[0])
    choice.select_option(numbers[1])
    dialog.get_by_label(f"SMS to {lead['display_name']}").fill(f"Following up 🙂 {marker}")
    screenshot(page, "sms-new", full_page=False)
    dialog.get_by_role("button", name="Send SMS").click()
    expect(dialog).to_be_hidden()

    # The new conversation is shown open under Matched.
    expect(panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$"))).to_have_attribute("aria-pressed", "true")
    row = conversation_row(panel, lead["display_name"])
    expect(row).to_have_attribute("aria-expanded", "true")
    expect(row).to_contain_text(format_phone(numbers[1]))
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    expect(messages(conversation)).to_have_count(1)
    expect(messages(conversation).first).to_contain_text(f"Following up 🙂 {marker}")
    expect(messages(conversation).first).to_contain_text(SANDBOX)

    stored = record_sms(api, lead["id"])
    assert len(stored) == 1
    assert stored[0]["data"]["to"] == numbers[1]
    assert stored[0]["data"]["from"] == REP_NUMBER


def test_record_page_composer_sends_to_the_chosen_number_and_the_feed_shows_it(signed_in: Page, api: Api) -> None:
    marker = tag()
    first, second = free_phone(api), free_phone(api)
    while second == first:
        second = free_phone(api)
    lead = create_record(
        api,
        first_name="Paco",
        last_name=f"Record{marker}",
        phones=[{"number": first, "label": "work"}, {"number": second, "label": "mobile"}],
    )
    numbers = [phone["number"] for phone in lead["phones"]]
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("region", name="Activity")
    expect(feed.get_by_role("heading", name="No activity yet")).to_be_visible()
    feed.get_by_role("group", name="Write").get_by_role("button", name="SMS").click()
    feed.get_by_label("To", exact=True).select_option(numbers[1])
    body = feed.get_by_label(f"SMS to {lead['display_name']}")
    body.fill(f"Your quote is ready ✅ {marker}")
    expect(feed.get_by_text(re.compile(r"characters · 1 segment · UCS-2$"))).to_be_visible()
    body.press("Control+Enter")  # the keyboard sends too
    expect(body).to_have_value("")

    items = feed_items(page)
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Outgoing SMS")
    expect(items.first).to_contain_text(f"Your quote is ready ✅ {marker}")
    expect(items.first).to_contain_text(SANDBOX)
    screenshot(page, "record-sms")

    stored = record_sms(api, lead["id"])
    assert [(m["body"], m["data"]["to"], m["data"]["status"]) for m in stored] == [
        (f"Your quote is ready ✅ {marker}", numbers[1], "sandbox")
    ]
    page.reload()
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first).to_contain_text(SANDBOX)


def test_deleting_a_conversation_asks_first_then_removes_it_everywhere(
    signed_in: Page, api: Api, sms_from: InboundSms
) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Dora", f"Delete{marker}")
    sms_from(number, f"Please forget me {marker}")
    note = api("POST", f"/api/records/{lead['id']}/notes", {"body": f"Keep this note {marker}"})
    assert note.status_code == 201, note.text
    conversation_id = record_sms(api, lead["id"])[0]["conversation_id"]

    page = signed_in
    panel = sms_center(page)
    row = conversation_row(panel, lead["display_name"])
    row.click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    conversation.get_by_role("button", name="Delete conversation").click()
    dialog = page.get_by_role("dialog", name="Delete this conversation?")
    expect(dialog).to_contain_text(lead["display_name"])
    screenshot(page, "sms-delete-confirm", full_page=False)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(row).to_be_visible()
    assert len(record_sms(api, lead["id"])) == 1

    conversation.get_by_role("button", name="Delete conversation").click()
    dialog.get_by_role("button", name="Delete conversation").click()
    expect(dialog).to_be_hidden()
    expect(row).to_be_hidden()
    expect(panel.get_by_role("status")).to_contain_text(f"The conversation with {lead['display_name']} was deleted.")

    assert api("GET", f"/api/sms/conversations/{conversation_id}").status_code == 404
    assert record_sms(api, lead["id"]) == []
    page.reload()
    expect(conversation_row(panel, lead["display_name"])).to_have_count(0)
    page.goto(f"/records/{lead['id']}")
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first).to_contain_text(f"Keep this note {marker}")


def unmatched_conversation(page: Page, api: Api, sms_from: InboundSms, body: str) -> tuple[Locator, Locator, str]:
    """An SMS from a number no record has, opened under Unmatched: (panel, row, number)."""
    number = free_phone(api)
    before = sms_counts(api)
    sms_from(number, body)
    panel = sms_center(page)
    panel.get_by_role("button", name=f"Unmatched ({before['unmatched'] + 1})", exact=True).click()
    row = conversation_row(panel, format_phone(number))
    expect(row).to_contain_text(body)
    expect(row).to_contain_text("1 unread")
    row.click()
    expect(panel.get_by_role("button", name=f"Unmatched ({before['unmatched']})", exact=True)).to_be_visible()
    return panel, row, number


def test_unmatched_sms_added_to_the_crm_moves_to_matched(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    page = signed_in
    panel, row, number = unmatched_conversation(page, api, sms_from, f"Is this the sales team? {marker}")
    conversation = panel.get_by_role("region", name=f"Conversation with {format_phone(number)}")
    screenshot(page, "sms-unmatched")
    conversation.get_by_role("button", name="Add to CRM").click()
    dialog = page.get_by_role("dialog", name="Add to CRM")
    expect(dialog.get_by_label("Mobile phone")).to_have_value(number)
    # Before anything moves, the rep reads what the whole team will see.
    shown = "The whole team will see this number's 1 SMS with you on the record."
    expect(dialog.get_by_role("note")).to_have_text(shown)
    dialog.get_by_label("Add as").select_option("contact")
    dialog.get_by_role("button", name="Add contact").click()
    # The API's validation shows under the field it concerns; nothing is created.
    expect(dialog.get_by_label("Last name")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("First name").fill("Oscar")
    dialog.get_by_label("Last name").fill(f"Added{marker}")
    dialog.get_by_role("button", name="Add contact").click()
    expect(dialog).to_be_hidden()

    name = f"Oscar Added{marker}"
    notice = panel.get_by_role("status")
    expect(notice).to_contain_text(f"was added as a contact: {name}")
    expect(row).to_be_hidden()
    panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$")).click()
    expect(conversation_row(panel, name)).to_contain_text(f"Is this the sales team? {marker}")

    hits = api("GET", "/api/search", q=f"Added{marker}").json()["items"]
    assert [(hit["display_name"], hit["kind"]) for hit in hits] == [(name, "contact")]
    contact = api("GET", f"/api/records/{hits[0]['id']}").json()
    assert [phone["number"] for phone in contact["phones"]] == [number]
    assert [m["body"] for m in record_sms(api, contact["id"])] == [f"Is this the sales team? {marker}"]


def test_unmatched_sms_added_to_an_existing_record(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    lead, own_number = texting_lead(api, "Ezra", f"Existing{marker}")
    page = signed_in
    panel, row, number = unmatched_conversation(page, api, sms_from, f"New phone, same me {marker}")
    conversation = panel.get_by_role("region", name=f"Conversation with {format_phone(number)}")
    conversation.get_by_role("button", name="Add to existing").click()
    dialog = page.get_by_role("dialog", name="Add to an existing record")
    dialog.get_by_label(re.compile("Which lead or contact")).fill(f"Existing{marker}")
    dialog.get_by_role("button", name=re.compile(lead["display_name"])).click()
    expect(dialog).to_contain_text(f"Add {format_phone(number)} to the phone numbers of")
    dialog.get_by_role("button", name="Add number").click()
    expect(dialog).to_be_hidden()
    expect(panel.get_by_role("status")).to_contain_text(f"was added to {lead['display_name']}")
    expect(row).to_be_hidden()

    panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$")).click()
    expect(conversation_row(panel, lead["display_name"])).to_contain_text(f"New phone, same me {marker}")
    record = api("GET", f"/api/records/{lead['id']}").json()
    assert {phone["number"] for phone in record["phones"]} == {own_number, number}
    assert [m["body"] for m in record_sms(api, lead["id"])] == [f"New phone, same me {marker}"]
    panel.get_by_role("status").get_by_role("link", name=f"Open {lead['display_name']}").click()
    expect(page.get_by_role("region", name="Details")).to_contain_text(format_phone(number))


def test_ignored_numbers_leave_unmatched_and_come_back(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    page = signed_in
    panel, row, number = unmatched_conversation(page, api, sms_from, f"Cheap watches {marker}")
    conversation = panel.get_by_role("region", name=f"Conversation with {format_phone(number)}")
    conversation.get_by_role("button", name="Ignore", exact=True).click()
    expect(row).to_be_hidden()
    expect(panel.get_by_role("status")).to_contain_text(f"{format_phone(number)} is ignored in your lists.")
    expect(panel.get_by_role("status")).to_be_focused()  # the row is gone: focus goes to what happened

    show_ignored = panel.get_by_label("Show ignored numbers")
    show_ignored.check()
    ignored = panel.get_by_role("region", name="Ignored numbers")
    expect(conversation_row(ignored, format_phone(number))).to_contain_text(f"Cheap watches {marker}")
    screenshot(page, "sms-ignored")
    conversation_row(ignored, format_phone(number)).focus()
    page.keyboard.press("Enter")  # rows expand from the keyboard
    expect(conversation_row(ignored, format_phone(number))).to_have_attribute("aria-expanded", "true")
    ignored.get_by_role("button", name="Stop ignoring").click()
    expect(conversation_row(ignored, format_phone(number))).to_have_count(0)
    expect(panel.get_by_role("status")).to_contain_text("is back under Unmatched")

    show_ignored.uncheck()
    unmatched = panel.get_by_role("region", name="Unmatched conversations")
    expect(conversation_row(unmatched, format_phone(number))).to_be_visible()
    sections = {
        section: [
            c["remote_number"]
            for c in api("GET", "/api/sms/conversations", section=section, limit="100").json()["items"]
        ]
        for section in ("unmatched", "ignored")
    }
    assert number in sections["unmatched"]
    assert number not in sections["ignored"]


def test_matched_conversations_filter_by_record_status(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    working, working_number = texting_lead(api, "Wendy", f"Status{marker}", status="working")
    fresh, fresh_number = texting_lead(api, "Fred", f"Status{marker}")
    sms_from(working_number, f"Working on it {marker}")
    sms_from(fresh_number, f"Just arrived {marker}")
    page = signed_in
    panel = sms_center(page)
    expect(conversation_row(panel, working["display_name"])).to_be_visible()
    expect(conversation_row(panel, fresh["display_name"])).to_be_visible()

    panel.get_by_label("Status").select_option("working")
    expect(conversation_row(panel, fresh["display_name"])).to_have_count(0)
    expect(conversation_row(panel, working["display_name"])).to_contain_text("Working")
    panel.get_by_label("Status").select_option("new")
    expect(conversation_row(panel, working["display_name"])).to_have_count(0)
    expect(conversation_row(panel, fresh["display_name"])).to_be_visible()
    panel.get_by_label("Status").select_option("")
    expect(conversation_row(panel, working["display_name"])).to_be_visible()


def test_an_opted_out_number_cannot_be_texted(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Otto", f"Optout{marker}")
    sms_from(number, "STOP")
    page = signed_in
    panel = sms_center(page)
    row = conversation_row(panel, lead["display_name"])
    expect(row).to_contain_text("Opted out")
    row.click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    expect(conversation.get_by_label(f"Reply to {lead['display_name']}")).to_be_disabled()
    expect(conversation).to_contain_text("replied STOP")

    # The record page does not know: the API refuses (409 opted_out) and the rep reads why.
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("region", name="Activity")
    feed.get_by_role("group", name="Write").get_by_role("button", name="SMS").click()
    feed.get_by_label(f"SMS to {lead['display_name']}").fill(f"Still there? {marker}")
    feed.get_by_role("button", name="Send SMS").click()
    expect(feed.get_by_role("alert")).to_contain_text(re.compile(r"STOP|opted out", re.IGNORECASE))
    expect(feed.get_by_label(f"SMS to {lead['display_name']}")).to_have_value(f"Still there? {marker}")
    assert [m["direction"] for m in record_sms(api, lead["id"])] == ["inbound"]


def test_an_sms_arriving_while_the_center_is_open_shows_up(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Lena", f"Live{marker}")
    page = signed_in
    panel = sms_center(page)
    before = sms_counts(api)
    expect(panel.get_by_role("button", name=f"Matched ({before['matched']})", exact=True)).to_be_visible()
    expect(conversation_row(panel, lead["display_name"])).to_have_count(0)
    sms_from(number, f"Just texted you {marker}")
    # The tab refreshes every 15 seconds without a reload.
    after = panel.get_by_role("button", name=f"Matched ({before['matched'] + 1})", exact=True)
    expect(after).to_be_visible(timeout=20_000)
    expect(conversation_row(panel, lead["display_name"])).to_contain_text("1 unread", timeout=5_000)


def feed_item(page: Page, text: str) -> Locator:
    return feed_items(page).filter(has_text=text)


def test_star_and_thread_marks_with_the_feed_filters(signed_in: Page, api: Api, sms_from: InboundSms) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Stella", f"Marks{marker}")
    sms_from(number, f"Star this SMS {marker}")
    note = api("POST", f"/api/records/{lead['id']}/notes", {"body": f"Thread this note {marker}"})
    assert note.status_code == 201, note.text
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("region", name="Activity")
    expect(feed_items(page)).to_have_count(2)
    sms, note_item = feed_item(page, "Star this SMS"), feed_item(page, "Thread this note")

    star = sms.get_by_role("button", name="Star SMS")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    thread = note_item.get_by_role("button", name="Note in thread")
    thread.focus()
    page.keyboard.press("Enter")  # the marks work from the keyboard
    expect(thread).to_have_attribute("aria-pressed", "true")
    screenshot(page, "feed-marks")

    marks = feed.get_by_role("group", name="Filter by mark")
    marks.get_by_role("button", name="Starred").click()
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first).to_contain_text("Star this SMS")
    marks.get_by_role("button", name="Starred").click()
    marks.get_by_role("button", name="Thread").click()
    expect(marks.get_by_role("button", name="Thread")).to_have_attribute("aria-pressed", "true")
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first).to_contain_text("Thread this note")
    types = feed.get_by_role("group", name="Filter by type")
    types.get_by_role("button", name="SMS").click()
    expect(feed.get_by_role("heading", name="Nothing matches this filter")).to_be_visible()
    types.get_by_role("button", name="All", exact=True).click()

    # Taking the note out of the thread hides it from this filter, and deletes nothing.
    feed_item(page, "Thread this note").get_by_role("button", name="Note in thread").click()
    expect(feed.get_by_role("heading", name="Nothing matches this filter")).to_be_visible()
    marks.get_by_role("button", name="Thread").click()
    expect(feed_items(page)).to_have_count(2)

    types.get_by_role("button", name="SMS").click()
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first.get_by_role("button", name="Star SMS")).to_have_attribute("aria-pressed", "true")

    starred = api("GET", f"/api/records/{lead['id']}/activities", starred="true").json()["items"]
    assert [a["body"] for a in starred] == [f"Star this SMS {marker}"]
    assert api("GET", f"/api/records/{lead['id']}/activities", thread="main").json()["items"] == []
    # Reloaded, the page keeps its filter (it is in the address); the whole feed keeps the marks.
    assert page.url.endswith("?type=sms")
    page.reload()
    expect(feed_items(page)).to_have_count(1)
    types.get_by_role("button", name="All", exact=True).click()
    expect(feed_item(page, "Star this SMS").get_by_role("button", name="Star SMS")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(feed_item(page, "Thread this note").get_by_role("button", name="Note in thread")).to_have_attribute(
        "aria-pressed", "false"
    )


def open_record_sms(page: Page, lead: dict[str, Any]) -> Locator:
    """The record page with its SMS composer shown; returns the text field."""
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("region", name="Activity")
    feed.get_by_role("group", name="Write").get_by_role("button", name="SMS").click()
    return feed.get_by_label(f"SMS to {lead['display_name']}")


def test_a_send_retried_after_a_lost_answer_is_stored_once(signed_in: Page, api: Api) -> None:
    marker = tag()
    lead, _ = texting_lead(api, "Rita", f"Retry{marker}")
    page = signed_in
    request_ids: list[str] = []

    def lose_the_first_answer(route: Route) -> None:
        request_ids.append(json.loads(route.request.post_data or "{}")["client_request_id"])
        if len(request_ids) == 1:
            route.fetch()  # the server stores the message...
            route.abort("connectionreset")  # ... but its answer never reaches the browser
        else:
            route.continue_()

    page.route("**/api/sms/messages", lose_the_first_answer)
    body = open_record_sms(page, lead)
    feed = page.get_by_role("region", name="Activity")
    body.fill(f"Only once please {marker}")
    feed.get_by_role("button", name="Send SMS").click()
    expect(feed.get_by_role("alert")).to_contain_text("cannot be reached")
    expect(body).to_have_value(f"Only once please {marker}")
    feed.get_by_role("button", name="Retry").click()
    expect(body).to_have_value("")
    expect(feed_items(page)).to_have_count(1)
    expect(feed.get_by_role("alert")).to_have_count(0)
    # The retry carried the same request id, so the API answered with the first message.
    assert len(request_ids) == 2
    assert request_ids[0] == request_ids[1]
    assert [m["body"] for m in record_sms(api, lead["id"])] == [f"Only once please {marker}"]

    # Another message is another attempt, with its own id.
    body.fill(f"A second one {marker}")
    feed.get_by_role("button", name="Send SMS").click()
    expect(feed_items(page)).to_have_count(2)
    assert len(set(request_ids)) == 2


def test_a_message_twilio_refuses_shows_twilios_reason(signed_in: Page, api: Api) -> None:
    """The sandbox stack never reaches Twilio: its answer is rewritten as Twilio's refusal would be."""
    marker = tag()
    lead, _ = texting_lead(api, "Fiona", f"Failed{marker}")
    page = signed_in

    def refused_by_twilio(route: Route) -> None:
        response = route.fetch()
        message = response.json()
        message["data"].update(status="failed", error_code=30007, error_message="The carrier filtered the message.")
        route.fulfill(response=response, json=message)

    page.route("**/api/sms/messages", refused_by_twilio)
    body = open_record_sms(page, lead)
    feed = page.get_by_role("region", name="Activity")
    body.fill(f"Limited offer {marker}")
    feed.get_by_role("button", name="Send SMS").click()
    expect(feed.get_by_role("alert")).to_have_text("Not sent: The carrier filtered the message. (error 30007)")
    failed = feed_items(page).first
    expect(failed).to_contain_text(f"Limited offer {marker}")
    expect(failed).to_contain_text("Failed")
    expect(failed).to_contain_text("The carrier filtered the message. (error 30007)")

"""The conversation page (I4) in Chromium, open beside a folder's list: the action buttons, the
customer's card, the whole thread across channels (an SMS conversation showing the lead's email
and call too), the reply by SMS with a quick reply, r on an email conversation opening the reply,
and a 390 x 844 phone, where the page covers the list and Back returns to it. A rep of their own
with a Twilio number and a mailbox on the local Dovecot; SMS and calls posted as Twilio posts
them, mail synced by the real poll."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from e2e_mailbox import Mailbox, signed_in_mailbox
from e2e_support import REP_NUMBER, Api, free_phone, screenshot
from playwright.sync_api import Locator, Page, expect

from commcenter.data import reps as reps_data
from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints
from commcenter_local.simulate import incoming_sms, simulate_call

pytestmark = pytest.mark.browser


@dataclass
class Customer:
    box: Mailbox
    lead: dict[str, Any]
    number: str
    address: str
    reply_title: str
    rep_number: str


@pytest.fixture
def customer(
    page: Page,
    api_url: str,
    twilio_auth_token: str,
    dev_token: Callable[[str], str],
    mail_servers: tuple[LocalMailServers, MailServerEndpoints],
) -> Iterator[Customer]:
    """Hélène, a lead who emailed the rep (yesterday), called (missed, an hour ago) and texted
    (now); and a quick reply of the rep's."""
    rep_number = f"+1308555{random.randrange(1000, 9999)}"
    with signed_in_mailbox(page, api_url, dev_token, mail_servers, twilio_number=rep_number) as box:
        number = free_phone(box.api)
        address = f"helene-{uuid.uuid4().hex[:6]}@optique.example"
        created = box.api(
            "POST",
            "/api/records",
            {
                "kind": "lead",
                "first_name": "Hélène",
                "last_name": f"Durand {uuid.uuid4().hex[:4]}",
                "company_name": "Durand Optique",
                "title": "Buyer",
                "phones": [{"number": number, "label": "mobile"}],
                "emails": [{"address": address, "label": "work"}],
            },
        )
        assert created.status_code == 201, created.text
        box.receive(address, "Frames for the spring collection", days_ago=1)
        box.poll()
        simulate_call(api_url, twilio_auth_token, from_number=number, to_number=rep_number, outcome="no-answer")
        texted = incoming_sms(
            api_url, twilio_auth_token, from_number=number, to_number=rep_number, body="Can you send the prices?"
        )
        assert texted.status_code == 200, texted.text
        title = f"Prices {uuid.uuid4().hex[:6]}"
        saved = box.api(
            "POST", "/api/quick-replies", {"title": title, "body": "Hi {first_name}, the prices for {company} follow."}
        )
        assert saved.status_code == 201, saved.text
        yield Customer(box, created.json(), number, address, title, rep_number)


def row_of(page: Page, channel: str) -> Locator:
    return page.get_by_test_id("folder-row").and_(page.locator(f'[data-channel="{channel}"]'))


def opened(page: Page) -> Locator:
    return page.get_by_role("region", name="Open conversation")


def test_an_sms_conversation_shows_the_card_the_whole_thread_and_replies_with_a_quick_reply(
    page: Page, customer: Customer
) -> None:
    lead = customer.lead
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/folders/inbox")
    row_of(page, "sms").locator(".folder-row-open").click()
    conversation = opened(page)
    expect(conversation.get_by_role("heading", name=lead["display_name"])).to_be_visible()
    # Side by side: the list still on the left, the page on the right.
    list_box = page.get_by_role("region", name="Conversations in this folder").bounding_box()
    page_box = conversation.bounding_box()
    assert list_box and page_box and list_box["x"] + list_box["width"] <= page_box["x"], (list_box, page_box)

    card = conversation.get_by_role("region", name="Customer")
    expect(card).to_contain_text("Durand Optique")
    expect(card).to_contain_text("Buyer")
    expect(card).to_contain_text(customer.address)
    expect(card.get_by_role("link", name=lead["display_name"])).to_have_attribute("href", f"/records/{lead['id']}")

    # The whole thread: the email and the missed call of the same lead, then the SMS, oldest first.
    thread = conversation.get_by_role("list", name="Messages")
    expect(thread).to_contain_text("Can you send the prices?")
    expect(thread).to_contain_text("Frames for the spring collection")
    expect(thread.locator('[data-type="call"]')).to_have_count(1)
    # Each day headed by its day: the email's (yesterday), then today's call and SMS.
    expect(thread.locator(".conversation-day")).to_have_text(["Yesterday", "Today"])
    kinds = thread.locator(":scope > li:not(.conversation-day)").evaluate_all(
        "(items) => items.map((item) => item.dataset.type || (item.classList.contains('sms-bubble') ? 'sms' : '?'))"
    )
    assert kinds == ["email", "call", "sms"], kinds
    # Opening it read it: the Inbox has nothing unread from it any more.
    expect(row_of(page, "sms")).not_to_have_class(re.compile(r"\bunread\b"))

    # The reply with a quick reply, filled for the lead; in sight without scrolling.
    reply = conversation.get_by_role("textbox", name=f"Reply to {lead['display_name']}")
    field = reply.bounding_box()
    assert field and field["y"] + field["height"] <= 900, field
    conversation.get_by_role("button", name="Quick replies").click()
    conversation.get_by_role("group", name="Quick replies").get_by_role(
        "button", name=re.compile(customer.reply_title)
    ).click()
    expect(reply).to_have_value("Hi Hélène, the prices for Durand Optique follow.")
    screenshot(page, "folders-conversation-page", full_page=False)
    conversation.get_by_role("button", name="Send SMS").click()
    expect(reply).to_have_value("")
    bubble = thread.locator(".sms-bubble.outbound")
    expect(bubble).to_contain_text("Hi Hélène, the prices for Durand Optique follow.")
    assert thread.locator(":scope > li").last.get_attribute("data-direction") == "outbound"  # newest at the bottom

    # The folder's actions, as the bulk bar has them: archived, it offers Move to Inbox.
    actions = conversation.get_by_role("toolbar", name="Conversation actions")
    expect(actions.get_by_role("button", name="Mark read")).to_have_count(0)
    actions.get_by_role("button", name="Archive").click()
    expect(conversation.get_by_role("status").filter(has_text="Archived.")).to_be_visible()
    expect(actions.get_by_role("button", name="Move to Inbox")).to_be_visible()
    expect(row_of(page, "sms")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Folders").locator('[data-folder="archived"]')).to_have_text(
        re.compile(r"Archived\s*1$")
    )


def test_r_on_an_email_conversation_opens_the_reply_and_j_k_move_the_page(page: Page, customer: Customer) -> None:
    page.goto("/folders/inbox")
    row_of(page, "email").locator(".folder-row-open").click()
    conversation = opened(page)
    expect(conversation).to_have_attribute("data-channel", "email")
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text("Frames for the spring collection")
    reply_button = conversation.get_by_role("button", name="Reply", exact=True)
    expect(reply_button).to_be_enabled()
    page.keyboard.press("r")
    composer = page.get_by_role("dialog", name="Reply")
    expect(composer).to_be_visible()
    expect(composer.get_by_label("Subject")).to_have_value("Re: Frames for the spring collection")
    page.keyboard.press("Escape")
    expect(composer).to_have_count(0)

    # The email opens in the page's reader, and Close goes back to the thread.
    conversation.get_by_role("button", name="Open email").click()
    expect(conversation.get_by_role("heading", name="Frames for the spring collection")).to_be_visible()
    conversation.get_by_role("button", name="Close").click()
    expect(conversation.get_by_role("list", name="Messages")).to_be_visible()

    # k opens the row above in the page's place, j comes back.
    channels = page.get_by_test_id("folder-row").evaluate_all("(rows) => rows.map((row) => row.dataset.channel)")
    above = channels[channels.index("email") - 1]
    page.keyboard.press("k")
    expect(conversation).to_have_attribute("data-channel", above)
    page.keyboard.press("j")
    expect(conversation).to_have_attribute("data-channel", "email")

    # r goes to an SMS conversation's reply box, Escape leaves it.
    row_of(page, "sms").locator(".folder-row-open").click()
    reply = conversation.get_by_role("textbox", name=re.compile("^Reply to"))
    expect(reply).to_be_visible()
    page.keyboard.press("r")
    expect(reply).to_be_focused()
    page.keyboard.press("Escape")
    expect(reply).not_to_be_focused()


def test_a_call_conversation_offers_call_back_and_a_text(page: Page, customer: Customer) -> None:
    page.goto("/folders/inbox?source=call")
    row_of(page, "call").locator(".folder-row-open").click()
    conversation = opened(page)
    expect(conversation).to_have_attribute("data-channel", "call")
    expect(conversation.get_by_role("list", name="Messages").locator('[data-type="call"]')).to_have_count(1)
    expect(conversation.get_by_role("button", name=re.compile(r"^Call back"))).to_be_visible()
    conversation.get_by_role("button", name="Text").click()
    text = conversation.get_by_role("textbox", name=f"Text {customer.lead['display_name']}")
    expect(text).to_be_focused()
    expect(conversation.get_by_role("button", name="Quick replies")).to_be_visible()


def test_an_unmatched_conversation_offers_add_and_ignore_and_ignoring_closes_it(
    page: Page, customer: Customer, api_url: str, twilio_auth_token: str
) -> None:
    stranger = free_phone(customer.box.api)
    texted = incoming_sms(
        api_url, twilio_auth_token, from_number=stranger, to_number=customer.rep_number, body="Is the shop open?"
    )
    assert texted.status_code == 200, texted.text
    page.goto("/folders/inbox?source=sms")
    row = page.get_by_test_id("folder-row").filter(has_text="Is the shop open?")
    row.locator(".folder-row-open").click()
    conversation = opened(page)
    card = conversation.get_by_role("region", name="Customer")
    expect(card).to_contain_text("Not in your CRM")
    expect(card.get_by_role("button", name="Add to CRM")).to_be_visible()
    expect(card.get_by_role("button", name="Add to existing")).to_be_visible()
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text("Is the shop open?")
    # A new message shows in the open page by itself (it asks again every 10 s).
    again = incoming_sms(
        api_url, twilio_auth_token, from_number=stranger, to_number=customer.rep_number, body="Until when?"
    )
    assert again.status_code == 200, again.text
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text("Until when?", timeout=25_000)
    card.get_by_role("button", name="Ignore", exact=True).click()
    expect(conversation).to_have_count(0)
    expect(row).to_have_count(0)


def test_a_conversation_a_colleague_assigned_says_who_gave_it(
    page: Page, customer: Customer, api: Api, api_url: str, twilio_auth_token: str
) -> None:
    number = free_phone(api)
    texted = incoming_sms(api_url, twilio_auth_token, from_number=number, to_number=REP_NUMBER, body="Billing?")
    assert texted.status_code == 200, texted.text
    colleague = api("GET", "/api/me").json()
    # The rep joins the demo's team: a conversation is given only to a rep of the giver's team.
    reps_data.save_profile(msgspec.structs.replace(customer.box.rep, team=colleague["team"]))
    row = next(r for r in api("GET", "/api/folders/inbox", source="sms").json()["items"] if number in r["remote"])
    given = api("POST", "/api/folders/actions", {"action": "assign", "ids": [row["id"]], "to": customer.box.rep.id})
    assert given.status_code == 200, given.text

    page.goto("/folders/inbox?source=sms")
    page.get_by_test_id("folder-row").filter(has_text="Billing?").locator(".folder-row-open").click()
    expect(opened(page)).to_contain_text(f"Assigned to you by {colleague['name']}")


def test_on_a_390_px_phone_the_page_covers_the_list_and_back_returns_to_it(page: Page, customer: Customer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/folders/inbox")
    row_of(page, "sms").locator(".folder-row-open").click()
    conversation = opened(page)
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text("Can you send the prices?")
    expect(page.get_by_role("region", name="Conversations in this folder")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = conversation.bounding_box()
    assert box and box["x"] == 0 and box["width"] == 390 and box["y"] + box["height"] <= 844, box
    # The reply is in reach without scrolling the page, and the buttons are 44 px targets.
    reply = conversation.get_by_role("textbox", name=re.compile("^Reply to"))
    field = reply.bounding_box()
    assert field and field["y"] + field["height"] <= 844, field
    for target in [
        conversation.get_by_role("button", name="Back to the list"),
        conversation.get_by_role("toolbar", name="Conversation actions").get_by_role("button", name="Archive"),
    ]:
        target_box = target.bounding_box()
        assert target_box and target_box["height"] >= 44, target_box
    screenshot(page, "folders-conversation-page-phone", full_page=False)

    conversation.get_by_role("button", name="Back to the list").click()
    expect(conversation).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/folders/inbox$"))
    expect(row_of(page, "sms")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

"""Quick replies in the dashboard: written in Settings (add, share, edit, delete; fits a 360 px
phone), then inserted at the caret of an SMS reply and of an email, filled with the record's and
the rep's names, an unknown placeholder kept as typed and pointed out."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from e2e_support import REP_NUMBER, Api, create_record, free_phone, screenshot, tag
from playwright.sync_api import Page, expect

from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser


def quick_replies(api: Api) -> dict[str, dict[str, Any]]:
    answer = api("GET", "/api/quick-replies")
    assert answer.status_code == 200, answer.text
    return {item["title"]: item for item in answer.json()["items"]}


def test_a_quick_reply_written_in_settings_is_inserted_in_an_sms_reply_and_an_email(
    signed_in: Page, api: Api, api_url: str, twilio_auth_token: str
) -> None:
    me = api("GET", "/api/me").json()
    title = f"Pricing {tag()}"
    page = signed_in

    # Settings: a new reply, shared with the team.
    page.goto("/settings")
    section = page.get_by_role("region", name="Quick replies")
    section.get_by_role("button", name="Add quick reply").click()
    form = section.get_by_role("form", name="New quick reply")
    form.get_by_label("Title").fill(title)
    text = form.get_by_label("Text")
    text.fill("Hi , {my_name} here: the prices for {company}. Ref {ref}")
    # A placeholder button inserts at the caret (after "Hi ").
    text.evaluate("(field) => field.setSelectionRange(3, 3)")
    form.get_by_role("group", name="Insert a placeholder").get_by_role("button", name="{first_name}").click()
    expect(text).to_have_value("Hi {first_name}, {my_name} here: the prices for {company}. Ref {ref}")
    form.get_by_label("Share with the team").check()
    form.get_by_role("button", name="Add").click()
    expect(form).to_have_count(0)
    expect(section.get_by_role("status")).to_contain_text("{ref} is not a placeholder")
    row = section.get_by_role("listitem").filter(has_text=title)
    expect(row).to_contain_text("Shared")
    stored = quick_replies(api)[title]
    assert stored["shared"] is True and stored["owner_id"] == me["id"]
    assert stored["body"] == "Hi {first_name}, {my_name} here: the prices for {company}. Ref {ref}"

    # A phone: the list and the form fit 360 px.
    page.set_viewport_size({"width": 360, "height": 760})
    row.get_by_role("button", name=f"Edit “{title}”").click()
    edit = section.get_by_role("form", name=f"Edit “{title}”")
    expect(edit).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = edit.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    screenshot(page, "quick-replies-phone")
    edit.get_by_role("button", name="Cancel").click()
    page.set_viewport_size({"width": 1440, "height": 900})

    # An SMS reply: typed text kept, the reply inserted at the caret, filled for the lead.
    number = free_phone(api)
    address = f"quincy-{uuid.uuid4().hex[:6]}@acme.example"
    lead = create_record(
        api,
        first_name="Quincy",
        last_name=f"Reply{tag()}",
        company_name="Acme",
        phones=[{"number": number, "label": "mobile"}],
        emails=[{"address": address}],
    )
    sent = incoming_sms(api_url, twilio_auth_token, from_number=number, to_number=REP_NUMBER, body="Prices?")
    assert sent.status_code == 200, sent.text
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    panel.get_by_role("button", name=re.compile(re.escape(lead["display_name"]))).click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    reply = conversation.get_by_label(f"Reply to {lead['display_name']}")
    reply.fill("Thanks! See you")
    reply.evaluate("(field) => field.setSelectionRange(7, 7)")  # after "Thanks!"
    conversation.get_by_role("button", name="Quick replies").click()
    conversation.get_by_role("group", name="Quick replies").get_by_role("button", name=re.compile(title)).click()
    filled = f"Hi Quincy, {me['name']} here: the prices for Acme. Ref {{ref}}"
    expect(reply).to_have_value(f"Thanks! {filled} See you")
    expect(reply).to_be_focused()
    expect(conversation.get_by_role("status").filter(has_text="{ref} is not a placeholder")).to_be_visible()
    screenshot(page, "quick-replies-sms")

    # An email from the lead's page: the same reply, in the message.
    page.goto(f"/records/{lead['id']}")
    page.get_by_role("button", name=f"Email {address}").click()
    composer = page.get_by_role("dialog", name=f"Email {lead['display_name']}")
    message = composer.get_by_label("Message")
    composer.get_by_role("button", name="Quick replies").click()
    composer.get_by_role("group", name="Quick replies").get_by_role("button", name=re.compile(title)).click()
    expect(message).to_have_value(filled)
    expect(composer.get_by_role("status").filter(has_text="{ref} is not a placeholder")).to_be_visible()
    screenshot(page, "quick-replies-email")

    # Back in Settings: kept to myself, then deleted.
    page.goto("/settings")
    section = page.get_by_role("region", name="Quick replies")
    row = section.get_by_role("listitem").filter(has_text=title)
    row.get_by_role("button", name=f"Edit “{title}”").click()
    edit = section.get_by_role("form", name=f"Edit “{title}”")
    edit.get_by_label("Share with the team").uncheck()
    edit.get_by_role("button", name="Save").click()
    expect(row).to_contain_text("Only you")
    assert quick_replies(api)[title]["shared"] is False
    row.get_by_role("button", name=f"Delete “{title}”").click()
    page.get_by_role("dialog", name="Delete this quick reply?").get_by_role("button", name="Delete").click()
    expect(section.get_by_role("listitem").filter(has_text=title)).to_have_count(0)
    assert title not in quick_replies(api)

"""Reminders in the dashboard: the picker (Tomorrow, In 3 days, Next week, Pick a date, a note)
and the pending reminders with Cancel, on a record page, on an SMS conversation, and in the email
reader (reply by on an email received, no reply on one sent); the picker fits a 360 px phone."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest
from e2e_mailbox import Mailbox
from e2e_support import REP_NUMBER, Api, create_record, free_phone, screenshot, tag
from playwright.sync_api import Locator, Page, expect

from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser


def reminders_of(api: Callable[..., Any], **on: str) -> list[dict[str, Any]]:
    answer = api("GET", "/api/reminders", **on)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def ask(region: Locator, button: str, choice: str, note: str = "", *, day: date | None = None) -> None:
    """Open the picker with `button`, pick `choice` (a date for Pick a date), write `note`, set it."""
    region.get_by_role("button", name=button).click()
    picker = region.get_by_role("form", name=button)
    picker.get_by_role("group", name="When").get_by_role("button", name=choice).click()
    if day is not None:
        picker.get_by_label("Date").fill(day.isoformat())
    if note:
        picker.get_by_label("Note (optional)").fill(note)
    picker.get_by_role("button", name="Set reminder").click()
    expect(picker).to_have_count(0)


def pending(region: Locator) -> Locator:
    return region.get_by_role("list", name="Pending reminders").locator(":scope > li")


def test_a_follow_up_on_a_record_is_set_listed_and_cancelled_and_fits_a_phone(signed_in: Page, api: Api) -> None:
    contact = create_record(api, kind="contact", first_name="Remi", last_name=f"Minder{tag()}")
    page = signed_in
    page.goto(f"/records/{contact['id']}")
    region = page.get_by_role("region", name="Reminders")

    ask(region, "Remind me", "In 3 days", "Send the quote")
    expect(pending(region)).to_have_count(1)
    expect(pending(region).first).to_contain_text("Follow up")
    expect(pending(region).first).to_contain_text("Send the quote")
    (stored,) = reminders_of(api, record_id=contact["id"])
    assert stored["kind"] == "follow_up" and stored["note"] == "Send the quote" and stored["state"] == "pending"

    # A date picked: listed after the first (due first).
    day = date.today() + timedelta(days=20)
    ask(region, "Remind me", "Pick a date", day=day)
    expect(pending(region)).to_have_count(2)
    later = [r for r in reminders_of(api, record_id=contact["id"]) if r["id"] != stored["id"]]
    assert len(later) == 1 and later[0]["due_at"][:10] in {day.isoformat(), (day - timedelta(days=1)).isoformat()}
    screenshot(page, "reminders-record")

    # Cancel the first: gone here and in the API.
    pending(region).first.get_by_role("button", name=re.compile(r"^Cancel reminder: Follow up")).click()
    expect(pending(region)).to_have_count(1)
    assert [r["id"] for r in reminders_of(api, record_id=contact["id"])] == [later[0]["id"]]

    # A phone: the picker and the list fit 360 px, nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 760})
    region.get_by_role("button", name="Remind me").click()
    picker = region.get_by_role("form", name="Remind me")
    expect(picker).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for part in (picker, pending(region).first):
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    screenshot(page, "reminders-phone")


def test_a_follow_up_on_an_sms_conversation(signed_in: Page, api: Api, api_url: str, twilio_auth_token: str) -> None:
    number = free_phone(api)
    lead = create_record(
        api, first_name="Tex", last_name=f"Ting{tag()}", phones=[{"number": number, "label": "mobile"}]
    )
    sent = incoming_sms(api_url, twilio_auth_token, from_number=number, to_number=REP_NUMBER, body="Call me Friday?")
    assert sent.status_code == 200, sent.text
    page = signed_in
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    panel.get_by_role("button", name=re.compile(re.escape(lead["display_name"]))).click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    region = conversation.get_by_role("region", name="Reminders")

    ask(region, "Remind me", "Tomorrow", "Call back")
    expect(pending(region)).to_have_count(1)
    expect(pending(region).first).to_contain_text("Call back")
    (stored,) = reminders_of(api, record_id=lead["id"])
    assert stored["conversation_id"] and stored["kind"] == "follow_up"
    assert reminders_of(api, conversation_id=stored["conversation_id"])[0]["id"] == stored["id"]
    screenshot(page, "reminders-sms")

    pending(region).first.get_by_role("button", name=re.compile(r"^Cancel reminder")).click()
    expect(pending(region)).to_have_count(0)
    assert reminders_of(api, record_id=lead["id"]) == []


def sent_to(mailbox: Mailbox, to: str, subject: str) -> None:
    """An email the rep sent from their own client, in their Sent folder."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = mailbox.address, to, subject
    mail["Date"] = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    mail["Message-ID"] = make_msgid(domain="commcenter.test")
    mail.set_content(f"Text of {subject}\n")
    assert mailbox.servers.dovecot is not None
    mailbox.servers.dovecot.append(mailbox.user, "Sent", bytes(mail))


def test_reply_by_on_an_email_received_and_no_reply_on_one_sent(page: Page, mailbox: Mailbox) -> None:
    customer = f"buyer-{uuid.uuid4().hex[:6]}@acme.example"
    create_record(mailbox.api, kind="lead", first_name="Bea", last_name="Buyer", emails=[{"address": customer}])
    mailbox.receive(customer, "Can you quote?", days_ago=0.1)
    sent_to(mailbox, customer, "Our quote")
    mailbox.poll()

    page.goto("/center/email")
    page.get_by_role("region", name="Inbox", exact=True).get_by_role("button", name="Can you quote?").click()
    reader = page.get_by_role("region", name="Email", exact=True)
    expect(reader.get_by_role("heading", name="Can you quote?")).to_be_visible()
    region = reader.get_by_role("region", name="Reminders")
    ask(region, "Remind me to reply", "Next week")
    expect(pending(region)).to_have_count(1)
    expect(pending(region).first).to_contain_text("Reply by")
    record_id = _record_of(mailbox, customer)
    assert [r["kind"] for r in reminders_of(mailbox.api, record_id=record_id)] == ["reply_by"]
    screenshot(page, "reminders-email")

    page.get_by_role("button", name="Sent").click()
    page.get_by_role("region", name="Sent", exact=True).get_by_role("button", name="Our quote").click()
    expect(reader.get_by_role("heading", name="Our quote")).to_be_visible()
    region = reader.get_by_role("region", name="Reminders")
    expect(pending(region)).to_have_count(0)  # the other email's reminder is not this one's
    ask(region, "Alert me if no reply", "In 3 days", "Chase them")
    expect(pending(region)).to_have_count(1)
    expect(pending(region).first).to_contain_text("No reply by")
    kinds = sorted(r["kind"] for r in reminders_of(mailbox.api, record_id=record_id))
    assert kinds == ["no_reply", "reply_by"]

    pending(region).first.get_by_role("button", name=re.compile(r"^Cancel reminder")).click()
    expect(pending(region)).to_have_count(0)
    assert [r["kind"] for r in reminders_of(mailbox.api, record_id=record_id)] == ["reply_by"]


def _record_of(mailbox: Mailbox, address: str) -> str:
    found = mailbox.api("GET", "/api/search", q=address).json()["items"]
    return str(found[0]["id"])

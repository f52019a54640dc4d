"""A message's details: its Twilio MessageSid, shown and copyable, in the center and on the record.

The README's local recipe rests on it: send a text (kept in the sandbox outbox), copy its
MessageSid from the message's details, and play Twilio's status callback for it with
`commcenter simulate sms --status delivered --sid SM...` (here `simulate.sms_status`).
"""

from __future__ import annotations

import re
import uuid

import pytest
from e2e_support import REP_NUMBER, Api, create_record, format_phone, free_phone, screenshot, tag
from playwright.sync_api import Locator, Page, expect

from commcenter_local.simulate import incoming_sms, new_sid, sms_status

pytestmark = pytest.mark.browser


def details_of(message: Locator) -> Locator:
    """The message's details, opened."""
    message.get_by_text("Details", exact=True).click()
    details = message.get_by_role("group").filter(has=message.page.get_by_text("Message ID"))
    expect(details).to_be_visible()
    return details


def test_a_messages_sid_is_shown_copied_and_drives_its_status_callback(
    signed_in: Page, api: Api, api_url: str, twilio_auth_token: str, dashboard_url: str
) -> None:
    marker = tag()
    number = free_phone(api)
    lead = create_record(
        api, first_name="Sid", last_name=f"Details{marker}", phones=[{"number": number, "label": "mobile"}]
    )
    inbound_sid = new_sid("SM")
    received = incoming_sms(
        api_url, twilio_auth_token, from_number=number, to_number=REP_NUMBER, body=f"Hi {marker}", sid=inbound_sid
    )
    assert received.status_code == 200, received.text
    sent = api(
        "POST",
        "/api/sms/messages",
        {"to": number, "body": f"Reply {marker}", "client_request_id": str(uuid.uuid4()), "record_id": lead["id"]},
    )
    assert sent.status_code in (200, 201), sent.text
    outbound_sid = sent.json()["external_id"]
    assert outbound_sid and outbound_sid.startswith("SM")

    page = signed_in
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=dashboard_url)
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    panel.get_by_role("button", name=re.compile(re.escape(lead["display_name"]))).click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    bubbles = conversation.get_by_role("list", name="Messages").locator(":scope > li")
    expect(bubbles).to_have_count(2)

    incoming = details_of(bubbles.nth(0))
    expect(incoming).to_contain_text(inbound_sid)
    expect(incoming).to_contain_text(format_phone(number))
    expect(incoming).to_contain_text("1 segment · GSM-7")

    outgoing = details_of(bubbles.nth(1))
    expect(outgoing).to_contain_text(outbound_sid)
    outgoing.get_by_role("button", name="Copy message ID").click()
    expect(outgoing.get_by_role("status")).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == outbound_sid
    screenshot(page, "sms-message-details")

    # What the README says to do with it: Twilio's status callback for that MessageSid.
    callback = sms_status(
        api_url, twilio_auth_token, message_sid=copied, status="delivered", from_number=REP_NUMBER, to_number=number
    )
    assert callback.status_code == 200, callback.text

    # The record's feed shows the same details, and the delivery the callback reported.
    page.goto(f"/records/{lead['id']}")
    items = page.get_by_role("region", name="Activity").get_by_role("list", name="Activities").locator(":scope > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Delivered")
    expect(details_of(items.nth(0))).to_contain_text(outbound_sid)
    expect(details_of(items.nth(1))).to_contain_text(inbound_sid)

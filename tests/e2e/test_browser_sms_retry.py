"""A failed outbound SMS retried from the conversation (issue 14): the rep's Retry button, the
message "Retrying…" until the reminders' sweep sends it through Twilio (the local stand-in of its
Messages API), then its new status, without reloading the page."""

from __future__ import annotations

import uuid

import pytest
from e2e_support import REP_NUMBER, Api, tag
from playwright.sync_api import Page, expect
from test_browser_sms import InboundSms, conversation_row, messages, sms_center, sms_from, texting_lead

from commcenter.services import reminders
from commcenter_local.twilio_stand_in import Behaviour, TwilioStandIn

pytestmark = pytest.mark.browser
__all__ = ["sms_from"]  # the fixture, shared with the SMS tests

REFUSED = Behaviour("error", status=400, code=30003, message="Unreachable destination handset")


def test_a_failed_sms_is_retried_from_the_conversation(
    signed_in: Page, api: Api, sms_from: InboundSms, twilio_api: TwilioStandIn
) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Rory", f"Retry{marker}")
    sms_from(number, f"Send me the price {marker}")
    twilio_api.answer_next(REFUSED)
    body = f"The price is 40 {marker}"
    sent = api(
        "POST",
        "/api/sms/messages",
        {"to": number, "body": body, "record_id": lead["id"], "client_request_id": uuid.uuid4().hex},
    )
    assert sent.status_code == 201 and sent.json()["data"]["status"] == "failed"

    page = signed_in
    panel = sms_center(page)
    conversation_row(panel, lead["display_name"]).click()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    failed = messages(conversation).filter(has_text=body)
    expect(failed).to_contain_text("Failed")
    expect(failed).to_contain_text("unreachable")
    # Only the rep's own failed message offers it: not the one received.
    expect(conversation.get_by_role("button", name="Retry")).to_have_count(1)

    with page.expect_response(lambda r: r.url.endswith(f"/messages/{sent.json()['id']}/retry")) as answer:
        failed.get_by_role("button", name="Retry").click()
    assert answer.value.status == 200
    expect(failed).to_contain_text("Retrying…")
    expect(failed.get_by_role("button", name="Retry")).to_have_count(0)
    expect(failed).not_to_contain_text("unreachable")
    assert twilio_api.messages == []

    reminders.sweep_due_reminders(mail=False)  # the reminders function's next run
    (at_twilio,) = twilio_api.messages
    assert (at_twilio["from"], at_twilio["to"], at_twilio["body"]) == (REP_NUMBER, number, body)
    expect(failed).to_contain_text("Queued", timeout=15_000)  # the thread asked again by itself
    expect(failed).not_to_contain_text("Retrying…")
    expect(failed).not_to_contain_text("Failed")

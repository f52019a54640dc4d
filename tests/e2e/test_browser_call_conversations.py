"""Calls as conversations in the dashboard: a rep's calls are rows of the folders, beside the
texts and emails, and the Calls source lists them alone: a missed call unread, an answered one
read with its length, one the rep placed without "You:". A rep of their own with a Twilio number
and a forwarding number; the calls driven through the signed voice webhooks as Twilio drives them."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable

import pytest
from e2e_support import screenshot
from playwright.sync_api import Locator, Page, expect

from commcenter.data import reps as reps_data
from commcenter.domain.reps import Rep
from commcenter_local.simulate import incoming_sms, new_sid, post_to, post_webhook, simulate_call, voice_params

pytestmark = pytest.mark.browser


def fictional(prefix: str) -> str:
    """A number of a fictional range no other test uses."""
    return f"+1{prefix}555{random.randrange(1000, 9999)}"


def rows(page: Page) -> Locator:
    return page.get_by_test_id("folder-row")


def test_a_reps_calls_are_rows_of_the_folders_and_the_calls_source_lists_them(
    page: Page, api_url: str, twilio_auth_token: str, dev_token: Callable[[str], str]
) -> None:
    suffix = uuid.uuid4().hex[:8]
    number = fictional("308")
    rep = Rep(
        id=f"rep-calls-{suffix}",
        name=f"Cole {suffix}",
        email=f"cole-{suffix}@northwind.example",
        twilio_number=number,
        client_identity=f"cole-{suffix}",
        forwarding_number=fictional("309"),
        settings={"voicemail": False},  # a call nobody answers is missed, no voicemail left
    )
    reps_data.create(rep)
    missed, answered, called = fictional("606"), fictional("607"), fictional("608")
    simulate_call(api_url, twilio_auth_token, from_number=missed, to_number=number, outcome="no-answer")
    simulate_call(api_url, twilio_auth_token, from_number=answered, to_number=number, outcome="answered")
    # A call the rep places from the browser, answered and then ended after 3 minutes.
    sid = new_sid("CA")
    client = f"client:{rep.client_identity}"
    placed = [("CallSid", sid), ("CallStatus", "ringing"), ("Direction", "inbound"),
              ("From", client), ("Caller", client), ("To", called)]  # fmt: skip
    assert post_webhook(api_url, twilio_auth_token, "/twilio/voice/outgoing", placed).status_code == 200
    leg = [*voice_params(new_sid("CA"), number, called, "completed"), ("ParentCallSid", sid),
           ("SequenceNumber", "3"), ("CallDuration", "185")]  # fmt: skip
    assert post_to(f"{api_url}/twilio/voice/status", twilio_auth_token, leg).status_code == 200
    # And a text from the missed caller, so that the Calls source has something to leave out.
    assert incoming_sms(api_url, twilio_auth_token, from_number=missed, to_number=number, body="Call me").ok

    page.goto(f"/#token={dev_token(rep.email)}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(rep.name)
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(4)
    page.get_by_role("group", name="Source").get_by_role("button", name="Calls").click()
    expect(page).to_have_url(re.compile(r"/folders/inbox\?source=call$"))
    expect(rows(page)).to_have_count(3)
    for n in range(3):
        expect(rows(page).nth(n)).to_have_attribute("data-channel", "call")
    # Newest first: the call placed, the answered one, the missed one.
    expect(rows(page).nth(0)).to_contain_text("Call, 3 min")
    expect(rows(page).nth(0)).not_to_contain_text("You:")
    expect(rows(page).nth(1)).to_contain_text("Call, 47 s")
    expect(rows(page).nth(2)).to_contain_text("Missed call")
    expect(rows(page).nth(2)).to_have_class(re.compile(r"\bunread\b"))
    expect(rows(page).nth(1)).not_to_have_class(re.compile(r"\bunread\b"))
    expect(rows(page).nth(0).get_by_title("call")).to_be_visible()  # the phone icon
    inbox = page.get_by_role("navigation", name="Folders").locator('[data-folder="inbox"]')
    expect(inbox).to_have_text(re.compile(r"Inbox\s*1$"))  # the calls' unread: the missed one
    screenshot(page, "folders-calls")

    # Reloaded, the source stays; the missed call archived by the bar leaves the Inbox's calls.
    page.reload()
    expect(rows(page)).to_have_count(3)
    rows(page).nth(2).get_by_role("checkbox").check()
    page.get_by_role("toolbar", name="Selected conversations").get_by_role("button", name="Archive").click()
    expect(rows(page)).to_have_count(2)
    expect(inbox).to_have_text("Inbox")

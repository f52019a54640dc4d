"""The softphone in the dashboard: going online and offline, incoming and outgoing calls, summaries.

The test stack has no Twilio credentials, so these tests serve a stand-in for the Voice SDK
(voice_sdk_double.js) in place of its chunk, and a fake token: the app runs unchanged and every
SDK call it makes is written down.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    Api,
    CallFrom,
    call_rows,
    calling_lead,
    fictional_caller,
    format_phone,
    screenshot,
    tag,
)
from playwright.sync_api import Locator, Page, Request, Route, expect

pytestmark = pytest.mark.browser

SDK_CHUNK = "**/assets/twilio-voice-*.js"
FAKE_TOKEN = "fake.voice.token"
DOUBLE = (Path(__file__).with_name("voice_sdk_double.js")).read_text()


def is_presence(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/voice/presence")


def notes_of(api: Api, record_id: str) -> list[str]:
    response = api("GET", f"/api/records/{record_id}/activities", type="note")
    assert response.status_code == 200, response.text
    return [str(item["body"]) for item in response.json()["items"]]


@dataclass
class VoiceDouble:
    """The SDK stand-in as the test sees it: what the app asked of it, and how to play the far end."""

    page: Page
    token_requests: list[str] = field(default_factory=list)

    def log(self) -> list[list[Any]]:
        return list(self.page.evaluate("() => (window.__voice ? window.__voice.log : [])"))

    def calls(self) -> list[list[Any]]:
        """What the app asked of the Device and its calls, leaving out the Device's creation."""
        return [entry for entry in self.log() if entry[0] != "new Device"]

    def wait_for(self, *entry: Any) -> None:
        self.page.wait_for_function(
            "entry => (window.__voice?.log ?? []).some((e) => JSON.stringify(e) === entry)",
            arg=json.dumps(list(entry), separators=(",", ":")),
        )

    def ring(self, number: str) -> None:
        self.page.evaluate("number => window.__voice.device.ring(number)", number)

    def far_end(self, event: str) -> None:
        """The other party answers ("accept"), hangs up ("disconnect") or gives up ringing ("cancel")."""
        self.page.evaluate("event => window.__voice.call.emit(event, window.__voice.call)", event)


@pytest.fixture
def voice(page: Page) -> VoiceDouble:
    double = VoiceDouble(page)

    def token(route: Route) -> None:
        double.token_requests.append(route.request.headers.get("authorization", ""))
        route.fulfill(json={"token": FAKE_TOKEN, "identity": "alice", "expires_in": 3600})

    page.route("**/api/voice/token", token)
    page.route(SDK_CHUNK, lambda route: route.fulfill(status=200, content_type="text/javascript", body=DOUBLE))
    return double


def phone_panel(page: Page) -> tuple[Locator, Locator]:
    """The top bar's Phone button and the panel it opens."""
    button = page.get_by_role("button", name=re.compile(r"^Phone"))
    panel = page.get_by_role("region", name="Phone")
    if not panel.is_visible():
        button.click()
    expect(panel).to_be_visible()
    return button, panel


def go_online(page: Page) -> tuple[Locator, Locator]:
    button, panel = phone_panel(page)
    with page.expect_request(is_presence) as presence:
        panel.get_by_label("Receive calls in this browser").check()
    assert presence.value.post_data_json == {"online": True, "on_call": False}
    expect(button).to_contain_text("Online")
    return button, panel


def test_without_twilio_credentials_the_phone_explains_and_stays_offline(signed_in: Page) -> None:
    page = signed_in
    sdk: list[str] = []
    page.on("request", lambda request: sdk.append(request.url) if "twilio-voice" in request.url else None)
    button, panel = phone_panel(page)
    expect(button).to_contain_text("Offline")
    with page.expect_response("**/api/voice/token") as token:
        panel.get_by_label("Receive calls in this browser").click()
    assert token.value.status == 409
    expect(panel.get_by_role("status")).to_contain_text("Browser calling needs Twilio credentials")
    expect(panel.get_by_label("Receive calls in this browser")).to_have_count(0)
    expect(panel.get_by_label("Call a lead or contact")).to_have_count(0)
    expect(button).to_contain_text("Not set up")
    screenshot(page, "phone-not-configured", full_page=False)
    assert sdk == []  # the SDK is never downloaded for nothing


def test_going_online_registers_the_device_and_tells_the_api_every_minute(
    page: Page, token: str, voice: VoiceDouble
) -> None:
    page.clock.install()
    sdk: list[str] = []
    page.on("request", lambda request: sdk.append(request.url) if "twilio-voice" in request.url else None)
    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_be_visible()
    assert sdk == [] and voice.token_requests == []  # nothing is loaded before the phone is used

    button, panel = go_online(page)
    assert voice.token_requests == [f"Bearer {token}"]
    assert len(sdk) == 1
    assert voice.log()[:2] == [["new Device", FAKE_TOKEN, {"closeProtection": True}], ["register"]]

    with page.expect_request(is_presence) as heartbeat:
        page.clock.fast_forward("01:01")
    assert heartbeat.value.post_data_json == {"online": True, "on_call": False}
    screenshot(page, "phone-online", full_page=False)

    with page.expect_request(is_presence) as offline:
        panel.get_by_label("Receive calls in this browser").uncheck()
    assert offline.value.post_data_json == {"online": False, "on_call": False}
    expect(button).to_contain_text("Offline")
    assert voice.calls() == [["register"], ["unregister"]]
    page.keyboard.press("Escape")  # the panel goes away, the focus back to the Phone button
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()


def test_incoming_call_controls_reach_the_sdk_and_the_summary_is_saved_on_the_record(
    signed_in: Page, api: Api, voice: VoiceDouble
) -> None:
    marker = tag()
    number = fictional_caller(api)
    lead = calling_lead(api, f"Ringing{marker}", number)
    page = signed_in
    button, panel = go_online(page)
    voice.ring(number)
    incoming = panel.get_by_role("alert", name="Incoming call")
    expect(incoming).to_contain_text(lead["display_name"])  # the number, looked up
    expect(incoming).to_contain_text(format_phone(number))
    expect(button).to_contain_text("Ringing")
    screenshot(page, "phone-incoming", full_page=False)

    with page.expect_request(is_presence) as busy:
        incoming.get_by_role("button", name="Accept").click()
    assert busy.value.post_data_json == {"online": True, "on_call": True}
    expect(panel.get_by_role("timer", name="Call duration")).to_have_text(re.compile(r"^0:0\d$"))
    expect(button).to_contain_text("On a call")

    mute = panel.get_by_role("button", name="Mute")
    mute.click()
    expect(panel.get_by_role("button", name="Muted")).to_have_attribute("aria-pressed", "true")
    panel.get_by_role("button", name="Muted").click()
    expect(mute).to_have_attribute("aria-pressed", "false")
    panel.get_by_role("button", name="Keypad").click()
    keypad = panel.get_by_role("group", name="Keypad")
    keypad.get_by_role("button", name="1", exact=True).click()
    keypad.get_by_role("button", name="#", exact=True).click()
    expect(keypad.get_by_label("Digits sent")).to_have_text("1#")
    panel.get_by_label("Notes").fill(f"Wants a demo {marker}")
    screenshot(page, "phone-in-call", full_page=False)

    with page.expect_request(is_presence) as free:
        panel.get_by_role("button", name="Hang up").click()
    assert free.value.post_data_json == {"online": True, "on_call": False}
    assert voice.calls() == [
        ["register"],
        ["accept"],
        ["mute", True],
        ["mute", False],
        ["sendDigits", "1"],
        ["sendDigits", "#"],
        ["disconnect"],
    ]

    summary = panel.get_by_role("form", name="Call summary")
    expect(summary).to_contain_text(f"Call from {lead['display_name']}")
    expect(summary.get_by_label("Outcome")).to_have_value("Connected")  # the team's first outcome
    summary.get_by_label("Outcome").select_option("Call back later")
    expect(summary.get_by_label("Notes")).to_have_value(f"Wants a demo {marker}")
    summary.get_by_label("Follow-up date (optional)").fill("2026-12-01")
    screenshot(page, "phone-summary", full_page=False)
    summary.get_by_role("button", name="Save summary").click()
    expect(panel.get_by_role("status")).to_contain_text(f"The summary is saved on {lead['display_name']}")

    notes = notes_of(api, lead["id"])
    assert len(notes) == 1
    assert re.fullmatch(
        rf"Call summary — Incoming call, 0:\d\d\nOutcome: Call back later\nFollow-up: Dec 1, 2026\n\n"
        rf"Wants a demo {marker}",
        notes[0],
    ), notes[0]
    panel.get_by_role("button", name="Done").click()
    expect(panel.get_by_label("Call a lead or contact")).to_be_visible()


def test_an_incoming_call_declined_sent_on_or_given_up_leaves_no_summary(
    signed_in: Page, api: Api, voice: VoiceDouble
) -> None:
    stranger = fictional_caller(api)
    page = signed_in
    button, panel = go_online(page)
    incoming = panel.get_by_role("alert", name="Incoming call")

    voice.ring(stranger)
    expect(incoming).to_contain_text(format_phone(stranger))
    incoming.get_by_role("button", name="Send to forwarding").click()  # Alice has a forwarding number
    expect(incoming).to_have_count(0)
    voice.ring(stranger)
    incoming.get_by_role("button", name="Decline").click()
    expect(incoming).to_have_count(0)
    voice.ring(stranger)
    expect(incoming).to_be_visible()
    voice.far_end("cancel")  # the caller hung up first
    expect(incoming).to_have_count(0)

    assert voice.calls() == [["register"], ["reject"], ["reject"]]
    expect(panel.get_by_role("form", name="Call summary")).to_have_count(0)
    expect(panel.get_by_label("Call a lead or contact")).to_be_visible()
    expect(button).to_contain_text("Online")


def test_outgoing_calls_from_the_phone_search_the_record_page_and_the_calls_tab(
    signed_in: Page, api: Api, voice: VoiceDouble, call_from: CallFrom
) -> None:
    marker = tag()
    first, second = fictional_caller(api), fictional_caller(api)
    lead = calling_lead(api, f"Dialled{marker}", first, second)
    call_from(first, "answered")
    page = signed_in
    presence: list[str] = []
    page.on("request", lambda request: presence.append(request.url) if is_presence(request) else None)

    # From the phone: find the lead, pick one of its numbers.
    button, panel = phone_panel(page)
    panel.get_by_label("Call a lead or contact").fill(f"Dialled{marker}")
    panel.get_by_role("button", name=re.compile(lead["display_name"])).click()
    numbers = panel.get_by_role("list", name=f"Numbers of {lead['display_name']}")
    expect(numbers.get_by_role("listitem")).to_have_count(2)
    screenshot(page, "phone-dialer", full_page=False)
    numbers.get_by_role("button", name=f"Call {format_phone(second)}").click()
    timer = panel.get_by_role("timer", name="Call duration")
    expect(timer).to_have_text("Calling…")
    voice.wait_for("connect", {"To": second})
    assert voice.token_requests == [voice.token_requests[0]]  # a token for the Device, once
    voice.far_end("accept")
    expect(timer).to_have_text(re.compile(r"^0:0\d$"))
    expect(panel).to_contain_text("Outgoing call")
    panel.get_by_role("button", name="Hang up").click()
    summary = panel.get_by_role("form", name="Call summary")
    expect(summary).to_contain_text(f"Call to {lead['display_name']}")
    summary.get_by_role("button", name="Skip").click()
    expect(summary).to_have_count(0)

    # From the record page (reached without reloading: the phone stays): a Call button per number.
    search = page.get_by_role("combobox", name="Search leads, contacts and deals")
    search.fill(f"Dialled{marker}")
    expect(page.get_by_role("option", name=re.compile(lead["display_name"]))).to_be_visible()
    search.press("Enter")
    details = page.get_by_role("region", name="Details")
    details.get_by_role("button", name=f"Call {format_phone(first)}").click()
    voice.wait_for("connect", {"To": first})
    expect(page.get_by_role("button", name=f"Call {format_phone(second)}")).to_be_disabled()  # one call at a time
    voice.far_end("disconnect")  # nobody answered: the far end hung up
    expect(panel.get_by_role("form", name="Call summary")).to_contain_text("Not answered")
    panel.get_by_role("button", name="Skip").click()

    # From the Calls tab: Call back.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Communication center").click()
    page.get_by_role("tab", name="Calls").click()
    matched = page.get_by_role("region", name="Matched calls")
    call_rows(matched, lead["display_name"]).first.click()
    matched.get_by_role("button", name=f"Call back {format_phone(first)}").click()
    voice.wait_for("connect", {"To": first})
    panel.get_by_role("button", name="Hang up").click()

    assert voice.calls() == [
        ["connect", {"To": second}],
        ["disconnect"],
        ["connect", {"To": first}],
        ["connect", {"To": first}],
        ["disconnect"],
    ]
    assert len(voice.token_requests) == 1
    assert presence == []  # offline: calls out say nothing about ringing here
    expect(button).to_contain_text("Offline")

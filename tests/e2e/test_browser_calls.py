"""Calls in the dashboard: the center's Calls tab and the softphone.

Calls reach the stack through `commcenter_local.simulate.simulate_call`: the signed webhooks
Twilio would send for a call to the rep's number (the rep is offline, so it goes to the
forwarding number, then voicemail). The test stack has no Twilio credentials, so the softphone
tests serve a stand-in for the Voice SDK (voice_sdk_double.js) in place of its chunk, and a fake
token: the app runs unchanged and every SDK call it makes is written down.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    REP_NUMBER,
    Api,
    call_counts,
    create_record,
    fictional_caller,
    format_phone,
    screenshot,
    tag,
)
from playwright.sync_api import Locator, Page, Request, Route, expect

from commcenter_local.simulate import CallOutcome, simulate_call

pytestmark = pytest.mark.browser

CallFrom = Callable[[str, CallOutcome], None]

SDK_CHUNK = "**/assets/twilio-voice-*.js"
FAKE_TOKEN = "fake.voice.token"
DOUBLE = (Path(__file__).with_name("voice_sdk_double.js")).read_text()


@pytest.fixture
def call_from(api_url: str, twilio_auth_token: str) -> CallFrom:
    """A call from `number` to the signed-in rep's number, as Twilio drives it."""

    def call(number: str, outcome: CallOutcome) -> None:
        simulate_call(api_url, twilio_auth_token, from_number=number, to_number=REP_NUMBER, outcome=outcome)

    return call


def calling_lead(api: Api, last_name: str, *numbers: str, **fields: Any) -> dict[str, Any]:
    phones = [{"number": number, "label": label} for number, label in zip(numbers, ("mobile", "work"), strict=False)]
    lead: dict[str, Any] = create_record(api, first_name="Carla", last_name=last_name, phones=phones, **fields)
    return lead


def calls_center(page: Page) -> Locator:
    page.goto("/center/calls")
    panel = page.get_by_role("tabpanel")
    expect(panel.get_by_role("button", name="New call")).to_be_visible()
    return panel


def call_rows(list_region: Locator, name: str) -> Locator:
    """The row heads (buttons that expand) of the calls with `name` (a record's name, a number)."""
    return list_region.get_by_role("button", name=re.compile("^" + re.escape(name)))


def is_seen(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/calls/seen")


def is_presence(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/voice/presence")


def notes_of(api: Api, record_id: str) -> list[str]:
    response = api("GET", f"/api/records/{record_id}/activities", type="note")
    assert response.status_code == 200, response.text
    return [str(item["body"]) for item in response.json()["items"]]


# ---------------------------------------------------------------- the Calls tab


def test_missed_calls_are_counted_in_brackets_until_the_tab_is_seen(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    assert api("POST", "/api/calls/seen").status_code == 204
    marker = tag()
    known, stranger = fictional_caller(api), fictional_caller(api)
    lead = calling_lead(api, f"Counted{marker}", known, status="working")
    call_from(known, "no-answer")  # forwarding did not answer either: voicemail, missed
    call_from(known, "answered")  # answered at the forwarding number
    call_from(stranger, "busy")
    assert call_counts(api) == {"matched": 1, "unmatched": 1}

    page = signed_in
    with page.expect_request(is_seen) as seen:
        panel = calls_center(page)
        expect(panel.get_by_role("button", name="Matched (1)", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(panel.get_by_role("button", name="Unmatched (1)", exact=True)).to_be_visible()
    assert seen.value.response() is not None and seen.value.response().status == 204  # type: ignore[union-attr]

    matched = panel.get_by_role("region", name="Matched calls")
    rows = call_rows(matched, lead["display_name"])
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Incoming call · 0:47")  # newest first
    expect(rows.nth(0)).not_to_contain_text("Missed")
    expect(rows.nth(1)).to_contain_text("Missed call")
    expect(rows.nth(1)).to_contain_text("Voicemail")
    expect(rows.nth(1)).to_contain_text("Working")
    expect(rows.nth(1).get_by_text("Voicemail recorded")).to_be_attached()
    expect(rows.nth(1)).to_contain_text(format_phone(known))
    screenshot(page, "calls-matched")

    # Seen: the API counts from zero again, and so do the brackets on the next visit.
    assert call_counts(api) == {"matched": 0, "unmatched": 0}
    page.reload()
    expect(panel.get_by_role("button", name="Matched (0)", exact=True)).to_be_visible()
    expect(panel.get_by_role("button", name="Unmatched (0)", exact=True)).to_be_visible()

    # A row expands from the keyboard into the call's facts.
    rows.nth(0).focus()
    page.keyboard.press("Enter")
    expect(rows.nth(0)).to_have_attribute("aria-expanded", "true")
    details = matched.get_by_role("region", name=f"Call with {lead['display_name']}")
    expect(details).to_contain_text(f"From{format_phone(known)}")
    expect(details).to_contain_text("Answered byYour forwarding number")
    expect(details).to_contain_text("Duration0:47")
    details.get_by_role("link", name="Open lead").click()
    expect(page).to_have_url(re.compile(f"/records/{lead['id']}$"))


def test_show_only_missed_calls_across_sections_and_filter_matched_by_status(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    known, stranger = fictional_caller(api), fictional_caller(api)
    lead = calling_lead(api, f"Status{marker}", known, status="qualified")
    call_from(known, "voicemail")
    call_from(stranger, "no-answer")
    call_from(known, "answered")

    page = signed_in
    panel = calls_center(page)
    matched = panel.get_by_role("region", name="Matched calls")
    expect(call_rows(matched, lead["display_name"])).to_have_count(2)
    status = panel.get_by_label("Status")
    status.select_option("qualified")
    expect(call_rows(matched, lead["display_name"])).to_have_count(2)
    status.select_option("unqualified")
    expect(call_rows(matched, lead["display_name"])).to_have_count(0)
    status.select_option("")

    panel.get_by_label("Show only missed calls").check()
    missed = panel.get_by_role("region", name="Missed calls")
    expect(call_rows(missed, lead["display_name"])).to_have_count(1)  # the answered call is not there
    expect(call_rows(missed, format_phone(stranger))).to_have_count(1)  # nor only Matched
    expect(call_rows(missed, lead["display_name"])).to_contain_text("Missed call")
    expect(panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$"))).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(panel.get_by_label("Status")).to_have_count(0)
    screenshot(page, "calls-missed-only")

    # An unknown caller's missed call offers what Unmatched offers.
    call_rows(missed, format_phone(stranger)).click()
    details = missed.get_by_role("region", name=f"Call with {format_phone(stranger)}")
    expect(details.get_by_role("button", name="Add to CRM")).to_be_visible()
    expect(details).to_contain_text("Answered byVoicemail")
    expect(details).to_contain_text("not copied here yet")  # no Twilio account: the recording stays there

    panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$")).click()
    expect(panel.get_by_label("Show only missed calls")).not_to_be_checked()
    expect(call_rows(panel.get_by_role("region", name="Matched calls"), lead["display_name"])).to_have_count(2)


def unmatched_calls(page: Page) -> tuple[Locator, Locator]:
    panel = calls_center(page)
    panel.get_by_role("button", name=re.compile(r"^Unmatched \(\d+\)$")).click()
    return panel, panel.get_by_role("region", name="Unmatched calls")


def test_unmatched_caller_added_to_the_crm_takes_its_calls_to_matched(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    stranger = fictional_caller(api)
    call_from(stranger, "busy")
    call_from(stranger, "answered")
    page = signed_in
    panel, unmatched = unmatched_calls(page)
    rows = call_rows(unmatched, format_phone(stranger))
    expect(rows).to_have_count(2)
    rows.first.click()
    details = unmatched.get_by_role("region", name=f"Call with {format_phone(stranger)}")
    screenshot(page, "calls-unmatched")
    details.get_by_role("button", name="Add to CRM").click()
    dialog = page.get_by_role("dialog", name="Add to CRM")
    expect(dialog.get_by_label("Mobile phone")).to_have_value(stranger)
    dialog.get_by_label("First name").fill("Ivan")
    dialog.get_by_label("Last name").fill(f"Caller{marker}")
    dialog.get_by_role("button", name="Add lead").click()
    expect(dialog).to_be_hidden()

    name = f"Ivan Caller{marker}"
    notice = panel.get_by_role("status")
    expect(notice).to_contain_text(f"was added as a lead: {name}. Its calls are now under Matched.")
    expect(notice).to_be_focused()
    expect(rows).to_have_count(0)  # both calls left
    panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$")).click()
    expect(call_rows(panel.get_by_role("region", name="Matched calls"), name)).to_have_count(2)
    hits = api("GET", "/api/search", q=f"Caller{marker}").json()["items"]
    assert [hit["display_name"] for hit in hits] == [name]
    calls = api("GET", f"/api/records/{hits[0]['id']}/activities", type="call").json()["items"]
    assert len(calls) == 2


def test_unmatched_caller_added_to_an_existing_record(signed_in: Page, api: Api, call_from: CallFrom) -> None:
    marker = tag()
    own, stranger = fictional_caller(api), fictional_caller(api)
    lead = calling_lead(api, f"Existing{marker}", own)
    call_from(stranger, "no-answer")
    page = signed_in
    panel, unmatched = unmatched_calls(page)
    call_rows(unmatched, format_phone(stranger)).click()
    details = unmatched.get_by_role("region", name=f"Call with {format_phone(stranger)}")
    details.get_by_role("button", name="Add to existing").click()
    dialog = page.get_by_role("dialog", name="Add to an existing record")
    dialog.get_by_label(re.compile("Which lead or contact")).fill(f"Existing{marker}")
    dialog.get_by_role("button", name=re.compile(lead["display_name"])).click()
    dialog.get_by_role("button", name="Add number").click()
    expect(dialog).to_be_hidden()
    expect(panel.get_by_role("status")).to_contain_text(f"was added to {lead['display_name']}")
    expect(call_rows(unmatched, format_phone(stranger))).to_have_count(0)
    record = api("GET", f"/api/records/{lead['id']}").json()
    assert {phone["number"] for phone in record["phones"]} == {own, stranger}
    assert len(api("GET", f"/api/records/{lead['id']}/activities", type="call").json()["items"]) == 1


def test_ignored_callers_leave_unmatched_and_come_back(signed_in: Page, api: Api, call_from: CallFrom) -> None:
    stranger = fictional_caller(api)
    call_from(stranger, "no-answer")
    page = signed_in
    panel, unmatched = unmatched_calls(page)
    call_rows(unmatched, format_phone(stranger)).click()
    unmatched.get_by_role("region", name=f"Call with {format_phone(stranger)}").get_by_role(
        "button", name="Ignore"
    ).click()
    expect(call_rows(unmatched, format_phone(stranger))).to_have_count(0)
    expect(panel.get_by_role("status")).to_contain_text(f"{format_phone(stranger)} is ignored.")

    panel.get_by_label("Show ignored numbers").check()
    ignored = panel.get_by_role("region", name="Ignored numbers")
    call_rows(ignored, format_phone(stranger)).click()
    screenshot(page, "calls-ignored")
    ignored.get_by_role("button", name="Stop ignoring").click()
    expect(call_rows(ignored, format_phone(stranger))).to_have_count(0)
    expect(panel.get_by_role("status")).to_contain_text("is back under Unmatched")
    panel.get_by_label("Show ignored numbers").uncheck()
    expect(call_rows(panel.get_by_role("region", name="Unmatched calls"), format_phone(stranger))).to_have_count(1)


# ---------------------------------------------------------------- the softphone


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

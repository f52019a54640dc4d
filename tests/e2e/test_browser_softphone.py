"""The softphone in the dashboard: going online and offline, incoming and outgoing calls, summaries.

The test stack has no Twilio credentials, so these tests serve a stand-in for the Voice SDK
(voice_sdk_double.js) in place of its chunk, and a fake token: the app runs unchanged and every
SDK call it makes is written down. Twilio's side is played with the signed webhooks Twilio would
send: a call to the rep's number is posted to the stack, whose TwiML names the caller's CallSid,
and the double rings with it, as the real SDK would.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
from e2e_support import (
    REP_NUMBER,
    Api,
    CallFrom,
    call_rows,
    calling_lead,
    calls_center,
    create_record,
    fictional_caller,
    format_phone,
    screenshot,
    tag,
)
from playwright.sync_api import Locator, Page, Request, Route, expect

from commcenter_local.simulate import new_sid, post_to, post_webhook, voice_params

pytestmark = pytest.mark.browser

SDK_CHUNK = "**/assets/twilio-voice-*.js"
FAKE_TOKEN = "fake.voice.token"
DOUBLE = (Path(__file__).with_name("voice_sdk_double.js")).read_text()
FORWARDING_NUMBER = "+14155550199"  # Alice's forwarding number in the demo data
VOICEMAIL = ["Say", "Record", "Hangup"]
ANY_CALLER = "+13035550199"  # for calls whose caller does not matter (never a record's number)


def is_presence(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/voice/presence")


def is_decline(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/decline")


def is_summary(request: Request) -> bool:
    return request.method == "PUT" and request.url.endswith("/summary")


def notes_of(api: Api, record_id: str) -> list[str]:
    response = api("GET", f"/api/records/{record_id}/activities", type="note")
    assert response.status_code == 200, response.text
    return [str(item["body"]) for item in response.json()["items"]]


def activities_of(api: Api, record_id: str, kind: str) -> list[dict[str, Any]]:
    response = api("GET", f"/api/records/{record_id}/activities", type=kind)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def twiml(response: requests.Response) -> ElementTree.Element:
    response.raise_for_status()
    return ElementTree.fromstring(response.content)  # the stack's own TwiML, not untrusted input


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

    def ring(self, number: str, caller_sid: str | None = None) -> None:
        """An incoming call; `caller_sid` is the custom parameter the stack's TwiML names."""
        self.page.evaluate("([number, sid]) => window.__voice.device.ring(number, sid)", [number, caller_sid])

    def far_end(self, event: str) -> None:
        """The other party answers ("accept"), hangs up ("disconnect") or gives up ringing ("cancel")."""
        self.page.evaluate("event => window.__voice.call.emit(event, window.__voice.call)", event)

    def leg_sid(self) -> str:
        """The CallSid Twilio gives the browser's leg of the current outgoing call."""
        return str(self.page.evaluate("() => window.__voice.call.legSid"))


@pytest.fixture
def voice(page: Page, api: Api) -> Iterator[VoiceDouble]:
    double = VoiceDouble(page)

    def token(route: Route) -> None:
        double.token_requests.append(route.request.headers.get("authorization", ""))
        route.fulfill(json={"token": FAKE_TOKEN, "identity": "alice", "expires_in": 3600})

    page.route("**/api/voice/token", token)
    page.route("**/api/voice/status", lambda route: route.fulfill(json={"configured": True, "missing": []}))
    page.route(SDK_CHUNK, lambda route: route.fulfill(status=200, content_type="text/javascript", body=DOUBLE))
    if page.url != "about:blank":
        # Signed in before the stand-in was there: the app asks again whether calling is set up.
        page.reload()
        expect(page.get_by_test_id("signed-in-rep")).to_be_visible()
    yield double
    # Calls to Alice's number ring her forwarding number again in the tests that follow.
    api("POST", "/api/voice/presence", {"online": False, "on_call": False})


@dataclass
class StackCall:
    """A call to the rep's number as the stack answered it: its CallSid, and where Twilio posts
    the result of the browser's dial."""

    sid: str
    caller: str
    dial_action: str


Ring = Callable[[str], StackCall]


@pytest.fixture
def ring(api_url: str, twilio_auth_token: str, voice: VoiceDouble) -> Ring:
    """A call from `number` reaches the stack, which rings the browser: the double rings with the
    caller's CallSid the TwiML names."""

    def call(number: str) -> StackCall:
        sid = new_sid("CA")
        params = voice_params(sid, number, REP_NUMBER, "ringing")
        root = twiml(post_webhook(api_url, twilio_auth_token, "/twilio/voice/incoming", params))
        dial = root.find("Dial")
        client = dial.find("Client") if dial is not None else None
        assert dial is not None and client is not None, ElementTree.tostring(root)  # the browser rings
        assert client.findtext("Identity") == "alice"
        assert [(p.get("name"), p.get("value")) for p in client.findall("Parameter")] == [("callSid", sid)]
        voice.ring(number, sid)
        return StackCall(sid, number, dial.get("action", ""))

    return call


def after_the_browser(call: StackCall, twilio_auth_token: str, dial_status: str) -> ElementTree.Element:
    """What the stack answers Twilio once the browser's leg ended with `dial_status`."""
    fields = [
        *voice_params(call.sid, call.caller, REP_NUMBER, "in-progress"),
        ("DialCallStatus", dial_status),
        ("DialCallSid", new_sid("CA")),
    ]
    return twiml(post_to(call.dial_action, twilio_auth_token, fields))


def placed_through_the_stack(api_url: str, twilio_auth_token: str, voice: VoiceDouble, number: str) -> str:
    """Twilio asks the stack (the TwiML App's URL) what to do with the browser's outgoing call."""
    sid = voice.leg_sid()
    params = voice_params(sid, "client:alice", number, "ringing")
    root = twiml(post_webhook(api_url, twilio_auth_token, "/twilio/voice/outgoing", params))
    assert root.findtext("Dial/Number") == number, ElementTree.tostring(root)
    return sid


def phone_panel(page: Page) -> tuple[Locator, Locator]:
    """The top bar's Phone button and the panel it opens."""
    button = page.get_by_role("button", name=re.compile(r"^Phone"))
    panel = page.get_by_role("region", name="Phone")
    if not panel.is_visible():
        button.click()
    expect(panel).to_be_visible()
    return button, panel


def go_online(page: Page) -> tuple[Locator, Locator]:
    """Online, once the API knows it (a call to the rep's number then rings this browser)."""
    button, panel = phone_panel(page)
    with page.expect_response(lambda response: is_presence(response.request)) as presence:
        panel.get_by_label("Receive calls in this browser").check()
    assert presence.value.request.post_data_json == {"online": True, "on_call": False}
    assert presence.value.status == 200
    expect(button).to_contain_text("Online")
    return button, panel


def in_time_zone(page: Page, zone: str) -> None:
    """The page runs in `zone`, whatever the machine's zone: reloaded, as a browser starts in its
    zone (date formats read it once)."""
    page.context.new_cdp_session(page).send("Emulation.setTimezoneOverride", {"timezoneId": zone})
    page.reload()
    expect(page.get_by_test_id("signed-in-rep")).to_be_visible()


# ---------------------------------------------------------------- online, offline


def test_without_twilio_credentials_the_phone_says_so_and_what_to_set_before_any_try(page: Page, token: str) -> None:
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: refused.append(response.url) if response.status >= 400 else None)
    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_be_visible()
    button = page.get_by_role("button", name=re.compile(r"^Phone"))
    expect(button).to_contain_text("Not set up")  # in the top bar, before the phone is even opened
    button.click()
    panel = page.get_by_role("region", name="Phone")
    note = panel.get_by_role("status")
    expect(note).to_contain_text("Browser calling is not set up")
    # What to configure, by the names the README's configuration table gives them.
    setting = note.get_by_role("listitem")
    expect(setting).to_have_count(4)
    for index, (name, parameter) in enumerate(
        [
            ("TWILIO_ACCOUNT_SID", "TwilioAccountSid"),
            ("TWILIO_API_KEY_SID", "TwilioApiKeySid"),
            ("TWILIO_API_KEY_SECRET", "TwilioApiKeySecretParameter"),
            ("TWILIO_TWIML_APP_SID", "TwilioTwimlAppSid"),
        ]
    ):
        expect(setting.nth(index)).to_contain_text(name)
        expect(setting.nth(index)).to_contain_text(parameter)
    expect(panel.get_by_label("Receive calls in this browser")).to_have_count(0)
    expect(panel.get_by_label("Call a lead or contact")).to_have_count(0)
    screenshot(page, "phone-not-configured", full_page=False)
    assert not [url for url in requested if url.endswith("/api/voice/token")]  # nothing was tried
    assert refused == []  # no 409 (nor any refusal) in the console
    assert not [url for url in requested if "twilio-voice" in url]  # the SDK is never downloaded for nothing


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


def browser_rings(api_url: str, twilio_auth_token: str) -> bool:
    """Whether a call to Alice's number now rings her browser (else her forwarding number)."""
    params = voice_params(new_sid("CA"), ANY_CALLER, REP_NUMBER, "ringing")
    root = twiml(post_webhook(api_url, twilio_auth_token, "/twilio/voice/incoming", params))
    assert root.find("Dial/Client") is not None or root.findtext("Dial/Number") == FORWARDING_NUMBER
    return root.find("Dial/Client") is not None


def stops_ringing(api_url: str, twilio_auth_token: str) -> bool:
    """The browser stops ringing within a few seconds (a request sent as a page goes is not awaited)."""
    deadline = time.monotonic() + 5
    while browser_rings(api_url, twilio_auth_token):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_closing_the_tab_tells_the_api_at_once_that_calls_no_longer_ring_here(
    signed_in: Page, voice: VoiceDouble, api_url: str, twilio_auth_token: str
) -> None:
    page = signed_in
    go_online(page)
    assert browser_rings(api_url, twilio_auth_token)
    page.close()
    # Not 90 seconds later, when presence would lapse: the next caller gets the forwarding number.
    assert stops_ringing(api_url, twilio_auth_token)


def test_the_request_sent_as_the_page_goes_carries_the_rep_s_token_and_outlives_the_page(
    signed_in: Page, token: str, voice: VoiceDouble, api_url: str, twilio_auth_token: str
) -> None:
    page = signed_in
    go_online(page)
    # What the page asks of fetch is written where the next page of the site can read it.
    page.evaluate(
        """() => {
          const fetchAsBefore = window.fetch;
          window.fetch = (url, init = {}) => {
            const { keepalive, headers, body } = init;
            const sent = { url: String(url), keepalive: keepalive === true, headers, body };
            localStorage.setItem("sent-while-leaving", JSON.stringify(sent));
            return fetchAsBefore(url, init);
          };
        }"""
    )
    page.goto("/config.json")  # another page: the dashboard's tab is gone
    sent = json.loads(page.evaluate("() => localStorage.getItem('sent-while-leaving')"))
    assert sent["url"].endswith("/api/voice/presence")
    assert sent["keepalive"] is True  # outlives the page
    assert sent["headers"]["Authorization"] == f"Bearer {token}"  # which sendBeacon could not carry
    assert json.loads(sent["body"]) == {"online": False, "on_call": False}
    assert stops_ringing(api_url, twilio_auth_token)


# ---------------------------------------------------------------- incoming calls


def test_an_answered_call_s_summary_is_saved_on_the_call_with_a_follow_up_task(
    signed_in: Page, api: Api, voice: VoiceDouble, ring: Ring
) -> None:
    marker = tag()
    number = fictional_caller(api)
    lead = calling_lead(api, f"Ringing{marker}", number)
    page = signed_in
    in_time_zone(page, "America/New_York")
    button, panel = go_online(page)
    call = ring(number)
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
    expect(summary.get_by_label("Due date")).to_have_count(0)  # until a follow-up is wanted
    summary.get_by_label("Add a follow-up task").check()
    summary.get_by_label("Task", exact=True).fill("Send the demo link")
    summary.get_by_label("Due date").fill("2026-12-01")
    summary.get_by_label("Time").fill("09:30")
    screenshot(page, "phone-summary", full_page=False)
    with page.expect_request(is_summary) as saving:
        summary.get_by_role("button", name="Save summary").click()
    assert saving.value.url.endswith(f"/api/calls/{call.sid}/summary")  # the caller's CallSid, not the leg's
    assert saving.value.post_data_json == {
        "outcome": "Call back later",
        "notes": f"Wants a demo {marker}",
        "deal_id": None,
        "subject": "",
        # 9:30 in New York on December 1st, with the browser's own offset.
        "follow_up": {"title": "Send the demo link", "due_at": "2026-12-01T09:30:00-05:00"},
    }
    done = panel.get_by_role("status")
    expect(done).to_contain_text(f"The summary is saved on the call with {lead['display_name']}")
    expect(done).to_contain_text("Follow-up task “Send the demo link”, due Dec 1, 2026, 9:30 AM")

    (stored,) = activities_of(api, lead["id"], "call")
    assert stored["data"]["call_sid"] == call.sid
    assert {key: stored["data"]["summary"][key] for key in ("outcome", "notes", "deal_id")} == {
        "outcome": "Call back later",
        "notes": f"Wants a demo {marker}",
        "deal_id": None,
    }
    (task,) = activities_of(api, lead["id"], "task")
    assert (task["summary"], task["data"]["due_at"]) == ("Send the demo link", "2026-12-01T09:30:00-05:00")
    assert notes_of(api, lead["id"]) == []  # a summary is no longer a note
    panel.get_by_role("button", name="Done").click()
    expect(panel.get_by_label("Call a lead or contact")).to_be_visible()

    # The lead's feed shows the call with its summary, the task with its title.
    panel.get_by_role("button", name="Close the phone").click()
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("list", name="Activities")
    saved = feed.locator("[data-type=call]").get_by_role("group", name="Call summary")
    expect(saved).to_contain_text("Outcome Call back later")
    expect(saved).to_contain_text(f"Wants a demo {marker}")
    expect(saved).to_contain_text("Follow-up: Send the demo link, due Dec 1, 2026, 9:30 AM")
    expect(feed.locator("[data-type=task]")).to_contain_text("Send the demo link")


def test_the_api_s_refusals_of_a_summary_are_shown_at_their_field(
    signed_in: Page, api: Api, voice: VoiceDouble, ring: Ring
) -> None:
    number = fictional_caller(api)
    lead = calling_lead(api, f"Refused{tag()}", number)
    page = signed_in
    _, panel = go_online(page)
    call = ring(number)
    panel.get_by_role("button", name="Accept").click()
    panel.get_by_role("button", name="Hang up").click()
    summary = panel.get_by_role("form", name="Call summary")
    expect(summary.get_by_label("Outcome")).to_have_value("Connected")

    # An admin changes the team's outcomes while the form is open.
    outcomes = api("GET", "/api/settings/call-outcomes").json()["items"]
    assert api("PUT", "/api/settings/call-outcomes", {"items": ["Demo booked"]}).status_code == 200
    try:
        with page.expect_response(lambda r: is_summary(r.request)) as refused:
            summary.get_by_role("button", name="Save summary").click()
        assert refused.value.status == 400
        outcome = summary.get_by_label("Outcome")
        expect(outcome).to_have_attribute("aria-invalid", "true")
        expect(outcome).to_have_accessible_description("Choose an outcome from the team's list")
        expect(outcome).to_be_focused()
    finally:
        api("PUT", "/api/settings/call-outcomes", {"items": outcomes})

    # A follow-up without a title, then without a date: the API says what is missing.
    summary.get_by_label("Add a follow-up task").check()
    summary.get_by_label("Due date").fill("2026-12-02")
    summary.get_by_role("button", name="Save summary").click()
    expect(summary.get_by_role("alert")).to_have_text("A follow-up needs a title")
    expect(summary.get_by_label("Task", exact=True)).to_be_focused()
    expect(summary.get_by_label("Outcome")).not_to_have_attribute("aria-invalid", "true")
    summary.get_by_label("Task", exact=True).fill("Call again")
    summary.get_by_label("Due date").fill("")
    summary.get_by_role("button", name="Save summary").click()
    expect(summary.get_by_role("alert")).to_have_text("The follow-up's due date is not a date and time")
    screenshot(page, "phone-summary-refused", full_page=False)

    summary.get_by_label("Due date").fill("2026-12-02")
    with page.expect_response(lambda r: is_summary(r.request)) as accepted:
        summary.get_by_role("button", name="Save summary").click()
    assert accepted.value.status == 200
    expect(panel.get_by_role("status")).to_contain_text("The summary is saved on the call")
    (stored,) = activities_of(api, lead["id"], "call")
    assert stored["data"]["call_sid"] == call.sid and stored["data"]["summary"]["outcome"] == "Connected"


def test_a_call_summary_files_the_call_under_a_deal_found_by_its_name_with_a_subject(
    signed_in: Page, api: Api, voice: VoiceDouble, ring: Ring
) -> None:
    marker = tag()
    number = fictional_caller(api)
    contact = create_record(
        api,
        kind="contact",
        first_name="Carla",
        last_name=f"Dealer{marker}",
        phones=[{"number": number, "label": "mobile"}],
    )
    deal = create_record(api, kind="deal", name=f"Fleet renewal {marker}", contact_ids=[contact["id"]])
    lease = create_record(api, kind="deal", name=f"Fleet lease {marker}", contact_ids=[contact["id"]])
    page = signed_in
    _, panel = go_online(page)
    call = ring(number)
    panel.get_by_role("button", name="Accept").click()
    panel.get_by_label("Notes").fill("Wants twelve vans, not ten")
    panel.get_by_role("button", name="Hang up").click()

    summary = panel.get_by_role("form", name="Call summary")
    expect(summary).to_contain_text(f"Call from {contact['display_name']}")
    subject = summary.get_by_label("Subject")
    expect(subject).to_have_count(0)  # until a deal is chosen
    search = summary.get_by_label("Deal (optional)")
    search.fill(marker[:5])  # part of the deals' names
    deals = summary.get_by_role("list", name="Matching deals")
    expect(deals.get_by_role("button")).to_have_count(2)
    deals.get_by_role("button", name=re.compile(re.escape(lease["display_name"]))).click()
    chosen = summary.get_by_role("group", name="Deal", exact=True)
    expect(chosen).to_contain_text(lease["display_name"])
    expect(subject).to_be_focused()
    subject.fill("Lease terms")

    # The deal is deleted meanwhile: the API refuses it, at the deal.
    assert api("DELETE", f"/api/records/{lease['id']}").status_code == 204
    with page.expect_response(lambda r: is_summary(r.request)) as gone:
        summary.get_by_role("button", name="Save summary").click()
    assert gone.value.status == 400
    assert gone.value.json()["error"]["fields"] == {"deal_id": "not a deal"}
    expect(chosen).to_have_accessible_description("No such deal")
    remove = chosen.get_by_role("button", name=f"Remove the deal {lease['display_name']}")
    expect(remove).to_be_focused()

    # Removing it takes its subject away and gives the search back; the other deal is chosen.
    remove.click()
    expect(subject).to_have_count(0)
    expect(search).to_be_focused()
    expect(search).to_have_value("")
    search.fill(f"renewal {marker[:5]}")
    expect(deals.get_by_role("button")).to_have_count(1)
    deals.get_by_role("button", name=re.compile(re.escape(deal["display_name"]))).click()
    expect(chosen).to_contain_text(deal["display_name"])
    expect(subject).to_have_value("")

    # Without a subject, the API refuses: the error is at the Subject field.
    with page.expect_response(lambda r: is_summary(r.request)) as refused:
        summary.get_by_role("button", name="Save summary").click()
    assert refused.value.status == 400
    assert refused.value.json()["error"]["fields"] == {"subject": "required"}
    expect(subject).to_have_attribute("aria-invalid", "true")
    expect(subject).to_have_accessible_description("A call about a deal needs a subject")
    expect(subject).to_be_focused()
    expect(summary.get_by_label("Outcome")).not_to_have_attribute("aria-invalid", "true")
    screenshot(page, "phone-summary-deal-refused", full_page=False)

    subject.fill("Fleet size")
    with page.expect_response(lambda r: is_summary(r.request)) as accepted:
        summary.get_by_role("button", name="Save summary").click()
    assert accepted.value.status == 200
    assert accepted.value.request.post_data_json == {
        "outcome": "Connected",
        "notes": "Wants twelve vans, not ten",
        "deal_id": deal["id"],
        "subject": "Fleet size",
        "follow_up": None,
    }
    done = panel.get_by_role("status")
    expect(done).to_contain_text(f"The summary is saved on the call with {contact['display_name']}")
    expect(done).to_contain_text(f"Filed under the deal {deal['display_name']}, subject “Fleet size”")
    expect(done.get_by_role("link", name=deal["display_name"])).to_have_attribute("href", f"/records/{deal['id']}")

    # The deal's feed shows the call with its summary; so does the contact's, naming the deal.
    (filed,) = activities_of(api, deal["id"], "call")
    assert filed["data"]["call_sid"] == call.sid
    # Titled by whom the call was with: the notes are in its summary only, shown once.
    assert (filed["summary"], filed["body"]) == (f"Call from {contact['display_name']}", "")
    assert {key: filed["data"]["summary"][key] for key in ("outcome", "notes", "subject", "deal_id")} == {
        "outcome": "Connected",
        "notes": "Wants twelve vans, not ten",
        "subject": "Fleet size",
        "deal_id": deal["id"],
    }
    (own,) = activities_of(api, contact["id"], "call")
    assert own["data"]["summary"]["deal_id"] == deal["id"]
    panel.get_by_role("button", name="Done").click()
    panel.get_by_role("button", name="Close the phone").click()
    page.goto(f"/records/{contact['id']}")
    saved = (
        page.get_by_role("list", name="Activities")
        .locator("[data-type=call]")
        .get_by_role("group", name="Call summary")
    )
    expect(saved).to_contain_text("Outcome Connected · Fleet size")
    saved.get_by_role("link", name=deal["display_name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(deal["display_name"])
    on_deal = (
        page.get_by_role("list", name="Activities")
        .locator("[data-type=call]")
        .get_by_role("group", name="Call summary")
    )
    expect(on_deal).to_contain_text("Outcome Connected · Fleet size")
    expect(on_deal).to_contain_text("Wants twelve vans, not ten")
    expect(on_deal).not_to_contain_text("Deal:")  # the deal's own feed


def test_an_unknown_caller_s_summary_stays_on_the_call_under_unmatched(
    signed_in: Page, api: Api, voice: VoiceDouble, ring: Ring
) -> None:
    stranger = fictional_caller(api)
    page = signed_in
    _, panel = go_online(page)
    call = ring(stranger)
    panel.get_by_role("button", name="Accept").click()
    panel.get_by_label("Notes").fill("Asked for the price list")
    panel.get_by_role("button", name="Hang up").click()

    summary = panel.get_by_role("form", name="Call summary")
    expect(summary).to_contain_text(f"Call from {format_phone(stranger)}")
    expect(summary).to_contain_text("A follow-up task needs a lead or contact")
    expect(summary.get_by_label("Add a follow-up task")).to_have_count(0)
    summary.get_by_label("Outcome").select_option("Not interested")
    with page.expect_request(is_summary) as saving:
        summary.get_by_role("button", name="Save summary").click()
    assert saving.value.url.endswith(f"/api/calls/{call.sid}/summary")
    assert saving.value.post_data_json == {
        "outcome": "Not interested",
        "notes": "Asked for the price list",
        "deal_id": None,
        "subject": "",
        "follow_up": None,
    }
    expect(panel.get_by_role("status")).to_contain_text("The summary is saved on the call, under Calls › Unmatched")
    panel.get_by_role("button", name="Done").click()
    panel.get_by_role("button", name="Close the phone").click()

    # The Calls tab shows it on the call.
    center = calls_center(page)
    center.get_by_role("button", name=re.compile(r"^Unmatched \(\d+\)$")).click()
    unmatched = center.get_by_role("region", name="Unmatched calls")
    call_rows(unmatched, format_phone(stranger)).first.click()
    details = unmatched.get_by_role("region", name=f"Call with {format_phone(stranger)}")
    saved = details.get_by_role("group", name="Call summary")
    expect(saved).to_contain_text("Outcome Not interested")
    expect(saved).to_contain_text("Asked for the price list")


def test_decline_sends_the_caller_to_voicemail_and_send_to_forwarding_to_the_forwarding_number(
    signed_in: Page, api: Api, voice: VoiceDouble, ring: Ring, api_url: str, twilio_auth_token: str
) -> None:
    stranger = fictional_caller(api)
    page = signed_in
    button, panel = go_online(page)
    incoming = panel.get_by_role("alert", name="Incoming call")
    declines: list[str] = []
    page.on("request", lambda request: declines.append(request.url) if is_decline(request) else None)

    # Decline: the API hears first (held here a moment), the browser's leg is refused after.
    declined = ring(stranger)
    expect(incoming).to_contain_text(format_phone(stranger))
    held: list[Route] = []

    def hold(route: Route) -> None:  # answered later, by the test
        held.append(route)

    page.route("**/api/calls/*/decline", hold)
    incoming.get_by_role("button", name="Decline").click()
    expect(incoming.get_by_role("button", name="Declining…")).to_be_disabled()
    expect(incoming.get_by_role("button", name="Send to forwarding")).to_be_disabled()
    assert len(held) == 1 and held[0].request.url.endswith(f"/api/calls/{declined.sid}/decline")
    assert voice.calls() == [["register"]]  # not refused yet
    page.unroute("**/api/calls/*/decline")
    with page.expect_response(lambda r: is_decline(r.request)) as answer:
        held[0].continue_()
    assert answer.value.status == 200
    expect(incoming).to_have_count(0)
    assert voice.calls() == [["register"], ["reject"]]
    assert [v.tag for v in after_the_browser(declined, twilio_auth_token, "busy")] == VOICEMAIL

    # Send to forwarding: only the browser's leg is refused; Twilio then rings the forwarding number.
    sent_on = ring(stranger)
    incoming.get_by_role("button", name="Send to forwarding").click()
    expect(incoming).to_have_count(0)
    assert voice.calls() == [["register"], ["reject"], ["reject"]]
    assert after_the_browser(sent_on, twilio_auth_token, "busy").findtext("Dial/Number") == FORWARDING_NUMBER

    # The caller hung up just as the rep declined: the API answers 409, the phone says nothing of it.
    gone = ring(stranger)
    status = [*voice_params(gone.sid, stranger, REP_NUMBER, "completed"), ("SequenceNumber", "3")]
    post_webhook(api_url, twilio_auth_token, "/twilio/voice/status", status).raise_for_status()
    with page.expect_response(lambda r: is_decline(r.request)) as over:
        incoming.get_by_role("button", name="Decline").click()
    assert over.value.status == 409 and over.value.json()["error"]["code"] == "call_over"
    expect(incoming).to_have_count(0)
    expect(panel.get_by_role("alert")).to_have_count(0)

    # The caller gives up ringing: nothing to decline.
    ring(stranger)
    expect(incoming).to_be_visible()
    voice.far_end("cancel")
    expect(incoming).to_have_count(0)

    assert voice.calls() == [["register"], ["reject"], ["reject"], ["reject"]]
    assert declines == [f"{api_url}/api/calls/{declined.sid}/decline", f"{api_url}/api/calls/{gone.sid}/decline"]
    expect(panel.get_by_role("form", name="Call summary")).to_have_count(0)  # none of them was taken
    expect(panel.get_by_label("Call a lead or contact")).to_be_visible()
    expect(button).to_contain_text("Online")


# ---------------------------------------------------------------- outgoing calls


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
    voice.far_end("disconnect")  # it failed before ringing: Twilio never named the call
    unnamed = panel.get_by_role("form", name="Call summary")
    expect(unnamed).to_contain_text("Not answered")
    expect(unnamed).to_contain_text("there is no call to keep a summary on")
    expect(unnamed.get_by_role("button", name="Save summary")).to_have_count(0)
    unnamed.get_by_role("button", name="Close").click()

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


def test_the_dialer_finds_a_person_by_address_and_the_call_s_summary_is_saved_under_its_own_sid(
    signed_in: Page, api: Api, voice: VoiceDouble, api_url: str, twilio_auth_token: str
) -> None:
    marker = tag()
    number = fictional_caller(api)
    street = f"17 Quai Perriere{marker.capitalize()}"
    lead = create_record(
        api,
        first_name="Odile",
        last_name="Vernet",
        phones=[{"number": number, "label": "work"}],
        address={"line1": street, "city": "Annecy", "postal_code": "74000"},
    )
    page = signed_in
    _, panel = phone_panel(page)
    panel.get_by_label("Call a lead or contact").fill(f"perriere{marker} annecy")
    hits = panel.get_by_role("list", name="Matching leads and contacts")
    hit = hits.get_by_role("button", name=re.compile("^Odile Vernet"))
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text(f"Address: {street}, 74000 Annecy")  # why this Odile Vernet matched
    screenshot(page, "phone-dialer-address", full_page=False)
    hit.click()
    expect(panel.get_by_text(f"{street}, 74000 Annecy")).to_be_visible()
    panel.get_by_role("button", name=f"Call {format_phone(number)}").click()
    voice.wait_for("connect", {"To": number})

    # Twilio asks the stack what to do with the browser's call: the call is kept under its CallSid.
    sid = placed_through_the_stack(api_url, twilio_auth_token, voice, number)
    voice.far_end("accept")
    panel.get_by_label("Notes").fill("Parcel 12 is for sale")
    panel.get_by_role("button", name="Hang up").click()
    summary = panel.get_by_role("form", name="Call summary")
    expect(summary).to_contain_text("Call to Odile Vernet")
    with page.expect_request(is_summary) as saving:
        summary.get_by_role("button", name="Save summary").click()
    assert saving.value.url.endswith(f"/api/calls/{sid}/summary")
    expect(panel.get_by_role("status")).to_contain_text("The summary is saved on the call with Odile Vernet")
    (stored,) = activities_of(api, lead["id"], "call")
    assert stored["direction"] == "outbound" and stored["data"]["call_sid"] == sid
    assert stored["data"]["summary"]["notes"] == "Parcel 12 is for sale"


# ---------------------------------------------------------------- call scripts (C9)

TOPICS = ["team size", "current phone system", "CRM", "budget", "timeline", "decision makers", "pilot", "next step"]


def is_scripts(request: Request) -> bool:
    return request.method == "PUT" and request.url.endswith("/api/settings/call-scripts")


def test_a_call_script_written_in_settings_is_picked_during_a_call_and_read_beside_the_controls(
    signed_in: Page, api: Api, voice: VoiceDouble, ring: Ring, team_scripts: None
) -> None:
    marker = tag()
    title = f"Discovery {marker}"
    lines = [f"{n}. Ask about their {topic}, and listen." for n, topic in enumerate(TOPICS * 3, 1)]
    text = "\n".join(lines)
    page = signed_in

    # The admin writes it in Settings.
    page.goto("/settings")
    scripts = page.get_by_role("region", name="Call scripts")
    expect(scripts).to_contain_text("No call scripts yet")
    scripts.get_by_role("button", name="Add script").click()
    expect(scripts.get_by_label("Title of script 1")).to_be_focused()
    scripts.get_by_label("Title of script 1").fill(title)
    scripts.get_by_label("Text of script 1").fill(text)
    with page.expect_response(lambda response: is_scripts(response.request)) as saved:
        scripts.get_by_role("button", name="Save scripts").click()
    assert saved.value.status == 200
    expect(scripts.get_by_role("status")).to_have_text("Saved. The phone offers 1 script during calls.")
    assert api("GET", "/api/settings/call-scripts").json()["items"] == [{"title": title, "text": text}]

    # On a call, the rep picks it: its text shows beside the keypad and the notes, scrollable.
    number = fictional_caller(api)
    calling_lead(api, f"Scripted{marker}", number)
    _, panel = go_online(page)
    ring(number)
    panel.get_by_role("alert", name="Incoming call").get_by_role("button", name="Accept").click()
    picker = panel.get_by_label("Script", exact=True)
    expect(picker).to_have_value("")  # none until the rep picks one
    picker.select_option(title)
    script = page.get_by_role("region", name=f"Script: {title}")
    expect(script).to_contain_text(lines[0])
    expect(script).to_contain_text(lines[-1])
    panel.get_by_role("button", name="Keypad").click()
    keypad, notes = panel.get_by_role("group", name="Keypad"), panel.get_by_label("Notes")
    expect(keypad).to_be_visible()
    expect(notes).to_be_visible()
    shown, beside = box(script), box(panel)
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= beside["x"] + 1, (shown, beside)  # left of the panel
    assert shown["width"] >= 300  # a column wide enough to read
    assert script.evaluate("el => el.scrollHeight > el.clientHeight")  # longer than its box: it scrolls
    expect(script).to_have_attribute("tabindex", "0")  # and scrolls from the keyboard too
    screenshot(page, "phone-script", full_page=False)

    # On a phone, it fits the screen, in the panel below the controls.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(script).to_be_visible()
    narrow = box(script)
    assert narrow["x"] >= 0 and narrow["x"] + narrow["width"] <= 390, narrow
    assert narrow["height"] <= 844 / 2, narrow  # the controls stay within reach
    assert narrow["y"] > box(panel.get_by_role("button", name="Hang up"))["y"]
    screenshot(page, "phone-script-narrow", full_page=False)
    page.set_viewport_size({"width": 1440, "height": 900})

    panel.get_by_role("button", name="Hang up").click()
    expect(panel.get_by_role("form", name="Call summary")).to_be_visible()
    expect(script).to_have_count(0)  # the script goes with the call


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}

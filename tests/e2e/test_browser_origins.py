"""The dashboard on its own origin, the API on another, as CloudFront and execute-api are in AWS.

What only breaks once deployed: a method or header the API's CORS setting does not allow is
refused by the browser's preflight; the dashboard's Content-Security-Policy (the template's
response headers policy, which the local dashboard origin applies) refuses what it does not
list. No request is routed here (a route makes Playwright answer every preflight itself).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e_support import Api, CallFrom, call_rows, calling_lead, calls_center, create_record, fictional_caller, tag
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, expect

from commcenter_local.stack import ROOT, LocalStack
from commcenter_local.template import resolve_local_string
from commcenter_local.twilio_stand_in import TwilioStandIn

pytestmark = pytest.mark.browser


def console_errors(page: Page) -> list[str]:
    """What the page writes to the console as errors from now on (the browser's refusals too)."""
    errors: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", note)
    return errors


def test_the_dashboard_saves_across_origins(signed_in: Page, dashboard_url: str, api_url: str) -> None:
    page = signed_in
    assert page.evaluate("location.origin") == dashboard_url != api_url
    page.goto("/settings")
    calls = page.get_by_role("region", name="Calls", exact=True)
    expect(calls.get_by_label("Forwarding number")).not_to_have_value("")  # loaded from the API
    errors = console_errors(page)
    failed: list[str] = []
    sent: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}: {request.failure}"))
    page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))

    def is_save(request: Request) -> bool:
        return request.method == "PUT" and request.url == f"{api_url}/api/me/call-settings"

    # Saved as they are: a PUT with a JSON body and the bearer token, preflighted by the browser.
    with page.expect_response(lambda response: is_save(response.request)) as answer:
        calls.get_by_role("button", name="Save call settings").click()
    assert answer.value.status == 200
    expect(calls.get_by_role("status")).to_contain_text("Saved.")
    assert failed == []
    assert not [text for text in errors if "CORS" in text or "Access-Control" in text], errors
    assert all(request.split(" ", 1)[1].startswith((dashboard_url, api_url)) for request in sent), sent


# ---------------------------------------------------------------- the dashboard's response headers

# Every Content-Security-Policy violation of the page, from its first script on.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def violations(page: Page) -> Callable[[], list[str]]:
    """The page's CSP violations so far: the events it saw, and the browser's console refusals."""
    page.add_init_script(WATCH_VIOLATIONS)
    errors = console_errors(page)

    def seen() -> list[str]:
        events = list(page.evaluate("() => window.__violations || []"))
        refusals = [text for text in errors if "Content Security Policy" in text or text.startswith("Refused to")]
        return events + refusals

    return seen


def expected_headers(local_stack: LocalStack) -> dict[str, str]:
    """The template's response headers policy, as the local dashboard origin resolves it."""
    values = local_stack.local_values()
    return {
        name.lower(): resolve_local_string(value, values)
        for name, value in local_stack.template.dashboard_headers.items()
    }


def test_the_dashboard_carries_its_policy_and_every_page_loads_without_a_violation(
    violations: Callable[[], list[str]], page: Page, token: str, api: Api, local_stack: LocalStack
) -> None:
    answer = page.goto(f"/#token={token}")
    assert answer is not None
    headers = answer.headers
    assert headers | expected_headers(local_stack) == headers  # every header of the policy, as written
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert f"connect-src 'self' {local_stack.base_url} " in policy  # the API, on its own origin
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    expect(page.get_by_test_id("signed-in-rep")).to_be_visible()

    lead = create_record(api, first_name="Petra", last_name=f"Policy{tag()}")
    pages: list[tuple[str, Locator]] = [
        ("/center/sms", page.get_by_role("button", name="New SMS")),
        ("/center/calls", page.get_by_role("button", name="New call")),
        ("/leads", page.get_by_role("heading", name="Leads", level=1)),
        (f"/records/{lead['id']}", page.get_by_role("region", name="Activity")),
        ("/settings", page.get_by_role("region", name="Call outcomes").get_by_role("list")),
    ]
    for path, loaded in pages:
        page.goto(path)
        expect(loaded).to_be_visible()
        assert violations() == [], path


def test_an_injected_script_does_not_run(violations: Callable[[], list[str]], signed_in: Page) -> None:
    page = signed_in
    page.evaluate(
        """() => {
          const inline = document.createElement("script");
          inline.textContent = "window.__ran = (window.__ran || []).concat('inline')";
          document.body.append(inline);
          const holder = document.createElement("div");
          holder.innerHTML = `<img src="/favicon.svg?x" onload="window.__ran = ['handler']">`;
          document.body.append(holder);
          const remote = document.createElement("script");
          remote.src = "https://scripts.example/steal.js";
          document.body.append(remote);
          // A string run as code later, by the page's own timer (what DevTools evaluates is exempt).
          window.setTimeout("window.__ran = (window.__ran || []).concat('eval')", 0);
        }"""
    )
    expect(page.locator("img[src='/favicon.svg?x']")).to_have_count(1)
    page.wait_for_function("() => window.__violations.length >= 4")
    assert page.evaluate("() => window.__ran || []") == []
    seen = " | ".join(violations())
    for directive in ("script-src-elem inline", "script-src-attr inline", "script-src-elem https://scripts.example"):
        assert directive in seen, seen
    assert "script-src eval" in seen, seen


def test_a_recording_plays_from_the_bucket_under_the_policy(
    violations: Callable[[], list[str]],
    signed_in: Page,
    api: Api,
    call_from: CallFrom,
    twilio_api: TwilioStandIn,
    local_stack: LocalStack,
) -> None:
    number = fictional_caller(api)
    lead = calling_lead(api, f"Played{tag()}", number)
    call_from(number, "voicemail")
    page = signed_in
    matched = calls_center(page).get_by_role("region", name="Matched calls")
    call_rows(matched, lead["display_name"]).click()
    details = matched.get_by_role("region", name=f"Call with {lead['display_name']}")
    with page.expect_response(lambda response: response.url.startswith(local_stack.s3.endpoint)) as audio:
        details.get_by_role("button", name="Play voicemail").click()
    assert audio.value.status in (200, 206)
    assert violations() == []


def test_the_voice_sdk_reaches_twilio_and_nothing_else(
    violations: Callable[[], list[str]], signed_in: Page, dashboard_url: str
) -> None:
    """The real SDK chunk, from the dashboard's own origin: its signalling socket (Twilio's
    default edge) is allowed; a socket to anywhere else is refused. Nothing reaches Twilio here:
    the socket fails, the policy does not."""
    page = signed_in
    (chunk,) = (ROOT / "dashboard" / "dist" / "assets").glob("twilio-voice-*.js")
    with page.expect_websocket(lambda socket: socket.url.startswith("wss://voice-js.roaming.twilio.com/")):
        page.evaluate(
            """async (chunk) => {
              const { Device } = await import(chunk);
              const device = new Device("not.a.token", { logLevel: "silent" });
              device.on("error", () => undefined);
              window.__device = device;
              device.register().catch(() => undefined);
            }""",
            f"{dashboard_url}/assets/{chunk.name}",
        )
    assert violations() == []
    page.evaluate("() => { new WebSocket('wss://elsewhere.example/socket').onerror = () => undefined; }")
    page.wait_for_function("() => window.__violations.length > 0")
    refused = violations()
    assert refused[0] == "connect-src wss://elsewhere.example/socket"
    assert all("elsewhere.example" in refusal for refusal in refused), refused
    page.evaluate("() => window.__device.destroy()")

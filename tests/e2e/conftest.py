"""Browser fixtures: one headless Chromium per session, a fresh context (cookies, storage) per test.

The browser opens the dashboard on its own origin (`dashboard_url`, CloudFront's part) and the
dashboard calls the API on another (`api_url`, execute-api's), as in AWS: every request it makes
passes the browser's CORS checks and the dashboard's Content-Security-Policy.

A test that routes requests (`page.route`) gives up the real preflights: while any route is set,
Playwright answers every preflight itself, allowing everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from e2e_mailbox import Mailbox, running_mail_servers, signed_in_mailbox
from e2e_support import REP_EMAIL, REP_NUMBER, Api, CallFrom
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints
from commcenter_local.simulate import CallOutcome, simulate_call
from commcenter_local.stack import LocalStack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

Headers = Callable[[str], dict[str, str]]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system-deps` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dashboard_url(local_stack: LocalStack) -> str:
    return local_stack.dashboard_url


@pytest.fixture
def context(browser: Browser, dashboard_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=dashboard_url, viewport={"width": 1440, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    # The same patience for assertions: the first requests of a fresh stack import its handlers.
    expect.set_options(timeout=10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    # An uncaught exception in the app fails the test even when the screen looked right.
    assert errors == [], errors


@pytest.fixture
def token(auth_headers: Headers) -> str:
    return auth_headers(REP_EMAIL)["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def signed_in(page: Page, token: str) -> Page:
    """The page, signed in through `#token=` and showing the communication center."""
    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_be_visible()
    return page


@pytest.fixture
def api(api_url: str, auth_headers: Headers) -> Api:
    session = requests.Session()

    def call(method: str, path: str, body: Any = None, **params: str) -> requests.Response:
        return session.request(
            method,
            api_url + path,
            json=body,
            params=params or None,
            headers=auth_headers(REP_EMAIL),
            timeout=30,
        )

    return call


@pytest.fixture
def call_from(api_url: str, twilio_auth_token: str) -> CallFrom:
    """A call from `number` to the signed-in rep's number, as Twilio drives it; its CallSid."""

    def call(number: str, outcome: CallOutcome) -> str:
        return simulate_call(
            api_url, twilio_auth_token, from_number=number, to_number=REP_NUMBER, outcome=outcome
        ).call_sid

    return call


@pytest.fixture
def team_scripts(api: Api) -> Iterator[None]:
    """The team starts the test with no call scripts, and gets its own back after it."""
    before = api("GET", "/api/settings/call-scripts")
    assert before.status_code == 200, before.text
    assert api("PUT", "/api/settings/call-scripts", {"items": []}).status_code == 200
    try:
        yield
    finally:
        restored = api("PUT", "/api/settings/call-scripts", {"items": before.json()["items"]})
        assert restored.status_code == 200, restored.text


@pytest.fixture(scope="module")
def mail_servers() -> Iterator[tuple[LocalMailServers, MailServerEndpoints]]:
    """A local Dovecot and SMTP server for the email tests of one module."""
    with running_mail_servers() as servers:
        yield servers


@pytest.fixture
def mailbox(
    page: Page,
    api_url: str,
    dev_token: Callable[[str], str],
    mail_servers: tuple[LocalMailServers, MailServerEndpoints],
) -> Iterator[Mailbox]:
    """A rep signed in on the page, their mailbox on the local Dovecot; disconnected after."""
    with signed_in_mailbox(page, api_url, dev_token, mail_servers) as box:
        yield box

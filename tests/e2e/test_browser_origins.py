"""The dashboard on its own origin, the API on another, as CloudFront and execute-api are in AWS.

What only breaks once deployed: a method or header the API's CORS setting does not allow is
refused by the browser's preflight. No request is routed here (a route makes Playwright answer
every preflight itself).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

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
    errors = console_errors(page)
    failed: list[str] = []
    sent: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}: {request.failure}"))
    page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))

    page.goto("/settings")
    calls = page.get_by_role("region", name="Calls", exact=True)
    expect(calls.get_by_label("Forwarding number")).not_to_have_value("")  # loaded from the API

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

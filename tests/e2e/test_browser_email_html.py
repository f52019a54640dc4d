"""Email HTML as `parse_email` makes it safe, rendered in Chromium: nothing runs, nothing is fetched
from another origin until the rep asks for the images.

The HTML is rendered as a page of its own, without the sandboxed iframe the dashboard adds on top:
what is checked here holds without that sandbox. The same message's HTML as it came is rendered
too, and is caught: a check that could not see a script run or an image load would prove nothing.
"""

from __future__ import annotations

import email
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from commcenter.domain.email_message import parse_email

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).parents[1] / "unit" / "mail_corpus" / "only_html_hostile.eml"
PAGE_URL = "https://dashboard.test/email"
# The message's scripts and handlers write `parent.leaked`; the page records every write.
RECORD_LEAKS = """
window.__leaks = [];
Object.defineProperty(window, 'leaked', {
  set(value) { window.__leaks.push(String(value)); },
  get() { return undefined; },
});
"""
# Every event an attribute could handle, sent to every element (a link with an address is left
# alone: following it is the rep's choice, and goes to a new tab).
PROVOKE = """
() => {
  for (const element of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'load', 'error', 'animationstart']) {
      element.dispatchEvent(new Event(type));
    }
    if (!(element instanceof HTMLAnchorElement && element.getAttribute('href'))) {
      element.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    }
  }
}
"""


class Rendered:
    def __init__(self, page: Page, requests: list[str]) -> None:
        self.page = page
        self.requests = requests

    def leaks(self) -> list[str]:
        return list(self.page.evaluate("window.__leaks"))

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(PAGE_URL)]


@pytest.fixture
def render(browser: Browser) -> Iterator[Any]:
    contexts = []

    def open_page(html: str) -> Rendered:
        context = browser.new_context()
        contexts.append(context)
        requests: list[str] = []

        def answer(route: Route) -> None:
            requests.append(route.request.url)
            if route.request.url == PAGE_URL:
                route.fulfill(
                    status=200, content_type="text/html; charset=utf-8", body=f"<!doctype html><body>{html}</body>"
                )
            else:  # recorded; nothing leaves the machine, and a 204 keeps a navigation from leaving the page
                route.fulfill(status=204)

        context.route("**/*", answer)
        context.add_init_script(RECORD_LEAKS)
        page = context.new_page()
        page.goto(PAGE_URL, wait_until="load")
        page.evaluate(PROVOKE)
        page.wait_for_timeout(300)  # time for what an event or a timer would start
        return Rendered(page, requests)

    yield open_page
    for context in contexts:
        context.close()


def test_sanitised_email_html_runs_nothing_and_fetches_nothing(render: Any) -> None:
    raw = HOSTILE.read_bytes()
    html = parse_email(raw).html
    assert html is not None
    shown = render(html)
    assert shown.page.get_by_text("Spring offers").is_visible()
    assert shown.page.get_by_text("blue text").is_visible()
    assert shown.leaks() == []
    assert shown.foreign_requests() == []
    links = shown.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert links == ["https://shop.example/offer?a=1&b=2", "mailto:sales@news.example"]

    # The rep asks for the images: only then are they fetched.
    shown.page.evaluate(
        "() => document.querySelectorAll('img[data-remote-src]').forEach(img => { img.src = img.dataset.remoteSrc; })"
    )
    shown.page.wait_for_timeout(300)
    assert shown.foreign_requests() == ["https://track.example/pixel.gif"]


def test_the_same_html_as_it_came_is_caught(render: Any) -> None:
    message = email.message_from_bytes(HOSTILE.read_bytes())
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    shown = render(payload.decode())
    assert shown.leaks()  # its script and handlers ran
    assert any(url.startswith("https://track.example/") for url in shown.foreign_requests())

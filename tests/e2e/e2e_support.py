"""Helpers shared by the browser tests: unique names, records made through the API, screenshots."""

from __future__ import annotations

import itertools
import random
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from phone_numbers import fresh_phone as fictional_phone
from playwright.sync_api import Locator, Page

from commcenter_local.simulate import CallOutcome

REP_EMAIL = "alice@northwind.example"
REP_NUMBER = "+14155550101"  # Alice's Twilio number in the demo data (voice+sms)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

Api = Callable[..., requests.Response]
CallFrom = Callable[[str, CallOutcome], str]


def tag() -> str:
    """Letters only, so that a tag is one searchable word and never mistaken for a phone number."""
    return "".join(random.choices(string.ascii_lowercase, k=8))


def free_phone(api: Api) -> str:
    """A fictional number no record owns yet (a number belongs to one record only)."""
    for _ in range(50):
        number: str = fictional_phone()
        if not api("GET", "/api/search", q=number.removeprefix("+")).json()["items"]:
            return number
    raise AssertionError("no free fictional phone number left")


_callers = itertools.count(random.randrange(100))


def fictional_caller(api: Api) -> str:
    """A fictional New York number (+1 646 555-01xx) that only the call tests use, never twice."""
    for _ in range(100):
        number = f"+16465550{100 + next(_callers) % 100}"
        if not api("GET", "/api/search", q=number.removeprefix("+")).json()["items"]:
            return number
    raise AssertionError("no free fictional caller number left")


def create_record(api: Api, **fields: Any) -> dict[str, Any]:
    """A record made through the API; a phone number already taken by another record is replaced."""
    body = {"kind": "lead", **fields}
    for _ in range(20):
        response = api("POST", "/api/records", body)
        if response.status_code != 409 or "phones" not in body:
            break
        body["phones"] = [{"number": fictional_phone(), "label": "mobile"}]
    assert response.status_code == 201, response.text
    return dict(response.json())


def format_phone(e164: str) -> str:
    """A US number as the dashboard shows it: +1 (415) 555-0123."""
    return f"+1 ({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


def sms_counts(api: Api) -> dict[str, int]:
    """The signed-in rep's unread SMS per section, as the API counts them."""
    response = api("GET", "/api/center/counts")
    assert response.status_code == 200, response.text
    sms = response.json()["sms"]
    return {section: int(sms[section]["unread"]) for section in ("matched", "unmatched")}


def call_counts(api: Api) -> dict[str, int]:
    """The signed-in rep's missed calls not seen yet, per section, as the API counts them."""
    response = api("GET", "/api/center/counts")
    assert response.status_code == 200, response.text
    calls = response.json()["calls"]
    return {section: int(calls[section]["missed"]) for section in ("matched", "unmatched")}


# Draws `text` with the element's own font on a canvas and counts clearly coloured pixels: a
# colour emoji font gives many, a missing glyph (an empty box) or a monochrome one gives none.
_COLOURED_PIXELS = """(element, text) => {
  const canvas = document.createElement("canvas");
  canvas.width = 80;
  canvas.height = 80;
  const context = canvas.getContext("2d");
  context.font = `56px ${getComputedStyle(element).fontFamily}`;
  context.textBaseline = "top";
  context.fillText(text, 4, 4);
  const pixels = context.getImageData(0, 0, 80, 80).data;
  let coloured = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
    if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
  }
  return coloured;
}"""


def coloured_pixels(locator: Locator, text: str) -> int:
    """How many coloured pixels `text` draws in the font `locator` uses (emoji render in colour)."""
    return int(locator.evaluate(_COLOURED_PIXELS, text))


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """A picture for people to look at (tests/artifacts is not committed); dialogs: the viewport only."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page, animations="disabled")


def calling_lead(api: Api, last_name: str, *numbers: str, **fields: Any) -> dict[str, Any]:
    """Carla {last_name}, a lead with these numbers (mobile, then work)."""
    phones = [{"number": number, "label": label} for number, label in zip(numbers, ("mobile", "work"), strict=False)]
    lead: dict[str, Any] = create_record(api, first_name="Carla", last_name=last_name, phones=phones, **fields)
    return lead


def calls_center(page: Page) -> Locator:
    """The Calls tab's panel, loaded."""
    page.goto("/center/calls")
    panel = page.get_by_role("tabpanel")
    panel.get_by_role("button", name="New call").wait_for()
    return panel


def call_rows(list_region: Locator, name: str) -> Locator:
    """The row heads (buttons that expand) of the calls with `name` (a record's name, a number)."""
    return list_region.get_by_role("button", name=re.compile("^" + re.escape(name)))

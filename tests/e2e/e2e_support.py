"""Helpers shared by the browser tests: unique names, records made through the API, screenshots."""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Page

REP_EMAIL = "alice@northwind.example"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

Api = Callable[..., requests.Response]


def tag() -> str:
    """Letters only, so that a tag is one searchable word and never mistaken for a phone number."""
    return "".join(random.choices(string.ascii_lowercase, k=8))


_phones = itertools.count(random.randrange(800))
_AREA_CODES = ("415", "404", "702", "503", "206", "512", "720", "919")


def fictional_phone() -> str:
    """A US number in the fictional 555-01xx range (area codes unlike the API tests' ones)."""
    n = next(_phones) % 800
    return f"+1{_AREA_CODES[n // 100]}5550{100 + n % 100}"


def free_phone(api: Api) -> str:
    """A fictional number no record owns yet (a number belongs to one record only)."""
    for _ in range(50):
        number = fictional_phone()
        if not api("GET", "/api/search", q=number.removeprefix("+")).json()["items"]:
            return number
    raise AssertionError("no free fictional phone number left")


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


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """A picture for people to look at (tests/artifacts is not committed); dialogs: the viewport only."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page, animations="disabled")

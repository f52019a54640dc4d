"""Fictional phone numbers for the tests that share one stack: the 555-0100 to 555-0199 lines of
many area codes, each handed out once per test session, whichever module asks. Two modules that
drew from their own ranges met on the same numbers (one module's record then claimed the other's
calls and texts); the area codes of the fixed numbers the tests and the demo use are left out."""

from __future__ import annotations

import itertools

AREA_CODES = (
    "213", "305", "713", "404", "702", "212", "646", "718", "801", "503",
    "206", "512", "720", "919", "971", "972", "480", "614", "541", "458",
    "602", "615", "704", "813", "314", "414", "505", "608", "612", "651",
)  # fmt: skip
_drawn = itertools.count()


def fresh_phone() -> str:
    """A US number (+1 NXX 555-01xx) no test of this session has had yet."""
    n = next(_drawn)
    return f"+1{AREA_CODES[(n // 100) % len(AREA_CODES)]}5550{100 + n % 100}"

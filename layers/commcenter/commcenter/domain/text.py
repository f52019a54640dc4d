"""Folding text for case- and accent-insensitive comparison and prefix search."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free, whitespace-collapsed form of `text` ("Hélène  Dupré" -> "helene dupre")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def words(text: str) -> list[str]:
    """The folded words of `text`, punctuation dropped ("O'Neil-Smith" -> ["o", "neil", "smith"])."""
    return _WORD.findall(fold(text))


def digits(text: str) -> str:
    """Only the ASCII digits of `text` (phone search ignores spaces, dashes and the plus sign)."""
    return "".join(ch for ch in text if "0" <= ch <= "9")

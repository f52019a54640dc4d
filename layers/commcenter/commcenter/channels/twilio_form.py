"""Twilio's form-encoded webhook bodies, parsed without losing anything Twilio signed.

Twilio signs every parameter it sends, blank values and repeated keys included, so the form
keeps them all: dropping `ToState=` or one value of a repeated key would refuse real traffic.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from urllib.parse import parse_qsl

from commcenter.errors import ValidationError

MAX_FORM_BYTES = 64 * 1024
# What Twilio sends in the fields the product reads is short: a Sid is 34 characters, a number,
# status or client identity a few dozen, a whole number a few digits (an error code has five);
# only a message's Body is long (the form's own bound is its limit), and a media URL may be. A
# longer value is not Twilio's: it is refused before it reaches a key of the data store.
MAX_SID_CHARS = 64
MAX_URL_CHARS = 2048
MAX_VALUE_CHARS = 256
MAX_INTEGER_DIGITS = 9


class TwilioForm:
    """An ordered multi-dict of the webhook's parameters (iterating yields each key once)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs
        self._values: dict[str, list[str]] = {}
        for key, value in pairs:
            self._values.setdefault(key, []).append(value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def get(self, key: str, default: str | None = None) -> str | None:
        """The first value of `key` (a 400 when longer than Twilio sends it), else `default`."""
        values = self._values.get(key)
        if not values:
            return default
        longest = _max_chars(key)
        if longest is not None and len(values[0]) > longest:
            raise ValidationError(f"{key} is at most {longest} characters", {key: "too long"})
        return values[0]

    def require(self, key: str) -> str:
        value = self.get(key)
        if not value:
            raise ValidationError(f"the webhook has no {key}", {key: "required"})
        return value

    def integer(self, key: str) -> int | None:
        """A whole number Twilio sends (ErrorCode, SequenceNumber, a duration); None when absent,
        blank or not a number, as before; more digits than Twilio ever sends is a 400."""
        value = (self.get(key) or "").strip()
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            return None
        if len(digits) > MAX_INTEGER_DIGITS:
            raise ValidationError(f"{key} has more than {MAX_INTEGER_DIGITS} digits", {key: "too long"})
        return int(value)

    def getall(self, key: str) -> list[str]:
        """All values of `key` (the name twilio's RequestValidator looks for on multi-dicts)."""
        return list(self._values.get(key, []))


def _max_chars(key: str) -> int | None:
    if key == "Body":
        return None
    if key.endswith("Sid"):
        return MAX_SID_CHARS
    if key.startswith("MediaUrl"):
        return MAX_URL_CHARS
    return MAX_VALUE_CHARS


def parse_form(body: str | bytes | None, is_base64: bool = False) -> TwilioForm:
    """Parse an `application/x-www-form-urlencoded` body as API Gateway hands it over."""
    raw: bytes
    if body is None:
        raw = b""
    elif isinstance(body, bytes):
        raw = body
    else:
        raw = body.encode("utf-8")
    if is_base64:
        try:
            raw = base64.b64decode(raw, validate=True)
        except binascii.Error as exc:
            raise ValidationError("the webhook body is not valid base64") from exc
    if len(raw) > MAX_FORM_BYTES:
        raise ValidationError("the webhook body is too large")
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError("the webhook body is not a valid form") from exc
    return TwilioForm(pairs)

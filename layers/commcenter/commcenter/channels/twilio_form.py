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
        values = self._values.get(key)
        return values[0] if values else default

    def require(self, key: str) -> str:
        value = self.get(key)
        if not value:
            raise ValidationError(f"the webhook has no {key}", {key: "required"})
        return value

    def getall(self, key: str) -> list[str]:
        """All values of `key` (the name twilio's RequestValidator looks for on multi-dicts)."""
        return list(self._values.get(key, []))


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

"""Which record a remote address belongs to, or that it belongs to none yet.

Pure: the handle directory is passed in (the Handles table in production, a dict in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commcenter.domain.handles import Handle, HandleState, email_handle, phone_handle
from commcenter.errors import ValidationError

# What Twilio puts in `From` when there is no person's number to match (withheld caller ID, a
# browser client, a SIP endpoint): such traffic is never matched and never creates a handle.
UNMATCHABLE_CALLERS = frozenset({"anonymous", "restricted", "unknown", "unavailable", "private", ""})

HandleDirectory = Callable[[Handle], HandleState | None]


@dataclass(frozen=True, slots=True)
class Match:
    handle: Handle
    record_id: str | None
    ignored: bool = False
    spam: bool = False

    @property
    def matched(self) -> bool:
        return self.record_id is not None


def remote_handle(raw: str, default_region: str) -> Handle:
    """The handle of a remote address: an email address if it has an `@`, else a phone number."""
    text = raw.strip()
    if text.lower() in UNMATCHABLE_CALLERS or text.lower().startswith(("client:", "sip:")):
        raise ValidationError(f"{raw!r} is not a person's number or address")
    if "@" in text:
        return email_handle(text)
    return phone_handle(text, default_region)


def match_contact(raw: str, default_region: str, directory: HandleDirectory) -> Match:
    """Match a remote address to its record; an unknown address is an unmatched handle."""
    handle = remote_handle(raw, default_region)
    state = directory(handle)
    if state is None:
        return Match(handle=handle, record_id=None)
    return Match(handle=handle, record_id=state.record_id, ignored=state.ignored, spam=state.spam)


def sender_handle(raw: str, default_region: str) -> Handle:
    """The handle traffic from `raw` is kept under. A sender that is not a person's number or
    address (withheld caller ID, a short code, an alphanumeric sender id) is kept as it came:
    never matched, but nothing is lost."""
    try:
        return remote_handle(raw, default_region)
    except ValidationError:
        return Handle("phone", raw.strip().lower() or "unknown")

"""The handle a remote address is kept under: what the Handles table matches to a record.

Pure: no table is read here; the inbound services look the handle up.
"""

from __future__ import annotations

from commcenter.domain.handles import Handle, email_handle, phone_handle
from commcenter.errors import ValidationError

# What Twilio puts in `From` when there is no person's number to match (withheld caller ID, a
# browser client, a SIP endpoint): such traffic is never matched and never creates a handle.
UNMATCHABLE_CALLERS = frozenset({"anonymous", "restricted", "unknown", "unavailable", "private", ""})


def remote_handle(raw: str, default_region: str) -> Handle:
    """The handle of a remote address: an email address if it has an `@`, else a phone number."""
    text = raw.strip()
    if text.lower() in UNMATCHABLE_CALLERS or text.lower().startswith(("client:", "sip:")):
        raise ValidationError(f"{raw!r} is not a person's number or address")
    if "@" in text:
        return email_handle(text)
    return phone_handle(text, default_region)


def sender_handle(raw: str, default_region: str) -> Handle:
    """The handle traffic from `raw` is kept under. A sender that is not a person's number or
    address (withheld caller ID, a short code, an alphanumeric sender id) is kept as it came:
    never matched, but nothing is lost."""
    try:
        return remote_handle(raw, default_region)
    except ValidationError:
        return Handle("phone", raw.strip().lower() or "unknown")

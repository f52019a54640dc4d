"""Identifiers: ULIDs, so ids sort by creation time and need no coordination."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from ulid import ULID

from commcenter.errors import ValidationError

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def new_id(at: datetime | None = None) -> str:
    return str(ULID.from_datetime(at) if at is not None else ULID())


def stable_id(at: datetime, *parts: str) -> str:
    """A ULID whose time part is `at` and whose random part is derived from `parts`.

    Used where a retry must produce the same id (an import row, a webhook's Sid), so that a
    conditional write turns the retry into a no-op instead of a duplicate.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()[:10]
    millis = int(at.timestamp() * 1000)
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + digest))


def checked_request_id(client_request_id: str) -> str:
    """A client's request id (made once by the dashboard for what it asks, the same when it asks
    again after a failure): what makes a retried create the same create."""
    if not _CLIENT_REQUEST_ID.match(client_request_id):
        raise ValidationError(
            "client_request_id is 8 to 64 letters, digits, - or _", {"client_request_id": "malformed"}
        )
    return client_request_id

"""Attach a handle's unmatched history to a record (pattern R5).

Each activity moves in its own transaction (put under the record, delete under the handle), so
a crash leaves every activity in exactly one place, and running the move again finishes it.
"""

from __future__ import annotations

from commcenter.data import activities as activities_data
from commcenter.domain.handles import Handle
from commcenter.observability import logger


def attach_handle_history(handle: Handle, record_id: str) -> int:
    """Move everything `handle` exchanged while unmatched onto `record_id`; returns how many moved."""
    moved = 0
    for item in activities_data.iter_owner(activities_data.owner_key(None, handle.key)):
        activities_data.move(item, record_id)
        moved += 1
    if moved:
        logger.info("handle history attached", extra={"handle": handle.key, "record_id": record_id, "moved": moved})
    return moved

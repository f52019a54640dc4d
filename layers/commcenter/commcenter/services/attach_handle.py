"""Attach a handle's unmatched history to a record (pattern R5), and ignore a handle (C5).

Each activity moves in its own transaction (put under the record, delete under the handle), so
a crash leaves every activity in exactly one place, and running the move again finishes it.
The handle's conversations are listed as matched first, so that messages arriving meanwhile go
straight to the record.
"""

from __future__ import annotations

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.domain.activities import center_section
from commcenter.domain.handles import Handle
from commcenter.errors import ConflictError
from commcenter.observability import logger
from commcenter.services.calls_tab import move_missed_count
from commcenter.services.sms_conversations import move_to_section


def attach_handle_history(handle: Handle, record_id: str) -> int:
    """Move everything `handle` exchanged while unmatched onto `record_id`; returns how many moved."""
    for conversation in conversations_data.ids_with_handle(handle.key):
        move_to_section(conversation, "matched", record_id)
    owner = activities_data.owner_key(None, handle.key)
    moved = 0
    for item in activities_data.iter_owner(owner):
        activity = activities_data.from_item(item)
        activities_data.move(item, record_id)
        move_missed_count(activity, center_section(activity), "matched")
        moved += 1
    if moved:
        logger.info("handle history attached", extra={"handle": handle.key, "record_id": record_id, "moved": moved})
    return moved


def set_handle_ignored(handle: Handle, ignored: bool) -> None:
    """Hide an unmatched handle's traffic from the Unmatched lists, or show it again."""
    state = handles_data.get(handle)
    if state is not None and state.record_id:
        raise ConflictError("this number belongs to a record: it is not unmatched", code="matched")
    handles_data.set_ignored(handle, ignored)
    for conversation in conversations_data.ids_with_handle(handle.key):
        move_to_section(conversation, "ignored" if ignored else "unmatched", None)
    owner = activities_data.owner_key(None, handle.key)
    for call in activities_data.of_type(owner, "call"):
        before = center_section(call)
        if before != ("ignored" if ignored else "unmatched"):
            activities_data.set_ignored(call, ignored)
            move_missed_count(call, before, "ignored" if ignored else "unmatched")


def release_handle_conversations(handle: Handle) -> None:
    """A number left its record (removed from it, or the record deleted): its conversations
    go back to Unmatched, and what arrives from it from now on is unmatched traffic."""
    for conversation in conversations_data.ids_with_handle(handle.key):
        move_to_section(conversation, "unmatched", None)

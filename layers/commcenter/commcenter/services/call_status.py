"""Call status callbacks: applied in SequenceNumber order, never a step back; a missed call
counted once, in the section the call is listed in; the call's conversation told how it ended."""

from __future__ import annotations

from commcenter.data import activities as activities_data
from commcenter.domain.activities import Activity, center_section
from commcenter.domain.calls import (
    FINAL_CALL_STATUSES,
    call_status_rank,
    is_missed,
    missed_counter,
    with_call_ended,
)
from commcenter.domain.clock import now_iso
from commcenter.domain.facts import CallFacts, expect
from commcenter.domain.sms import ConversationState
from commcenter.observability import logger
from commcenter.services.call_log import find_call
from commcenter.services.sms_conversations import change_conversation


def call_status(call_sid: str, parent_call_sid: str | None, status: str, sequence: int, duration: int | None) -> str:
    """A call status callback; an outbound call's dialled leg reports through its parent call."""
    call = find_call(call_sid) or (find_call(parent_call_sid) if parent_call_sid else None)
    if call is None:
        logger.info("status of an unknown call ignored", extra={"call_sid": call_sid, "status": status})
        return "unknown"
    rank = call_status_rank(status)
    if rank < 0:
        return "ignored"
    values: dict[str, object] = {}
    if status in ("in-progress", "answered") and call.direction == "outbound":
        values["answered_at"] = now_iso()
    if status in FINAL_CALL_STATUSES:
        values["ended_at"] = now_iso()
        if duration is not None:
            values["duration"] = duration
    owner, sk = activities_data.stored_key(call)
    applied = activities_data.apply_call_status(owner, sk, status=status, rank=rank, sequence=sequence, values=values)
    if status in FINAL_CALL_STATUSES:
        # Also when the status was applied before: a delivery that stopped after applying it is
        # replayed as stale, and the call must still be marked missed (once: the mark is conditional).
        _end_in_conversation(_count_if_missed(owner, sk))
    return "applied" if applied else "stale"


def _count_if_missed(owner: str, sk: str) -> Activity | None:
    """The call as it is now (the dial's answer may have just landed), counted if it was missed."""
    call = activities_data.get(owner, sk)
    if call is None or not is_missed(call.direction or "", expect(call.data, CallFacts).answered_by):
        return call
    section = center_section(call)
    if activities_data.mark_missed(call, missed_counter(section) if section != "ignored" else None):
        logger.info("missed call", extra={"call_sid": call.external_id, "section": section})
    return call


def _end_in_conversation(call: Activity | None) -> None:
    """The call's conversation says how it went ("Missed call", "Call, 3 min"), and an answered
    call reads it (`with_call_ended`); a replayed end changes nothing. A call stored before calls
    had conversations has none."""
    if call is None or not call.conversation_id:
        return
    facts = expect(call.data, CallFacts)

    def ended(state: ConversationState | None) -> ConversationState | None:
        return None if state is None else with_call_ended(state, call.occurred_at, call.direction, facts)

    change_conversation(call.conversation_id, ended)

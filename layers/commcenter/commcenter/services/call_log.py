"""The call log: every call stored once by its CallSid, on its record (or its number).

A call is an activity, created by the first webhook that names it with the claim of its CallSid
(`commcenter.data.inbound`): a retried webhook finds it again. It is written on its premises
(whose the other party's number is, whether the rep's phone rings), checked in the same write.
"""

from __future__ import annotations

from dataclasses import dataclass

from commcenter.data import message_refs
from commcenter.data.inbound import InboundWrite, write_inbound
from commcenter.domain.activities import Activity
from commcenter.domain.calls import (
    VoiceSettings,
    call_status_rank,
    call_title,
    number_for_people,
)
from commcenter.domain.clock import now_iso
from commcenter.domain.facts import CallFacts
from commcenter.domain.handles import Handle
from commcenter.domain.ids import new_id
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError
from commcenter.matching.match import sender_handle
from commcenter.services import call_premises
from commcenter.services.call_premises import CallPremises
from commcenter.services.external_ids import activity_of
from commcenter.settings import get_settings

# Premises that change between their read and the write this many times in a row are a fault.
PREMISE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class CallEvent:
    """What a voice webhook says of a call."""

    call_sid: str
    from_number: str
    to_number: str


def voice_settings(rep: Rep) -> VoiceSettings:
    return VoiceSettings.of(rep.forwarding_number, rep.settings)


def remote_handle_of(event: CallEvent, direction: str) -> Handle:
    """The other party's handle: the caller of an inbound call, the callee of an outbound one."""
    raw = event.from_number if direction == "inbound" else event.to_number
    return sender_handle(raw, get_settings().phone_default_region)


def record_call(event: CallEvent, rep: Rep, direction: str, premises: CallPremises) -> tuple[Activity, CallPremises]:
    """The call's activity, created by the first webhook that names it (found again on a retry),
    on the record the premises name; and the premises it was written on (read afresh when the
    ones given no longer held)."""
    for _ in range(PREMISE_ATTEMPTS):
        stored = _record_call(event, rep, direction, premises)
        if stored is not None:
            return stored, premises
        premises = call_premises.read(premises.handle, rep.id if premises.reach is not None else None)
    raise ConflictError(f"call {event.call_sid}: its number or the rep's phone keeps changing", code="in_progress")


def _record_call(event: CallEvent, rep: Rep, direction: str, premises: CallPremises) -> Activity | None:
    """One attempt; None if a premise no longer holds (nothing written)."""
    handle, state = premises.handle, premises.state
    record_id = state.record_id if state else None
    ignored = bool(state and state.ignored_for(rep.id))
    now = now_iso()
    status = "ringing" if direction == "inbound" else "initiated"
    activity = Activity(
        id=new_id(),
        record_id=record_id,
        handle=handle.key,
        type="call",
        occurred_at=now,
        rep_id=rep.id,
        direction="inbound" if direction == "inbound" else "outbound",
        summary=_summary(direction, handle),
        external_id=event.call_sid,
        data=CallFacts(
            call_sid=event.call_sid,
            status=status,
            status_rank=call_status_rank(status),
            from_=event.from_number,
            to=event.to_number,
            remote=handle.value,
            started_at=now,
            ignored=ignored,
        ),
    )
    # The call and the claim of its CallSid in one write, with the premises checked: a retried
    # webhook finds the call, and nothing is ever half-written.
    outcome = write_inbound(
        InboundWrite(ref=message_refs.call_ref(event.call_sid), activity=activity, premises=premises.premises(rep.id))
    )
    if outcome == "written":
        return activity
    if outcome == "premise_changed":
        return None
    existing = find_call(event.call_sid)
    if existing is None:
        raise ConflictError(f"call {event.call_sid} is being recorded by another delivery", code="in_progress")
    return existing


def find_call(call_sid: str) -> Activity | None:
    return activity_of(message_refs.call_ref(call_sid))


def _summary(direction: str, handle: Handle) -> str:
    """The call's title: whom it was with, their number as people write it (the dashboard names
    the person instead once the number is on their record)."""
    return call_title(direction, number_for_people(handle.value, get_settings().phone_default_region))

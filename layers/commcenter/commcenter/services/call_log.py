"""The call log: every call stored once by its CallSid, on its record (or its number), in its
conversation.

A call is an activity, created by the first webhook that names it with the claim of its CallSid
(`commcenter.data.inbound`): a retried webhook finds it again. It is written on its premises
(whose the other party's number is, whether the rep's phone rings), checked in the same write,
and in the same write its conversation (channel "call": one per rep's number and other party's
number, as an SMS conversation) takes it as its newest message, with the rep's counters, as
every inbound message is written (`commcenter.services.inbound.inbound_write`).
"""

from __future__ import annotations

from dataclasses import dataclass

from commcenter.data import conversations as conversations_data
from commcenter.data import message_refs
from commcenter.data.inbound import write_inbound
from commcenter.domain.activities import Activity
from commcenter.domain.calls import (
    VoiceSettings,
    call_preview,
    call_status_rank,
    call_title,
    number_for_people,
)
from commcenter.domain.clock import now_iso
from commcenter.domain.facts import CallFacts
from commcenter.domain.handles import Handle
from commcenter.domain.ids import new_id
from commcenter.domain.inbound import HandleUnchanged
from commcenter.domain.reps import Rep
from commcenter.domain.sms import ConversationState, conversation_id
from commcenter.errors import ConflictError
from commcenter.matching.match import sender_handle
from commcenter.services import call_premises
from commcenter.services.call_premises import CallPremises
from commcenter.services.external_ids import activity_of
from commcenter.services.inbound import InboundMessage, inbound_write, place_of_new
from commcenter.settings import get_settings

# Premises (or the call's conversation) that change between their read and the write this many
# times in a row are a fault.
PREMISE_ATTEMPTS = 4


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
    on the record the premises name, in its conversation; and the premises it was written on
    (read afresh when the ones given no longer held)."""
    conversation = conversation_id(_rep_number(event, rep, direction), premises.handle.value, "call")
    # The function's own last write of the conversation saves a read: a stale copy costs one
    # refused write (the write is conditional on its version) and a read.
    current = conversations_data.get(conversation, as_last_written=True)
    for _ in range(PREMISE_ATTEMPTS):
        stored = _record_call(event, rep, direction, premises, current)
        if isinstance(stored, Activity):
            return stored, premises
        if stored == "premise_changed":
            premises = call_premises.read(premises.handle, rep.id if premises.reach is not None else None)
        current = conversations_data.get(conversation)
    raise ConflictError(f"call {event.call_sid}: its number or the rep's phone keeps changing", code="in_progress")


def _rep_number(event: CallEvent, rep: Rep, direction: str) -> str:
    """The rep's side of the call: the number called, or the caller ID of a call the rep placed.
    Its conversation is the one of that number with the other party's (`conversation_id`)."""
    return (event.to_number if direction == "inbound" else event.from_number) or rep.twilio_number or ""


def _record_call(
    event: CallEvent, rep: Rep, direction: str, premises: CallPremises, current: ConversationState | None
) -> Activity | str:
    """One attempt on the conversation as read (`current`, None: new); what changed when a
    premise or the conversation no longer holds (nothing written)."""
    handle, state = premises.handle, premises.state
    # The conversation knows its record and section (attaching, ignoring and releasing the number
    # move it, and its version with them): the handle is checked only when the call starts a new
    # one, which starts where the handle says. The rep's reach, which routed the call, always.
    checks = premises.premises(rep.id)
    if current is not None:
        record_id, section, folder = current.record_id, current.section, current.folder
        checks = tuple(premise for premise in checks if not isinstance(premise, HandleUnchanged))
    else:
        record_id, section, folder = place_of_new(state, rep.id)
    now = now_iso()
    status = "ringing" if direction == "inbound" else "initiated"
    inbound = direction == "inbound"
    facts = CallFacts(
        call_sid=event.call_sid,
        status=status,
        status_rank=call_status_rank(status),
        from_=event.from_number,
        to=event.to_number,
        remote=handle.value,
        started_at=now,
        ignored=section == "ignored",
    )
    message = InboundMessage(
        ref=message_refs.call_ref(event.call_sid),
        external_id=event.call_sid,
        rep=rep,
        rep_address=_rep_number(event, rep, direction),
        sender=handle,
        conversation_id=conversation_id(_rep_number(event, rep, direction), handle.value, "call"),
        activity_id=new_id(),
        occurred_at=now,
        body="",
        summary=_summary(direction, handle),
        facts=facts,
        direction="inbound" if inbound else "outbound",
        preview=call_preview(direction, facts),
    )
    # The call, the claim of its CallSid and its conversation in one write, with the premises
    # checked: a retried webhook finds the call, and nothing is ever half-written.
    write = inbound_write(message, current, record_id=record_id, section=section, folder=folder, premises=checks)
    outcome = write_inbound(write)
    if outcome == "written":
        return write.activity
    if outcome in ("premise_changed", "conversation_changed"):
        return outcome
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

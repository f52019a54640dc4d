"""Calls: every call stored once on its record (or its number), routed, followed to its end.

A call is an activity keyed by its CallSid through the message refs, created by the first
webhook that names it (a retried webhook finds it again). Status callbacks apply in
SequenceNumber order and never step back; a missed call is counted once, in the section the
call is listed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from commcenter.data import activities as activities_data
from commcenter.data import counters as counters_data
from commcenter.data import message_refs
from commcenter.data import reps as reps_data
from commcenter.data.inbound import InboundWrite, write_inbound
from commcenter.domain.activities import Activity
from commcenter.domain.calls import (
    FINAL_CALL_STATUSES,
    DialStage,
    Route,
    VoiceSettings,
    call_status_rank,
    is_missed,
    route_after_dial,
    route_incoming,
)
from commcenter.domain.clock import now_iso
from commcenter.domain.handles import Handle, normalize_phone
from commcenter.domain.ids import new_id
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from commcenter.matching.match import sender_handle
from commcenter.observability import logger
from commcenter.services import call_premises
from commcenter.services.call_center import missed_counter
from commcenter.services.call_premises import CallPremises
from commcenter.services.refs import activity_of, key_of
from commcenter.settings import get_settings

DIAL_STAGES: dict[str, DialStage] = {"browser": "browser", "forward": "forward"}
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


# ---------------------------------------------------------------- the call record


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
    ignored = bool(state and state.ignored and not record_id)
    now = now_iso()
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
        data={
            "call_sid": event.call_sid,
            "status": "ringing" if direction == "inbound" else "initiated",
            "status_rank": call_status_rank("ringing" if direction == "inbound" else "initiated"),
            "from": event.from_number,
            "to": event.to_number,
            "remote": handle.value,
            "started_at": now,
            "voicemail": False,
            "ignored": ignored,
        },
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
    return f"{'Incoming' if direction == 'inbound' else 'Outgoing'} call with {handle.value}"


# ---------------------------------------------------------------- routing


def incoming_call(event: CallEvent, rep: Rep) -> Route:
    """A call to a rep's number: stored, then the browser rings or the fallback answers."""
    handle = remote_handle_of(event, "inbound")
    call, premises = record_call(event, rep, "inbound", call_premises.premises_of(handle, rep.id))
    online, on_call = premises.reach or (False, False)
    route = route_incoming(online=online and bool(rep.client_identity), on_call=on_call, settings=voice_settings(rep))
    logger.info("incoming call", extra={"call_sid": event.call_sid, "route": route.kind, "rep_id": rep.id})
    if route.kind in ("voicemail", "unavailable"):
        activities_data.set_data(*key_of(call), {"routed_to": route.kind})
    return route


def dial_ended(call_sid: str, stage: str, dial_status: str, rep: Rep) -> Route:
    """A `<Dial>` (the browser, then the forwarding number) ended; or the voicemail was left."""
    call = find_call(call_sid)
    if stage == "voicemail":
        if call is not None:
            activities_data.set_data(*key_of(call), {"voicemail": True})
        return Route("done")
    if stage not in DIAL_STAGES:
        return Route("done")
    if dial_status == "completed" and call is not None:
        answered = {"answered_by": stage, "answered_at": now_iso()}
        activities_data.set_data_once(*key_of(call), answered, unless="answered_by")
    declined = bool(call is not None and call.data.get("declined"))
    route = route_after_dial(DIAL_STAGES[stage], dial_status, voice_settings(rep), declined=declined)
    logger.info("dial ended", extra={"call_sid": call_sid, "stage": stage, "status": dial_status, "next": route.kind})
    return route


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
    owner, sk = key_of(call)
    applied = activities_data.apply_call_status(owner, sk, status=status, rank=rank, sequence=sequence, values=values)
    if applied and status in FINAL_CALL_STATUSES:
        _count_if_missed(owner, sk)
    return "applied" if applied else "stale"


def _count_if_missed(owner: str, sk: str) -> None:
    call = activities_data.get(owner, sk)  # as it is now: the dial's answer may have just landed
    if call is None or not is_missed(call.direction or "", call.data.get("answered_by")):
        return
    if activities_data.mark_missed(call):
        section = activities_data.center_section(call)
        if section != "ignored" and call.rep_id:
            counters_data.add(counters_data.rep_scope(call.rep_id), missed_counter(section), 1)
        logger.info("missed call", extra={"call_sid": call.external_id, "section": section})


def decline_call(rep: Rep, call_sid: str) -> Activity:
    """The rep declines a call ringing in the browser: once the browser rejects it, the caller
    hears voicemail or the unavailable message, not the forwarding number (C5)."""
    call = find_call(call_sid)
    if call is None:
        raise NotFoundError("no such call")
    if call.rep_id != rep.id or call.direction != "inbound":
        raise ForbiddenError("only the rep a call rings can decline it")
    if call.data.get("answered_by") or call.data.get("status") in FINAL_CALL_STATUSES:
        raise ConflictError("the call was answered or has ended", code="call_over")
    if not activities_data.set_data_once(*key_of(call), {"declined": True}, unless="answered_by"):
        raise ConflictError("the call was answered meanwhile", code="call_over")
    logger.info("call declined in the browser", extra={"call_sid": call_sid, "rep_id": rep.id})
    return activities_data.get(*key_of(call)) or call


# ---------------------------------------------------------------- browser calls


@dataclass(frozen=True, slots=True)
class OutgoingCall:
    rep: Rep
    to_number: str
    record: bool


def outgoing_call(event: CallEvent) -> OutgoingCall | str:
    """A call the browser places (`From` is `client:{identity}`): the call, or why it is refused."""
    identity = event.from_number.removeprefix("client:")
    rep = reps_data.find_by_claim("client", identity) if event.from_number.startswith("client:") else None
    if rep is None or not rep.twilio_number:
        logger.warning("browser call from an unknown client refused", extra={"from": event.from_number})
        return "This phone is not set up for calls."
    try:
        to_number = normalize_phone(event.to_number, get_settings().phone_default_region)
    except ValidationError:
        return "The number you dialled is not valid."
    outbound = CallEvent(event.call_sid, rep.twilio_number, to_number)
    handle = remote_handle_of(outbound, "outbound")
    record_call(outbound, rep, "outbound", call_premises.premises_of(handle, None))
    return OutgoingCall(rep, to_number, voice_settings(rep).recording)

"""A call to a rep's number: routed to the browser, the forwarding number or voicemail (C5)."""

from __future__ import annotations

from commcenter.data import activities as activities_data
from commcenter.domain.activities import Activity
from commcenter.domain.calls import (
    FINAL_CALL_STATUSES,
    DialStage,
    Route,
    route_after_dial,
    route_incoming,
)
from commcenter.domain.clock import now_iso
from commcenter.domain.facts import CallFacts, expect
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, ForbiddenError, NotFoundError
from commcenter.observability import logger
from commcenter.services import call_premises
from commcenter.services.call_log import CallEvent, find_call, record_call, remote_handle_of, voice_settings

DIAL_STAGES: dict[str, DialStage] = {"browser": "browser", "forward": "forward"}


def incoming_call(event: CallEvent, rep: Rep) -> Route:
    """A call to a rep's number: stored, then the browser rings or the fallback answers."""
    handle = remote_handle_of(event, "inbound")
    call, premises = record_call(event, rep, "inbound", call_premises.premises_of(handle, rep.id))
    online, on_call = premises.reach or (False, False)
    route = route_incoming(online=online and bool(rep.client_identity), on_call=on_call, settings=voice_settings(rep))
    logger.info("incoming call", extra={"call_sid": event.call_sid, "routed_to": route.kind, "rep_id": rep.id})
    if route.kind in ("voicemail", "unavailable"):
        activities_data.set_data(*activities_data.stored_key(call), {"routed_to": route.kind})
    return route


def dial_ended(call_sid: str, stage: str, dial_status: str, rep: Rep) -> Route:
    """A `<Dial>` (the browser, then the forwarding number) ended; or the voicemail was left."""
    call = find_call(call_sid)
    if stage == "voicemail":
        if call is not None:
            activities_data.set_data(*activities_data.stored_key(call), {"voicemail": True})
        return Route("done")
    if stage not in DIAL_STAGES:
        return Route("done")
    if dial_status == "completed" and call is not None:
        answered = {"answered_by": stage, "answered_at": now_iso()}
        activities_data.set_data_once(*activities_data.stored_key(call), answered, unless="answered_by")
    declined = call is not None and expect(call.data, CallFacts).declined
    route = route_after_dial(DIAL_STAGES[stage], dial_status, voice_settings(rep), declined=declined)
    logger.info("dial ended", extra={"call_sid": call_sid, "stage": stage, "status": dial_status, "next": route.kind})
    return route


def decline_call(rep: Rep, call_sid: str) -> Activity:
    """The rep declines a call ringing in the browser: once the browser rejects it, the caller
    hears voicemail or the unavailable message, not the forwarding number (C5)."""
    call = find_call(call_sid)
    if call is None or call.rep_id != rep.id:  # another rep's call is answered as an unknown one
        raise NotFoundError("no such call")
    if call.direction != "inbound":
        raise ForbiddenError("only an incoming call can be declined")
    facts = expect(call.data, CallFacts)
    if facts.answered_by or facts.status in FINAL_CALL_STATUSES:
        raise ConflictError("the call was answered or has ended", code="call_over")
    if not activities_data.set_data_once(*activities_data.stored_key(call), {"declined": True}, unless="answered_by"):
        raise ConflictError("the call was answered meanwhile", code="call_over")
    logger.info("call declined in the browser", extra={"call_sid": call_sid, "rep_id": rep.id})
    return activities_data.get(*activities_data.stored_key(call)) or call

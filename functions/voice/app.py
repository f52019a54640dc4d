"""Twilio's voice webhooks: incoming and outgoing calls, dial results, call status, recordings.

Every request is verified against X-Twilio-Signature first; every answer is TwiML, fast.
"""

from __future__ import annotations

from chalice.app import Response

from commcenter.channels.twilio_voice import incoming_twiml, outgoing_twiml, refusal_twiml
from commcenter.domain.calls import UNAVAILABLE_MESSAGE
from commcenter.http.app import create_app
from commcenter.http.requests import current, query
from commcenter.http.twilio import FORM, public_base_url, twiml_response, verified_form
from commcenter.observability import logger
from commcenter.services import call_log, call_status, inbound_calls, outbound_calls, recordings
from commcenter.services.reps import rep_by_number

app = create_app("commcenter-voice")


@app.route("/twilio/voice/incoming", methods=["POST"], content_types=[FORM])
def incoming() -> Response:
    request = current(app)
    form = verified_form(request)
    event = call_log.CallEvent(form.require("CallSid"), form.get("From") or "", form.require("To"))
    rep = rep_by_number(event.to_number)
    if rep is None:
        logger.warning("call to a number no rep owns", extra={"to": event.to_number, "call_sid": event.call_sid})
        return twiml_response(refusal_twiml(UNAVAILABLE_MESSAGE))
    route = inbound_calls.incoming_call(event, rep)
    twiml = incoming_twiml(
        route,
        base_url=public_base_url(request),
        client_identity=rep.client_identity,
        caller=event.from_number,
        call_sid=event.call_sid,
        settings=call_log.voice_settings(rep),
    )
    return twiml_response(twiml)


@app.route("/twilio/voice/dial-result", methods=["POST"], content_types=[FORM])
def dial_result() -> Response:
    request = current(app)
    form = verified_form(request)
    rep = rep_by_number(form.get("To") or form.get("Called") or "")
    if rep is None:
        return twiml_response(refusal_twiml(UNAVAILABLE_MESSAGE))
    stage = query(request, "stage") or ""
    call_sid = form.require("CallSid")
    route = inbound_calls.dial_ended(call_sid, stage, form.get("DialCallStatus") or "", rep)
    twiml = incoming_twiml(
        route,
        base_url=public_base_url(request),
        client_identity=rep.client_identity,
        caller=form.get("From") or "",
        call_sid=call_sid,
        settings=call_log.voice_settings(rep),
    )
    return twiml_response(twiml)


@app.route("/twilio/voice/outgoing", methods=["POST"], content_types=[FORM])
def outgoing() -> Response:
    request = current(app)
    form = verified_form(request)
    event = call_log.CallEvent(form.require("CallSid"), form.get("From") or "", form.get("To") or "")
    call = outbound_calls.outgoing_call(event)
    if isinstance(call, str):
        return twiml_response(refusal_twiml(call))
    twiml = outgoing_twiml(
        base_url=public_base_url(request),
        caller_id=call.rep.twilio_number or "",
        to_number=call.to_number,
        record=call.record,
    )
    return twiml_response(twiml)


@app.route("/twilio/voice/status", methods=["POST"], content_types=[FORM])
def status() -> Response:
    form = verified_form(current(app))
    call_status.call_status(
        form.require("CallSid"),
        form.get("ParentCallSid"),
        (form.get("CallStatus") or "").lower(),
        form.integer("SequenceNumber") or 0,
        form.integer("CallDuration") if form.get("CallDuration") else form.integer("Duration"),
    )
    return twiml_response()


@app.route("/twilio/voice/recording", methods=["POST"], content_types=[FORM])
def recording() -> Response:
    request = current(app)
    form = verified_form(request)
    kind = query(request, "kind") or "call"
    if (form.get("RecordingStatus") or "completed") == "completed":
        recordings.recording_completed(
            form.require("CallSid"),
            form.require("RecordingSid"),
            form.integer("RecordingDuration"),
            "voicemail" if kind == "voicemail" else "call",
        )
    return twiml_response()

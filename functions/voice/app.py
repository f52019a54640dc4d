"""Twilio's voice webhooks: incoming and outgoing calls, dial results, status and recordings.

Every request is verified against X-Twilio-Signature first. Until call routing lands, a
verified incoming call hears that the rep is unavailable, and callbacks are acknowledged.
"""

from __future__ import annotations

from chalice.app import Response

from commcenter.http.app import create_app
from commcenter.http.requests import current
from commcenter.http.twilio import FORM, twiml_response, verified_form
from commcenter.observability import logger

app = create_app("commcenter-voice")

UNAVAILABLE = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    "<Say>The person you are calling is not available. Please call again later.</Say>"
    "<Hangup /></Response>"
)


@app.route("/twilio/voice/incoming", methods=["POST"], content_types=[FORM])
def incoming() -> Response:
    form = verified_form(current(app))
    logger.info("incoming call answered as unavailable", extra={"call_sid": form.get("CallSid")})
    return twiml_response(UNAVAILABLE)


@app.route("/twilio/voice/dial-result", methods=["POST"], content_types=[FORM])
def dial_result() -> Response:
    form = verified_form(current(app))
    logger.info("dial result", extra={"call_sid": form.get("CallSid"), "status": form.get("DialCallStatus")})
    return twiml_response(UNAVAILABLE)


@app.route("/twilio/voice/outgoing", methods=["POST"], content_types=[FORM])
def outgoing() -> Response:
    form = verified_form(current(app))
    logger.info("outgoing call refused: browser calling is not enabled", extra={"call_sid": form.get("CallSid")})
    return twiml_response(UNAVAILABLE)


@app.route("/twilio/voice/status", methods=["POST"], content_types=[FORM])
def status() -> Response:
    form = verified_form(current(app))
    logger.info("call status", extra={"call_sid": form.get("CallSid"), "status": form.get("CallStatus")})
    return twiml_response()


@app.route("/twilio/voice/recording", methods=["POST"], content_types=[FORM])
def recording() -> Response:
    form = verified_form(current(app))
    logger.info("recording status", extra={"recording_sid": form.get("RecordingSid")})
    return twiml_response()

"""Twilio's SMS webhooks: incoming messages and delivery status callbacks.

Every request is verified against X-Twilio-Signature before anything else happens. Storing
messages and conversations arrives with the SMS channel; until then a verified webhook is
acknowledged with empty TwiML (so Twilio does not retry) and logged.
"""

from __future__ import annotations

from chalice.app import Response

from commcenter.http.app import create_app
from commcenter.http.requests import current
from commcenter.http.twilio import FORM, twiml_response, verified_form
from commcenter.observability import logger

app = create_app("commcenter-sms")


@app.route("/twilio/sms/incoming", methods=["POST"], content_types=[FORM])
def incoming() -> Response:
    form = verified_form(current(app))
    logger.info("incoming SMS acknowledged", extra={"message_sid": form.get("MessageSid")})
    return twiml_response()


@app.route("/twilio/sms/status", methods=["POST"], content_types=[FORM])
def status() -> Response:
    form = verified_form(current(app))
    logger.info(
        "SMS status acknowledged",
        extra={"message_sid": form.get("MessageSid"), "status": form.get("MessageStatus")},
    )
    return twiml_response()

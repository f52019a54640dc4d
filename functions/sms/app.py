"""Twilio's SMS webhooks: incoming messages (SMS and MMS) and delivery status callbacks.

Every request is verified against X-Twilio-Signature before anything else happens; the answer
is empty TwiML, so Twilio neither replies nor retries.
"""

from __future__ import annotations

from chalice.app import Response

from commcenter.channels.twilio_form import TwilioForm
from commcenter.domain.facts import Media
from commcenter.domain.media import is_twilio_media_url
from commcenter.errors import ValidationError
from commcenter.http.app import create_app
from commcenter.http.requests import current
from commcenter.http.twilio import FORM, twiml_response, verified_form
from commcenter.observability import logger
from commcenter.services.sms_inbound import InboundSms, receive_sms
from commcenter.services.sms_status import apply_status

app = create_app("commcenter-sms")

MAX_MEDIA = 10  # Twilio delivers at most ten attachments per MMS


@app.route("/twilio/sms/incoming", methods=["POST"], content_types=[FORM])
def incoming() -> Response:
    form = verified_form(current(app))
    receive_sms(
        InboundSms(
            sid=form.require("MessageSid"),
            from_number=form.require("From"),
            to_number=form.require("To"),
            body=form.get("Body") or "",
            media=_media(form),
        )
    )
    return twiml_response()


@app.route("/twilio/sms/status", methods=["POST"], content_types=[FORM])
def status() -> Response:
    form = verified_form(current(app))
    # Twilio names the status MessageStatus; older callbacks carry SmsStatus as well.
    state = form.get("MessageStatus") or form.get("SmsStatus")
    if not state:
        raise ValidationError("the callback has no MessageStatus", {"MessageStatus": "required"})
    apply_status(form.require("MessageSid"), state.lower(), form.integer("ErrorCode"))
    return twiml_response()


def _media(form: TwilioForm) -> list[Media]:
    try:
        count = min(int(form.get("NumMedia") or "0"), MAX_MEDIA)
    except ValueError:
        raise ValidationError("NumMedia is not a number", {"NumMedia": "malformed"}) from None
    media = []
    for index in range(count):
        url = form.get(f"MediaUrl{index}")
        if not url:
            continue
        if not is_twilio_media_url(url):
            # The dashboard shows attachments as links: only Twilio's own media is kept. The
            # URL is not logged (it may carry anything), its position is.
            logger.warning("MMS attachment dropped: not on Twilio's media hosts", extra={"attachment": index})
            continue
        media.append(Media(url=url, content_type=form.get(f"MediaContentType{index}") or ""))
    return media

"""A call the browser places: checked, stored, dialled with the rep's number as caller ID (C4)."""

from __future__ import annotations

from dataclasses import dataclass

from commcenter.data import reps as reps_data
from commcenter.domain.handles import normalize_phone
from commcenter.domain.reps import Rep
from commcenter.errors import ValidationError
from commcenter.observability import logger
from commcenter.services import call_premises
from commcenter.services.call_log import CallEvent, record_call, remote_handle_of, voice_settings
from commcenter.settings import get_settings


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

"""An incoming SMS or MMS: stored once on its record (or its number), listed, counted.

The SMS driver of the inbound pipeline (`commcenter.services.inbound`): the webhook's message
becomes an `InboundMessage` (its MessageSid, the SMS facts, the opt-out a STOP or START keyword
carries), which the pipeline stores with its conversation and counters in one write, exactly
once per MessageSid over the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from commcenter.data import message_refs
from commcenter.domain.activities import summarize
from commcenter.domain.clock import now_iso
from commcenter.domain.facts import Media, SmsFacts
from commcenter.domain.ids import new_id
from commcenter.domain.reps import Rep
from commcenter.domain.sms import (
    conversation_id,
    count_segments,
    keyword_of,
    opt_out_of,
)
from commcenter.matching.match import sender_handle
from commcenter.observability import logger
from commcenter.services.inbound import TABLES, InboundMessage, InboundStore, store_inbound
from commcenter.services.reps import rep_by_number
from commcenter.settings import get_settings


@dataclass(frozen=True, slots=True)
class InboundSms:
    sid: str
    from_number: str
    to_number: str
    body: str
    media: list[Media] = field(default_factory=list)


Outcome = Literal["stored", "duplicate", "unknown_number"]


def receive_sms(message: InboundSms, store: InboundStore = TABLES) -> Outcome:
    rep = rep_by_number(message.to_number)
    if rep is None or not rep.twilio_number:
        logger.warning("SMS to a number no rep owns: not stored", extra={"message_sid": message.sid})
        return "unknown_number"
    outcome = store_inbound(inbound_message(message, rep, rep.twilio_number), store)
    if outcome == "stored":
        logger.info("SMS stored", extra={"message_sid": message.sid, "rep_id": rep.id, "media": len(message.media)})
    else:
        logger.info("repeated SMS webhook ignored", extra={"message_sid": message.sid})
    return outcome


def inbound_message(message: InboundSms, rep: Rep, rep_number: str) -> InboundMessage:
    """What the SMS driver hands to the inbound pipeline."""
    sender = sender_handle(message.from_number, get_settings().phone_default_region)
    keyword = keyword_of(message.body)
    segments = count_segments(message.body)
    at = now_iso()
    return InboundMessage(
        ref=message_refs.sid_ref(message.sid),
        external_id=message.sid,
        rep=rep,
        rep_address=rep_number,
        sender=sender,
        conversation_id=conversation_id(rep_number, sender.value),
        activity_id=new_id(),
        occurred_at=at,
        body=message.body,
        summary=summarize(message.body) or _media_summary(message.media),
        facts=SmsFacts(
            status="received",
            from_=sender.value,
            to=rep_number,
            segments=segments.segments,
            encoding=segments.encoding,
            media=message.media,
            keyword=keyword[0] if keyword else None,
        ),
        opt_out=opt_out_of(message.body, sender.value, rep_number, at),
    )


def _media_summary(media: list[Media]) -> str:
    if not media:
        return ""
    return "1 attachment" if len(media) == 1 else f"{len(media)} attachments"

"""An incoming SMS or MMS: stored once on its record (or its number), listed, counted.

The webhook path makes three writes: the message, its conversation, the rep's unread counter.
A retried webhook (same MessageSid) changes nothing: the conversation remembers its last
MessageSids, and a delivery interrupted before its conversation was written left a message
that the retry finds among the newest and adopts, instead of storing a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data import opt_outs as opt_outs_data
from commcenter.domain.activities import Activity, summarize
from commcenter.domain.clock import now_iso
from commcenter.domain.handles import Handle
from commcenter.domain.ids import new_id
from commcenter.domain.sms import ConversationState, conversation_id, count_segments, keyword_of, with_message
from commcenter.errors import ValidationError
from commcenter.matching.match import match_contact
from commcenter.observability import logger
from commcenter.services.reps import rep_by_number
from commcenter.services.sms_conversations import change_conversation
from commcenter.settings import get_settings


@dataclass(frozen=True, slots=True)
class InboundSms:
    sid: str
    from_number: str
    to_number: str
    body: str
    media: list[dict[str, str]] = field(default_factory=list)


Outcome = Literal["stored", "duplicate", "unknown_number"]


def receive_sms(message: InboundSms) -> Outcome:
    rep = rep_by_number(message.to_number)
    if rep is None or not rep.twilio_number:
        logger.warning(
            "SMS to a number no rep owns: not stored",
            extra={"to": message.to_number, "message_sid": message.sid},
        )
        return "unknown_number"
    handle, record_id, ignored = _sender(message.from_number)
    conversation = conversation_id(rep.twilio_number, handle.value)
    owner = activities_data.owner_key(record_id, handle.key)
    keyword = keyword_of(message.body)
    segments = count_segments(message.body)
    received_at = now_iso()

    stored = activities_data.find_recent_by_external_id(owner, "sms", message.sid)
    if stored is None:
        stored = Activity(
            id=new_id(),
            record_id=record_id,
            handle=handle.key,
            type="sms",
            occurred_at=received_at,
            rep_id=rep.id,
            direction="inbound",
            summary=summarize(message.body) or _media_summary(message.media),
            body=message.body,
            conversation_id=conversation,
            external_id=message.sid,
            data={
                "status": "received",
                "from": handle.value,
                "to": rep.twilio_number,
                "segments": segments.segments,
                "encoding": segments.encoding,
                "media": message.media,
                **({"keyword": keyword[0]} if keyword else {}),
            },
        )
        fresh = True
    else:
        fresh = False

    duplicate = False

    def add_message(state: ConversationState | None) -> ConversationState | None:
        nonlocal duplicate
        if state is not None and message.sid in state.recent_sids:
            duplicate = True
            return None
        base = state or ConversationState(
            id=conversation,
            rep_id=rep.id,
            rep_number=rep.twilio_number or "",
            remote_number=handle.value,
            handle=handle.key,
            record_id=record_id,
            section="matched" if record_id else ("ignored" if ignored else "unmatched"),
            last_at=stored.occurred_at,
            last_preview="",
            last_direction="inbound",
            unread=0,
        )
        return with_message(base, sid=message.sid, at=stored.occurred_at, preview=stored.summary, direction="inbound")

    # A retry is recognised before anything is written: a duplicate stores nothing.
    if _conversation_has(conversation, message.sid):
        logger.info("retried SMS webhook ignored", extra={"message_sid": message.sid})
        return "duplicate"
    if fresh:
        activities_data.put(stored)
    change_conversation(conversation, add_message)
    if duplicate:
        # A concurrent delivery of the same message won the race: this copy goes.
        if fresh:
            activities_data.delete(owner, f"{stored.occurred_at}#{stored.id}")
        return "duplicate"
    if keyword and keyword[1] != "help":
        opt_outs_data.record(rep.twilio_number, handle.value, keyword[1] == "opt_out", keyword[0], received_at)
        logger.info("SMS opt-out keyword", extra={"keyword": keyword[0], "rep_id": rep.id})
    logger.info(
        "SMS stored",
        extra={
            "message_sid": message.sid,
            "rep_id": rep.id,
            "matched": record_id is not None,
            "media": len(message.media),
        },
    )
    return "stored"


def _conversation_has(conversation: str, sid: str) -> bool:
    state = conversations_data.get(conversation)
    return state is not None and sid in state.recent_sids


def _sender(raw: str) -> tuple[Handle, str | None, bool]:
    """The sender's handle and record. A sender that is not a phone number (a short code, an
    alphanumeric sender id) is kept as it came: never matched, but nothing is lost."""
    try:
        match = match_contact(raw, get_settings().phone_default_region, handles_data.get)
    except ValidationError:
        text = raw.strip() or "unknown"
        return Handle("phone", text), None, False
    return match.handle, match.record_id, match.ignored


def _media_summary(media: list[dict[str, str]]) -> str:
    if not media:
        return ""
    return "1 attachment" if len(media) == 1 else f"{len(media)} attachments"

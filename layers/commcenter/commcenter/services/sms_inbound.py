"""An incoming SMS or MMS: stored once on its record (or its number), listed, counted.

The webhook path reads the conversation (this function's own last write of it when it has one;
for a new one, the sender's handle too), then writes the conversation, the message and the
rep's unread counter in one transaction, in one round trip. The conversation remembers its last
MessageSids and is written only if nobody changed it since it was read: a retried webhook finds
its MessageSid there and changes nothing, and a delivery that fails midway has written nothing.
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
from commcenter.domain.handles import Handle, HandleState
from commcenter.domain.ids import new_id
from commcenter.domain.sms import ConversationState, conversation_id, count_segments, keyword_of, with_message
from commcenter.matching.match import sender_handle
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
    rep_number = rep.twilio_number
    sender = sender_handle(message.from_number, get_settings().phone_default_region)
    conversation = conversation_id(rep_number, sender.value)
    current = conversations_data.get(conversation, as_last_written=True)
    if current is not None and current.stored_key_of(message.sid) is not None:
        return _duplicate(message)
    if current is not None:
        # The conversation knows its record and section: attaching, ignoring and releasing the
        # number keep them up to date, so the handle is read only for a new conversation.
        record_id, ignored = current.record_id, current.section == "ignored"
    else:
        record_id, ignored = _match(handles_data.get(sender) if sender.value.startswith("+") else None)
    activity = _message_activity(message, rep.id, rep_number, sender, record_id, conversation)
    key = f"{activity.occurred_at}#{activity.id}"
    duplicate = False

    def add_message(state: ConversationState | None) -> ConversationState | None:
        nonlocal duplicate
        if state is not None and state.stored_key_of(message.sid) is not None:
            duplicate = True  # stored by another delivery meanwhile, or seen by another instance
            return None
        base = state or ConversationState(
            id=conversation,
            rep_id=rep.id,
            rep_number=rep_number,
            remote_number=sender.value,
            handle=sender.key,
            record_id=record_id,
            section="matched" if record_id else ("ignored" if ignored else "unmatched"),
            last_at=activity.occurred_at,
            last_preview="",
            last_direction="inbound",
            unread=0,
        )
        return with_message(
            base, sid=message.sid, at=activity.occurred_at, preview=activity.summary, direction="inbound", key=key
        )

    change_conversation(
        conversation, add_message, current=current, together=lambda tx: activities_data.add_put(tx, activity)
    )
    if duplicate:
        return _duplicate(message)
    keyword = keyword_of(message.body)
    if keyword and keyword[1] != "help":
        opted_out = keyword[1] == "opt_out"
        opt_outs_data.record(rep_number, sender.value, opted_out, keyword[0], activity.occurred_at)
        logger.info("SMS opt-out keyword", extra={"keyword": keyword[0], "rep_id": rep.id})
    logger.info(
        "SMS stored",
        extra={"message_sid": message.sid, "rep_id": rep.id, "matched": bool(record_id), "media": len(message.media)},
    )
    return "stored"


def _duplicate(message: InboundSms) -> Outcome:
    logger.info("retried SMS webhook ignored", extra={"message_sid": message.sid})
    return "duplicate"


def _message_activity(
    message: InboundSms,
    rep_id: str,
    rep_number: str,
    sender: Handle,
    record_id: str | None,
    conversation: str,
) -> Activity:
    keyword = keyword_of(message.body)
    segments = count_segments(message.body)
    return Activity(
        id=new_id(),
        record_id=record_id,
        handle=sender.key,
        type="sms",
        occurred_at=now_iso(),
        rep_id=rep_id,
        direction="inbound",
        summary=summarize(message.body) or _media_summary(message.media),
        body=message.body,
        conversation_id=conversation,
        external_id=message.sid,
        data={
            "status": "received",
            "from": sender.value,
            "to": rep_number,
            "segments": segments.segments,
            "encoding": segments.encoding,
            "media": message.media,
            **({"keyword": keyword[0]} if keyword else {}),
        },
    )


def _match(state: HandleState | None) -> tuple[str | None, bool]:
    if state is None:
        return None, False
    return state.record_id, state.ignored


def _media_summary(media: list[dict[str, str]]) -> str:
    if not media:
        return ""
    return "1 attachment" if len(media) == 1 else f"{len(media)} attachments"

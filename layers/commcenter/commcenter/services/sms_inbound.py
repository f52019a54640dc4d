"""An incoming SMS or MMS: stored once on its record (or its number), listed, counted.

The conversation is read (this function's own last write of it when it has one; for a new one,
the sender's handle too), then one write stores everything the message changes: the claim of its
MessageSid, the message, the conversation, the rep's unread counter and, for an opt-out or
opt-in keyword, the sender's opt-out. One round trip, all or nothing, exactly once per
MessageSid over the whole history (see `commcenter.data.inbound`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data import message_refs
from commcenter.data.inbound import InboundWrite, write_inbound
from commcenter.domain.activities import Activity, summarize
from commcenter.domain.clock import now_iso
from commcenter.domain.facts import Media, SmsFacts
from commcenter.domain.handles import Handle
from commcenter.domain.ids import new_id
from commcenter.domain.inbound import HandleUnchanged, Premise
from commcenter.domain.reps import Rep
from commcenter.domain.sms import (
    ConversationState,
    conversation_id,
    count_segments,
    keyword_of,
    opt_out_of,
    unread_deltas,
    with_message,
)
from commcenter.errors import BusyError
from commcenter.matching.match import sender_handle
from commcenter.observability import logger
from commcenter.services.reps import rep_by_number
from commcenter.settings import get_settings

# Each attempt reads what changed since the last one: more than a few in a row is a fault.
WRITE_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class InboundSms:
    sid: str
    from_number: str
    to_number: str
    body: str
    media: list[Media] = field(default_factory=list)


Outcome = Literal["stored", "duplicate", "unknown_number"]


def receive_sms(message: InboundSms) -> Outcome:
    rep = rep_by_number(message.to_number)
    if rep is None or not rep.twilio_number:
        logger.warning("SMS to a number no rep owns: not stored", extra={"message_sid": message.sid})
        return "unknown_number"
    sender = sender_handle(message.from_number, get_settings().phone_default_region)
    conversation = conversation_id(rep.twilio_number, sender.value)
    current = conversations_data.get(conversation, as_last_written=True)
    for _ in range(WRITE_ATTEMPTS):
        outcome = write_inbound(_write_of(message, rep, sender, conversation, current))
        if outcome == "written":
            logger.info("SMS stored", extra={"message_sid": message.sid, "rep_id": rep.id, "media": len(message.media)})
            return "stored"
        if outcome == "duplicate":
            logger.info("repeated SMS webhook ignored", extra={"message_sid": message.sid})
            return "duplicate"
        current = conversations_data.get(conversation)  # it changed since it was read
    raise BusyError(f"SMS {message.sid}: its conversation kept changing")


def _write_of(
    message: InboundSms, rep: Rep, sender: Handle, conversation: str, current: ConversationState | None
) -> InboundWrite:
    """The one write of `message`, decided on the conversation as read (`current`)."""
    rep_number = rep.twilio_number or ""
    premises: tuple[Premise, ...] = ()
    if current is not None:
        # The conversation knows its record and section: attaching, ignoring and releasing the
        # number change them (and its version), so the handle is read only for a new one.
        record_id, section = current.record_id, current.section
    else:
        state = handles_data.get(sender) if sender.value.startswith("+") else None
        record_id = state.record_id if state else None
        section = "matched" if record_id else ("ignored" if state and state.ignored else "unmatched")
        if sender.value.startswith("+"):
            premises = (HandleUnchanged(sender, state),)
    activity = _message_activity(message, rep.id, rep_number, sender, record_id, conversation)
    base = current or ConversationState(
        id=conversation,
        rep_id=rep.id,
        rep_number=rep_number,
        remote_number=sender.value,
        handle=sender.key,
        record_id=record_id,
        section=section,
        last_at=activity.occurred_at,
        last_preview="",
        last_direction="inbound",
        unread=0,
    )
    after = with_message(base, at=activity.occurred_at, preview=activity.summary, direction="inbound")
    return InboundWrite(
        ref=message_refs.sid_ref(message.sid),
        activity=activity,
        conversation=after,
        expected_version=None if current is None else current.version,
        counters=unread_deltas(current, after),
        opt_out=opt_out_of(message.body, sender.value, rep_number, activity.occurred_at),
        premises=premises,
    )


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
        data=SmsFacts(
            status="received",
            from_=sender.value,
            to=rep_number,
            segments=segments.segments,
            encoding=segments.encoding,
            media=message.media,
            keyword=keyword[0] if keyword else None,
        ),
    )


def _media_summary(media: list[Media]) -> str:
    if not media:
        return ""
    return "1 attachment" if len(media) == 1 else f"{len(media)} attachments"

"""One way in: every inbound message of a conversation channel (SMS today; email and chat next)
stored once on its record (or its sender's handle), in its conversation, counted.

A channel's driver only turns what it received (a webhook, a fetched email) into an
`InboundMessage`: who sent it to which rep, its external id, its text and its channel's facts,
and the side effect it carries (an opt-out keyword). Everything else is here, once for every
channel: whose the sender is (the conversation knows its record and section; a new
conversation reads the sender's handle), the conversation's new state, the rep's unread
counters, and one write that is all or nothing and exactly once per external id over the whole
history (`commcenter.data.inbound`). A write refused because the conversation or the sender's
handle changed since they were read is decided again on what is there now.

The tables are reached through `InboundStore`, so that these rules are tested in memory too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import msgspec

from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data.inbound import InboundWrite, write_inbound
from commcenter.domain.activities import Activity, Direction, type_of
from commcenter.domain.facts import CallFacts, ChannelFacts, EmailFacts
from commcenter.domain.folders import Folder
from commcenter.domain.handles import Handle, HandleState
from commcenter.domain.inbound import HandleUnchanged, InboundOutcome, Premise
from commcenter.domain.reps import Rep
from commcenter.domain.sms import (
    ConversationChannel,
    ConversationState,
    OptOut,
    Section,
    conversation_deltas,
    with_message,
)
from commcenter.errors import BusyError

# Each attempt reads what changed since the last one: more than a few in a row is a fault.
WRITE_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What a channel's driver hands to the pipeline.

    `ref`: the claim of the message's external id (`message_refs.sid_ref`, ...); `rep_address`:
    the rep's number or mailbox it came to; `sender`: the other party (who sent it, or, for a
    message the rep sent, whom it was sent to); `activity_id`, `occurred_at`: chosen by the driver,
    so that a message keeps them through the pipeline's attempts."""

    ref: str
    external_id: str
    rep: Rep
    rep_address: str
    sender: Handle
    conversation_id: str
    activity_id: str
    occurred_at: str
    body: str
    summary: str
    facts: ChannelFacts
    opt_out: OptOut | None = None
    # An email the rep sent from their own client is stored like one received: `sender` is then
    # the person it was sent to. `read`: already read where it came from (the rep's mail client).
    direction: Direction = "inbound"
    read: bool = False
    # The group of addresses a rep may ignore as a whole (an email sender's domain): read only
    # when the sender's own handle is unknown, so that an address the team knows (a record's, or
    # one ignored or heard again on its own) is decided by itself.
    sender_domain: Handle | None = None
    # What the conversation's row shows of it, when not its summary (a call: "Incoming call").
    preview: str | None = None


class InboundStore(Protocol):
    """What the pipeline reads and writes (the tables in production, memory in unit tests)."""

    def conversation(self, conversation_id: str, *, as_last_written: bool) -> ConversationState | None: ...

    def handle(self, handle: Handle) -> HandleState | None: ...

    def write(self, write: InboundWrite) -> InboundOutcome: ...


class TablesInboundStore:
    """The pipeline's reads and its one write, on the tables."""

    def conversation(self, conversation_id: str, *, as_last_written: bool) -> ConversationState | None:
        return conversations_data.get(conversation_id, as_last_written=as_last_written)

    def handle(self, handle: Handle) -> HandleState | None:
        return handles_data.get(handle)

    def write(self, write: InboundWrite) -> InboundOutcome:
        return write_inbound(write)


TABLES = TablesInboundStore()

Stored = Literal["stored", "duplicate"]


def store_inbound(message: InboundMessage, store: InboundStore = TABLES) -> Stored:
    """Store `message` once; "duplicate" when its external id was stored before (nothing written)."""
    # The function's own last write of the conversation saves a read; a stale copy costs one
    # refused write and a read, never a lost change (the write is conditional on its version).
    current = store.conversation(message.conversation_id, as_last_written=True)
    for _ in range(WRITE_ATTEMPTS):
        outcome = store.write(_write_of(message, current, store))
        if outcome == "written":
            return "stored"
        if outcome == "duplicate":
            return "duplicate"
        current = store.conversation(message.conversation_id, as_last_written=False)
    raise BusyError(f"message {message.external_id}: its conversation kept changing")


def _write_of(message: InboundMessage, current: ConversationState | None, store: InboundStore) -> InboundWrite:
    """The one write of `message`, decided on the conversation as read (`current`)."""
    premises: tuple[Premise, ...] = ()
    if current is not None:
        # The conversation knows its record and section: attaching, ignoring and releasing the
        # handle change them (and its version), so the handle is read only for a new one.
        record_id, section, folder = current.record_id, current.section, current.folder
    else:
        state = store.handle(message.sender) if message.sender.resolvable else None
        record_id, section, folder = place_of_new(state, message.rep.id)
        if message.sender.resolvable:
            premises = (HandleUnchanged(message.sender, state, message.rep.id),)
        if state is None and message.sender_domain is not None:
            group = store.handle(message.sender_domain)
            if group is not None and group.ignored_for(message.rep.id):
                section = "ignored"
            premises = (*premises, HandleUnchanged(message.sender_domain, group, message.rep.id))
    return inbound_write(message, current, record_id=record_id, section=section, folder=folder, premises=premises)


def inbound_write(
    message: InboundMessage,
    current: ConversationState | None,
    *,
    record_id: str | None,
    section: Section,
    folder: Folder,
    premises: tuple[Premise, ...],
) -> InboundWrite:
    """The one write of `message` in its conversation (`current` as read, None: new), once its
    record, section and folder are decided (the conversation's own when it exists), with the
    premises they were decided on: the message, the conversation after it, the counters moved."""
    facts = message.facts
    if isinstance(facts, EmailFacts | CallFacts) and facts.ignored != (section == "ignored"):
        # An email's or a call's tab is its own (`center_pk`): it follows its conversation's section.
        facts = msgspec.structs.replace(facts, ignored=section == "ignored")
    activity = Activity(
        id=message.activity_id,
        record_id=record_id,
        handle=message.sender.key,
        type=type_of(message.facts),
        occurred_at=message.occurred_at,
        rep_id=message.rep.id,
        direction=message.direction,
        summary=message.summary,
        body=message.body,
        conversation_id=message.conversation_id,
        external_id=message.external_id,
        data=facts,
    )
    base = current or ConversationState(
        id=message.conversation_id,
        rep_id=message.rep.id,
        rep_number=message.rep_address,
        remote_number=message.sender.value,
        handle=message.sender.key,
        record_id=record_id,
        section=section,
        last_at=message.occurred_at,
        last_preview="",
        last_direction=message.direction,
        unread=0,
        channel=_channel_of(activity.type),
        folder=folder,
    )
    preview = message.summary if message.preview is None else message.preview
    after = with_message(base, at=message.occurred_at, preview=preview, direction=message.direction, read=message.read)
    return InboundWrite(
        ref=message.ref,
        activity=activity,
        conversation=after,
        expected_version=None if current is None else current.version,
        counters=conversation_deltas(current, after),
        opt_out=message.opt_out,
        premises=premises,
    )


def place_of_new(state: HandleState | None, rep_id: str) -> tuple[str | None, Section, Folder]:
    """Where a new conversation with a sender starts, by the sender's handle (`state`): on its
    record, or unmatched or ignored for the rep; in the Inbox, or in Spam when the rep marked the
    sender spam."""
    record_id = state.record_id if state else None
    folder: Folder = "spam" if state is not None and state.spam_for(rep_id) else "inbox"
    if record_id:
        return record_id, "matched", folder
    return None, "ignored" if state is not None and state.ignored_for(rep_id) else "unmatched", folder


def _channel_of(activity_type: str) -> ConversationChannel:
    if activity_type == "email":
        return "email"
    return "call" if activity_type == "call" else "sms"

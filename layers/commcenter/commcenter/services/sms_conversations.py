"""SMS conversations: the rep's lists, reading, deleting, and every change with its counters.

A conversation's unread count and the rep's per-section unread counters move together: every
change is computed from the conversation as read, written only if nobody changed it since
(version), and the counters get the difference.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import counters as counters_data
from commcenter.data import opt_outs as opt_outs_data
from commcenter.data import records as records_data
from commcenter.domain.activities import Activity
from commcenter.domain.folders import takes_part
from commcenter.domain.records import RecordSummary
from commcenter.domain.reps import Rep
from commcenter.domain.sms import (
    SECTIONS,
    ConversationState,
    Section,
    SmsConversation,
    conversation_deltas,
    unread_counter,
)
from commcenter.errors import BusyError, NotFoundError, ValidationError

MAX_ATTEMPTS = 8

Change = Callable[[ConversationState | None], ConversationState | None]


def change_conversation(
    conversation_id: str, change: Change
) -> tuple[ConversationState | None, ConversationState | None]:
    """Apply `change` to the stored conversation until no concurrent writer interferes.

    `change` gets the stored state (None if there is none) and returns the new state, or None
    to leave it as it is. The conversation and the difference of the rep's unread counters and
    of its viewer's folder counters are written together. Returns (before, after).
    """
    for _ in range(MAX_ATTEMPTS):
        before = conversations_data.get(conversation_id)
        after = change(before)
        if after is None:
            return before, before
        expected = None if before is None else before.version
        if conversations_data.save_with_counts(after, expected, conversation_deltas(before, after)):
            return before, after
    raise BusyError(f"conversation {conversation_id} kept changing under {MAX_ATTEMPTS} attempts")


def unread_counts(rep: Rep) -> dict[str, dict[str, int]]:
    values = counters_data.read_all(counters_data.rep_scope(rep.id))
    # A count never shows below zero, even if an interrupted change left it one short.
    return {section: {"unread": max(0, values.get(unread_counter(section), 0))} for section in ("matched", "unmatched")}


def list_conversations(
    rep: Rep, section: str, status: str | None, limit: int, cursor: str | None
) -> tuple[list[SmsConversation], str | None]:
    """The rep's own conversations of a section, newest first; `status` keeps matched records in it."""
    if section not in SECTIONS:
        raise ValidationError(f"section must be one of {', '.join(SECTIONS)}", {"section": "unknown"})
    shown: list[SmsConversation] = []
    # A status filter drops rows: read on (a few pages at most) to fill the page.
    for _ in range(5 if status else 1):
        states, cursor = conversations_data.center_page(rep.id, section, limit, cursor)
        for conversation in _present(states):
            if status is None or (conversation.record is not None and conversation.record.status == status):
                shown.append(conversation)
        if len(shown) >= limit or cursor is None:
            break
    return shown, cursor


def get_conversation(rep: Rep, conversation_id: str) -> SmsConversation:
    return _present([_own(rep, conversation_id)])[0]


def conversation_messages(
    rep: Rep, conversation_id: str, limit: int, cursor: str | None
) -> tuple[list[Activity], str | None]:
    _own(rep, conversation_id)
    return activities_data.conversation_page(conversation_id, limit, cursor)


def mark_read(rep: Rep, conversation_id: str) -> SmsConversation:
    _own(rep, conversation_id)

    def read(state: ConversationState | None) -> ConversationState | None:
        if state is None or state.unread == 0:
            return None
        return msgspec.structs.replace(state, unread=0, version=state.version + 1)

    change_conversation(conversation_id, read)
    return get_conversation(rep, conversation_id)


def move_to_section(conversation_id: str, section: Section, record_id: str | None) -> None:
    """List a conversation elsewhere (matched once its number joins a record, ignored, back)."""

    def move(state: ConversationState | None) -> ConversationState | None:
        if state is None or (state.section == section and state.record_id == record_id):
            return None
        return msgspec.structs.replace(state, section=section, record_id=record_id, version=state.version + 1)

    change_conversation(conversation_id, move)


def _own(rep: Rep, conversation_id: str) -> ConversationState:
    """The rep's own conversation. Conversation ids are predictable (the two numbers): another
    rep's is answered as one that does not exist, so the answer tells nobody what exists."""
    state = conversations_data.get(conversation_id)
    if state is None or not takes_part(state, rep.id):
        raise NotFoundError("no such conversation")
    return state


def _present(states: list[ConversationState]) -> list[SmsConversation]:
    records = records_data.get_many([s.record_id for s in states if s.record_id])
    opted_out = opt_outs_data.opted_out_among([s.remote_number for s in states])
    shown = []
    for state in states:
        record = records.get(state.record_id) if state.record_id else None
        shown.append(
            SmsConversation(
                id=state.id,
                rep_id=state.rep_id,
                rep_number=state.rep_number,
                remote_number=state.remote_number,
                handle=state.handle,
                section=state.section,
                record=RecordSummary.of(record) if record is not None else None,
                last_at=state.last_at,
                last_preview=state.last_preview,
                last_direction=state.last_direction,
                unread=state.unread,
                opted_out=state.remote_number in opted_out,
            )
        )
    return shown

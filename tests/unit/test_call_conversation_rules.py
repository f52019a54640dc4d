"""Calls as conversations: a call's conversation id, the row a call shows, what its end changes,
and the one write of a call in its conversation (the inbound pipeline's, in memory)."""

from __future__ import annotations

from typing import get_args

import msgspec
import pytest

from commcenter.domain.activities import Direction
from commcenter.domain.calls import call_preview, with_call_ended
from commcenter.domain.facts import CallFacts
from commcenter.domain.folders import Folder, folder_counter, folder_unread_counter
from commcenter.domain.handles import Handle, HandleState
from commcenter.domain.reps import Rep
from commcenter.domain.sms import ConversationChannel, ConversationState, Section, conversation_id
from commcenter.services import folder_index, folders
from commcenter.services.inbound import InboundMessage, inbound_write, place_of_new

REP = Rep(id="rep-alice", name="Alice", email="alice@example.com", twilio_number="+14155550101")
CALLER = Handle("phone", "+13125550123")
AT = "2026-03-02T10:00:00.000Z"


def test_the_calls_and_the_texts_of_two_numbers_are_two_conversations() -> None:
    sms, call = conversation_id("+14155550101", "+13125550123"), conversation_id("+14155550101", "+13125550123", "call")
    assert sms == "sms-14155550101-13125550123" and call == "call-14155550101-13125550123"
    withheld = conversation_id("+14155550101", "", "call")
    assert withheld.startswith("call-14155550101-a") and withheld.replace("-", "").isalnum()


def facts(status: str, **values: object) -> CallFacts:
    return msgspec.structs.replace(CallFacts(status=status), **values)


@pytest.mark.parametrize(
    ("direction", "call", "preview"),
    [
        ("inbound", facts("ringing"), "Incoming call"),
        ("outbound", facts("initiated"), "Outgoing call"),
        ("inbound", facts("no-answer"), "Missed call"),
        ("inbound", facts("completed", duration=38, voicemail=True), "Voicemail"),
        ("inbound", facts("completed", duration=185, answered_by="browser"), "Call, 3 min"),
        ("inbound", facts("completed", duration=45, answered_by="forward"), "Call, 45 s"),
        ("outbound", facts("completed", duration=610, answered_by="callee"), "Call, 10 min"),
        ("outbound", facts("no-answer"), "No answer"),
        ("outbound", facts("busy"), "No answer"),
    ],
)
def test_a_call_reads_in_its_row_as_it_went(direction: str, call: CallFacts, preview: str) -> None:
    assert call_preview(direction, call) == preview


def conversation(**values: object) -> ConversationState:
    state = ConversationState(
        id="call-14155550101-13125550123",
        rep_id=REP.id,
        rep_number="+14155550101",
        remote_number=CALLER.value,
        handle=CALLER.key,
        record_id=None,
        section="unmatched",
        last_at=AT,
        last_preview="Incoming call",
        last_direction="inbound",
        unread=2,
        version=3,
        channel="call",
    )
    return msgspec.structs.replace(state, **values)


def test_a_missed_call_stays_unread_and_says_so() -> None:
    after = with_call_ended(conversation(), AT, "inbound", facts("no-answer"))
    assert after is not None and (after.last_preview, after.unread, after.version) == ("Missed call", 2, 4)
    assert with_call_ended(after, AT, "inbound", facts("no-answer")) is None  # a replayed end


def test_an_answered_call_reads_its_conversation_as_a_reply_does() -> None:
    after = with_call_ended(conversation(), AT, "inbound", facts("completed", duration=120, answered_by="browser"))
    assert after is not None and (after.last_preview, after.unread) == ("Call, 2 min", 0)


def test_the_end_of_a_call_no_longer_the_newest_changes_nothing() -> None:
    later = conversation(last_at="2026-03-02T10:05:00.000Z", last_preview="Missed call")
    assert with_call_ended(later, AT, "inbound", facts("completed", duration=120, answered_by="browser")) is None


def call_message(direction: Direction = "inbound", sid: str = "CA1") -> InboundMessage:
    call = CallFacts(status="ringing" if direction == "inbound" else "initiated", call_sid=sid, remote=CALLER.value)
    return InboundMessage(
        ref=f"call#{sid}",
        external_id=sid,
        rep=REP,
        rep_address=REP.twilio_number or "",
        sender=CALLER,
        conversation_id=conversation_id(REP.twilio_number or "", CALLER.value, "call"),
        activity_id=f"act-{sid}",
        occurred_at=AT,
        body="",
        summary="Call from (312) 555-0123",
        facts=call,
        direction=direction,
        preview=call_preview(direction, call),
    )


def write_new(state: HandleState | None, direction: Direction = "inbound") -> ConversationState:
    record_id, section, folder = place_of_new(state, REP.id)
    write = inbound_write(
        call_message(direction), None, record_id=record_id, section=section, folder=folder, premises=()
    )
    assert write.conversation is not None and write.expected_version is None
    assert write.activity.conversation_id == write.conversation.id and write.activity.type == "call"
    return write.conversation


def test_a_first_call_starts_a_call_conversation_unread_in_the_inbox() -> None:
    record_id, section, folder = place_of_new(None, REP.id)
    write = inbound_write(call_message(), None, record_id=record_id, section=section, folder=folder, premises=())
    state = write.conversation
    assert state is not None
    assert (state.channel, state.folder, state.section, state.unread) == ("call", "inbox", "unmatched", 1)
    assert (state.last_preview, write.activity.summary) == ("Incoming call", "Call from (312) 555-0123")
    # Counted by the folders (the Calls tab counts missed calls by counters of its own).
    assert dict(write.counters) == {
        (REP.id, folder_counter("inbox", "call")): 1,
        (REP.id, folder_unread_counter("inbox", "call")): 1,
    }


@pytest.mark.parametrize(
    ("state", "where"),
    [
        (HandleState(CALLER, "rec-1", ignored=False, spam=False), ("matched", "inbox")),
        (HandleState(CALLER, None, ignored=False, spam=False, spam_by=frozenset({REP.id})), ("unmatched", "spam")),
        (HandleState(CALLER, None, ignored=False, spam=False, ignored_by=frozenset({REP.id})), ("ignored", "inbox")),
    ],
)
def test_a_first_call_starts_where_the_callers_handle_says(state: HandleState, where: tuple[Section, Folder]) -> None:
    conversation_state = write_new(state)
    assert (conversation_state.section, conversation_state.folder) == where


def test_an_ignored_callers_call_is_listed_as_ignored() -> None:
    ignored = HandleState(CALLER, None, ignored=False, spam=False, ignored_by=frozenset({REP.id}))
    record_id, section, folder = place_of_new(ignored, REP.id)
    write = inbound_write(call_message(), None, record_id=record_id, section=section, folder=folder, premises=())
    assert isinstance(write.activity.data, CallFacts) and write.activity.data.ignored
    assert not any(name.startswith("folder#") for _, name in write.counters)  # ignored traffic is in no folder


def test_a_call_the_rep_places_is_read() -> None:
    state = write_new(None, "outbound")
    assert (state.unread, state.last_preview, state.last_direction) == (0, "Outgoing call", "outbound")


@pytest.mark.parametrize("folder", ["archived", "follow_up", "trash"])
def test_a_new_incoming_call_brings_its_conversation_back_to_the_inbox(folder: Folder) -> None:
    before = conversation(folder=folder, last_at="2026-03-01T10:00:00.000Z", unread=0)
    write = inbound_write(
        call_message(sid="CA2"), before, record_id=None, section="unmatched", folder=folder, premises=()
    )
    assert write.conversation is not None and write.expected_version == before.version
    assert (write.conversation.folder, write.conversation.unread) == ("inbox", 1)
    assert write.counters[(REP.id, folder_counter(folder, "call"))] == -1
    assert write.counters[(REP.id, folder_counter("inbox", "call"))] == 1


def test_a_new_call_leaves_a_spam_conversation_in_spam() -> None:
    before = conversation(folder="spam", last_at="2026-03-01T10:00:00.000Z")
    write = inbound_write(
        call_message(sid="CA3"), before, record_id=None, section="unmatched", folder="spam", premises=()
    )
    assert write.conversation is not None and write.conversation.folder == "spam"


def test_every_conversation_channel_is_in_the_folder_views_and_the_reindex() -> None:
    channels = set(get_args(ConversationChannel))
    assert "call" in channels and set(folders.CHANNELS) == channels
    assert set(folder_index.PARTS) == {(c, s) for c in channels for s in ("matched", "unmatched")}

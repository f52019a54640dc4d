"""The inbound pipeline's rules, against the tables kept in memory (`FakeInboundStore`): every
message once whatever arrives in between, conversations and counters that add up, a sender's
record decided on what is there when the write lands, keywords written with their message."""

from __future__ import annotations

import pytest
from fake_inbound_store import FakeInboundStore
from hypothesis import given, settings
from hypothesis import strategies as st

from commcenter.domain.handles import Handle, HandleState
from commcenter.domain.reps import Rep
from commcenter.errors import BusyError
from commcenter.services.inbound import WRITE_ATTEMPTS, store_inbound
from commcenter.services.sms_inbound import InboundSms, inbound_message

REP = Rep(id="rep-alice", name="Alice", email="alice@example.com", twilio_number="+14155550101")
SENDERS = ("+13125550123", "+13125550124", "ACME-BANK")


def sms(sid: str, sender: str = SENDERS[0], body: str = "Hello") -> InboundSms:
    return InboundSms(sid=sid, from_number=sender, to_number=REP.twilio_number or "", body=body)


def deliver(store: FakeInboundStore, message: InboundSms) -> str:
    """One delivery of a webhook: the driver makes the message anew, as each delivery does."""
    return store_inbound(inbound_message(message, REP, REP.twilio_number or ""), store)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 2)), min_size=1, max_size=40))
def test_every_message_is_stored_once_whatever_arrives_in_between(deliveries: list[tuple[int, int]]) -> None:
    """Deliveries of ten messages, each repeated any number of times in any order."""
    store = FakeInboundStore()
    first_sender: dict[int, int] = {}
    for number, sender in deliveries:
        new = number not in first_sender
        first_sender.setdefault(number, sender)
        outcome = deliver(store, sms(f"SM{number}", SENDERS[first_sender[number]], f"message {number}"))
        assert outcome == ("stored" if new else "duplicate")
    assert sorted(a.external_id or "" for a in store.activities) == sorted(f"SM{n}" for n in first_sender)
    unread = {state.remote_number: state.unread for state in store.conversations.values()}
    expected: dict[str, int] = {}
    for sender in first_sender.values():
        remote = SENDERS[sender] if SENDERS[sender].startswith("+") else SENDERS[sender].lower()
        expected[remote] = expected.get(remote, 0) + 1
    assert unread == expected
    assert +store.counters == store.recount()


def test_a_repeat_after_many_others_is_a_duplicate_and_changes_nothing() -> None:
    store = FakeInboundStore()
    assert deliver(store, sms("SM-first")) == "stored"
    for n in range(12):
        deliver(store, sms(f"SM{n}"))
    before = (list(store.activities), dict(store.conversations), +store.counters)
    assert deliver(store, sms("SM-first")) == "duplicate"
    assert (list(store.activities), dict(store.conversations), +store.counters) == before


def test_a_stale_remembered_conversation_costs_one_refused_write() -> None:
    store = FakeInboundStore()
    deliver(store, sms("SM1"))
    conversation_id = next(iter(store.conversations))
    stale = store.conversations[conversation_id]
    deliver(store, sms("SM2"))
    store.remembered[conversation_id] = stale  # another instance wrote since this one did
    store.outcomes.clear()
    assert deliver(store, sms("SM3")) == "stored"
    assert store.outcomes == ["conversation_changed", "written"]
    assert store.conversations[conversation_id].unread == 3
    assert +store.counters == store.recount()


def test_a_number_attached_to_a_record_while_its_first_message_was_written_lands_on_the_record() -> None:
    store = FakeInboundStore()

    def attach(handle: Handle) -> None:  # right after the pipeline read the handle
        store.handles[handle] = HandleState(handle, "rec-1", ignored=False, spam=False)

    store.after_handle_read = attach
    assert deliver(store, sms("SM1")) == "stored"
    assert store.outcomes == ["premise_changed", "written"]
    (activity,) = store.activities
    (conversation,) = store.conversations.values()
    assert (activity.record_id, conversation.record_id, conversation.section) == ("rec-1", "rec-1", "matched")
    assert +store.counters == store.recount()
    assert store.recount() == {
        (REP.id, "sms#matched#unread"): 1,
        (REP.id, "folder#inbox#sms"): 1,
        (REP.id, "folder#inbox#sms#unread"): 1,
    }


def test_a_sender_marked_spam_while_their_first_message_was_written_starts_in_spam() -> None:
    store = FakeInboundStore()

    def mark_spam(handle: Handle) -> None:  # the rep marks it right after the pipeline read it
        store.handles[handle] = HandleState(handle, None, ignored=False, spam=False, spam_by=frozenset({REP.id}))

    store.after_handle_read = mark_spam
    assert deliver(store, sms("SM1")) == "stored"
    assert store.outcomes == ["premise_changed", "written"]
    (conversation,) = store.conversations.values()
    assert conversation.folder == "spam"
    assert +store.counters == store.recount()


def test_an_ignored_number_is_stored_and_not_counted() -> None:
    store = FakeInboundStore()
    sender = Handle("phone", SENDERS[1])
    store.handles[sender] = HandleState(sender, None, ignored=True, spam=False)
    assert deliver(store, sms("SM1", SENDERS[1], "WIN A PRIZE")) == "stored"
    assert [c.section for c in store.conversations.values()] == ["ignored"]
    assert +store.counters == {}


def test_a_keyword_is_written_with_its_message_and_a_repeat_does_not_reapply_it() -> None:
    store = FakeInboundStore()
    deliver(store, sms("SM-stop", body="Stop"))
    deliver(store, sms("SM-help", body="HELP"))
    assert store.opt_outs[SENDERS[0]].opted_out and store.opt_outs[SENDERS[0]].keyword == "STOP"
    deliver(store, sms("SM-start", body="start"))
    assert not store.opt_outs[SENDERS[0]].opted_out
    deliver(store, sms("SM-stop", body="Stop"))  # Twilio replays the old STOP
    assert not store.opt_outs[SENDERS[0]].opted_out


def test_a_conversation_that_never_stops_changing_gives_up_busy_having_written_nothing() -> None:
    store = FakeInboundStore(every_write="conversation_changed")
    with pytest.raises(BusyError):
        deliver(store, sms("SM1"))
    assert len(store.outcomes) == WRITE_ATTEMPTS and store.activities == []

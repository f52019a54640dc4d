"""Attaching a handle moves its whole unmatched history onto the record: nothing lost, nothing twice."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phone_numbers import fresh_phone as fresh_number

from commcenter.channels.sms_gateway import SandboxSmsGateway
from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import to_iso, utc_now
from commcenter.domain.facts import facts_of
from commcenter.domain.handles import Handle
from commcenter.domain.ids import new_id
from commcenter.domain.records import Phone, RecordInput
from commcenter.domain.sms import SendSmsInput, conversation_id
from commcenter.services import attach_handle, sms_conversations, sms_inbound, sms_send
from commcenter.services.records import add_handle_to_record, create_record
from commcenter.services.reps import rep_by_email

# What each channel needs at the least (the others need nothing).
SOME_FACTS: dict[str, dict[str, object]] = {
    "sms": {"status": "received", "from": "+19075550100", "to": "+14155550102", "segments": 1, "encoding": "GSM-7"},
    "call": {"status": "completed"},
}


def unmatched_history(handle: Handle, kinds: list[str]) -> list[Activity]:
    start = utc_now() - timedelta(days=1)
    history = []
    for index, kind in enumerate(kinds):
        at = start + timedelta(seconds=index)
        activity = Activity(
            id=new_id(at),
            record_id=None,
            handle=handle.key,
            type=kind,  # type: ignore[arg-type]
            occurred_at=to_iso(at),
            rep_id="rep-bruno",
            direction="inbound",
            summary=f"{kind} {index}",
            body=f"{kind} {index}",
            starred=index % 3 == 0,
            data=facts_of(kind, SOME_FACTS.get(kind, {})),
        )
        activities_data.put(activity)
        history.append(activity)
    return history


def stored_ids(owner: str) -> list[str]:
    return [item.activity_id for item in activities_data.iter_owner(owner)]


def move_crashing_after(moves_done: int) -> Any:
    """`activities_data.move`, as a function that dies after `moves_done` moves."""
    real_move = activities_data.move
    moves = itertools.count()

    def crashing_move(item: Any, record_id: str) -> None:
        if next(moves) >= moves_done:
            raise RuntimeError("the function died here")
        real_move(item, record_id)

    return crashing_move


@pytest.fixture
def admin(local_stack: Any) -> Any:
    return rep_by_email("alice@northwind.example")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kinds=st.lists(st.sampled_from(["sms", "call", "email"]), min_size=0, max_size=12),
    crash_after=st.integers(min_value=0, max_value=12),
)
def test_history_moves_exactly_once_even_after_a_crash(
    admin: Any, monkeypatch: pytest.MonkeyPatch, kinds: list[str], crash_after: int
) -> None:
    number = fresh_number()
    handle = Handle("phone", number)
    history = unmatched_history(handle, kinds)
    real_move, crashing_move = activities_data.move, move_crashing_after(crash_after)
    monkeypatch.setattr(activities_data, "move", crashing_move)
    payload = RecordInput(kind="lead", last_name="Moved", phones=[Phone(number=number)])
    crashed = crash_after < len(kinds)
    if crashed:
        with pytest.raises(RuntimeError):
            create_record(payload, admin)
    else:
        create_record(payload, admin)
    monkeypatch.setattr(activities_data, "move", real_move)

    from commcenter.data import handles as handles_data

    state = handles_data.get(handle)
    assert state is not None and state.record_id
    record_id = state.record_id
    if crashed:
        # the record exists and owns the number; the rest of the move happens on the next run
        attach_handle.attach_handle_history(handle, record_id)

    assert stored_ids(activities_data.owner_key(None, handle.key)) == []
    moved = stored_ids(activities_data.owner_key(record_id, None))
    assert sorted(moved) == sorted(a.id for a in history)
    feed, _ = activities_data.feed_page(
        activities_data.owner_key(record_id, None),
        activity_type=None,
        starred=True,
        thread_id=None,
        rep_id=None,
        limit=100,
        cursor=None,
    )
    assert {a.id for a in feed} == {a.id for a in history if a.starred}
    assert all(a.record_id == record_id for a in feed)


SmsEvent = tuple[str, int, bool]  # direction, which rep, read afterwards


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events=st.lists(
        st.tuples(st.sampled_from(["inbound", "outbound"]), st.integers(0, 1), st.booleans()), min_size=1, max_size=8
    ),
    crash_after=st.integers(min_value=0, max_value=8),
)
def test_sms_conversations_and_unread_counts_follow_the_number(
    admin: Any, events: list[SmsEvent], crash_after: int
) -> None:
    """Texts with two reps while unmatched, then "Add to existing", interrupted anywhere: every
    message ends on the record once, each conversation is listed as matched, and each rep's
    unread counts move from Unmatched to Matched exactly."""
    reps = [
        rep_by_email("alice@northwind.example"),
        rep_by_email("bruno@northwind.example"),
    ]
    number = fresh_number()
    bodies = []
    for index, (direction, which, read) in enumerate(events):
        rep = reps[which]
        body = f"message {index} {direction}"
        bodies.append(body)
        if direction == "inbound":
            sms_inbound.receive_sms(
                sms_inbound.InboundSms(
                    sid=f"SM{new_id()}", from_number=number, to_number=rep.twilio_number or "", body=body
                )
            )
        else:
            sms_send.send_sms(
                rep,
                SendSmsInput(to=number, body=body, client_request_id=new_id()),
                SandboxSmsGateway(),
                "http://127.0.0.1/twilio/sms/status",
            )
        if read:
            conversation = conversation_id(rep.twilio_number or "", number)
            sms_conversations.mark_read(rep, conversation)
    before = {rep.id: sms_conversations.unread_counts(rep) for rep in reps}
    unread = {
        rep.id: (
            state.unread if (state := conversations_data.get(conversation_id(rep.twilio_number or "", number))) else 0
        )
        for rep in reps
    }
    record = create_record(RecordInput(kind="contact", last_name="Texted"), admin)

    crashing_move = move_crashing_after(crash_after)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(activities_data, "move", crashing_move)
        try:
            add_handle_to_record(record.id, f"phone:{number}", admin)
        except RuntimeError:
            assert crash_after < len(events)
    add_handle_to_record(record.id, f"phone:{number}", admin)  # the rep tries again

    assert stored_ids(activities_data.owner_key(None, f"phone:{number}")) == []
    stored = [item for item in activities_data.iter_owner(activities_data.owner_key(record.id, None))]
    assert sorted(item.body for item in stored) == sorted(bodies)
    for rep in reps:
        state = conversations_data.get(conversation_id(rep.twilio_number or "", number))
        if state is None:
            assert unread[rep.id] == 0 and not any(r == reps.index(rep) for _, r, _ in events)
            continue
        assert (state.section, state.record_id, state.unread) == ("matched", record.id, unread[rep.id])
        after = sms_conversations.unread_counts(rep)
        assert after["matched"]["unread"] == before[rep.id]["matched"]["unread"] + unread[rep.id]
        assert after["unmatched"]["unread"] == before[rep.id]["unmatched"]["unread"] - unread[rep.id]

"""Attaching a handle moves its whole unmatched history onto the record: nothing lost, nothing twice."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commcenter.data import activities as activities_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import to_iso, utc_now
from commcenter.domain.handles import Handle
from commcenter.domain.ids import new_id
from commcenter.domain.records import Phone, RecordInput
from commcenter.services import attach_handle
from commcenter.services.records import create_record
from commcenter.services.reps import rep_from_claims

_numbers = itertools.count()


def fresh_number() -> str:
    n = next(_numbers)
    return f"+1{('907', '971', '503', '206')[(n // 100) % 4]}5550{100 + n % 100}"


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
        )
        activities_data.put(activity)
        history.append(activity)
    return history


def stored_ids(owner: str) -> list[str]:
    return [item.activity_id for item in activities_data.iter_owner(owner)]


@pytest.fixture
def admin(local_stack: Any) -> Any:
    return rep_from_claims({"email": "alice@northwind.example"})


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
    real_move = activities_data.move
    moves = itertools.count()

    def crashing_move(item: Any, record_id: str) -> None:
        if next(moves) >= crash_after:
            raise RuntimeError("the function died here")
        real_move(item, record_id)

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

"""Delete forever (I3), in memory: when a customer's card may go with the conversations, what a
conversation deleted takes off its counters, and that a bad request is refused before anything
is deleted."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from conversation_states import a_conversation

from commcenter.domain.delete_forever import card_stays, card_to_delete, kept
from commcenter.domain.folders import FolderActionInput, folder_deltas, moved
from commcenter.domain.records import Record
from commcenter.domain.reps import Rep
from commcenter.domain.sms import conversation_deltas
from commcenter.errors import ConflictError, ValidationError
from commcenter.services import delete_forever

STATE = a_conversation(record_id="lead-1", section="matched", unread=1)
REP = Rep(id="rep-a", name="Ann", email="ann@example.com")


@pytest.mark.parametrize(
    ("may_delete", "others", "reason"),
    [
        (True, 0, None),
        (False, 0, "not_permitted"),
        (True, 2, "other_conversations"),  # a conversation left keeps the card, whoever asks
        (False, 1, "other_conversations"),
    ],
)
def test_a_card_goes_only_without_a_conversation_left_and_when_the_rep_may_delete_it(
    may_delete: bool, others: int, reason: str | None
) -> None:
    assert card_stays(may_delete, others) == reason


def test_the_confirmation_names_the_card_and_why_it_would_stay() -> None:
    record = Record(
        id="lead-1",
        kind="lead",
        first_name="Hélène",
        last_name="Durand",
        display_name="Hélène Durand",
        owner_id="rep-b",
        created_at="2030-01-01T00:00:00Z",
        updated_at="2030-01-01T00:00:00Z",
        version=1,
    )
    card = card_to_delete(False, record, 0)
    assert (card.display_name, card.kind, card.may_delete, card.other_conversations) == (
        "Hélène Durand",
        "lead",
        False,
        0,
    )
    assert card.reason == "only the record's owner or an admin can delete it"
    assert card_to_delete(True, record, 0).reason is None
    assert kept("lead-1", "gone").message == "the record is no longer there"


def test_a_conversation_deleted_takes_itself_off_every_counter_it_was_on() -> None:
    trashed = moved(STATE, "trash", at="2030-01-02T00:00:00Z")
    assert folder_deltas(trashed, None) == {("rep-a", "folder#trash#sms"): -1}
    # Its rep's unread messages of the SMS tab go with it too.
    deltas = conversation_deltas(trashed, None)
    assert deltas[("rep-a", "folder#trash#sms")] == -1
    assert all(delta < 0 for delta in deltas.values()) and len(deltas) >= 2


def test_the_action_takes_the_cards_to_delete_and_refuses_them_elsewhere() -> None:
    change = msgspec.json.decode(
        b'{"action": "delete_forever", "ids": ["sms-1-2"], "delete_records": ["lead-1"]}', type=FolderActionInput
    )
    assert change.delete_records == ["lead-1"]


@pytest.fixture
def nothing_deleted(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records what the service deletes: a refused request must delete nothing."""
    deleted: list[Any] = []

    def record(*args: Any, **kwargs: Any) -> Any:
        deleted.append((args, kwargs))
        return 0

    monkeypatch.setattr(delete_forever, "erase_conversation", record)
    monkeypatch.setattr(delete_forever, "move_to_trash", record)
    return deleted


def test_a_conversation_outside_trash_or_a_strangers_card_refuses_everything(nothing_deleted: list[Any]) -> None:
    trashed = moved(STATE, "trash", at="2030-01-02T00:00:00Z")
    archived = msgspec.structs.replace(STATE, id="sms-1-3", folder="archived")
    with pytest.raises(ConflictError):
        delete_forever.delete_forever(REP, [trashed, archived], [])
    with pytest.raises(ConflictError):
        delete_forever.preview(REP, [archived])
    with pytest.raises(ValidationError):
        delete_forever.delete_forever(REP, [trashed], ["lead-other"])
    assert nothing_deleted == []

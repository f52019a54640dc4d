"""Folder rules, in memory: the counters a change moves, where a new message takes a conversation."""

from __future__ import annotations

import msgspec
import pytest
from conversation_states import a_conversation

from commcenter.domain.folders import check_day, folder_deltas, moved
from commcenter.domain.sms import conversation_deltas, with_message
from commcenter.errors import ValidationError

STATE = a_conversation()


def test_a_move_counts_out_of_one_folder_into_the_other_and_unread_only_in_inbox_and_follow_up() -> None:
    archived = moved(STATE, "archived", at="t")
    assert folder_deltas(STATE, archived) == {
        ("rep-a", "folder#inbox#sms"): -1,
        ("rep-a", "folder#inbox#sms#unread"): -1,
        ("rep-a", "folder#archived#sms"): 1,
    }
    follow = moved(archived, "follow_up", at="t", follow_up_on="2030-02-01")
    assert follow.follow_up_on == "2030-02-01"
    assert folder_deltas(archived, follow)[("rep-a", "folder#follow_up#sms#unread")] == 1
    assert moved(follow, "follow_up", at="t", follow_up_on="2030-02-01") is follow  # nothing to write
    assert moved(follow, "trash", at="t2").trashed_at == "t2"


def test_the_viewer_is_the_owner_and_ignored_traffic_is_in_no_folder() -> None:
    owned = msgspec.structs.replace(STATE, owner_id="rep-b")
    assert set(folder_deltas(None, owned)) == {("rep-b", "folder#inbox#sms"), ("rep-b", "folder#inbox#sms#unread")}
    assert folder_deltas(None, msgspec.structs.replace(STATE, section="ignored")) == {}
    # One stored before folders was never counted: its next write counts it.
    old = msgspec.structs.replace(STATE, folder_keys=False)
    assert folder_deltas(old, STATE) == folder_deltas(None, STATE)
    assert conversation_deltas(STATE, None) == {
        ("rep-a", "folder#inbox#sms"): -1,
        ("rep-a", "folder#inbox#sms#unread"): -1,
        ("rep-a", "sms#unmatched#unread"): -2,
    }


@pytest.mark.parametrize("folder", ["archived", "follow_up", "trash"])
def test_a_new_inbound_message_brings_it_back_to_the_inbox(folder: str) -> None:
    away = moved(STATE, folder, at="t", follow_up_on="2030-02-01")  # type: ignore[arg-type]
    back = with_message(away, at="2030-01-02T00:00:00Z", preview="hi", direction="inbound")
    assert (back.folder, back.follow_up_on, back.trashed_at) == ("inbox", None, None)
    # The rep's own message, or an old one fetched late, leaves it where it is.
    assert with_message(away, at="2030-01-02T00:00:00Z", preview="hi", direction="outbound").folder == folder
    assert with_message(away, at="2029-01-01T00:00:00Z", preview="old", direction="inbound").folder == folder


def test_spam_stays_spam() -> None:
    spam = moved(STATE, "spam", at="t")
    assert with_message(spam, at="2030-01-02T00:00:00Z", preview="buy", direction="inbound").folder == "spam"


@pytest.mark.parametrize("day", [None, "", "2030-2-1", "2030-02-30", "tomorrow"])
def test_a_follow_up_day_is_a_real_date(day: str | None) -> None:
    with pytest.raises(ValidationError):
        check_day(day)
    assert check_day("2030-02-28") == "2030-02-28"

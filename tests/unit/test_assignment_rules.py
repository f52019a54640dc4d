"""Assignment (I3), in memory: a conversation given to another rep changes viewer, lands in their
Inbox with a note of who gave it, and the counters of both reps move with it."""

from __future__ import annotations

import msgspec
from conversation_states import a_conversation

from commcenter.data.base import plain
from commcenter.data.conversations import ConversationItem, _from_values, stored_item
from commcenter.domain.folders import assigned, folder_deltas, moved, takes_part, viewer_of
from commcenter.domain.sms import conversation_deltas, with_message

STATE = a_conversation()


def test_an_assigned_conversation_leaves_the_viewers_folder_for_the_assignees_inbox_unread_kept() -> None:
    followed = moved(STATE, "follow_up", at="t", follow_up_on="2030-02-01")
    given = assigned(followed, "rep-b", by="rep-a", at="2030-01-02T00:00:00Z")
    assert (given.owner_id, given.folder, given.follow_up_on, given.unread) == ("rep-b", "inbox", None, 2)
    assert (given.assigned_by, given.assigned_at) == ("rep-a", "2030-01-02T00:00:00Z")
    assert given.version == followed.version + 1
    assert viewer_of(given) == "rep-b"
    assert folder_deltas(followed, given) == {
        ("rep-a", "folder#follow_up#sms"): -1,
        ("rep-a", "folder#follow_up#sms#unread"): -1,
        ("rep-b", "folder#inbox#sms"): 1,
        ("rep-b", "folder#inbox#sms#unread"): 1,
    }
    # The SMS tab's unread counters are the number's rep's: an assignment leaves them.
    assert not [key for key in conversation_deltas(followed, given) if not key[1].startswith("folder#")]


def test_assigning_to_the_viewer_changes_nothing_and_back_to_the_numbers_rep_is_a_move_too() -> None:
    assert assigned(STATE, "rep-a", by="rep-a", at="t") is STATE
    given = assigned(STATE, "rep-b", by="rep-a", at="t1")
    assert assigned(given, "rep-b", by="rep-a", at="t2") is given
    back = assigned(given, "rep-a", by="rep-b", at="t3")
    assert (viewer_of(back), back.assigned_by, back.assigned_at) == ("rep-a", "rep-b", "t3")
    assert folder_deltas(given, back) == {
        ("rep-b", "folder#inbox#sms"): -1,
        ("rep-b", "folder#inbox#sms#unread"): -1,
        ("rep-a", "folder#inbox#sms"): 1,
        ("rep-a", "folder#inbox#sms#unread"): 1,
    }


def test_new_traffic_stays_with_the_assignee() -> None:
    given = moved(assigned(STATE, "rep-b", by="rep-a", at="t"), "archived", at="t")
    back = with_message(given, at="2030-01-03T00:00:00Z", preview="hi", direction="inbound")
    assert (viewer_of(back), back.folder, back.unread, back.assigned_by) == ("rep-b", "inbox", 3, "rep-a")


def test_the_assignee_and_the_numbers_rep_take_part_and_nobody_else() -> None:
    given = assigned(STATE, "rep-b", by="rep-a", at="t")
    assert takes_part(given, "rep-a") and takes_part(given, "rep-b")
    assert not takes_part(given, "rep-c")
    assert not takes_part(STATE, "rep-b")
    onward = assigned(given, "rep-c", by="rep-b", at="t2")
    assert not takes_part(onward, "rep-b") and takes_part(onward, "rep-c")


def test_the_note_is_stored_with_the_conversation_and_read_back() -> None:
    given = assigned(STATE, "rep-b", by="rep-a", at="2030-01-02T00:00:00Z")
    raw = stored_item(given)
    assert ConversationItem.from_raw_data(raw).serialize() == raw
    assert raw["folder_pk"] == {"S": "rep-b#inbox"}
    assert _from_values({name: plain(value) for name, value in raw.items()}) == msgspec.structs.replace(given)
    assert "assigned_by" not in stored_item(STATE)  # never assigned: no note

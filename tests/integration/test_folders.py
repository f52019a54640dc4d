"""Folders (C4) against DynamoDB Local: each conversation in one folder of its viewer, listed by
a Query of the folder indexes, its viewer's counters moved in the same write; conversations
stored before folders brought in by a resumable re-index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import get_args

import pytest
from api_support import ALICE_NUMBER, BRUNO_NUMBER, Api, fresh_remote, receive
from stack_environment import environment

from commcenter.data import conversations as conversations_data
from commcenter.data import counters as counters_data
from commcenter.data import reminders as reminders_data
from commcenter.domain.clock import now_iso
from commcenter.domain.folders import FOLDERS, Folder, folder_deltas, moved
from commcenter.domain.sms import ConversationChannel, ConversationState, conversation_id
from commcenter.errors import ValidationError
from commcenter.services.folder_index import INDEX_NAME, reindex_folders
from commcenter.services.sms_conversations import change_conversation
from commcenter_local.stack import LocalStack

ALICE_ID = "rep-alice"
CHANNELS: tuple[str, ...] = get_args(ConversationChannel)


def listed(viewer: str, view: str, channel: str | None = None) -> list[ConversationState]:
    """Every conversation of a view, page after page of its index (the Unread view of every
    channel: each channel's, newest first)."""
    if channel is None and view == "unread":
        found = [state for source in CHANNELS for state in listed(viewer, view, source)]
        return sorted(found, key=conversations_data.folder_key, reverse=True)
    found = []
    cursor: str | None = None
    while True:
        page, cursor = conversations_data.folder_view_page(viewer, view, channel, 100, cursor)
        found += page
        if cursor is None:
            return found


def counted(viewer: str) -> dict[str, int]:
    """The viewer's folder counters, as stored (zeros left out)."""
    values = counters_data.read_all(counters_data.rep_scope(viewer))
    return {name: value for name, value in values.items() if name.startswith("folder#") and value}


def summed(viewer: str) -> dict[str, int]:
    """What the counters must be: the conversations the folder indexes list, added up."""
    sums: Counter[str] = Counter()
    for folder in FOLDERS:
        for channel in CHANNELS:
            rows = listed(viewer, folder, channel)
            assert all(row.folder == folder and row.channel == channel for row in rows)
            sums[f"folder#{folder}#{channel}"] += len(rows)
            if folder in ("inbox", "follow_up"):  # unread counts there only
                sums[f"folder#{folder}#{channel}#unread"] += sum(1 for row in rows if row.unread)
    for channel in CHANNELS:
        unread_rows = listed(viewer, "unread", channel)
        assert all(row.folder in ("inbox", "follow_up") and row.unread > 0 for row in unread_rows)
        assert len(unread_rows) == sums[f"folder#inbox#{channel}#unread"] + sums[f"folder#follow_up#{channel}#unread"]
    for folder in FOLDERS:  # the index of every channel lists the same
        every = listed(viewer, folder)
        assert sorted(row.id for row in every) == sorted(row.id for c in CHANNELS for row in listed(viewer, folder, c))
    return {name: value for name, value in sums.items() if value}


def assert_counts_right(viewer: str = ALICE_ID) -> None:
    assert counted(viewer) == summed(viewer)


def folder_of(rep_number: str, remote: str) -> ConversationState:
    state = conversations_data.get(conversation_id(rep_number, remote))
    assert state is not None
    return state


def move(state: ConversationState, folder: Folder, day: str | None = None) -> ConversationState:
    _, after = change_conversation(state.id, lambda s: s and moved(s, folder, at=now_iso(), follow_up_on=day))
    assert after is not None
    return after


def test_a_new_conversation_is_in_the_inbox_unread_and_counted(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    before = counted(ALICE_ID)
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Hello there")
    state = folder_of(ALICE_NUMBER, remote)
    assert (state.folder, state.unread) == ("inbox", 1)
    assert state.id in [row.id for row in listed(ALICE_ID, "inbox")]
    assert state.id in [row.id for row in listed(ALICE_ID, "unread", "sms")]
    assert state.id not in [row.id for row in listed(ALICE_ID, "inbox", "email")]
    after = counted(ALICE_ID)
    assert after.get("folder#inbox#sms", 0) == before.get("folder#inbox#sms", 0) + 1
    assert after.get("folder#inbox#sms#unread", 0) == before.get("folder#inbox#sms#unread", 0) + 1
    assert_counts_right()

    # A second message keeps it one unread conversation.
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Are you there?")
    assert counted(ALICE_ID) == after
    assert_counts_right()


def test_each_move_between_folders_moves_the_counts_with_it(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Moving around")
    state = folder_of(ALICE_NUMBER, remote)
    for folder in ("archived", "trash", "spam", "follow_up", "inbox", "archived"):
        state = move(state, folder, "2031-05-02" if folder == "follow_up" else None)
        assert state.folder == folder
        assert [row.id for row in listed(ALICE_ID, folder, "sms")].count(state.id) == 1
        others = [f for f in FOLDERS if f != folder]
        assert all(state.id not in [row.id for row in listed(ALICE_ID, f)] for f in others)
        unread_ids = [row.id for row in listed(ALICE_ID, "unread")]
        assert (state.id in unread_ids) == (folder in ("inbox", "follow_up"))
        assert_counts_right()
    assert folder_of(ALICE_NUMBER, remote).trashed_at is None


def test_a_new_message_brings_a_conversation_back_to_the_inbox_but_spam_stays_spam(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    for folder in ("archived", "trash", "follow_up"):
        remote = fresh_remote()
        receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "First")
        move(folder_of(ALICE_NUMBER, remote), folder, "2031-05-02")
        receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Back again")
        state = folder_of(ALICE_NUMBER, remote)
        assert (state.folder, state.follow_up_on, state.trashed_at, state.unread) == ("inbox", None, None, 2)
        assert_counts_right()

    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Buy now")
    move(folder_of(ALICE_NUMBER, remote), "spam")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Buy now!!")
    state = folder_of(ALICE_NUMBER, remote)
    assert state.folder == "spam"
    assert state.id not in [row.id for row in listed(ALICE_ID, "unread")]
    assert_counts_right()


def test_the_rep_reading_or_replying_leaves_the_folder_and_clears_unread(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Read me")
    state = folder_of(ALICE_NUMBER, remote)
    assert alice.ok("POST", f"/api/sms/conversations/{state.id}/read")["unread"] == 0
    assert folder_of(ALICE_NUMBER, remote).folder == "inbox"
    assert state.id not in [row.id for row in listed(ALICE_ID, "unread")]
    assert_counts_right()


# ---------------------------------------------------------------- the re-index


def stored_before_folders(state: ConversationState) -> None:
    """The conversation as a version before folders stored it: no folder keys, not counted."""
    raw = conversations_data.stored_item(state)
    for name in (
        "folder",
        "owner_id",
        "follow_up_on",
        "trashed_at",
        "folder_keys_v",
        "folder_pk",
        "folder_src_pk",
        "folder_key",
        "unread_src_pk",
    ):
        raw.pop(name, None)
    conversations_data.ConversationItem.from_raw_data(raw).save()
    conversations_data.forget_written(state.id)
    for (viewer, name), delta in folder_deltas(None, state).items():
        counters_data.add(counters_data.rep_scope(viewer), name, -delta)


@pytest.fixture
def reindexed() -> Iterator[None]:
    """Whatever a test leaves, every conversation has its folder keys after it."""
    yield
    counters_data.forget_index_progress(INDEX_NAME)
    reindex_folders()


def test_the_reindex_brings_stored_conversations_in_once_even_when_stopped_halfway(
    alice: Api, api_url: str, twilio_auth_token: str, reindexed: None
) -> None:
    states = []
    for n in range(3):
        remote = fresh_remote()
        alice.contact(remote, last_name=f"Reindexed{n}")  # matched: the first list the re-index walks
        receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, f"Stored before folders {n}")
        states.append(folder_of(ALICE_NUMBER, remote))
    alice.ok("POST", f"/api/sms/conversations/{states[1].id}/read")
    states = [conversations_data.get(state.id) or state for state in states]
    for state in states:
        stored_before_folders(state)
    counters_data.forget_index_progress(INDEX_NAME)
    assert all(state.id not in [row.id for row in listed(ALICE_ID, "inbox")] for state in states)
    assert_counts_right()

    # Stopped after its first page (which, in a stack other tests filled, may hold others' conversations).
    first = reindex_folders(page_size=2, max_pages=1)
    assert not first.done and first.conversations <= 2
    assert_counts_right()
    rest = reindex_folders(page_size=2)
    assert rest.done and first.conversations + rest.conversations == 3  # each of the three, once
    assert_counts_right()
    inbox = {row.id: row.unread for row in listed(ALICE_ID, "inbox", "sms")}
    assert [inbox.get(state.id) for state in states] == [1, 0, 1]  # a stored conversation is in the Inbox

    # Done: a later run reads one item; one from the start again passes over what has its keys.
    assert reindex_folders().conversations == 0
    counters_data.forget_index_progress(INDEX_NAME)
    assert reindex_folders().conversations == 0
    assert_counts_right()


def test_the_reindex_gives_a_conversation_of_the_first_layout_its_key_of_every_channel_uncounted(
    alice: Api, api_url: str, twilio_auth_token: str, reindexed: None
) -> None:
    """Stored with the by-source keys only (layout 1, counted then): the re-index of layout 2
    puts it in the folder of every channel and moves no counter."""
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Stored with the first layout")
    state = folder_of(ALICE_NUMBER, remote)
    raw = conversations_data.stored_item(state)
    assert raw.pop("folder_pk") == {"S": f"{ALICE_ID}#inbox"}
    raw["folder_keys_v"] = {"N": "1"}
    conversations_data.ConversationItem.from_raw_data(raw).save()
    conversations_data.forget_written(state.id)
    counters_data.mark_indexed(INDEX_NAME, 1)  # the first layout's re-index done
    before = counted(ALICE_ID)
    assert state.id in [row.id for row in listed(ALICE_ID, "inbox", "sms")]
    assert state.id not in [row.id for row in listed(ALICE_ID, "inbox")]

    assert reindex_folders().done
    assert state.id in [row.id for row in listed(ALICE_ID, "inbox")]
    assert counted(ALICE_ID) == before  # counted once, when it got its first keys
    assert_counts_right()
    found = conversations_data.get_with_layout(state.id)
    assert found is not None and found[1] == 2 and found[0].version == state.version + 1
    assert reindex_folders().conversations == 0


def test_a_conversation_stored_before_folders_is_counted_by_its_next_message(
    alice: Api, api_url: str, twilio_auth_token: str, reindexed: None
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Before")
    stored_before_folders(folder_of(ALICE_NUMBER, remote))
    assert_counts_right()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "After")
    state = folder_of(ALICE_NUMBER, remote)
    assert state.folder_keys and state.folder == "inbox"
    assert_counts_right()


# ---------------------------------------------------------------- the API


def api_counts(api: Api) -> dict[str, int]:
    """GET /api/folders/counts as counter names, to hold against what the indexes list."""
    flat: dict[str, int] = {}
    for folder, count in api.ok("GET", "/api/folders/counts").items():
        if folder == "unread":
            continue
        for source, by in count["by_source"].items():
            flat[f"folder#{folder}#{source}"] = by["total"]
            flat[f"folder#{folder}#{source}#unread"] = by["unread"]
    return {name: value for name, value in flat.items() if value}


def view_ids(api: Api, folder: str, **params: str) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = api.ok("GET", f"/api/folders/{folder}", **params, **({"cursor": cursor} if cursor else {}))
        ids += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def act(api: Api, action: str, ids: list[str], **extra: str) -> int:
    return int(api.ok("POST", "/api/folders/actions", {"action": action, "ids": ids, **extra})["changed"])


def texting(api_url: str, token: str, count: int) -> list[str]:
    ids = []
    for n in range(count):
        remote = fresh_remote()
        receive(api_url, token, remote, ALICE_NUMBER, f"Folder message {n}")
        ids.append(conversation_id(ALICE_NUMBER, remote))
    return ids


def test_views_list_and_count_what_the_counters_hold(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    (first, second) = texting(api_url, twilio_auth_token, 2)
    page = alice.ok("GET", "/api/folders/inbox", limit=1)
    (row,) = page["items"]
    assert row["id"] == second and page["next_cursor"]
    assert (row["channel"], row["folder"], row["unread"], row["owner_id"]) == ("sms", "inbox", 1, ALICE_ID)
    assert row["remote"].startswith("+1") and row["last_preview"] == "Folder message 1" and row["record"] is None
    assert view_ids(alice, "inbox")[:2] == [second, first]
    assert second in view_ids(alice, "unread", source="sms")
    assert second not in view_ids(alice, "inbox", source="email")
    counts = alice.ok("GET", "/api/folders/counts")
    assert counts["unread"]["total"] == counts["inbox"]["unread"] + counts["follow_up"]["unread"]
    assert set(counts) == {"inbox", "follow_up", "archived", "trash", "spam", "unread"}
    assert api_counts(alice) == counted(ALICE_ID) == summed(ALICE_ID)


def test_each_action_moves_the_conversations_and_their_counts(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    ids = texting(api_url, twilio_auth_token, 3)
    steps = [
        ("archive", "archived", 3),
        ("archive", "archived", 0),  # already there: nothing changes
        ("trash", "trash", 3),
        ("inbox", "inbox", 3),
        ("spam", "spam", 3),
        ("not_spam", "inbox", 3),
    ]
    for action, folder, changed in steps:
        assert act(alice, action, ids) == changed, action
        listed_ids = view_ids(alice, folder, source="sms")
        assert all(i in listed_ids for i in ids), action
        assert api_counts(alice) == summed(ALICE_ID), action
    assert act(alice, "read", ids) == 3
    assert not set(ids) & set(view_ids(alice, "unread"))
    assert act(alice, "unread", ids[:1]) == 1
    assert ids[0] in view_ids(alice, "unread", source="sms")
    assert api_counts(alice) == summed(ALICE_ID)


def test_follow_up_sets_a_reminder_and_the_fired_reminder_moves_it(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    (conversation,) = texting(api_url, twilio_auth_token, 1)
    day = (date.today() + timedelta(days=10)).isoformat()
    assert act(alice, "follow_up", [conversation], day=day) == 1
    (row,) = [r for r in alice.ok("GET", "/api/folders/follow_up")["items"] if r["id"] == conversation]
    assert row["follow_up_on"] == day
    assert act(alice, "follow_up", [conversation], day=day) == 0  # asked again: no second reminder
    (reminder,) = alice.ok("GET", "/api/reminders", conversation_id=conversation)["items"]
    assert reminder["kind"] == "follow_up" and reminder["due_at"].startswith(
        day
    )  # 08:00 in Los Angeles: the same day in UTC
    assert api_counts(alice) == summed(ALICE_ID)


def test_a_follow_up_ends_when_its_conversation_is_deleted_marked_spam_or_given_away(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    """Archived or moved to the Inbox, a followed-up conversation keeps its follow-up (its day
    brings it back); put in Trash or Spam, or given to another rep, its follow-up is cancelled."""
    kept_archived, kept_inbox, trashed, spammed, given = texting(api_url, twilio_auth_token, 5)
    day = (date.today() + timedelta(days=12)).isoformat()
    everyone = [kept_archived, kept_inbox, trashed, spammed, given]
    assert act(alice, "follow_up", everyone, day=day) == 5
    act(alice, "archive", [kept_archived])
    act(alice, "inbox", [kept_inbox])
    act(alice, "trash", [trashed])
    act(alice, "spam", [spammed])
    bruno_id = bruno.ok("GET", "/api/me")["id"]
    assert act(alice, "assign", [given], to=bruno_id) == 1

    def follow_ups(conversation: str) -> list[str]:
        """Alice's follow-ups on the conversation still listed (pending, or cancelled and kept)."""
        listed = reminders_data.pending_of_conversation(ALICE_ID, conversation)
        return [reminder.state for reminder in listed if reminder.kind == "follow_up"]

    assert follow_ups(kept_archived) == ["pending"] and follow_ups(kept_inbox) == ["pending"]
    for ended in (trashed, spammed, given):
        assert follow_ups(ended) in ([], ["cancelled"])
    act(alice, "not_spam", [spammed])


def test_all_of_a_view_is_acted_on_at_once(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    ids = texting(api_url, twilio_auth_token, 2)
    act(alice, "spam", ids)
    spam = view_ids(alice, "spam")
    answer = alice.ok("POST", "/api/folders/actions", {"action": "trash", "all": True, "folder": "spam"})
    assert answer["changed"] == len(spam) and view_ids(alice, "spam") == []
    assert all(i in view_ids(alice, "trash") for i in ids)
    assert api_counts(alice) == summed(ALICE_ID)


def test_another_reps_conversation_is_not_found_and_nothing_changes(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    (mine,) = texting(api_url, twilio_auth_token, 1)
    before = counted(ALICE_ID)
    answer = bruno("POST", "/api/folders/actions", {"action": "archive", "ids": [mine]})
    assert answer.status_code == 404, answer.text
    # Named among his own, it stops the whole action before anything changes.
    assert mine not in view_ids(bruno, "inbox")
    assert (conversations_data.get(mine) or pytest.fail("gone")).folder == "inbox"
    assert counted(ALICE_ID) == before


@pytest.mark.parametrize(
    "body",
    [
        {"action": "explode", "ids": ["sms-1-2"]},
        {"action": "archive"},
        {"action": "archive", "ids": []},
        {"action": "archive", "ids": ["sms-1-2"] * 101},
        {"action": "archive", "ids": ["no/such id"]},
        {"action": "archive", "all": True},
        {"action": "archive", "all": True, "folder": "drafts"},
        {"action": "archive", "all": True, "folder": "inbox", "source": "fax"},
        {"action": "archive", "all": True, "folder": "inbox", "ids": ["sms-1-2"]},
        {"action": "follow_up", "ids": ["sms-1-2"]},
        {"action": "follow_up", "ids": ["sms-1-2"], "day": "2031-02-30"},
        {"action": "archive", "ids": ["sms-1-2"], "day": "2027-02-03"},
        {"action": "follow_up", "ids": ["sms-1-2"], "day": "2001-02-03"},
        {"action": "archive", "ids": ["sms-1-2"], "color": "red"},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(alice: Api, body: dict[str, object]) -> None:
    before = counted(ALICE_ID)
    answer = alice("POST", "/api/folders/actions", body)
    assert answer.status_code == 400, answer.text
    assert counted(ALICE_ID) == before


def test_bad_views_are_refused(alice: Api) -> None:
    assert alice("GET", "/api/folders/drafts").status_code == 400
    assert alice("GET", "/api/folders/inbox", source="fax").status_code == 400
    assert alice("GET", "/api/folders/inbox", cursor="nonsense").status_code == 400


# ---------------------------------------------------------------- follow-ups fired, spam handles


def test_a_fired_follow_up_moves_its_conversation_to_follow_up_once(
    alice: Api, api_url: str, twilio_auth_token: str, local_stack: LocalStack
) -> None:
    from datetime import UTC, datetime

    from commcenter.data import reminders as reminders_data
    from commcenter.domain.clock import to_iso
    from commcenter.domain.ids import new_id
    from commcenter.domain.reminders import Reminder, filed_bucket, idempotency_key
    from commcenter.services.reminders import on_reminder_fired

    (conversation,) = texting(api_url, twilio_auth_token, 1)
    act(alice, "archive", [conversation])
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    reminder = Reminder(
        id=new_id(),
        kind="follow_up",
        rep_id=ALICE_ID,
        due_at=to_iso(due),
        conversation_id=conversation,
        created_at=to_iso(now),
    )
    reminders_data.create(reminder, filed_bucket(due, now), idempotency_key(reminder.id))
    with environment({"REMINDER_SENDER": ""}):  # fired without an email: the folder is what is tested
        answer = local_stack.functions["RemindersFunction"].invoke({"time": to_iso(datetime.now(UTC))})
    assert answer["fired"] >= 1
    state = conversations_data.get(conversation)
    assert state is not None and (state.folder, state.follow_up_on) == ("follow_up", to_iso(due)[:10])
    assert conversation in view_ids(alice, "follow_up", source="sms")
    assert api_counts(alice) == summed(ALICE_ID)
    # Fired again (a sweep that crashed before recording it): nothing moves twice.
    on_reminder_fired(reminder)
    assert (conversations_data.get(conversation) or state).version == state.version
    assert api_counts(alice) == summed(ALICE_ID)
    # One the rep trashed meanwhile stays in the Trash.
    act(alice, "trash", [conversation])
    on_reminder_fired(reminder)
    assert (conversations_data.get(conversation) or state).folder == "trash"


def test_a_handle_marked_spam_starts_its_next_conversation_in_spam(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Cheap offers")
    first = conversation_id(ALICE_NUMBER, remote)
    assert act(alice, "spam", [first]) == 1
    # The same sender's conversation deleted for good, then a new one: it starts in Spam.
    assert alice("DELETE", f"/api/sms/conversations/{first}").status_code == 204
    assert_counts_right()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "More cheap offers")
    state = folder_of(ALICE_NUMBER, remote)
    assert (state.folder, state.unread) == ("spam", 1)
    assert first in view_ids(alice, "spam") and first not in view_ids(alice, "unread")
    assert_counts_right()
    # Another rep's traffic with the sender is theirs to judge.
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Cheap offers for you too")
    assert folder_of(BRUNO_NUMBER, remote).folder == "inbox"
    # Not spam: the next new conversation is in the Inbox again.
    assert act(alice, "not_spam", [first]) == 1
    assert alice("DELETE", f"/api/sms/conversations/{first}").status_code == 204
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Hello again")
    assert folder_of(ALICE_NUMBER, remote).folder == "inbox"
    assert_counts_right()


def test_a_row_names_the_record_of_its_conversation(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    contact = alice.contact(remote, last_name="Foldered")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "From a contact")
    (row,) = [r for r in alice.ok("GET", "/api/folders/inbox", limit=5)["items"] if r["remote"] == remote]
    assert row["record"] == {"id": contact["id"], "kind": "contact", "display_name": "Sam Foldered", "status": "active"}
    assert alice("DELETE", f"/api/records/{contact['id']}").status_code == 204  # to the trash: no longer named
    (row,) = [r for r in alice.ok("GET", "/api/folders/inbox", limit=5)["items"] if r["remote"] == remote]
    assert row["record"] is None


# ---------------------------------------------------------------- a view of every source, paged


def test_a_view_of_every_source_pages_through_its_channels_newest_first(
    alice: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SMS and email conversations whose activity interleaves (the emails' ends first), unread in
    the Inbox: every one listed once, newest first, page after page; the Inbox of every source one
    Query a page, the Unread view of every source merging its channels' partitions, where a channel
    with nothing left is not queried again."""
    from datetime import UTC, datetime

    from commcenter.domain.clock import to_iso
    from commcenter.domain.emails import conversation_id as email_conversation
    from commcenter.domain.reps import Rep
    from commcenter.services import folders

    viewer = Rep(id=f"rep-pages-{fresh_remote()[-7:]}", name="Pager", email="pager@example.com")
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    stored: list[ConversationState] = []
    for n in range(11):
        channel: ConversationChannel = "email" if n in (5, 8, 10) else "sms"  # interleaved, then SMS only
        remote = f"pager{n}@client.example" if channel == "email" else fresh_remote()
        state = ConversationState(
            id=email_conversation(viewer.id, remote) if channel == "email" else conversation_id("+14155550188", remote),
            rep_id=viewer.id,
            rep_number="pager@example.com" if channel == "email" else "+14155550188",
            remote_number=remote,
            handle=f"email:{remote}" if channel == "email" else f"phone:{remote}",
            record_id=None,
            section="unmatched",
            last_at=to_iso(start + timedelta(minutes=n)),
            last_preview=f"Message {n}",
            last_direction="inbound",
            unread=1,
            channel=channel,
            folder="inbox",
        )
        assert conversations_data.save_with_counts(state, None, folder_deltas(None, state))
        stored.append(state)
    newest_first = [s.id for s in reversed(stored)]

    pages: list[list[str]] = []
    queried: list[tuple[int, str | None]] = []  # (page, channel: None for every channel's partition)
    merged_query, view_query = conversations_data.folder_page, conversations_data.folder_view_page

    def merging(viewer_id: str, view: str, channel: str, limit: int, after: str | None) -> object:
        queried.append((len(pages), channel))
        return merged_query(viewer_id, view, channel, limit, after)

    def one_query(viewer_id: str, view: str, channel: str | None, limit: int, cursor: str | None) -> object:
        queried.append((len(pages), channel))
        return view_query(viewer_id, view, channel, limit, cursor)

    monkeypatch.setattr(conversations_data, "folder_page", merging)
    monkeypatch.setattr(conversations_data, "folder_view_page", one_query)

    def paged(view: str) -> str:
        """Every page of the view of every source, by 3; the last page's cursor but one."""
        pages.clear()
        queried.clear()
        cursor: str | None = None
        while True:
            rows, following = folders.list_folder(viewer, view, None, 3, cursor)
            pages.append([row.id for row in rows])
            if following is None:
                break
            cursor = following
        assert [i for page in pages for i in page] == newest_first
        assert [len(page) for page in pages] == [3, 3, 3, 2]
        assert cursor is not None
        return cursor

    # The Inbox of every source: one Query of the index of every channel a page.
    inbox_cursor = paged("inbox")
    assert queried == [(0, None), (1, None), (2, None), (3, None)]
    # The Unread view of every source merges the channels: the calls (none) are all taken by the
    # first page, the emails by the second, so the third and the fourth query SMS alone.
    unread_cursor = paged("unread")
    assert {channel for page, channel in queried if page < 1} == {"sms", "email", "call"}
    assert {channel for page, channel in queried if page == 1} == {"sms", "email"}
    assert {channel for page, channel in queried if page >= 2} == {"sms"}
    # Neither takes the other's cursor.
    with pytest.raises(ValidationError):
        folders.list_folder(viewer, "unread", None, 3, inbox_cursor)
    with pytest.raises(ValidationError):
        folders.list_folder(viewer, "inbox", None, 3, unread_cursor)

    # One source pages the same way; a cursor of another view, or of another source, is refused.
    rows, cursor = folders.list_folder(viewer, "inbox", "email", 2, None)
    assert [r.id for r in rows] == [stored[10].id, stored[8].id] and cursor is not None
    rows, last = folders.list_folder(viewer, "inbox", "email", 2, cursor)
    assert [r.id for r in rows] == [stored[5].id] and last is None
    with pytest.raises(ValidationError):
        folders.list_folder(viewer, "trash", "email", 2, cursor)
    with pytest.raises(ValidationError):
        folders.list_folder(viewer, "inbox", None, 2, cursor)
    with pytest.raises(ValidationError):
        folders.list_folder(viewer, "inbox", "sms", 2, inbox_cursor)

    page = alice.ok("GET", "/api/folders/inbox", limit=1)
    assert alice("GET", "/api/folders/archived", cursor=page["next_cursor"]).status_code == 400

"""Folders (C4): where a conversation is listed for the rep who views it, and what that counts.

Every conversation outside the Ignored section is in exactly one folder of its viewer (its owner,
or its rep while nobody assigned it): Inbox, Follow-up, Archived, Trash or Spam; and unread while
it has unread messages in the Inbox or Follow-up. The viewer's counters (one per folder and
channel, and of the unread conversations of each) move by `folder_deltas` in the same write as the
conversation, so they always equal the sum of the conversations.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

import msgspec

from commcenter.domain.delete_forever import KeptCard
from commcenter.domain.records import RecordSummary
from commcenter.errors import ValidationError

if TYPE_CHECKING:
    from commcenter.domain.sms import ConversationState

Folder = Literal["inbox", "follow_up", "archived", "trash", "spam"]
FOLDERS: tuple[Folder, ...] = ("inbox", "follow_up", "archived", "trash", "spam")
# The views a rep lists: each folder, and the unread conversations of the Inbox and Follow-up.
VIEWS: tuple[str, ...] = (*FOLDERS, "unread")
# The folders whose conversations count as unread while they hold unread messages.
UNREAD_FOLDERS: frozenset[str] = frozenset({"inbox", "follow_up"})
# Where a conversation's traffic comes from (chats join when they are conversations).
SOURCES: tuple[str, ...] = ("email", "sms", "call", "chat")
# A new message from the other side brings a conversation back from these (spam stays spam).
RETURNING_FOLDERS: frozenset[str] = frozenset({"archived", "follow_up", "trash"})

Action = Literal[
    "archive", "trash", "spam", "not_spam", "inbox", "read", "unread", "follow_up", "assign", "delete_forever"
]
ACTIONS: tuple[Action, ...] = (
    "archive",
    "trash",
    "spam",
    "not_spam",
    "inbox",
    "read",
    "unread",
    "follow_up",
    "assign",
    "delete_forever",
)
MOVES: dict[str, Folder] = {
    "archive": "archived",
    "trash": "trash",
    "spam": "spam",
    "not_spam": "inbox",
    "inbox": "inbox",
    "follow_up": "follow_up",
}

# The layout version of the folder keys a stored conversation carries (absent: stored before
# folders, neither indexed nor counted: the re-index brings it in). 1: the by-source keys only;
# 2: the `folders` key too (a folder of every channel). One of layout 1 is counted already: the
# re-index rewrites it with its keys and moves no counter.
FOLDER_KEYS_VERSION = 2

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def viewer_of(state: ConversationState) -> str:
    """The rep whose folders list the conversation."""
    return state.owner_id or state.rep_id


def takes_part(state: ConversationState, rep_id: str) -> bool:
    """Whether the rep may open the conversation and reply in it: its viewer (the rep it was
    assigned to), or the rep whose number or mailbox it is on (whose SMS tab still lists it)."""
    return rep_id in (state.rep_id, viewer_of(state))


def in_folders(state: ConversationState) -> bool:
    """Ignored traffic is in no folder."""
    return state.section != "ignored"


def is_unread(state: ConversationState) -> bool:
    return in_folders(state) and state.unread > 0 and state.folder in UNREAD_FOLDERS


def folder_counter(folder: str, channel: str) -> str:
    """The viewer's counter of the conversations of a channel in a folder."""
    return f"folder#{folder}#{channel}"


def folder_unread_counter(folder: str, channel: str) -> str:
    """The viewer's counter of the unread conversations of a channel in a folder."""
    return f"folder#{folder}#{channel}#unread"


CounterKey = tuple[str, str]  # (the rep whose scope holds the counter, its name)


def folder_deltas(before: ConversationState | None, after: ConversationState | None) -> dict[CounterKey, int]:
    """How the viewers' folder counters move when a conversation goes from `before` to `after`
    (None: absent). `after` is always written with its folder keys; `before` counted only if it
    was stored with them (one stored before folders is counted by the write that indexes it)."""
    deltas: dict[CounterKey, int] = {}
    for state, sign in ((before, -1), (after, 1)):
        if state is None or not in_folders(state) or (sign < 0 and not state.folder_keys):
            continue
        viewer = viewer_of(state)
        names = [folder_counter(state.folder, state.channel)]
        if is_unread(state):
            names.append(folder_unread_counter(state.folder, state.channel))
        for name in names:
            deltas[(viewer, name)] = deltas.get((viewer, name), 0) + sign
    return {key: delta for key, delta in deltas.items() if delta}


def moved(state: ConversationState, folder: Folder, *, at: str, follow_up_on: str | None = None) -> ConversationState:
    """The conversation in `folder` (unchanged state when it is there already, with that day)."""
    day = follow_up_on if folder == "follow_up" else None
    trashed_at = (state.trashed_at or at) if folder == "trash" else None
    if state.folder == folder and state.follow_up_on == day:
        return state
    return msgspec.structs.replace(
        state, folder=folder, follow_up_on=day, trashed_at=trashed_at, version=state.version + 1
    )


def assigned(state: ConversationState, to: str, *, by: str, at: str) -> ConversationState:
    """The conversation given to rep `to` by `by`: it leaves its viewer's folders and lands in
    the Inbox of `to` (unread kept), with a note of who gave it and when (unchanged state when
    `to` views it already). The counters move by `folder_deltas`, as for any change of viewer."""
    if viewer_of(state) == to:
        return state
    return msgspec.structs.replace(
        state,
        owner_id=to,
        folder="inbox",
        follow_up_on=None,
        trashed_at=None,
        assigned_by=by,
        assigned_at=at,
        version=state.version + 1,
    )


def returned_by_message(state: ConversationState) -> ConversationState:
    """A new message from the other side brings an archived, followed-up or trashed conversation
    back to the Inbox (the caller bumps the version)."""
    if state.folder not in RETURNING_FOLDERS:
        return state
    return msgspec.structs.replace(state, folder="inbox", follow_up_on=None, trashed_at=None)


def check_day(day: str | None) -> str:
    """A follow-up's day, YYYY-MM-DD (a real date)."""
    if day is None or not _DAY.match(day):
        raise ValidationError("a follow-up needs day: YYYY-MM-DD", {"day": "malformed"})
    try:
        date.fromisoformat(day)
    except ValueError:
        raise ValidationError(f"{day} is not a date", {"day": "malformed"}) from None
    return day


class FolderRow(msgspec.Struct, kw_only=True):
    """A conversation as a folder view lists it."""

    id: str
    channel: str
    folder: str
    remote: str  # the other side's number or address
    record: RecordSummary | None
    last_at: str
    last_preview: str
    last_direction: str
    unread: int
    follow_up_on: str | None
    owner_id: str
    # Who gave the conversation to its viewer, and when (None: nobody assigned it).
    assigned_by: str | None = None
    assigned_at: str | None = None


class FolderPage(msgspec.Struct, kw_only=True):
    items: list[FolderRow]
    next_cursor: str | None


class SourceCount(msgspec.Struct, kw_only=True):
    total: int
    unread: int


class FolderCount(msgspec.Struct, kw_only=True):
    total: int
    unread: int
    by_source: dict[str, SourceCount]


class FolderCounts(msgspec.Struct, kw_only=True):
    """Each view's count (the Unread view's total is its unread conversations)."""

    inbox: FolderCount
    follow_up: FolderCount
    archived: FolderCount
    trash: FolderCount
    spam: FolderCount
    unread: FolderCount


class FolderActionInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An action on conversations: these `ids`, or `all` of a view (`folder`, `source`)."""

    action: str
    ids: list[str] = []
    all: bool = False
    folder: str | None = None
    source: str | None = None
    day: str | None = None  # a follow-up's day, YYYY-MM-DD
    # Deleting for good: the customers' cards to delete with their last conversations.
    delete_records: list[str] = []
    to: str | None = None  # the rep an assignment gives the conversations to


class FolderChange(msgspec.Struct):
    changed: int  # conversations that were not already so
    # Deleting for good: the customers' cards deleted with them (to the record trash), and those
    # named that stayed, with why.
    records_deleted: list[str] = []
    records_kept: list[KeptCard] = []
    # Deleting for good: the conversations named that the request's time left in Trash (asked
    # again, they go; empty when every one went).
    unfinished: list[str] = []


def view_counts(values: dict[str, int]) -> FolderCounts:
    """Every view's count from the viewer's counters (a count never shows below zero)."""
    counts: dict[str, FolderCount] = {}
    for view in VIEWS:
        by_source: dict[str, SourceCount] = {}
        for source in SOURCES:
            if view == "unread":
                unread = sum(values.get(folder_unread_counter(f, source), 0) for f in sorted(UNREAD_FOLDERS))
                total = unread
            else:
                total = values.get(folder_counter(view, source), 0)
                unread = values.get(folder_unread_counter(view, source), 0)
            by_source[source] = SourceCount(total=max(0, total), unread=max(0, unread))
        counts[view] = FolderCount(
            total=sum(c.total for c in by_source.values()),
            unread=sum(c.unread for c in by_source.values()),
            by_source=by_source,
        )
    return FolderCounts(**counts)

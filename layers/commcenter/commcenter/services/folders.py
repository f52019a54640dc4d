"""Folders (C4): a rep's conversations of every channel by folder, their counts, and the actions
that move them.

A view is one Query of a folder index (`commcenter.data.conversations.folder_view_page`: a
folder of every source or of one, the Unread view of one source), its cursor the Query's own;
the Unread view of every source Queries each channel's partition, together, and merges them
newest first (`_merged_page`); its cursor holds each partition's position. Its count is read
from the counters every write keeps (one Query of the rep's counter scope). An action
names conversations (ids, or all of a view): every one is found, and found to be one the rep
views, before anything changes (another rep's is answered as absent); then each changes by its
own write conditional on its version, retried on a conflict, with its counters.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any, get_args

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import counters as counters_data
from commcenter.data import handles as handles_data
from commcenter.data import records as records_data
from commcenter.data import reps as reps_data
from commcenter.data.base import decode_token, encode_token
from commcenter.domain.clock import now_iso, utc_now
from commcenter.domain.delete_forever import DeleteForeverInput, DeleteForeverPreview
from commcenter.domain.facts import EmailFacts
from commcenter.domain.folders import (
    ACTIONS,
    MOVES,
    SOURCES,
    VIEWS,
    Folder,
    FolderActionInput,
    FolderChange,
    FolderCounts,
    FolderRow,
    assigned,
    check_day,
    in_folders,
    moved,
    view_counts,
    viewer_of,
)
from commcenter.domain.handles import Handle
from commcenter.domain.records import RecordSummary
from commcenter.domain.reminders import ReminderInput, due_time
from commcenter.domain.reps import Rep
from commcenter.domain.sms import ConversationChannel, ConversationState
from commcenter.errors import NotFoundError, ValidationError
from commcenter.services import delete_forever, email_tabs
from commcenter.services.reminders import cancel_follow_ups, create_reminder
from commcenter.services.sms_conversations import change_conversation
from commcenter.warm_cache import WarmCache

# Actions after which the rep's follow-ups on the conversation are cancelled (deleted, spam; and
# an assignment, below). Archive and Move to Inbox keep them: on its day the follow-up brings the
# conversation back to Follow-up.
FOLLOW_UPS_END = frozenset({"trash", "spam"})
MOST_SELECTED = 100  # ids in one action
MOST_CHANGED = 1000  # conversations one "all of a view" action goes through
EMAILS_READ = 100  # the newest emails of a conversation a read action marks
_ID = re.compile(r"^[0-9A-Za-z_.:@+-]{1,200}$")
_POSITION = re.compile(r"^[0-9T:.+Z-]{10,40}#[0-9A-Za-z_.:@+-]{1,200}$")  # a folder key: {last_at}#{id}
# How a row names its record, kept briefly by the warm function: a page of rows would otherwise
# read its records on every view.
SUMMARY_SECONDS = 30
_summaries: WarmCache[str, RecordSummary] = WarmCache(5_000, SUMMARY_SECONDS)
# The assignment notes of assigned rows, by (conversation, owner, last message), kept as briefly.
_notes: WarmCache[tuple[str, str, str], tuple[str, str]] = WarmCache(5_000, SUMMARY_SECONDS)
# The channels whose traffic is held as conversations: the Unread view of every source merges
# their partitions only (chats join when they write conversations).
CHANNELS: tuple[str, ...] = get_args(ConversationChannel)
# Queries of the Unread view of every source, one per channel, made together; kept by the warm
# function.
_queries = ThreadPoolExecutor(max_workers=len(SOURCES) - 1, thread_name_prefix="folder-view")


def _view(view: str, source: str | None) -> tuple[str, str | None]:
    if view not in VIEWS:
        raise ValidationError(f"folder must be one of {', '.join(VIEWS)}", {"folder": "unknown"})
    if source is not None and source not in SOURCES:
        raise ValidationError(f"source must be one of {', '.join(SOURCES)}", {"source": "unknown"})
    return view, source


def list_folder(
    rep: Rep, view: str, source: str | None, limit: int, cursor: str | None
) -> tuple[list[FolderRow], str | None]:
    """The rep's conversations in a view (a folder, or "unread"), of every source or one,
    newest activity first."""
    view, source = _view(view, source)
    states, cursor = _page(rep.id, view, source, limit, cursor)
    return _rows(states), cursor


# A channel's position in a view: from the newest (`START`), after a folder key, or exhausted (None).
START = ""


def _page(
    viewer: str, view: str, source: str | None, limit: int, cursor: str | None
) -> tuple[list[ConversationState], str | None]:
    """A page of a view: one Query of its partition, but for the Unread view of every source,
    which merges the channels' (`_merged_page`). A cursor of the other kind is a 400."""
    if source is not None or view != "unread":
        return conversations_data.folder_view_page(viewer, view, source, limit, cursor)
    return _merged_page(viewer, view, limit, cursor)


def _merged_page(viewer: str, view: str, limit: int, cursor: str | None) -> tuple[list[ConversationState], str | None]:
    """A page of a view of every source by its channels' partitions: each queried from its
    position, together, and merged newest first. A row is shown only once no channel can still
    hold a newer one (each channel's rows not read yet are older than the last it read), so a
    channel is read further, in a second round, only when the first (a fifth over an even share
    of the page each) did not settle the page. The page's last row of each channel
    is its next position; a channel the page took everything left of is skipped from then on.
    None when nothing follows."""
    channels = CHANNELS
    positions = _positions(cursor, view, channels)
    live = [channel for channel in channels if positions[channel] is not None]
    fetched: dict[str, list[ConversationState]] = {channel: [] for channel in live}
    more = dict.fromkeys(live, True)
    share = limit if len(live) < 2 else -(-limit * 6 // (5 * len(live)))
    wanted = dict.fromkeys(live, share)
    while True:
        _read_further(viewer, view, positions, fetched, more, wanted)
        merged = sorted(
            ((conversations_data.folder_key(state), channel, state) for channel in live for state in fetched[channel]),
            key=lambda entry: entry[0],
            reverse=True,
        )
        pending = [channel for channel in live if more[channel]]
        last = {channel: conversations_data.folder_key(fetched[channel][-1]) for channel in pending}
        settled = max(last.values(), default="")
        shown = [entry for entry in merged if entry[0] >= settled]
        if len(shown) >= limit or not pending:
            taken = shown[:limit]
            break
        cut = merged[limit - 1][0] if len(merged) >= limit else ""
        wanted = {channel: limit - len(shown) for channel in pending if last[channel] > cut}
    for channel in live:
        mine = [key for key, of, _ in taken if of == channel]
        if mine:
            positions[channel] = mine[-1]
        if not more[channel] and len(mine) == len(fetched[channel]):
            positions[channel] = None
    following = any(position is not None for position in positions.values())
    return [state for _, _, state in taken], _encoded(view, positions) if following else None


def _read_further(
    viewer: str,
    view: str,
    positions: dict[str, str | None],
    fetched: dict[str, list[ConversationState]],
    more: dict[str, bool],
    wanted: dict[str, int],
) -> None:
    """Read `wanted` more rows of each channel named, after what was read of it (together when
    there are several)."""

    def query(channel: str) -> tuple[list[ConversationState], bool]:
        read = fetched[channel]
        after = conversations_data.folder_key(read[-1]) if read else positions[channel]
        return conversations_data.folder_page(viewer, view, channel, wanted[channel], after or None)

    asked = [channel for channel in wanted if more[channel]]
    # The others in the pool, the first in this thread meanwhile.
    others = [_queries.submit(query, channel) for channel in asked[1:]]
    pages = [query(channel) for channel in asked[:1]] + [other.result() for other in others]
    for channel, (states, further) in zip(asked, pages, strict=True):
        fetched[channel] += states
        more[channel] = further and bool(states)


def _encoded(view: str, positions: dict[str, str | None]) -> str:
    return encode_token({"view": view, "after": positions})


def _positions(cursor: str | None, view: str, channels: tuple[str, ...]) -> dict[str, str | None]:
    """Each channel's position from a page cursor of this view (a cursor of another view, or one
    it did not make, is a 400)."""
    if not cursor:
        return dict.fromkeys(channels, START)
    value: Any = decode_token(cursor)
    after: Any = value.get("after") if isinstance(value, dict) else None
    valid = (
        isinstance(after, dict)
        and set(value) == {"view", "after"}
        and all(p is None or p == START or (isinstance(p, str) and _POSITION.match(p)) for p in after.values())
    )
    if not valid:
        raise ValidationError("the page cursor is not valid", {"cursor": "malformed"})
    if value["view"] != view or set(after) != set(channels):
        raise ValidationError("the page cursor is not one of this list's", {"cursor": "another list's"})
    return dict(after)


def folder_counts(rep: Rep) -> FolderCounts:
    """Every view's count, total and unread, by source: from the counters, never counted."""
    return view_counts(counters_data.read_all(counters_data.rep_scope(rep.id)))


def act_on_conversations(rep: Rep, change: FolderActionInput) -> FolderChange:
    """Apply an action to the conversations it names; everything is checked (a 400, or a 404 for
    a conversation the rep does not view) before anything changes."""
    if change.action not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}", {"action": "unknown"})
    day: str | None = None
    if change.action == "follow_up":
        day = check_day(change.day)
        due_time(day, rep.time_zone, utc_now())  # a day the reminder can be set for
    elif change.day is not None:
        raise ValidationError("day is for a follow-up", {"day": "not_allowed"})
    if change.delete_records and change.action != "delete_forever":
        raise ValidationError("delete_records is for deleting for good", {"delete_records": "not_allowed"})
    to = _assignee(rep, change)
    selected = _selected(rep, change)
    if to is not None:
        return FolderChange(changed=sum(1 for state in selected if assign_conversation(rep, state.id, to)))
    if change.action == "delete_forever":
        return delete_forever.delete_forever(rep, selected, change.delete_records)
    changed = sum(1 for state in selected if _apply(rep, state, change.action, day))
    return FolderChange(changed=changed)


def _assignee(rep: Rep, change: FolderActionInput) -> str | None:
    """The rep an assignment gives the conversations to: a rep of the viewer's team (None for
    the other actions, which take no `to`)."""
    if change.action != "assign":
        if change.to is not None:
            raise ValidationError("to is for an assignment", {"to": "not_allowed"})
        return None
    if not change.to or not _ID.match(change.to):
        raise ValidationError("an assignment needs to: the id of a rep of the team", {"to": "required"})
    assignee = reps_data.get(change.to)
    if assignee is None or assignee.team != rep.team:
        raise ValidationError(f"no rep {change.to} in the team", {"to": "unknown rep"})
    return assignee.id


def assign_conversation(rep: Rep, conversation_id: str, to: str) -> bool:
    """Give the rep's conversation to rep `to` (into their Inbox, with a note that `rep` gave it
    now): one write conditional on its version, the counters of both viewers with it; whether it
    changed (not when `to` views it already)."""
    at = now_iso()

    def give(state: ConversationState | None) -> ConversationState | None:
        if state is None or viewer_of(state) != rep.id or not in_folders(state):
            return None
        after = assigned(state, to, by=rep.id, at=at)
        return None if after is state else after

    before, after = change_conversation(conversation_id, give)
    if after is not before:
        cancel_follow_ups(rep.id, conversation_id)
    return after is not before


def _selected(rep: Rep, change: FolderActionInput) -> list[ConversationState]:
    if change.all:
        if change.ids:
            raise ValidationError("name ids or all, not both", {"ids": "with all"})
        view, source = _view(change.folder or "", change.source)
        found: list[ConversationState] = []
        cursor: str | None = None
        while len(found) < MOST_CHANGED:
            page, cursor = _page(rep.id, view, source, 100, cursor)
            found.extend(page)
            if cursor is None:
                break
        return found[:MOST_CHANGED]
    if change.folder is not None or change.source is not None:
        raise ValidationError("folder and source name all of a view", {"folder": "without all"})
    if not change.ids:
        raise ValidationError("name the conversations (ids) or all of a folder", {"ids": "required"})
    if len(change.ids) > MOST_SELECTED:
        raise ValidationError(f"at most {MOST_SELECTED} ids at once", {"ids": "too many"})
    if not all(isinstance(i, str) and _ID.match(i) for i in change.ids):
        raise ValidationError("an id is not a conversation id", {"ids": "malformed"})
    return [_viewed(rep, conversation_id) for conversation_id in dict.fromkeys(change.ids)]


def preview_delete_forever(rep: Rep, choice: DeleteForeverInput) -> DeleteForeverPreview:
    """What deleting these conversations of the rep's Trash for good would take (its confirmation
    names the count and the customers' cards), the conversations checked as the action checks them."""
    folder = "trash" if choice.all else None
    change = FolderActionInput(
        action="delete_forever", ids=choice.ids, all=choice.all, folder=folder, source=choice.source
    )
    return delete_forever.preview(rep, _selected(rep, change))


def _viewed(rep: Rep, conversation_id: str) -> ConversationState:
    """A conversation in the rep's folders; another's is answered as one that does not exist."""
    state = conversations_data.get(conversation_id)
    if state is None or viewer_of(state) != rep.id or not in_folders(state):
        raise NotFoundError(f"no conversation {conversation_id}")
    return state


def viewed_row(rep: Rep, conversation_id: str) -> tuple[ConversationState, FolderRow]:
    """One conversation of the rep's folders and its row as a view lists it (a 404 for another
    rep's, or an id no conversation can have)."""
    if not _ID.match(conversation_id):
        raise NotFoundError(f"no conversation {conversation_id}")
    state = _viewed(rep, conversation_id)
    return state, _rows([state])[0]


def _apply(rep: Rep, state: ConversationState, action: str, day: str | None) -> bool:
    """One conversation's change; whether it changed."""
    if action == "read":
        return _set_read(rep, state, True)
    if action == "unread":
        return _set_read(rep, state, False)
    if action == "follow_up" and day is not None and (state.folder, state.follow_up_on) != ("follow_up", day):
        # One reminder per day picked: the same follow-up asked again sets none more.
        create_reminder(rep, ReminderInput(kind="follow_up", when=day, conversation_id=state.id))
    if action in ("spam", "not_spam"):
        # Later traffic from the handle follows: a new conversation with it starts in Spam.
        handles_data.set_spam_by(Handle.from_key(state.handle), rep.id, action == "spam")
    changed = move_conversation(rep.id, state.id, MOVES[action], follow_up_on=day)
    if action in FOLLOW_UPS_END:
        cancel_follow_ups(rep.id, state.id)
    return changed


def move_conversation(viewer: str, conversation_id: str, folder: Folder, *, follow_up_on: str | None = None) -> bool:
    """Put the viewer's conversation in `folder` (a write conditional on its version, retried on
    a conflict); whether it moved."""
    at = now_iso()

    def move(state: ConversationState | None) -> ConversationState | None:
        if state is None or viewer_of(state) != viewer or not in_folders(state):
            return None
        after = moved(state, folder, at=at, follow_up_on=follow_up_on)
        return None if after is state else after

    before, after = change_conversation(conversation_id, move)
    return after is not before


def _set_read(rep: Rep, state: ConversationState, read: bool) -> bool:
    if state.channel == "email":
        return _set_emails_read(rep, state, read)

    def mark(current: ConversationState | None) -> ConversationState | None:
        if current is None:
            return None
        unread = 0 if read else max(current.unread, 1)
        if unread == current.unread:
            return None
        return msgspec.structs.replace(current, unread=unread, version=current.version + 1)

    before, after = change_conversation(state.id, mark)
    return after is not before


def _set_emails_read(rep: Rep, state: ConversationState, read: bool) -> bool:
    """An email conversation is read when its emails are: each is marked here and queued for the
    rep's mail server (as the Email tab does); unread marks its newest received email."""
    emails, _ = activities_data.conversation_page(state.id, EMAILS_READ, None)
    received = [e for e in emails if e.direction == "inbound" and isinstance(e.data, EmailFacts)]
    if read:
        wanted = [e for e in received if isinstance(e.data, EmailFacts) and not e.data.seen]
    else:
        wanted = received[:1] if state.unread == 0 else []
    if not wanted:
        return False
    keys = [email_tabs.email_key(email) for email in wanted]
    return email_tabs.set_read(rep, email_tabs.EmailReadInput(ids=keys, read=read)).changed > 0


def _record_summaries(record_ids: set[str]) -> dict[str, RecordSummary]:
    """The rows' records as they name them: those this warm function read in the last
    `SUMMARY_SECONDS`, the others in one BatchGetItem. A record renamed meanwhile may show its
    old name that long; one deleted has left its conversations already (they are unmatched)."""
    found: dict[str, RecordSummary] = {}
    missing: list[str] = []
    for record_id in record_ids:
        known = _summaries.get(record_id)
        if known is None:
            missing.append(record_id)
        else:
            found[record_id] = known
    if missing:
        fetched = records_data.summaries(missing)
        for record_id, summary in fetched.items():
            _summaries.put(record_id, summary)
        found.update(fetched)
    return found


def _unnoted(state: ConversationState) -> bool:
    """An assigned conversation (one with an owner) read from a folder index, without its note."""
    return bool(state.owner_id) and state.assigned_by is None


def _assignment_notes(states: list[ConversationState]) -> dict[str, tuple[str, str]]:
    """Who assigned each assigned row and when: those this warm function read in the last
    `SUMMARY_SECONDS` for the same owner and last message, the others in one BatchGetItem
    (`conversations_data.assignment_notes`). A conversation given back and forth meanwhile, with
    no message between, may show its previous note that long."""
    found: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    for state in filter(_unnoted, states):
        known = _notes.get((state.id, state.owner_id or "", state.last_at))
        if known is None:
            missing.append(state.id)
        else:
            found[state.id] = known
    if missing:
        fetched = conversations_data.assignment_notes(missing)
        for state in states:
            if state.id in fetched:
                _notes.put((state.id, state.owner_id or "", state.last_at), fetched[state.id])
        found.update(fetched)
    return found


def _rows(states: list[ConversationState]) -> list[FolderRow]:
    # A folder index does not project the assignment's note: the assigned rows' are read together
    # with the rows' records.
    notes_read = _queries.submit(_assignment_notes, states) if any(_unnoted(s) for s in states) else None
    records = _record_summaries({s.record_id for s in states if s.record_id})
    notes = notes_read.result() if notes_read is not None else {}
    rows = []
    for state in states:
        by, at = notes.get(state.id, (state.assigned_by, state.assigned_at))
        rows.append(
            FolderRow(
                id=state.id,
                channel=state.channel,
                folder=state.folder,
                remote=state.remote_number,
                record=records.get(state.record_id) if state.record_id else None,
                last_at=state.last_at,
                last_preview=state.last_preview,
                last_direction=state.last_direction,
                unread=state.unread,
                follow_up_on=state.follow_up_on,
                owner_id=viewer_of(state),
                assigned_by=by,
                assigned_at=at,
            )
        )
    return rows

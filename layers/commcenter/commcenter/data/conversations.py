"""The Conversations table: one conversation per (rep number, remote number) and channel (C1).

Every write is a whole-item put conditional on the version read: a conversation changes with
each message, each read and each move between sections, and the unread counters follow those
changes exactly only if no two writers interleave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from commcenter.data import counters
from commcenter.data.base import (
    Entry,
    decode_cursor,
    encode_cursor,
    is_conditional_failure,
    plain,
    raw_item,
    read_attributes,
    table_meta,
    transact_entries,
)
from commcenter.domain.folders import FOLDER_KEYS_VERSION, in_folders, is_unread, viewer_of
from commcenter.domain.sms import ConversationState
from commcenter.warm_cache import WarmCache

LISTED_ATTRIBUTES = [
    "channel",
    "rep_id",
    "rep_number",
    "handle",
    "record_id",
    "section",
    "last_at",
    "last_preview",
    "last_direction",
    "unread",
]


class CenterIndex(GlobalSecondaryIndex["ConversationItem"]):
    class Meta:
        index_name = "center"
        projection = IncludeProjection(LISTED_ATTRIBUTES)

    center_pk = UnicodeAttribute(hash_key=True)
    center_key = UnicodeAttribute(range_key=True)


# What a folder row shows (C4).
FOLDER_ATTRIBUTES = [
    "channel",
    "rep_id",
    "owner_id",
    "rep_number",
    "handle",
    "record_id",
    "section",
    "folder",
    "last_at",
    "last_preview",
    "last_direction",
    "unread",
    "follow_up_on",
]
# The folder indexes: each partition is one viewer's folder, of every channel or of one, or
# its unread conversations of one channel, newest activity first. The Unread view of every
# channel merges the channels' partitions (`commcenter.services.folders`): an unread index of
# every channel would be one more entry to move on every message (docs/data-model.md, "The
# writes of an incoming SMS").
FOLDER_INDEXES = {
    "folders": "folder_pk",
    "folders_by_source": "folder_src_pk",
    "unread_by_source": "unread_src_pk",
}


class FoldersIndex(GlobalSecondaryIndex["ConversationItem"]):
    class Meta:
        index_name = "folders"
        projection = IncludeProjection(FOLDER_ATTRIBUTES)

    folder_pk = UnicodeAttribute(hash_key=True)
    folder_key = UnicodeAttribute(range_key=True)


class FoldersBySourceIndex(GlobalSecondaryIndex["ConversationItem"]):
    class Meta:
        index_name = "folders_by_source"
        projection = IncludeProjection(FOLDER_ATTRIBUTES)

    folder_src_pk = UnicodeAttribute(hash_key=True)
    folder_key = UnicodeAttribute(range_key=True)


class UnreadBySourceIndex(GlobalSecondaryIndex["ConversationItem"]):
    class Meta:
        index_name = "unread_by_source"
        projection = IncludeProjection(FOLDER_ATTRIBUTES)

    unread_src_pk = UnicodeAttribute(hash_key=True)
    folder_key = UnicodeAttribute(range_key=True)


class HandleIndex(GlobalSecondaryIndex["ConversationItem"]):
    class Meta:
        index_name = "by_handle"
        projection = KeysOnlyProjection()

    handle = UnicodeAttribute(hash_key=True)
    conversation_id = UnicodeAttribute(range_key=True)


class ConversationItem(Model):
    Meta = table_meta("conversations")

    conversation_id = UnicodeAttribute(hash_key=True)
    center_pk = UnicodeAttribute()
    center_key = UnicodeAttribute()
    channel = UnicodeAttribute()
    rep_id = UnicodeAttribute()
    rep_number = UnicodeAttribute()
    handle = UnicodeAttribute()
    record_id = UnicodeAttribute(null=True)
    section = UnicodeAttribute()
    last_at = UnicodeAttribute()
    last_preview = UnicodeAttribute(default="")
    last_direction = UnicodeAttribute(default="inbound")
    unread = NumberAttribute(default=0)
    version = NumberAttribute(default=0)

    folder = UnicodeAttribute(null=True)
    owner_id = UnicodeAttribute(null=True)
    follow_up_on = UnicodeAttribute(null=True)
    trashed_at = UnicodeAttribute(null=True)
    assigned_by = UnicodeAttribute(null=True)
    assigned_at = UnicodeAttribute(null=True)
    folder_keys_v = NumberAttribute(null=True)
    folder_pk = UnicodeAttribute(null=True)
    folder_src_pk = UnicodeAttribute(null=True)
    folder_key = UnicodeAttribute(null=True)
    unread_src_pk = UnicodeAttribute(null=True)

    center = CenterIndex()
    by_handle = HandleIndex()
    folders = FoldersIndex()
    folders_by_source = FoldersBySourceIndex()
    unread_by_source = UnreadBySourceIndex()


# The conversations this warm function wrote last, as it wrote them. A webhook may start from
# this copy instead of reading: every write is conditional on the version, so a stale copy
# costs one refused write and a read, never a lost change (a refused write forgets its copy).
WRITTEN_KEPT = 2_000
_written: WarmCache[str, ConversationState] = WarmCache(WRITTEN_KEPT)


class VersionConflict(Exception):
    """Another writer changed the conversation since it was read: read it again and retry."""


def center_pk(rep_id: str, channel: str, section: str) -> str:
    return f"{rep_id}#{channel}#{section}"


def folder_partition(viewer: str, view: str, channel: str | None = None) -> tuple[str, str]:
    """(index, partition key) of a viewer's folder view (`view`: a folder, or "unread") of one
    channel, or of a folder of every channel (the Unread view of every channel has no partition:
    it merges the channels')."""
    if channel is None:
        if view == "unread":
            raise ValueError("the Unread view of every channel merges the channels' partitions")
        return "folders", f"{viewer}#{view}"
    return ("unread_by_source" if view == "unread" else "folders_by_source"), f"{viewer}#{view}#{channel}"


def _folder_keys(state: ConversationState) -> dict[str, Any]:
    """The sparse keys of the folder indexes: none for ignored traffic, the unread ones only
    while it is unread."""
    if not in_folders(state):
        return {}
    viewer, sort_key = viewer_of(state), folder_key(state)
    keys = {
        "folder_pk": folder_partition(viewer, state.folder)[1],
        "folder_src_pk": folder_partition(viewer, state.folder, state.channel)[1],
        "folder_key": sort_key,
    }
    if is_unread(state):
        keys["unread_src_pk"] = folder_partition(viewer, "unread", state.channel)[1]
    return keys


def get(conversation_id: str, *, as_last_written: bool = False) -> ConversationState | None:
    """The stored conversation; with `as_last_written`, this function's own last write of it
    when it has one (possibly stale: see `_written`)."""
    if as_last_written and (known := _written.get(conversation_id)) is not None:
        return known
    try:
        item = ConversationItem.get(conversation_id, consistent_read=True)
    except ConversationItem.DoesNotExist:
        return None
    return _from_values(item.attribute_values)


def get_with_layout(conversation_id: str) -> tuple[ConversationState, int] | None:
    """The stored conversation and the layout version of the folder keys it carries (0: stored
    before folders), read consistently."""
    try:
        item = ConversationItem.get(conversation_id, consistent_read=True)
    except ConversationItem.DoesNotExist:
        return None
    return _from_values(item.attribute_values), int(item.folder_keys_v or 0)


def save(state: ConversationState, expected_version: int | None) -> None:
    """Write `state` if the stored conversation is still at `expected_version` (None: must not exist)."""
    try:
        _item(state).save(condition=_at_version(expected_version))
    except PutError as error:
        forget_written(state.id)
        if is_conditional_failure(error):
            raise VersionConflict(state.id) from None
        raise
    remember_written(state)


def save_with_counts(
    state: ConversationState, expected_version: int | None, counts: Mapping[tuple[str, str], int]
) -> bool:
    """`state`, if the stored conversation is still at `expected_version`, with the reps'
    counters moved by `counts` ((rep, counter name): delta), all or nothing; False if another
    writer changed it first."""
    if not counts:
        try:
            save(state, expected_version)
        except VersionConflict:
            return False
        return True
    moves = [counters.add_entry(counters.rep_scope(rep_id), name, delta) for (rep_id, name), delta in counts.items()]
    if transact_entries([save_entry(state, expected_version), *moves]):
        forget_written(state.id)
        return False
    remember_written(state)
    return True


def save_entry(state: ConversationState, expected_version: int | None) -> Entry:
    """`save`, as an entry of a transaction (the caller calls `remember_written` once it commits)."""
    if expected_version is None:
        condition, values = "attribute_not_exists(#id)", None
    else:
        condition, values = "#version = :version", {":version": {"N": str(expected_version)}}
    put: dict[str, Any] = {
        "TableName": ConversationItem.Meta.table_name,
        "Item": stored_item(state),
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {"#version": "version"} if values else {"#id": "conversation_id"},
    }
    if values:
        put["ExpressionAttributeValues"] = values
    return {"Put": put}


def remember_written(state: ConversationState) -> None:
    """`state` is what this function last wrote of its conversation (with its folder keys, as
    every write stores them)."""
    _written.put(state.id, state if state.folder_keys else msgspec.structs.replace(state, folder_keys=True))


def forget_written(conversation_id: str) -> None:
    _written.forget(conversation_id)


def stored_item(state: ConversationState) -> dict[str, dict[str, Any]]:
    """A conversation as stored, with its list keys: the one layout of a conversation item."""
    return raw_item(
        {
            "conversation_id": state.id,
            "center_pk": center_pk(state.rep_id, state.channel, state.section),
            "center_key": f"{state.last_at}#{state.id}",
            "channel": state.channel,
            "rep_id": state.rep_id,
            "rep_number": state.rep_number,
            "handle": state.handle,
            "record_id": state.record_id,
            "section": state.section,
            "last_at": state.last_at,
            "last_preview": state.last_preview,
            "last_direction": state.last_direction,
            "unread": state.unread,
            "version": state.version,
            "folder": state.folder,
            "owner_id": state.owner_id,
            "follow_up_on": state.follow_up_on,
            "trashed_at": state.trashed_at,
            "assigned_by": state.assigned_by,
            "assigned_at": state.assigned_at,
            "folder_keys_v": FOLDER_KEYS_VERSION,
            **_folder_keys(state),
        }
    )


def _item(state: ConversationState) -> ConversationItem:
    return ConversationItem.from_raw_data(stored_item(state))


def _at_version(expected_version: int | None) -> Condition:
    if expected_version is None:
        return ConversationItem.conversation_id.does_not_exist()
    return ConversationItem.version == expected_version


def delete_with_counts(state: ConversationState, counts: Mapping[tuple[str, str], int]) -> bool:
    """Delete the conversation if it is still at `state`'s version, with the reps' counters moved
    by `counts` ((rep, counter name): delta) in the same transaction; False if another writer
    changed it first, or it is gone."""
    forget_written(state.id)
    delete: Entry = {
        "Delete": {
            "TableName": ConversationItem.Meta.table_name,
            "Key": {"conversation_id": {"S": state.id}},
            "ConditionExpression": "#version = :version",
            "ExpressionAttributeNames": {"#version": "version"},
            "ExpressionAttributeValues": {":version": {"N": str(state.version)}},
        }
    }
    moves = [counters.add_entry(counters.rep_scope(rep_id), name, delta) for (rep_id, name), delta in counts.items()]
    return not transact_entries([delete, *moves])


def ids_with_handle(handle_key: str) -> list[str]:
    """Every conversation (of every rep) with one remote number or address."""
    return [item.conversation_id for item in ConversationItem.by_handle.query(handle_key)]


def center_page(
    rep_id: str, section: str, limit: int, cursor: str | None, *, channel: str = "sms"
) -> tuple[list[ConversationState], str | None]:
    """A rep's conversations of one channel and section, newest activity first."""
    key = center_pk(rep_id, channel, section)
    page = ConversationItem._get_connection().query(
        key,
        index_name="center",
        scan_index_forward=False,
        limit=limit,
        exclusive_start_key=decode_cursor(
            cursor, frozenset({"conversation_id", "center_pk", "center_key"}), partition=("center_pk", key)
        ),
    )
    items = [_from_values({k: plain(v) for k, v in raw.items()}) for raw in page.get("Items", [])]
    return items, encode_cursor(page.get("LastEvaluatedKey"))


def _from_values(values: dict[str, Any]) -> ConversationState:
    conversation_id = values["conversation_id"]
    return ConversationState(
        id=conversation_id,
        rep_id=values["rep_id"],
        rep_number=values["rep_number"],
        remote_number=values["handle"].partition(":")[2],
        handle=values["handle"],
        record_id=values.get("record_id"),
        section=values["section"],
        last_at=values["last_at"],
        last_preview=values.get("last_preview", ""),
        last_direction=values.get("last_direction", "inbound"),
        unread=int(values.get("unread", 0)),
        version=int(values.get("version", 0)),
        channel=values.get("channel", "sms"),
        folder=values.get("folder", "inbox"),
        owner_id=values.get("owner_id"),
        follow_up_on=values.get("follow_up_on"),
        trashed_at=values.get("trashed_at"),
        assigned_by=values.get("assigned_by"),
        assigned_at=values.get("assigned_at"),
        # Counted since its first layout of folder keys, whichever (a later layout adds keys,
        # counted the same); a list's row has no layout: listed by a folder index, it has them.
        folder_keys="folder_keys_v" in values or "folder_key" in values,
    )


def folder_key(state: ConversationState) -> str:
    """Where a conversation is in its folder views: newest activity first, ties by id."""
    return f"{state.last_at}#{state.id}"


def folder_view_page(
    viewer: str, view: str, channel: str | None, limit: int, cursor: str | None
) -> tuple[list[ConversationState], str | None]:
    """A viewer's conversations in one partition of a folder view: a folder of every channel or
    of one, or the Unread view of one channel; newest activity first, one Query of its index. The
    cursor is the Query's own, refused when it is another partition's."""
    index, key = folder_partition(viewer, view, channel)
    attribute = FOLDER_INDEXES[index]
    page = ConversationItem._get_connection().query(
        key,
        index_name=index,
        scan_index_forward=False,
        limit=limit,
        exclusive_start_key=decode_cursor(
            cursor, frozenset({"conversation_id", attribute, "folder_key"}), partition=(attribute, key)
        ),
    )
    items = [_from_values({k: plain(v) for k, v in raw.items()}) for raw in page.get("Items", [])]
    return items, encode_cursor(page.get("LastEvaluatedKey"))


def folder_page(
    viewer: str, view: str, channel: str, limit: int, after: str | None
) -> tuple[list[ConversationState], bool]:
    """A viewer's conversations of one channel in a folder view (a folder, or "unread"), newest
    activity first, from after the folder key `after` (None: from the newest): one Query of its
    index. Whether more may follow the page."""
    index, key = folder_partition(viewer, view, channel)
    start = None
    if after is not None:
        conversation = after.partition("#")[2]
        start = {"conversation_id": {"S": conversation}, FOLDER_INDEXES[index]: {"S": key}, "folder_key": {"S": after}}
    page = ConversationItem._get_connection().query(
        key, index_name=index, scan_index_forward=False, limit=limit, exclusive_start_key=start
    )
    items = [_from_values({k: plain(v) for k, v in raw.items()}) for raw in page.get("Items", [])]
    return items, bool(page.get("LastEvaluatedKey"))


def assignment_notes(conversation_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Who assigned each of these conversations and when ((assigned_by, assigned_at), for those
    assigned): one BatchGetItem of those two attributes. The folder indexes do not project them
    (a new attribute in an index's projection is a new index for CloudFormation): a folder row
    reads them here, for its assigned conversations only (those with an `owner_id`)."""
    raws = read_attributes(
        ConversationItem.Meta.table_name,
        [{"conversation_id": {"S": key}} for key in dict.fromkeys(conversation_ids)],
        "conversation_id, assigned_by, assigned_at",
    )
    return {
        raw["conversation_id"]["S"]: (raw["assigned_by"]["S"], raw["assigned_at"]["S"])
        for raw in raws
        if "assigned_by" in raw and "assigned_at" in raw
    }


def center_ids(rep_id: str, channel: str, section: str, limit: int, cursor: str | None) -> tuple[list[str], str | None]:
    """A page of the ids of a rep's conversations of one channel and section (the re-index's walk)."""
    states, cursor = center_page(rep_id, section, limit, cursor, channel=channel)
    return [state.id for state in states], cursor

"""The Activities table: every exchange with a person, keyed by its record or handle (R4, R5, C2)."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, LocalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data import counters
from commcenter.data.base import (
    Entry,
    Write,
    decode_cursor,
    encode_cursor,
    is_conditional_failure,
    plain,
    raw_item,
    table_meta,
    transact,
    transaction_connection,
)
from commcenter.domain.activities import Activity, center_section, is_deal_copy, listed_as_missed
from commcenter.domain.facts import CallFacts, EmailFacts, EmailOpen, TaskFacts, expect, facts_of, stored_values
from commcenter.errors import NotFoundError

# Channels whose single activities are listed in a rep's communication center (SMS are listed by
# conversation instead, from the Conversations table).
CENTER_CHANNELS = frozenset({"call", "email"})


def _index(base: type[Any], name: str, hash_attribute: str, range_attribute: str) -> Any:
    """An index of the table, projecting every attribute (each list reads whole activities)."""
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    return type(
        f"Index_{name}",
        (base,),
        {
            "Meta": meta,
            hash_attribute: UnicodeAttribute(hash_key=True),
            range_attribute: UnicodeAttribute(range_key=True),
        },
    )()


def _lsi(name: str, attribute: str) -> Any:
    return _index(LocalSecondaryIndex, name, "owner", attribute)


def _gsi(name: str, attribute: str) -> Any:
    return _index(GlobalSecondaryIndex, name, attribute, "sk")


class PendingCopyIndex(GlobalSecondaryIndex[Any]):
    """Calls whose recording is still to be copied from Twilio, by when to try (sparse: only
    those calls carry its keys; a few fixed partitions, `pending-copy#{n}`, swept one by one)."""

    class Meta:
        index_name = "pending_copy"
        projection = IncludeProjection(["copy_attempts"])

    copy_pk = UnicodeAttribute(hash_key=True)
    copy_at = UnicodeAttribute(range_key=True)


class ActivityItem(Model):
    Meta = table_meta("activities")

    owner = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type_key = UnicodeAttribute()
    starred_key = UnicodeAttribute(null=True)
    thread_key = UnicodeAttribute(null=True)
    rep_key = UnicodeAttribute(null=True)
    center_pk = UnicodeAttribute(null=True)
    missed_pk = UnicodeAttribute(null=True)
    conversation_id = UnicodeAttribute(null=True)
    # A call whose recording is still to be copied (outside `data`: bookkeeping, never served).
    copy_pk = UnicodeAttribute(null=True)
    copy_at = UnicodeAttribute(null=True)
    copy_attempts = NumberAttribute(null=True)

    activity_id = UnicodeAttribute()
    type = UnicodeAttribute()
    occurred_at = UnicodeAttribute()
    rep_id = UnicodeAttribute(null=True)
    record_id = UnicodeAttribute(null=True)
    handle = UnicodeAttribute(null=True)
    direction = UnicodeAttribute(null=True)
    summary = UnicodeAttribute(default="")
    body = UnicodeAttribute(default="")
    starred = BooleanAttribute(default=False)
    thread_id = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    data = MapAttribute[str, Any](default=dict)

    by_type = _lsi("by_type", "type_key")
    starred_index = _lsi("starred", "starred_key")
    by_thread = _lsi("by_thread", "thread_key")
    by_rep = _lsi("by_rep", "rep_key")
    center = _gsi("center", "center_pk")
    missed = _gsi("missed", "missed_pk")
    by_conversation = _gsi("by_conversation", "conversation_id")
    pending_copy = PendingCopyIndex()


def owner_key(record_id: str | None, handle: str | None) -> str:
    """Whose history an activity belongs to: the record once matched, else the remote handle."""
    if record_id:
        return f"rec#{record_id}"
    if handle:
        return f"h#{handle}"
    raise ValueError("an activity belongs to a record or to a handle")


def missed_key(activity: Activity) -> str | None:
    return _missed_pk(activity.rep_id) if activity.rep_id and listed_as_missed(activity) else None


def _missed_pk(rep_id: str) -> str:
    return f"{rep_id}#call-missed"


def _center_pk(rep_id: str, channel: str, section: str) -> str:
    return f"{rep_id}#{channel}#{section}"


def sort_key(activity: Activity) -> str:
    """An activity's sort key: when it happened, then its id (unique, time-ordered)."""
    return sort_key_at(activity.occurred_at, activity.id)


def sort_key_at(occurred_at: str, activity_id: str) -> str:
    return f"{occurred_at}#{activity_id}"


def record_key(record_id: str, occurred_at: str, activity_id: str) -> tuple[str, str]:
    """Where the activity `activity_id` of a record's feed is stored: (owner, sort key)."""
    return owner_key(record_id, None), sort_key_at(occurred_at, activity_id)


def stored_key(activity: Activity) -> tuple[str, str]:
    """Where an activity is stored: (owner, sort key)."""
    return owner_key(activity.record_id, activity.handle), sort_key(activity)


def stored_item(activity: Activity) -> dict[str, dict[str, Any]]:
    """An activity as stored, with the keys of every index it is listed in: the one layout of an
    activity item (`ActivityItem` reads it; the hot write sends it as it is)."""
    stamp = sort_key(activity)
    section = center_section(activity)
    center = activity.type in CENTER_CHANNELS and activity.rep_id and not is_deal_copy(activity)
    return raw_item(
        {
            "owner": owner_key(activity.record_id, activity.handle),
            "sk": stamp,
            "type_key": f"{activity.type}#{stamp}",
            "starred_key": stamp if activity.starred else None,
            "thread_key": f"{activity.thread_id}#{stamp}" if activity.thread_id else None,
            "rep_key": f"{activity.rep_id}#{stamp}" if activity.rep_id else None,
            "center_pk": _center_pk(activity.rep_id, activity.type, section) if center and activity.rep_id else None,
            "missed_pk": missed_key(activity),
            "conversation_id": activity.conversation_id,
            "activity_id": activity.id,
            "type": activity.type,
            "occurred_at": activity.occurred_at,
            "rep_id": activity.rep_id,
            "record_id": activity.record_id,
            "handle": activity.handle,
            "direction": activity.direction,
            "summary": activity.summary,
            "body": activity.body,
            "starred": activity.starred,
            "thread_id": activity.thread_id,
            "external_id": activity.external_id,
            "data": stored_values(activity.data),
        }
    )


def to_item(activity: Activity) -> ActivityItem:
    return ActivityItem.from_raw_data(stored_item(activity))


def from_item(item: ActivityItem) -> Activity:
    data = item.data.as_dict() if isinstance(item.data, MapAttribute) else dict(item.data or {})
    return msgspec.convert(
        {
            "id": item.activity_id,
            "record_id": item.record_id,
            "handle": item.handle,
            "type": item.type,
            "occurred_at": item.occurred_at,
            "rep_id": item.rep_id,
            "direction": item.direction,
            "summary": item.summary or "",
            "body": item.body or "",
            "starred": bool(item.starred),
            "thread_id": item.thread_id,
            "conversation_id": item.conversation_id,
            "external_id": item.external_id,
            "data": {**data, "channel": item.type},
        },
        Activity,
    )


def put_entry(activity: Activity) -> Entry:
    """`put`, as an entry of a transaction."""
    return {
        "Put": {
            "TableName": ActivityItem.Meta.table_name,
            "Item": stored_item(activity),
            "ConditionExpression": "attribute_not_exists(#owner)",
            "ExpressionAttributeNames": {"#owner": "owner"},
        }
    }


def save(activity: Activity) -> None:
    """Store an activity whose id is derived from what it records: writing it again replaces it."""
    to_item(activity).save()


def put(activity: Activity) -> None:
    """Store a new activity; storing the same activity again is refused (its key includes its id)."""
    to_item(activity).save(condition=ActivityItem.owner.does_not_exist())


_TABLE_KEYS = frozenset({"owner", "sk"})


def feed_page(
    owner: str,
    *,
    activity_type: str | None,
    starred: bool,
    thread_id: str | None,
    rep_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Activity], str | None]:
    """A page of `owner`'s activities, newest first, through the one index that fits the filter.

    The most selective filter picks the index; any other filter given with it is applied to
    that index's page (the combination is rare and bounded by `limit`).
    """
    filters: list[Condition] = []
    if thread_id:
        index: Any = ActivityItem.by_thread
        key_name, range_condition = "thread_key", ActivityItem.thread_key.startswith(f"{thread_id}#")
    elif starred:
        index, key_name, range_condition = ActivityItem.starred_index, "starred_key", None
    elif rep_id:
        index, key_name = ActivityItem.by_rep, "rep_key"
        range_condition = ActivityItem.rep_key.startswith(f"{rep_id}#")
    elif activity_type:
        index, key_name = ActivityItem.by_type, "type_key"
        range_condition = ActivityItem.type_key.startswith(f"{activity_type}#")
    else:
        index, key_name, range_condition = ActivityItem, None, None
    if activity_type and key_name != "type_key":
        filters.append(ActivityItem.type == activity_type)
    if starred and key_name != "starred_key":
        filters.append(ActivityItem.starred == True)  # noqa: E712 (a PynamoDB condition, not a bool)
    if rep_id and key_name != "rep_key":
        filters.append(ActivityItem.rep_id == rep_id)
    cursor_keys = _TABLE_KEYS | {key_name} if key_name else _TABLE_KEYS
    filter_condition: Condition | None = None
    for condition in filters:
        filter_condition = condition if filter_condition is None else filter_condition & condition
    page = ActivityItem._get_connection().query(
        owner,
        range_key_condition=range_condition,
        filter_condition=filter_condition,
        index_name=None if index is ActivityItem else index.Meta.index_name,
        scan_index_forward=False,
        limit=limit,
        exclusive_start_key=decode_cursor(cursor, frozenset(cursor_keys), partition=("owner", owner)),
    )
    items = [_from_raw(raw) for raw in page.get("Items", [])]
    return items, encode_cursor(page.get("LastEvaluatedKey"))


def _from_raw(raw: dict[str, dict[str, Any]]) -> Activity:
    values = {name: plain(value) for name, value in raw.items()}
    return Activity(
        id=values["activity_id"],
        record_id=values.get("record_id"),
        handle=values.get("handle"),
        type=values["type"],
        occurred_at=values["occurred_at"],
        rep_id=values.get("rep_id"),
        direction=values.get("direction"),
        summary=values.get("summary", ""),
        body=values.get("body", ""),
        starred=bool(values.get("starred", False)),
        thread_id=values.get("thread_id"),
        conversation_id=values.get("conversation_id"),
        external_id=values.get("external_id"),
        data=facts_of(values["type"], values.get("data") or {}),
    )


def iter_owner(owner: str) -> Iterator[ActivityItem]:
    """Every activity stored under `owner`, oldest first (consistent: used to move histories)."""
    yield from ActivityItem.query(owner, consistent_read=True)


def move(item: ActivityItem, record_id: str) -> None:
    """Move one activity from its handle onto `record_id`, atomically: it is never in both places
    or none. A recording still to be copied stays to be copied."""
    activity = msgspec.structs.replace(from_item(item), record_id=record_id)
    moved = to_item(activity)
    moved.copy_pk, moved.copy_at, moved.copy_attempts = item.copy_pk, item.copy_at, item.copy_attempts
    with TransactWrite(connection=transaction_connection()) as tx:
        tx.save(moved, condition=ActivityItem.owner.does_not_exist())
        tx.delete(ActivityItem(item.owner, item.sk))


def delete_owner(owner: str) -> int:
    """Delete every activity of `owner` (a deleted record); returns how many were deleted."""
    count = 0
    with ActivityItem.batch_write() as batch:
        for item in ActivityItem.query(owner, attributes_to_get=["owner", "sk"]):
            batch.delete(item)
            count += 1
    return count


def history(owner: str) -> Iterator[Activity]:
    """Every activity stored under `owner`, oldest first, whole (a person's export and erasure)."""
    for item in ActivityItem.query(owner, consistent_read=True):
        yield from_item(item)


def conversation_history(conversation_id: str) -> Iterator[Activity]:
    """Every message of a conversation, wherever it is stored, oldest first."""
    for item in ActivityItem.by_conversation.query(conversation_id):
        yield from_item(item)


def erase(activity: Activity, counter: tuple[str, str] | None) -> bool:
    """Delete an activity for good (erasing its person), and take it off the rep's `counter`
    (scope, name) in the same transaction; False when it was already gone (a second run)."""
    owner, sk = stored_key(activity)
    writes: list[Write] = [lambda tx: tx.delete(ActivityItem(owner, sk), condition=ActivityItem.owner.exists())]
    if counter is not None:
        writes.append(lambda tx: counters.add_add(tx, counter[0], counter[1], -1))
    return not transact(*writes)


def get(owner: str, sk: str) -> Activity | None:
    try:
        return from_item(ActivityItem.get(owner, sk, consistent_read=True))
    except ActivityItem.DoesNotExist:
        return None


def delete(owner: str, sk: str) -> None:
    ActivityItem(owner, sk).delete()


def update_delivery(
    owner: str,
    sk: str,
    *,
    status: str,
    rank: int,
    external_id: str | None = None,
    data: Mapping[str, object] | None = None,
) -> bool:
    """Move a message to a later delivery status; False if it is gone or already at a later one."""
    actions: list[Any] = [ActivityItem.data["status"].set(status), ActivityItem.data["status_rank"].set(rank)]
    actions += _data_actions(data or {})
    if external_id:
        actions.append(ActivityItem.external_id.set(external_id))
    condition = ActivityItem.owner.exists() & (
        ActivityItem.data["status_rank"].does_not_exist() | (ActivityItem.data["status_rank"] < rank)
    )
    try:
        ActivityItem(owner, sk).update(actions=actions, condition=condition)
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def set_flags(owner: str, sk: str, *, starred: bool | None, thread_id: str | bool | None) -> Activity:
    """Star or unstar, put in or take out of a thread; the sparse index keys follow. 404 if absent."""
    actions: list[Any] = []
    if starred is not None:
        actions.append(ActivityItem.starred.set(starred))
        actions.append(ActivityItem.starred_key.set(sk) if starred else ActivityItem.starred_key.remove())
    if thread_id is not False:
        if isinstance(thread_id, str):
            actions += [ActivityItem.thread_id.set(thread_id), ActivityItem.thread_key.set(f"{thread_id}#{sk}")]
        else:
            actions += [ActivityItem.thread_id.remove(), ActivityItem.thread_key.remove()]
    item = ActivityItem(owner, sk)
    try:
        item.update(actions=actions, condition=ActivityItem.owner.exists())
    except UpdateError as error:
        if is_conditional_failure(error):
            raise NotFoundError("no such activity on this record") from None
        raise
    return from_item(item)


def set_task_done(owner: str, sk: str, *, done: bool, by: str, at: str) -> Activity | None:
    """Complete (`by`, `at`) or reopen a task, conditional on it being a task in the other state,
    so that a completion is never written over (who completed it and when stay). The activity as
    it is now, changed or not (whatever it is); None if there is none."""
    is_done = ActivityItem.data["done"] == True  # noqa: E712 (a PynamoDB condition, not a bool)
    was_open = ActivityItem.data["done"].does_not_exist() | (ActivityItem.data["done"] == False)  # noqa: E712
    condition = ActivityItem.owner.exists() & (ActivityItem.type == "task") & (was_open if done else is_done)
    actions: list[Any] = [ActivityItem.data["done"].set(done)]
    if done:
        actions += [ActivityItem.data["done_at"].set(at), ActivityItem.data["done_by"].set(by)]
    else:
        actions += [ActivityItem.data["done_at"].remove(), ActivityItem.data["done_by"].remove()]
    item = ActivityItem(owner, sk)
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if is_conditional_failure(error):
            return get(owner, sk)
        raise
    return from_item(item)


def save_task(task: Activity) -> None:
    """Write a task whose id derives from what asked for it (a call's follow-up): created if
    absent, else its title, notes and due date changed, and nothing else: its completion, star
    and thread, which teammates set, stay. Each write is one item's, so none is lost between them."""
    facts = expect(task.data, TaskFacts)
    owner, sk = stored_key(task)
    while True:
        try:
            to_item(task).save(condition=ActivityItem.owner.does_not_exist())
            return
        except PutError as error:
            if not is_conditional_failure(error):
                raise
        actions: list[Any] = [
            ActivityItem.summary.set(task.summary),
            ActivityItem.body.set(task.body),
            ActivityItem.data["due_at"].set(facts.due_at),
        ]
        if _conditional_update(owner, sk, actions, ActivityItem.owner.exists()):
            return
        # Deleted between the two writes (its follow-up taken out meanwhile): created again.


def conversation_page(conversation_id: str, limit: int, cursor: str | None) -> tuple[list[Activity], str | None]:
    """A conversation's messages, newest first."""
    page = ActivityItem._get_connection().query(
        conversation_id,
        index_name="by_conversation",
        scan_index_forward=False,
        limit=limit,
        exclusive_start_key=decode_cursor(
            cursor, frozenset({"owner", "sk", "conversation_id"}), partition=("conversation_id", conversation_id)
        ),
    )
    return [_from_raw(raw) for raw in page.get("Items", [])], encode_cursor(page.get("LastEvaluatedKey"))


def apply_call_status(
    owner: str, sk: str, *, status: str, rank: int, sequence: int, values: Mapping[str, object]
) -> bool:
    """A call status callback, applied only if it is later (SequenceNumber) and not a step back."""
    actions: list[Any] = [
        ActivityItem.data["status"].set(status),
        ActivityItem.data["status_rank"].set(rank),
        ActivityItem.data["seq"].set(sequence),
    ]
    actions += _data_actions(values)
    condition = (
        ActivityItem.owner.exists()
        & (ActivityItem.data["seq"].does_not_exist() | (ActivityItem.data["seq"] < sequence))
        & (ActivityItem.data["status_rank"].does_not_exist() | (ActivityItem.data["status_rank"] <= rank))
    )
    return _conditional_update(owner, sk, actions, condition)


def _data_actions(values: Mapping[str, object]) -> list[Any]:
    """Set these fields of an activity's facts (a struct value is stored as its plain values)."""
    return [ActivityItem.data[name].set(msgspec.to_builtins(value)) for name, value in values.items()]


def set_data(owner: str, sk: str, values: Mapping[str, object]) -> bool:
    """Set fields of an activity's data; False if the activity is gone."""
    actions: list[Any] = _data_actions(values)
    return _conditional_update(owner, sk, actions, ActivityItem.owner.exists())


def set_data_once(owner: str, sk: str, values: Mapping[str, object], *, unless: str) -> bool:
    """Set fields of an activity's data unless `data.{unless}` is already set (a one-time fact)."""
    actions: list[Any] = _data_actions(values)
    condition = ActivityItem.owner.exists() & ActivityItem.data[unless].does_not_exist()
    return _conditional_update(owner, sk, actions, condition)


def set_email_seen(activity: Activity, seen: bool) -> bool:
    """Mark an email read or unread; False when it already was (or is gone), so that whoever
    changed it moves the conversation's unread count, once."""
    seen_now = ActivityItem.data["seen"] == True  # noqa: E712 (a condition, not a comparison)
    condition = ActivityItem.owner.exists() & (~seen_now if seen else seen_now)
    actions: list[Any] = [ActivityItem.data["seen"].set(seen)]
    return _conditional_update(owner_key(activity.record_id, activity.handle), _sk(activity), actions, condition)


def mark_missed(activity: Activity, counter: str | None) -> bool:
    """Record that a call was missed, once (never after it was answered), and add one to the
    rep's `counter` in the same transaction; True if this did it (False: marked before, or
    answered, and nothing written)."""
    marked = msgspec.structs.replace(
        activity, data=msgspec.structs.replace(expect(activity.data, CallFacts), missed=True)
    )
    actions: list[Any] = [ActivityItem.data["missed"].set(True)]
    if (key := missed_key(marked)) is not None:
        actions.append(ActivityItem.missed_pk.set(key))
    condition = (
        ActivityItem.owner.exists()
        & ActivityItem.data["missed"].does_not_exist()
        & ActivityItem.data["answered_by"].does_not_exist()
    )
    item = ActivityItem(owner_key(activity.record_id, activity.handle), _sk(activity))
    writes: list[Write] = [lambda tx: tx.update(item, actions=actions, condition=condition)]
    if counter is not None and activity.rep_id:
        scope = counters.rep_scope(activity.rep_id)
        writes.append(lambda tx: counters.add_add(tx, scope, counter, 1))
    return not transact(*writes)


def set_ignored(activity: Activity, ignored: bool) -> None:
    """List a call or email of an unmatched number under Ignored, or back under Unmatched."""
    facts = activity.data
    if not isinstance(facts, CallFacts | EmailFacts):
        raise TypeError(f"a {activity.type} is not listed by section")
    changed = msgspec.structs.replace(activity, data=msgspec.structs.replace(facts, ignored=ignored))
    section = center_section(changed)
    actions: list[Any] = [
        ActivityItem.data["ignored"].set(ignored),
        ActivityItem.center_pk.set(_center_pk(activity.rep_id or "", activity.type, section)),
    ]
    key = missed_key(changed)
    actions.append(ActivityItem.missed_pk.set(key) if key else ActivityItem.missed_pk.remove())
    _conditional_update(
        owner_key(activity.record_id, activity.handle), _sk(activity), actions, ActivityItem.owner.exists()
    )


def set_email_archived(activity: Activity, archived: bool) -> Activity | None:
    """Archive an email or put it back: it moves to the Archived tab, or back to the one it came
    from; None when it already was (or is gone)."""
    facts = expect(activity.data, EmailFacts)
    changed = msgspec.structs.replace(activity, data=msgspec.structs.replace(facts, archived=archived))
    archived_now = ActivityItem.data["archived"] == True  # noqa: E712 (a condition, not a comparison)
    condition = ActivityItem.owner.exists() & (archived_now if not archived else ~archived_now)
    actions: list[Any] = [
        ActivityItem.data["archived"].set(archived),
        ActivityItem.center_pk.set(_center_pk(activity.rep_id or "", activity.type, center_section(changed))),
    ]
    if not _conditional_update(owner_key(activity.record_id, activity.handle), _sk(activity), actions, condition):
        return None
    return changed


def record_email_open(activity: Activity, fetch: EmailOpen, *, counted: bool, log: list[EmailOpen]) -> bool:
    """Record a fetch of a sent email's open pixel, as `activity` was read: one more open
    (`counted`) or prefetch, the first and last open's time, and `log` as the open log. Only on
    an email whose send was accepted (`send_status` "sent"), and only if no other fetch was
    recorded since it was read (the counts as read; False then: read it again and retry)."""
    facts = expect(activity.data, EmailFacts)
    data = ActivityItem.data
    actions: list[Any] = [data["open_log"].set(msgspec.to_builtins(log))]
    if counted:
        actions += [
            data["opens"].add(1),
            data["first_opened_at"].set(data["first_opened_at"] | fetch.at),
            data["last_opened_at"].set(fetch.at),
        ]
    else:
        actions.append(data["prefetches"].add(1))
    condition = (
        ActivityItem.owner.exists()
        & (data["send_status"] == "sent")
        & _count_is(data["opens"], facts.opens)
        & _count_is(data["prefetches"], facts.prefetches)
    )
    return _conditional_update(owner_key(activity.record_id, activity.handle), _sk(activity), actions, condition)


def _count_is(path: Any, value: int) -> Condition:
    """A count of the facts is `value` (a count of 0 is not stored)."""
    condition: Condition = (path == value) | path.does_not_exist() if value == 0 else path == value
    return condition


# The states a send may leave for another (a send accepted by the server is never written over).
SEND_OUTCOME_FROM = ("sending", "failed", "unknown")


def set_send_outcome(
    activity: Activity,
    status: str,
    error: str | None,
    error_kind: str | None,
    sent_at: str | None,
    refused: list[str],
    *,
    only_from: tuple[str, ...] = SEND_OUTCOME_FROM,
) -> Activity | None:
    """Record where the send of an email stands (`status`: sending, sent, failed or unknown),
    only while its status is one of `only_from` (never over "sent"); the email as changed, or None
    when its status was not (or it is gone): another request moved it first."""
    facts = expect(activity.data, EmailFacts)
    changed = msgspec.structs.replace(
        facts, send_status=status, send_error=error, send_error_kind=error_kind, sent_at=sent_at, refused=refused
    )
    data = ActivityItem.data
    actions: list[Any] = [data["send_status"].set(status), data["refused"].set(refused)]
    for name, value in (("send_error", error), ("send_error_kind", error_kind), ("sent_at", sent_at)):
        actions.append(data[name].set(value) if value is not None else data[name].remove())
    condition = ActivityItem.owner.exists() & data["send_status"].is_in(*[s for s in only_from if s != "sent"])
    if not _conditional_update(owner_key(activity.record_id, activity.handle), _sk(activity), actions, condition):
        return None
    return msgspec.structs.replace(activity, data=changed)


def of_type(owner: str, activity_type: str) -> Iterator[Activity]:
    """Every activity of one type stored under `owner` (consistent)."""
    for item in ActivityItem.by_type.query(
        owner, ActivityItem.type_key.startswith(f"{activity_type}#"), consistent_read=True
    ):
        yield from_item(item)


def center_page(
    rep_id: str, channel: str, section: str | None, limit: int, cursor: str | None
) -> tuple[list[Activity], str | None]:
    """A rep's calls or emails of a section, newest first; `section` None: the missed calls
    across sections."""
    if section is None:
        key, index_name, key_name = _missed_pk(rep_id), "missed", "missed_pk"
    else:
        key, index_name, key_name = _center_pk(rep_id, channel, section), "center", "center_pk"
    page = ActivityItem._get_connection().query(
        key,
        index_name=index_name,
        scan_index_forward=False,
        limit=limit,
        exclusive_start_key=decode_cursor(cursor, _TABLE_KEYS | {key_name}, partition=(key_name, key)),
    )
    return [_from_raw(raw) for raw in page.get("Items", [])], encode_cursor(page.get("LastEvaluatedKey"))


def center_search(
    rep_id: str,
    channel: str,
    section: str,
    keep: Callable[[Activity], bool],
    limit: int,
    cursor: str | None,
    *,
    page_size: int,
    most_pages: int,
) -> tuple[list[Activity], str | None]:
    """Up to `limit` of a section's activities that `keep` keeps, newest first, reading at most
    `most_pages` pages of `page_size`: bounded work, never a scan. The cursor continues after the
    last activity read (the last one kept when `limit` is reached mid-page), so a search that read
    its pages without filling `limit` goes on from there."""
    key = _center_pk(rep_id, channel, section)
    start = decode_cursor(cursor, _TABLE_KEYS | {"center_pk"}, partition=("center_pk", key))
    found: list[Activity] = []
    for _ in range(most_pages):
        page = ActivityItem._get_connection().query(
            key, index_name="center", scan_index_forward=False, limit=page_size, exclusive_start_key=start
        )
        for raw in page.get("Items", []):
            activity = _from_raw(raw)
            if not keep(activity):
                continue
            found.append(activity)
            if len(found) == limit:
                return found, encode_cursor({name: raw[name] for name in ("owner", "sk", "center_pk")})
        start = page.get("LastEvaluatedKey")
        if not start:
            return found, None
    return found, encode_cursor(start)


def _sk(activity: Activity) -> str:
    return sort_key(activity)


def _conditional_update(owner: str, sk: str, actions: list[Any], condition: Condition) -> bool:
    try:
        ActivityItem(owner, sk).update(actions=actions, condition=condition)
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


# ---------------------------------------------------------------- an SMS the rep asked to retry


def in_conversation(conversation_id: str, occurred_at: str, activity_id: str) -> Activity | None:
    """One message of a conversation, by when it was and its id (a Query of GSI
    `by_conversation` on its exact key: one item or none)."""
    page = ActivityItem._get_connection().query(
        conversation_id,
        ActivityItem.sk == sort_key_at(occurred_at, activity_id),
        index_name="by_conversation",
        limit=1,
    )
    items = page.get("Items", [])
    return _from_raw(items[0]) if items else None


def retry_requested_write(owner: str, sk: str, rep_id: str, failed: tuple[str, ...], rank: int) -> Write:
    """The rep's failed outbound SMS becomes `retrying` (its earlier error cleared), as an entry of
    the transaction that queues its retry: conditional on its being the rep's, outbound, and in
    one of the `failed` statuses (so two requests queue one retry)."""
    actions: list[Any] = [
        ActivityItem.data["status"].set("retrying"),
        ActivityItem.data["status_rank"].set(rank),
        ActivityItem.data["error_code"].remove(),
        ActivityItem.data["error_message"].remove(),
    ]
    condition = (
        ActivityItem.owner.exists()
        & (ActivityItem.rep_id == rep_id)
        & (ActivityItem.direction == "outbound")
        & ActivityItem.data["status"].is_in(*failed)
    )
    return lambda tx: tx.update(ActivityItem(owner, sk), actions=actions, condition=condition)


def retry_given_up(owner: str, sk: str, *, error: str, error_code: int | None, rank: int) -> bool:
    """A retrying SMS whose retry gave up: `failed` again, with the last error in words. False
    when it is no longer retrying (an answer of Twilio's came meanwhile) or gone."""
    actions: list[Any] = [
        ActivityItem.data["status"].set("failed"),
        ActivityItem.data["status_rank"].set(rank),
        ActivityItem.data["error_message"].set(error),
    ]
    if error_code is not None:
        actions.append(ActivityItem.data["error_code"].set(error_code))
    return _conditional_update(
        owner, sk, actions, ActivityItem.owner.exists() & (ActivityItem.data["status"] == "retrying")
    )


# ---------------------------------------------------------------- recordings still to be copied
COPY_PARTITIONS = 4


@dataclass(frozen=True, slots=True)
class PendingCopy:
    """A call whose recording is to be copied: where it is stored, how many tries failed."""

    owner: str
    sk: str
    attempts: int


def _copy_partition(sk: str) -> str:
    return f"pending-copy#{zlib.crc32(sk.encode()) % COPY_PARTITIONS}"


def _recording_not_stored(recording_sid: str) -> Condition:
    stored = ActivityItem.data["recording"]["stored"]
    condition: Condition = (
        ActivityItem.owner.exists()
        & (ActivityItem.data["recording"]["sid"] == recording_sid)
        & (stored.does_not_exist() | (stored == False))  # noqa: E712 (a PynamoDB condition)
    )
    return condition


def mark_copy_pending(owner: str, sk: str, recording_sid: str, attempts: int, retry_at: str) -> bool:
    """Note that the call's recording `recording_sid` is to be copied at `retry_at`, after
    `attempts` failed tries; False if the call is gone, stored it or has another recording."""
    actions = [
        ActivityItem.copy_pk.set(_copy_partition(sk)),
        ActivityItem.copy_at.set(retry_at),
        ActivityItem.copy_attempts.set(attempts),
    ]
    return _conditional_update(owner, sk, actions, _recording_not_stored(recording_sid))


def _copy_done() -> list[Any]:
    return [ActivityItem.copy_pk.remove(), ActivityItem.copy_at.remove(), ActivityItem.copy_attempts.remove()]


def recording_copied(owner: str, sk: str, values: Mapping[str, object]) -> bool:
    """Set the stored recording's facts, and the call is no longer to be copied; False if gone."""
    return _conditional_update(owner, sk, [*_data_actions(values), *_copy_done()], ActivityItem.owner.exists())


def copy_given_up(owner: str, sk: str) -> bool:
    """The call's recording is no longer to be copied (it stays at Twilio); False if gone."""
    return _conditional_update(owner, sk, _copy_done(), ActivityItem.owner.exists())


def pending_copies(now: str, limit: int) -> list[PendingCopy]:
    """The calls whose recording is due to be copied again at `now`, earliest first within each
    partition: one Query per partition, at most `limit` each."""
    found = []
    for partition in range(COPY_PARTITIONS):
        page = ActivityItem._get_connection().query(
            f"pending-copy#{partition}",
            range_key_condition=ActivityItem.copy_at <= now,
            index_name=PendingCopyIndex.Meta.index_name,
            limit=limit,
        )
        for raw in page.get("Items", []):
            values = {name: plain(value) for name, value in raw.items()}
            found.append(PendingCopy(values["owner"], values["sk"], int(values.get("copy_attempts", 0))))
    return found

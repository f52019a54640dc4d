"""The Reminders table (T1-T3): durable reminders, the sweep's checkpoint, and every state change
as a conditional write.

- a reminder, keyed by its id; while pending or firing it carries the keys of the sparse indexes:
  `due` (`due_bucket` = `{bucket}#{shard}`, `due_key` = `{due_at}#{id}`), and those of what it is
  about: `by_conversation`, `by_record`, `by_thread` (a no-reply alert). Fired or cancelled, it
  leaves every index and expires 90 days later (`expires_at`, the TTL). Failed (its email given
  up), it leaves `due` and `by_thread` but stays on `by_conversation`/`by_record`, listed with its
  error until the rep dismisses it.
- every reminder, in any state, also carries `subject` (its record's `r#{id}`, else its
  conversation's `c#{id}`: GSI `by_subject`), by which erasing a person deletes every reminder on
  their record and conversations, whichever rep's.
- the sweep's checkpoint (`#sweep`): the oldest bucket the next sweep reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from commcenter.data.base import Write, is_conditional_failure, table_meta, transact
from commcenter.domain.reminders import SMS_RETRY, Reminder, SmsRetry, due_key, shard_of, subject_key

CHECKPOINT = "#sweep"
KEPT_AFTER_S = 90 * 24 * 3600  # a fired or cancelled reminder stays readable this long


class DueIndex(GlobalSecondaryIndex["ReminderItem"]):
    class Meta:
        index_name = "due"
        projection = KeysOnlyProjection()

    due_bucket = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class ByConversation(GlobalSecondaryIndex["ReminderItem"]):
    class Meta:
        index_name = "by_conversation"
        projection = AllProjection()

    conversation_pk = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class ByRecord(GlobalSecondaryIndex["ReminderItem"]):
    class Meta:
        index_name = "by_record"
        projection = AllProjection()

    record_pk = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class ByThread(GlobalSecondaryIndex["ReminderItem"]):
    class Meta:
        index_name = "by_thread"
        projection = KeysOnlyProjection()

    thread_pk = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class BySubject(GlobalSecondaryIndex["ReminderItem"]):
    class Meta:
        index_name = "by_subject"
        projection = KeysOnlyProjection()

    subject = UnicodeAttribute(hash_key=True)


class ReminderItem(Model):
    Meta = table_meta("reminders")

    reminder_id = UnicodeAttribute(hash_key=True)
    # The sparse indexes' keys, present only while the reminder is pending or firing.
    due_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    conversation_pk = UnicodeAttribute(null=True)
    record_pk = UnicodeAttribute(null=True)
    thread_pk = UnicodeAttribute(null=True)
    # Not sparse: kept in every state, until the reminder expires or its person is erased.
    subject = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    rep_id = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)
    conversation_id = UnicodeAttribute(null=True)
    email_key = UnicodeAttribute(null=True)
    record_id = UnicodeAttribute(null=True)
    thread = UnicodeAttribute(null=True)
    task_activity = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(null=True)
    lease_owner = UnicodeAttribute(null=True)
    lease_expires_at = NumberAttribute(null=True)
    fired_at = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)
    cancelled_by = UnicodeAttribute(null=True)
    failed_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    idempotency_key = UnicodeAttribute(null=True)
    # A no-reply alert: when the email it waits on a reply to was sent.
    waits_since = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    # An SMS retry's (kind `sms_retry`): where its message is stored, the status callback its
    # sends name, the sids of the message's sends before it (space-separated).
    message_owner = UnicodeAttribute(null=True)
    message_sk = UnicodeAttribute(null=True)
    status_callback = UnicodeAttribute(null=True)
    earlier_sids = UnicodeAttribute(null=True)
    # The checkpoint item's.
    swept_bucket = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    due = DueIndex()
    by_conversation = ByConversation()
    by_record = ByRecord()
    by_thread = ByThread()
    by_subject = BySubject()


def _reminder(item: ReminderItem) -> Reminder:
    return Reminder(
        id=item.reminder_id,
        kind=item.kind,  # type: ignore[arg-type]
        rep_id=item.rep_id or "",
        due_at=item.due_at or "",
        state=item.state,  # type: ignore[arg-type]
        conversation_id=item.conversation_id,
        email_id=item.email_key,
        record_id=item.record_id,
        thread=item.thread,
        task_activity=item.task_activity,
        note=item.note or "",
        created_at=item.created_at or "",
        attempts=int(item.attempts or 0),
        fired_at=item.fired_at,
        cancelled_at=item.cancelled_at,
        cancelled_by=item.cancelled_by,
        failed_at=item.failed_at,
        error=item.last_error,
    )


def stored_item(reminder: Reminder, bucket: str, idempotency_key: str, waits_since: str | None = None) -> ReminderItem:
    """A pending reminder as stored, filed in `bucket` (its due time's, or the current one)."""
    key = due_key(reminder.due_at, reminder.id)
    return ReminderItem(
        reminder.id,
        due_bucket=f"{bucket}#{shard_of(reminder.id)}",
        due_key=key,
        conversation_pk=f"{reminder.rep_id}#{reminder.conversation_id}" if reminder.conversation_id else None,
        record_pk=f"{reminder.rep_id}#{reminder.record_id}" if reminder.record_id else None,
        thread_pk=f"{reminder.rep_id}#{reminder.thread}" if reminder.kind == "no_reply" and reminder.thread else None,
        subject=subject_key(reminder.record_id, reminder.conversation_id),
        kind=reminder.kind,
        rep_id=reminder.rep_id,
        due_at=reminder.due_at,
        state="pending",
        conversation_id=reminder.conversation_id,
        email_key=reminder.email_id,
        record_id=reminder.record_id,
        thread=reminder.thread,
        task_activity=reminder.task_activity,
        note=reminder.note or None,
        created_at=reminder.created_at,
        attempts=0,
        idempotency_key=idempotency_key,
        waits_since=waits_since,
    )


def create(reminder: Reminder, bucket: str, idempotency_key: str, *, waits_since: str | None = None) -> None:
    """Store a new pending reminder (its id never taken before); `waits_since`: a no-reply alert's
    email's time, which only a later reply answers."""
    item = stored_item(reminder, bucket, idempotency_key, waits_since)
    item.save(condition=ReminderItem.reminder_id.does_not_exist())


def create_once(reminder: Reminder, bucket: str, idempotency_key: str) -> bool:
    """`create`, or False when a reminder of that id exists already (a retry's)."""
    try:
        create(reminder, bucket, idempotency_key)
    except PutError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def get(reminder_id: str) -> Reminder | None:
    try:
        item = ReminderItem.get(reminder_id, consistent_read=True)
    except ReminderItem.DoesNotExist:
        return None
    return None if item.reminder_id == CHECKPOINT else _reminder(item)


def queue_sms_retry(retry: SmsRetry, bucket: str, message_write: Write) -> bool:
    """A pending SMS retry, due at once (filed in `bucket`, the current one), written in one
    transaction with `message_write` (its message marked `retrying`, conditional on its being
    failed). False, nothing written, when a condition refused it."""
    item = ReminderItem(
        retry.id,
        due_bucket=f"{bucket}#{shard_of(retry.id)}",
        due_key=due_key(retry.created_at, retry.id),
        subject=subject_key(retry.record_id, retry.conversation_id),
        kind=SMS_RETRY,
        rep_id=retry.rep_id,
        due_at=retry.created_at,
        state="pending",
        conversation_id=retry.conversation_id,
        record_id=retry.record_id,
        created_at=retry.created_at,
        attempts=0,
        message_owner=retry.message_owner,
        message_sk=retry.message_sk,
        status_callback=retry.status_callback,
        earlier_sids=" ".join(retry.earlier_sids) or None,
    )
    return not transact(message_write, lambda tx: tx.save(item, condition=ReminderItem.reminder_id.does_not_exist()))


def sms_retry(reminder_id: str) -> SmsRetry | None:
    """An SMS retry as stored (None: gone, or not a retry)."""
    try:
        item = ReminderItem.get(reminder_id, consistent_read=True)
    except ReminderItem.DoesNotExist:
        return None
    if item.kind != SMS_RETRY or not item.message_owner or not item.message_sk:
        return None
    return SmsRetry(
        id=item.reminder_id,
        rep_id=item.rep_id or "",
        message_owner=item.message_owner,
        message_sk=item.message_sk,
        status_callback=item.status_callback or "",
        conversation_id=item.conversation_id,
        record_id=item.record_id,
        earlier_sids=(item.earlier_sids or "").split(),
        created_at=item.created_at or "",
        attempts=int(item.attempts or 0),
        error=item.last_error,
    )


# ---------------------------------------------------------------- the sweep (T1, T3)


def due_ids(bucket: str, shard: int, up_to: str) -> Iterator[str]:
    """The ids of the reminders filed in `bucket`'s `shard` that are due at `up_to` (an ISO time),
    due first: a Query of the keys-only `due` index, paged."""
    for item in ReminderItem.due.query(f"{bucket}#{shard}", ReminderItem.due_key <= f"{up_to}#~", page_size=100):
        yield item.reminder_id


def take(reminder_id: str, owner: str, *, now: int, lease_s: int) -> Reminder | None:
    """`pending -> firing` under a lease of `owner`'s until `now + lease_s` (epoch seconds); also a
    firing reminder whose lease lapsed (its sweep crashed). None when another sweep holds it or it
    is fired or cancelled already."""
    item = ReminderItem(reminder_id)
    condition = (ReminderItem.state == "pending") | (
        (ReminderItem.state == "firing") & (ReminderItem.lease_expires_at < now)
    )
    try:
        item.update(
            actions=[
                ReminderItem.state.set("firing"),
                ReminderItem.lease_owner.set(owner),
                ReminderItem.lease_expires_at.set(now + lease_s),
                ReminderItem.attempts.add(1),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            return None
        raise
    return _reminder(item)


def record_fired(reminder_id: str, owner: str, *, fired_at: str, now: int) -> bool:
    """`firing -> fired`, only while `owner` holds the lease; the reminder leaves every index.
    False when the lease lapsed and another sweep took it (that sweep records it)."""
    return _close(
        reminder_id,
        [ReminderItem.fired_at.set(fired_at)],
        (ReminderItem.state == "firing") & (ReminderItem.lease_owner == owner),
        "fired",
        now,
    )


def record_failure(reminder_id: str, owner: str, *, error: str, retry_at: int) -> bool:
    """The reminder's email failed: its error kept, and its lease (still `owner`'s) runs until
    `retry_at` (epoch seconds), when a later sweep takes it again. False when `owner` lost it."""
    item = ReminderItem(reminder_id)
    try:
        item.update(
            actions=[ReminderItem.last_error.set(error), ReminderItem.lease_expires_at.set(retry_at)],
            condition=(ReminderItem.state == "firing") & (ReminderItem.lease_owner == owner),
        )
    except UpdateError as error_:
        if is_conditional_failure(error_):
            return False
        raise
    return True


def give_up(reminder_id: str, owner: str, *, error: str, failed_at: str, now: int) -> bool:
    """`firing -> failed` while `owner` holds the lease: off the `due` index (the sweep's
    checkpoint passes it) and off `by_thread`, still listed on its conversation and record with
    its error. False when `owner` lost it."""
    item = ReminderItem(reminder_id)
    try:
        item.update(
            actions=[
                ReminderItem.state.set("failed"),
                ReminderItem.failed_at.set(failed_at),
                ReminderItem.last_error.set(error),
                ReminderItem.expires_at.set(now + KEPT_AFTER_S),
                ReminderItem.due_bucket.remove(),
                ReminderItem.thread_pk.remove(),
                ReminderItem.lease_expires_at.remove(),
            ],
            condition=(ReminderItem.state == "firing") & (ReminderItem.lease_owner == owner),
        )
    except UpdateError as error_:
        if is_conditional_failure(error_):
            return False
        raise
    return True


def cancel(
    reminder_id: str, rep_id: str, *, at: str, now: int, replied_at: str | None = None, by: str = "product"
) -> Literal["cancelled", "fired", "missing"]:
    """`pending -> cancelled` (or a failed one dismissed: `failed -> cancelled`), only the rep's
    own (and, given `replied_at`, only a pending alert waiting since then or before). Else why
    not: fired (or firing, or cancelled before: too late to cancel; or waiting on a later email),
    or no such reminder of the rep's."""
    if replied_at is not None:
        condition = (
            (ReminderItem.state == "pending")
            & (ReminderItem.rep_id == rep_id)
            & (ReminderItem.waits_since <= replied_at)
        )
    else:
        condition = ReminderItem.state.is_in("pending", "failed") & (ReminderItem.rep_id == rep_id)
    actions = [ReminderItem.cancelled_at.set(at), ReminderItem.cancelled_by.set(by)]
    if _close(reminder_id, actions, condition, "cancelled", now):
        return "cancelled"
    found = get(reminder_id)
    if found is None or found.rep_id != rep_id:
        return "missing"
    return "fired"


def _close(reminder_id: str, actions: list[Any], condition: Any, state: str, now: int) -> bool:
    item = ReminderItem(reminder_id)
    try:
        item.update(
            actions=[
                *actions,
                ReminderItem.state.set(state),
                ReminderItem.expires_at.set(now + KEPT_AFTER_S),
                ReminderItem.due_bucket.remove(),
                ReminderItem.due_key.remove(),
                ReminderItem.conversation_pk.remove(),
                ReminderItem.record_pk.remove(),
                ReminderItem.thread_pk.remove(),
                ReminderItem.lease_expires_at.remove(),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def swept_bucket() -> str | None:
    """Where the next sweep starts (None before the first sweep)."""
    try:
        return ReminderItem.get(CHECKPOINT, consistent_read=True).swept_bucket
    except ReminderItem.DoesNotExist:
        return None


def advance_checkpoint(bucket: str, at: str) -> bool:
    """Move the checkpoint forward to `bucket` (never back: an older sweep finishing late cannot
    undo a newer one's progress)."""
    item = ReminderItem(CHECKPOINT, swept_bucket=bucket, updated_at=at)
    try:
        item.save(condition=ReminderItem.reminder_id.does_not_exist() | (ReminderItem.swept_bucket < bucket))
    except PutError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


# ---------------------------------------------------------------- what a reminder is about (T2)


def pending_of_conversation(rep_id: str, conversation_id: str) -> list[Reminder]:
    """The rep's pending (and firing, and failed) reminders on a conversation, due first."""
    return [_reminder(item) for item in ReminderItem.by_conversation.query(f"{rep_id}#{conversation_id}")]


def pending_of_record(rep_id: str, record_id: str) -> list[Reminder]:
    """The rep's pending (and firing, and failed) reminders on a record, due first."""
    return [_reminder(item) for item in ReminderItem.by_record.query(f"{rep_id}#{record_id}")]


def no_reply_alerts_in_thread(rep_id: str, thread: str) -> list[str]:
    """The ids of the rep's pending no-reply alerts waiting for a reply in `thread`."""
    return [item.reminder_id for item in ReminderItem.by_thread.query(f"{rep_id}#{thread}")]


# ---------------------------------------------------------------- erasing a person


def ids_about(subject: str) -> list[str]:
    """Every reminder about `subject` (see `subject_key`), whoever's and in whatever state."""
    return [item.reminder_id for item in ReminderItem.by_subject.query(subject)]


def delete(reminder_id: str) -> None:
    """Gone, whatever its state (a sweep holding it finds it gone and records nothing)."""
    ReminderItem(reminder_id).delete()

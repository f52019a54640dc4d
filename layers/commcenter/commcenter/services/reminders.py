"""Reminders: asked for by a rep, fired exactly once by the reminders function's sweep.

The sweep (every minute) reads the Reminders table's `due` index bucket by bucket from its
checkpoint, takes each due reminder under a lease (`pending -> firing`, a conditional write),
emails the rep with an idempotency key derived from the reminder's id, calls the fired-reminder
hook (`on_reminder_fired`: where the Follow-up folder plugs in) and records it
(`firing -> fired`, conditional on still holding the lease). Two sweeps that overlap never fire a
reminder twice; a sweep that dies between sending and recording leaves a lease that lapses, and a
later sweep sends the same message again (same Message-ID: one message to the receiving side).
A reminder whose email fails is tried again after a wait that doubles each time; on its
`MAX_ATTEMPTS`-th take it is given up (`failed`, its error kept and shown to the rep), so it
never holds the sweep's checkpoint back for long.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import msgspec

from commcenter.data import conversations as conversations_data
from commcenter.data import message_refs
from commcenter.data import records as records_data
from commcenter.data import reminders as reminders_data
from commcenter.data import reps as reps_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import now_iso, parse_iso, to_iso, utc_now
from commcenter.domain.facts import EmailFacts, TaskFacts, expect
from commcenter.domain.folders import in_folders, moved, takes_part, viewer_of
from commcenter.domain.ids import new_id
from commcenter.domain.reminders import (
    BUCKET_SHARDS,
    MAX_ATTEMPTS,
    NOTE_LENGTH,
    SMS_RETRY,
    Reminder,
    ReminderInput,
    bucket_of,
    check_kind,
    check_note,
    due_time,
    error_text,
    filed_bucket,
    idempotency_key,
    next_bucket,
    reminder_subject,
    retry_delay_s,
    subject_key,
    task_due_time,
    task_reminder_id,
)
from commcenter.domain.reps import Rep
from commcenter.domain.sms import ConversationState
from commcenter.errors import ConflictError, NotFoundError, ValidationError
from commcenter.observability import logger
from commcenter.services.external_ids import activity_of
from commcenter.services.sms_conversations import change_conversation

if TYPE_CHECKING:
    # The way out is loaded by the sweep only: the API, which asks for reminders, never sends
    # one, and its cold start should not load smtplib and the email package.
    from commcenter.channels.reminder_mail import ReminderMail

# A sweep holds a reminder this long; one that crashed meanwhile leaves it to a later sweep.
LEASE_S = 120
# The checkpoint stays this far behind the clock: a reminder filed in the current bucket a moment
# before the bucket turned is still read by the next sweeps.
CHECKPOINT_LAG = timedelta(minutes=5)
# A sweep stops taking reminders when less than this is left before its function's timeout.
STOP_BEFORE_TIMEOUT_S = 10.0

_KEY = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[0-9A-Za-z_.:#@+-]{1,200}$")


@dataclass(frozen=True, slots=True)
class SweepResult:
    due: int
    fired: int
    stopped_early: bool = False
    given_up: int = 0


# ---------------------------------------------------------------- asked for by the rep


def create_reminder(rep: Rep, asked: ReminderInput) -> Reminder:
    """A pending reminder of `rep`'s, due at 08:00 of the rep's day picked, on what it names: a
    conversation of the rep's (a follow-up), an email of the rep's (reply by: one received; no
    reply: one sent), or a record. Anything wrong is a 400 and nothing is written."""
    kind = check_kind(asked.kind)
    note = check_note(asked.note)
    now = utc_now()
    due_at = due_time(asked.when, rep.time_zone, now)
    conversation_id, record_id, email_key, thread, sent_at = _subject(rep, kind, asked)
    reminder = Reminder(
        id=new_id(now),
        kind=kind,
        rep_id=rep.id,
        due_at=to_iso(due_at),
        conversation_id=conversation_id,
        email_id=email_key,
        record_id=record_id,
        thread=thread,
        note=note,
        created_at=to_iso(now),
    )
    reminders_data.create(
        reminder, filed_bucket(due_at, now), idempotency_key(reminder.id), waits_since=sent_at if thread else None
    )
    return reminder


# What a reminder is about: conversation, record, email key, thread, and when that email was.
Subject = tuple[str | None, str | None, str | None, str | None, str | None]


def _subject(rep: Rep, kind: str, asked: ReminderInput) -> Subject:
    """(conversation, record, email key, thread, email's time) the reminder is about, each checked
    to be the rep's."""
    record_id = _checked_id(asked.record_id, "record_id")
    conversation_id = _checked_id(asked.conversation_id, "conversation_id")
    if kind == "follow_up":
        return _follow_up_subject(rep, asked, conversation_id, record_id)
    if asked.email_id is None:
        raise ValidationError(f"a {kind} reminder is on an email: email_id is required", {"email_id": "required"})
    if conversation_id is not None:
        raise ValidationError("the email names its conversation", {"conversation_id": "not_allowed"})
    if not _KEY.match(asked.email_id):
        raise ValidationError("an email id is 64 hexadecimal digits", {"email_id": "malformed"})
    email = activity_of(message_refs.email_ref(asked.email_id))
    if email is None or email.type != "email" or email.rep_id != rep.id:
        raise NotFoundError(f"no email {asked.email_id}")
    wanted = "inbound" if kind == "reply_by" else "outbound"
    if email.direction != wanted:
        words = "one the rep received" if kind == "reply_by" else "one the rep sent"
        raise ValidationError(f"a {kind} reminder is on {words}", {"email_id": f"not_{wanted}"})
    facts = email.data
    thread = (facts.thread or facts.message_id) if isinstance(facts, EmailFacts) else None
    record_id = _same_record(record_id, email.record_id)
    return email.conversation_id, record_id, asked.email_id, thread, email.occurred_at


def _follow_up_subject(rep: Rep, asked: ReminderInput, conversation_id: str | None, record_id: str | None) -> Subject:
    if asked.email_id is not None:
        raise ValidationError("a follow-up is on a conversation or a record", {"email_id": "not_allowed"})
    if conversation_id is None and record_id is None:
        raise ValidationError("a follow-up needs conversation_id or record_id", {"conversation_id": "required"})
    if conversation_id is not None:
        conversation = conversations_data.get(conversation_id)
        if conversation is None or not takes_part(conversation, rep.id):
            raise NotFoundError(f"no conversation {conversation_id}")
        record_id = _same_record(record_id, conversation.record_id)
    elif record_id is not None and records_data.get(record_id) is None:
        raise NotFoundError(f"no record {record_id}")
    return conversation_id, record_id, None, None, None


def _checked_id(value: str | None, field: str) -> str | None:
    if value is not None and not _ID.match(value):
        raise ValidationError(f"{field} is not an id", {field: "malformed"})
    return value


def _same_record(asked: str | None, found: str | None) -> str | None:
    if asked is not None and asked != found:
        raise ValidationError("record_id is not the record it is about", {"record_id": "mismatch"})
    return found


def pending_reminders(
    rep: Rep, *, conversation_id: str | None, record_id: str | None, email_id: str | None = None
) -> list[Reminder]:
    """The rep's reminders still to fire on a conversation, on a record or on one email, due
    first; with them the ones given up (`failed`, with their error) until the rep dismisses them."""
    if [conversation_id, record_id, email_id].count(None) != 2:
        raise ValidationError("give one of conversation_id, record_id or email_id", {"conversation_id": "one_of"})
    if email_id is not None:
        return _pending_on_email(rep, email_id)
    if conversation_id is not None:
        return reminders_data.pending_of_conversation(rep.id, _checked_id(conversation_id, "conversation_id") or "")
    return reminders_data.pending_of_record(rep.id, _checked_id(record_id, "record_id") or "")


def _pending_on_email(rep: Rep, email_id: str) -> list[Reminder]:
    """An email's reminders: those on its conversation that name it."""
    if not _KEY.match(email_id):
        raise ValidationError("an email id is 64 hexadecimal digits", {"email_id": "malformed"})
    email = activity_of(message_refs.email_ref(email_id))
    if email is None or email.type != "email" or email.rep_id != rep.id:
        raise NotFoundError(f"no email {email_id}")
    if not email.conversation_id:
        return []
    on_conversation = reminders_data.pending_of_conversation(rep.id, email.conversation_id)
    return [reminder for reminder in on_conversation if reminder.email_id == email_id]


def cancel_reminder(rep: Rep, reminder_id: str) -> None:
    """Cancel one of the rep's pending reminders, or dismiss a failed one: 404 when there is
    none, 409 once it fired (or is firing, or was cancelled)."""
    _checked_id(reminder_id, "id")
    now = utc_now()
    outcome = reminders_data.cancel(reminder_id, rep.id, at=to_iso(now), now=int(now.timestamp()), by="rep")
    if outcome == "missing":
        raise NotFoundError(f"no reminder {reminder_id}")
    if outcome == "fired":
        raise ConflictError("the reminder fired already (or was cancelled)", "reminder_fired")


def cancel_on_reply(rep_id: str, thread: str | None, replied_at: datetime) -> int:
    """A reply written at `replied_at` arrived in `thread`: the rep's no-reply alerts waiting on
    it since an email sent before it are cancelled (how many). An older reply fetched again (a
    folder synced anew) leaves the alert on a later email alone; a reply seen twice changes
    nothing more."""
    if not thread:
        return 0
    now = utc_now()
    cancelled = 0
    for reminder_id in reminders_data.no_reply_alerts_in_thread(rep_id, thread):
        outcome = reminders_data.cancel(
            reminder_id, rep_id, at=to_iso(now), now=int(now.timestamp()), replied_at=to_iso(replied_at)
        )
        if outcome == "cancelled":
            cancelled += 1
    if cancelled:
        logger.info("no-reply alerts cancelled by a reply", extra={"rep_id": rep_id, "cancelled": cancelled})
    return cancelled


def cancel_follow_ups(rep_id: str, conversation_id: str) -> int:
    """The rep's follow-ups on a conversation they put in Trash or Spam, or gave to another rep,
    still to fire are cancelled: their email would remind them of what they no longer follow.
    How many."""
    now = utc_now()
    cancelled = 0
    for reminder in reminders_data.pending_of_conversation(rep_id, conversation_id):
        if reminder.kind == "follow_up" and reminder.state == "pending":
            outcome = reminders_data.cancel(reminder.id, rep_id, at=to_iso(now), now=int(now.timestamp()))
            cancelled += outcome == "cancelled"
    return cancelled


def erase_reminders_about(
    *, record_id: str | None = None, conversation_id: str | None = None, reps: Collection[str] | None = None
) -> int:
    """Erasing a person: every reminder on their record or on one of their conversations goes,
    whichever rep's and in whatever state (its note may name them). Found by GSI `by_subject`;
    one stored before reminders carried `subject` is found, while still pending or failed, on
    each rep's `by_record`/`by_conversation` list (a fired or cancelled one of those expires by
    its TTL): every rep's, or only those of `reps` (deleting a conversation for good names the
    reps who viewed it, instead of a Query per rep of the team for each conversation). How many
    were deleted; a second run finds none."""
    subject = subject_key(record_id, None) if record_id else subject_key(None, conversation_id)
    if subject is None:
        return 0
    found = set(reminders_data.ids_about(subject))
    for rep_id in sorted(reps) if reps is not None else [rep.id for rep in reps_data.list_all()]:
        if record_id:
            listed = reminders_data.pending_of_record(rep_id, record_id)
        else:
            listed = reminders_data.pending_of_conversation(rep_id, conversation_id or "")
        found.update(reminder.id for reminder in listed)
    for reminder_id in sorted(found):
        reminders_data.delete(reminder_id)
    return len(found)


# ---------------------------------------------------------------- a task's due date (C8)


def follow_task(task: Activity) -> None:
    """A task's `task_due` reminder for its rep follows the task as it is now: one pending
    reminder at its due date (08:00 of that day in the rep's time zone, or the due time if
    earlier) while it is open and due later, none once it is done, deleted (`task` None: see
    `drop_task_reminders`) or past. A changed date or title moves it: the old one is cancelled,
    the new one written. Idempotent: the same task followed twice writes nothing more."""
    facts = expect(task.data, TaskFacts)
    if not task.rep_id or not task.record_id:
        return
    now = utc_now()
    wanted: Reminder | None = None
    if not facts.done and facts.due_at:
        rep = reps_data.get(task.rep_id)
        due = task_due_time(parse_iso(facts.due_at), rep.time_zone if rep is not None else "UTC")
        if due > now:
            note = check_note((task.summary or "")[:NOTE_LENGTH])
            wanted = Reminder(
                id=task_reminder_id(task.id, to_iso(due), note),
                kind="task_due",
                rep_id=task.rep_id,
                due_at=to_iso(due),
                record_id=task.record_id,
                task_activity=task.id,
                note=note,
                created_at=to_iso(now),
            )
    _keep_only(task.rep_id, task.record_id, task.id, wanted, now)


def drop_task_reminders(rep_id: str | None, record_id: str | None, task_id: str) -> None:
    """The task is gone: its reminders still to fire go too."""
    if rep_id and record_id:
        _keep_only(rep_id, record_id, task_id, None, utc_now())


def _keep_only(rep_id: str, record_id: str, task_id: str, wanted: Reminder | None, now: datetime) -> None:
    kept = False
    for reminder in reminders_data.pending_of_record(rep_id, record_id):
        if reminder.kind != "task_due" or reminder.task_activity != task_id:
            continue
        same = wanted is not None and (reminder.due_at, reminder.note) == (wanted.due_at, wanted.note)
        if same and reminder.state in ("pending", "firing"):
            kept = True
        elif reminder.state in ("pending", "failed"):
            reminders_data.cancel(reminder.id, rep_id, at=to_iso(now), now=int(now.timestamp()))
    if wanted is None or kept:
        return
    bucket = filed_bucket(parse_iso(wanted.due_at), now)
    if not reminders_data.create_once(wanted, bucket, idempotency_key(wanted.id)):
        existing = reminders_data.get(wanted.id)
        if existing is not None and existing.state in ("pending", "firing"):
            return  # written by a retry of the same request, not yet on the index
        if _cancelled_by_rep(wanted):
            return  # the rep cancelled this task's reminder for this date and title: not again
        # The same date asked for again after that reminder closed (a task reopened): a new one.
        renewed = msgspec.structs.replace(wanted, id=new_id(now))
        reminders_data.create(renewed, bucket, idempotency_key(renewed.id))
    logger.info("task reminder set", extra={"task_id": task_id, "due_at": wanted.due_at})


def _cancelled_by_rep(wanted: Reminder) -> bool:
    """Whether the rep cancelled a reminder of the same task, date and title (the first one or
    one set again when the task was reopened): read only when the task's reminder closed before."""
    subject = subject_key(wanted.record_id, None)
    for reminder_id in reminders_data.ids_about(subject) if subject else []:
        found = reminders_data.get(reminder_id)
        if (
            found is not None
            and found.cancelled_by == "rep"
            and (found.task_activity, found.due_at, found.note) == (wanted.task_activity, wanted.due_at, wanted.note)
        ):
            return True
    return False


# ---------------------------------------------------------------- the sweep


def on_reminder_fired(reminder: Reminder) -> None:
    """The one hook every fired reminder passes through, after its email left and before it is
    recorded as fired. The folders plug in here: a follow-up moves its conversation to the rep's
    Follow-up folder (from the Inbox or the Archive: one the rep trashed or marked spam stays
    there). Idempotent (a reminder whose sweep crashed is fired again): one in Follow-up stays."""
    logger.info("reminder fired", extra={"reminder_id": reminder.id, "kind": reminder.kind})
    if reminder.kind == "follow_up" and reminder.conversation_id:
        follow_up_fired(reminder.rep_id, reminder.conversation_id, reminder.due_at[:10])


def follow_up_fired(rep_id: str, conversation_id: str, due_day: str) -> None:
    """Move the rep's conversation to Follow-up, keeping the day picked (else the due day)."""
    at = now_iso()

    def move(state: ConversationState | None) -> ConversationState | None:
        if state is None or viewer_of(state) != rep_id or not in_folders(state):
            return None
        if state.folder not in ("inbox", "archived"):
            return None
        return moved(state, "follow_up", at=at, follow_up_on=state.follow_up_on or due_day)

    change_conversation(conversation_id, move)


def sweep_due_reminders(
    scheduled_at: str = "",
    *,
    now: datetime | None = None,
    time_left: Callable[[], float] | None = None,
    mail: ReminderMail | bool | None = True,
) -> SweepResult:
    """Fire every reminder due at `now`, from the checkpoint's bucket to the current one; stop
    taking reminders when `time_left()` (seconds) runs low. `mail`: True, the stack's own way out
    (None when no sender is set: reminders fire without an email)."""
    from commcenter.channels.reminder_mail import reminder_mail

    start = now or utc_now()
    outbox = reminder_mail() if mail is True else (mail or None)
    sweep = _Sweep(owner=new_id(), now=start, outbox=outbox, time_left=time_left)
    lag_bucket = bucket_of(start - CHECKPOINT_LAG)
    bucket = reminders_data.swept_bucket() or lag_bucket
    current = bucket_of(start)
    clean_so_far = True
    while bucket <= current:
        clean = sweep.bucket(bucket)
        if sweep.stopped:
            break
        clean_so_far = clean_so_far and clean
        following = next_bucket(bucket)
        if clean_so_far and following <= lag_bucket:
            reminders_data.advance_checkpoint(following, to_iso(start))
        bucket = following
    logger.info(
        "reminder sweep",
        extra={
            "scheduled_at": scheduled_at,
            "due": sweep.due,
            "fired": sweep.fired,
            "given_up": sweep.given_up,
            "stopped": sweep.stopped,
        },
    )
    return SweepResult(due=sweep.due, fired=sweep.fired, stopped_early=sweep.stopped, given_up=sweep.given_up)


@dataclass
class _Sweep:
    owner: str
    now: datetime
    outbox: ReminderMail | None
    time_left: Callable[[], float] | None
    due: int = 0
    fired: int = 0
    given_up: int = 0
    stopped: bool = False

    def __post_init__(self) -> None:
        self.reps: dict[str, Rep | None] = {}

    def bucket(self, bucket: str) -> bool:
        """Fire what is due in `bucket`'s shards; whether every one seen was fired (or given up)
        by this sweep (then the checkpoint may pass it)."""
        clean = True
        up_to = to_iso(self.now)
        for shard in range(BUCKET_SHARDS):
            for reminder_id in reminders_data.due_ids(bucket, shard, up_to):
                if self.time_left is not None and self.time_left() < STOP_BEFORE_TIMEOUT_S:
                    self.stopped = True
                    return False
                self.due += 1
                outcome = self.fire(reminder_id)
                if outcome == "fired":
                    self.fired += 1
                elif outcome == "given_up":
                    self.given_up += 1
                else:
                    clean = False
        return clean

    def fire(self, reminder_id: str) -> str:
        """fired, given_up, or left (another sweep holds it, or it waits to be tried again)."""
        epoch = int(self.now.timestamp())
        reminder = reminders_data.take(reminder_id, self.owner, now=epoch, lease_s=LEASE_S)
        if reminder is None:
            return "left"  # another sweep holds it, or it is done
        if reminder.kind == SMS_RETRY:
            # Work that must not be dropped, taken as a reminder is: a failed SMS sent again.
            from commcenter.services.sms_retry import fire_sms_retry

            return fire_sms_retry(reminder, self.owner, self.now)
        if reminder.attempts > MAX_ATTEMPTS:
            # Every attempt died while sending (its sweep timed out or crashed, nothing recorded).
            return self.give_up(reminder, reminder.error or "every attempt stopped before the email was sent")
        try:
            self.send(reminder)
            on_reminder_fired(reminder)
        except Exception as error:  # one reminder's failure must not stop the others
            return self.failed(reminder, _in_words(error))
        return "fired" if record_fired(reminder, self.owner, to_iso(utc_now()), epoch) else "left"

    def failed(self, reminder: Reminder, error: str) -> str:
        if reminder.attempts >= MAX_ATTEMPTS:
            return self.give_up(reminder, error)
        retry_at = int(self.now.timestamp()) + retry_delay_s(reminder.attempts)
        logger.warning(
            "reminder not sent; tried again later",
            extra={"reminder_id": reminder.id, "attempts": reminder.attempts, "error": error},
        )
        reminders_data.record_failure(reminder.id, self.owner, error=error, retry_at=retry_at)
        return "left"

    def give_up(self, reminder: Reminder, error: str) -> str:
        if not reminders_data.give_up(
            reminder.id, self.owner, error=error, failed_at=to_iso(utc_now()), now=int(self.now.timestamp())
        ):
            return "left"
        logger.error(
            "reminder given up",
            extra={
                "reminder_id": reminder.id,
                "rep_id": reminder.rep_id,
                "attempts": reminder.attempts,
                "error": error,
            },
        )
        return "given_up"

    def send(self, reminder: Reminder) -> None:
        from commcenter.channels.reminder_mail import build_message

        if self.outbox is None:
            return
        if reminder.rep_id not in self.reps:
            self.reps[reminder.rep_id] = reps_data.get(reminder.rep_id)
        rep = self.reps[reminder.rep_id]
        if rep is None or not rep.email:
            logger.warning("reminder of a rep without an address: not emailed", extra={"reminder_id": reminder.id})
            return
        message = build_message(
            sender=self.outbox.sender,
            to=rep.email,
            subject=reminder_subject(reminder),
            text=_text(reminder),
            reminder_id=reminder.id,
            message_id=idempotency_key(reminder.id),
        )
        self.outbox.send(rep.email, message)


def record_fired(reminder: Reminder, owner: str, fired_at: str, now: int) -> bool:
    """The sweep's last step (`firing -> fired` while it holds the lease); False when the lease
    lapsed and another sweep took the reminder over."""
    return reminders_data.record_fired(reminder.id, owner, fired_at=fired_at, now=now)


def _in_words(error: Exception) -> str:
    """A failed send's error as the rep reads it on the reminder."""
    code = getattr(error, "smtp_code", None)
    detail = getattr(error, "smtp_error", None)
    if isinstance(code, int) and isinstance(detail, bytes):
        return error_text(f"the mail server refused the reminder email: {code} {detail.decode(errors='replace')}")
    return error_text(f"the reminder email could not be sent: {str(error) or type(error).__name__}")


def _text(reminder: Reminder) -> str:
    lines = [f"{reminder_subject(reminder)}.", ""]
    if reminder.note:
        lines += ["Your note:", reminder.note, ""]
    if reminder.conversation_id:
        lines.append(f"Conversation: {reminder.conversation_id}")
    if reminder.record_id:
        lines.append(f"Record: {reminder.record_id}")
    lines.append(f"Due: {reminder.due_at}")
    return "\n".join(lines) + "\n"

"""Reminders: what a rep asked to be reminded of, when, and the states a reminder goes through.

A reminder is fired exactly once: `pending -> firing` (a sweep holds it under a lease),
`firing -> fired` (recorded by the sweep that holds the lease); `pending -> cancelled` by the
rep, or by the reply a no-reply alert waited for. A firing reminder whose lease lapsed (its sweep
crashed) is taken again by a later sweep and sent again with the same idempotency key. One whose
email fails is tried again later, each time after a longer wait, and after `MAX_ATTEMPTS` takes
it is `failed` (`firing -> failed`, its error kept in words); the rep dismisses it
(`failed -> cancelled`).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from commcenter.errors import ValidationError

Kind = Literal["follow_up", "reply_by", "no_reply", "task_due"]
# Not a reminder the rep reads but work the same sweep must not drop: a failed outbound SMS the
# rep asked to send again (`SmsRetry`), an item of that kind, taken and recorded as a reminder is
# (never on a rep's list of reminders).
SMS_RETRY = "sms_retry"
State = Literal["pending", "firing", "fired", "cancelled", "failed"]
# What a rep may ask for through the API (a task's due date is set from a call summary).
REQUESTED_KINDS: tuple[str, ...] = ("follow_up", "reply_by", "no_reply")

# Every reminder fires at this hour of the rep's own day.
FIRE_AT = time(8, 0)
# The sweep's buckets: five minutes of due times, each spread over a few shards.
BUCKET_MINUTES = 5
BUCKET_SHARDS = 4
# How far a picked day may be.
FURTHEST_DAYS = 730
NOTE_LENGTH = 500
# A reminder is taken at most this many times; its email failing on the last, it is given up.
MAX_ATTEMPTS = 6
# After a failed email, the wait before the next attempt: this, doubled after each failure
# (2, 4, 8, 16, 32 minutes: about an hour of trying in all).
FIRST_RETRY_S = 120
ERROR_LENGTH = 300

_IN_DAYS = re.compile(r"^in_(\d{1,3})_days?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WHEN_HELP = 'when is "tomorrow", "in_3_days" (any "in_N_days" up to 730), "next_week" or a date "YYYY-MM-DD"'


class Reminder(msgspec.Struct, kw_only=True):
    id: str
    kind: Kind
    rep_id: str
    due_at: str
    state: State = "pending"
    conversation_id: str | None = None
    email_id: str | None = None  # the email's dedupe key (its id in the dashboard)
    record_id: str | None = None
    thread: str | None = None  # the email thread a reply would arrive in (no-reply alerts)
    task_activity: str | None = None
    note: str = ""
    created_at: str = ""
    attempts: int = 0
    fired_at: str | None = None
    cancelled_at: str | None = None
    # Who cancelled it: "rep" (the rep, by hand), else the product (a reply arrived, its task
    # moved or closed). What the rep cancelled is never set again by itself.
    cancelled_by: str | None = None
    failed_at: str | None = None
    # Why its email failed (the last failure), in words; a failed reminder's reason.
    error: str | None = None


class SmsRetry(msgspec.Struct, kw_only=True):
    """A failed outbound SMS the rep asked to send again: where the message is stored, the
    status callback its sends name, and the Twilio sids of its sends before this retry (never
    mistaken for one of this retry's when reconciling a lost answer)."""

    id: str
    rep_id: str
    message_owner: str
    message_sk: str
    status_callback: str
    conversation_id: str | None = None
    record_id: str | None = None
    earlier_sids: list[str] = []
    created_at: str = ""
    attempts: int = 0
    error: str | None = None


class ReminderInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A reminder the rep asks for: what it is about (a conversation, an email, a record) and when."""

    kind: str
    when: str
    conversation_id: str | None = None
    email_id: str | None = None
    record_id: str | None = None
    note: str | None = None


class ReminderList(msgspec.Struct):
    items: list[Reminder]


def idempotency_key(reminder_id: str) -> str:
    """The Message-ID of the reminder's email, the same on every attempt: a receiver (or the
    rep's mail client) recognises a second copy as the same message."""
    return f"<reminder-{reminder_id.lower()}@commcenter>"


def retry_delay_s(attempts: int) -> int:
    """How long after its `attempts`-th failed email a reminder is taken again."""
    return int(FIRST_RETRY_S * 2 ** max(0, min(attempts, MAX_ATTEMPTS) - 1))


def error_text(error: str) -> str:
    """An error as kept on a reminder: one line, at most `ERROR_LENGTH` characters."""
    line = " ".join(error.split())
    return line if len(line) <= ERROR_LENGTH else line[: ERROR_LENGTH - 3] + "..."


def zone_of(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def picked_day(when: str, today: date) -> date:
    """The day `when` names, seen from the rep's `today`: tomorrow, in N days, next week (its
    Monday) or a date, today at the earliest. Anything else is a 400."""
    text = when.strip().lower()
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text == "next_week":
        return today + timedelta(days=7 - today.weekday())
    found = _IN_DAYS.match(text)
    if found:
        days = int(found.group(1))
        if not 1 <= days <= FURTHEST_DAYS:
            raise ValidationError(WHEN_HELP, {"when": "out_of_range"})
        return today + timedelta(days=days)
    if _DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValidationError(WHEN_HELP, {"when": "invalid"}) from None
        if day < today:
            raise ValidationError("the day picked is over", {"when": "past"})
        if day > today + timedelta(days=FURTHEST_DAYS):
            raise ValidationError(WHEN_HELP, {"when": "out_of_range"})
        return day
    raise ValidationError(WHEN_HELP, {"when": "invalid"})


def due_time(when: str, time_zone: str, now: datetime) -> datetime:
    """08:00 in the rep's time zone on the day picked (UTC). Today's date picked after 08:00 is
    due at once: the next sweep fires it."""
    zone = zone_of(time_zone)
    day = picked_day(when, now.astimezone(zone).date())
    return datetime.combine(day, FIRE_AT, tzinfo=zone).astimezone(UTC)


def task_due_time(due_at: datetime, time_zone: str) -> datetime:
    """When a task's reminder fires (UTC): 08:00 of its due day in the rep's time zone, or the
    due time itself when that is earlier in the day."""
    zone = zone_of(time_zone)
    morning = datetime.combine(due_at.astimezone(zone).date(), FIRE_AT, tzinfo=zone)
    return min(morning, due_at).astimezone(UTC)


def task_reminder_id(task_id: str, due_at: str, note: str) -> str:
    """The id of a task's reminder for one due time and title: a summary saved twice (a retry)
    asks for the same reminder, written once."""
    digest = hashlib.sha256("\x1f".join((task_id, due_at, note)).encode()).hexdigest()[:20]
    return f"task-{digest}"


def bucket_of(moment: datetime) -> str:
    """The sweep's bucket of a due time: the start of its five minutes, to the minute."""
    moment = moment.astimezone(UTC)
    start = moment.replace(minute=moment.minute - moment.minute % BUCKET_MINUTES, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H:%M")


def next_bucket(bucket: str) -> str:
    start = datetime.strptime(bucket, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
    return (start + timedelta(minutes=BUCKET_MINUTES)).strftime("%Y-%m-%dT%H:%M")


def shard_of(reminder_id: str) -> int:
    return zlib.crc32(reminder_id.encode()) % BUCKET_SHARDS


def filed_bucket(due_at: datetime, now: datetime) -> str:
    """Where a reminder is filed for the sweep: the bucket of its due time, or the current bucket
    when that time is already past (the sweep never looks behind its checkpoint)."""
    return bucket_of(max(due_at, now))


def due_key(due_at: str, reminder_id: str) -> str:
    return f"{due_at}#{reminder_id}"


def subject_key(record_id: str | None, conversation_id: str | None) -> str | None:
    """What a reminder is about, whoever's and in whatever state (GSI `by_subject`): its record
    (`r#{record_id}`), else its conversation (`c#{conversation_id}`). Erasing a person finds
    every reminder on their record and on their conversations by it."""
    if record_id:
        return f"r#{record_id}"
    return f"c#{conversation_id}" if conversation_id else None


def check_note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_LENGTH:
        raise ValidationError(f"a note is at most {NOTE_LENGTH} characters", {"note": "too_long"})
    return text


def check_kind(kind: str) -> Kind:
    if kind not in REQUESTED_KINDS:
        raise ValidationError(f"kind is one of {', '.join(REQUESTED_KINDS)}", {"kind": "invalid"})
    return kind  # type: ignore[return-value]


def reminder_subject(reminder: Reminder) -> str:
    """The subject line of the reminder's email."""
    what = {
        "follow_up": "Follow up",
        "reply_by": "Reply by today",
        "no_reply": "No reply yet",
        "task_due": "Task due today",
    }[reminder.kind]
    return f"Reminder: {what}" + (f" - {reminder.note[:80]}" if reminder.note else "")

"""A record's activity feed and the notes reps add to it."""

from __future__ import annotations

from commcenter.data import activities as activities_data
from commcenter.data import reps as reps_data
from commcenter.domain.activities import (
    ACTIVITY_TYPES,
    MAX_NOTE_LENGTH,
    RECORD_THREAD,
    Activity,
    ActivityFlags,
    NoteInput,
    summarize,
)
from commcenter.domain.clock import now_iso, parse_iso
from commcenter.domain.facts import NoteFacts
from commcenter.domain.ids import new_id
from commcenter.domain.reps import Rep
from commcenter.errors import NotFoundError, ValidationError
from commcenter.services.records import get_record
from commcenter.services.reminders import follow_task


def record_feed(
    record_id: str,
    *,
    activity_type: str | None = None,
    starred: bool = False,
    thread_id: str | None = None,
    rep_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Activity], str | None]:
    """A page of a record's activities, newest first: every rep's traffic with that record (the
    team's feed), or one rep's (`rep_id`, a rep of the team)."""
    if activity_type is not None and activity_type not in ACTIVITY_TYPES:
        raise ValidationError(
            f"type must be one of {', '.join(ACTIVITY_TYPES)}", {"type": f"unknown type {activity_type!r}"}
        )
    if rep_id is not None and reps_data.get(rep_id) is None:
        raise ValidationError("rep must be the id of a rep of the team", {"rep": f"no rep {rep_id!r}"})
    items, next_cursor = activities_data.feed_page(
        activities_data.owner_key(record_id, None),
        activity_type=activity_type,
        starred=starred,
        thread_id=thread_id,
        rep_id=rep_id,
        limit=limit,
        cursor=cursor,
    )
    if not items and cursor is None:
        get_record(record_id)  # an empty first page: is there a record at all? (404 if not)
    return items, next_cursor


def add_note(record_id: str, note: NoteInput, author: Rep) -> Activity:
    body = note.body.strip()
    if not body:
        raise ValidationError("a note cannot be empty", {"body": "required"})
    if len(body) > MAX_NOTE_LENGTH:
        raise ValidationError(f"a note is at most {MAX_NOTE_LENGTH} characters", {"body": "too long"})
    get_record(record_id)
    activity = Activity(
        id=new_id(),
        record_id=record_id,
        handle=None,
        type="note",
        occurred_at=now_iso(),
        rep_id=author.id,
        summary=summarize(body),
        body=body,
        data=NoteFacts(),
    )
    activities_data.put(activity)
    return activity


def set_activity_flags(record_id: str, activity_id: str, flags: ActivityFlags, rep: Rep) -> Activity:
    """Star/unstar (A1), put in/take out of the record's thread (A2), complete or reopen a task
    (`rep` completes it); nothing else changes."""
    if flags.starred is None and flags.in_thread is None and flags.done is None:
        raise ValidationError("nothing to change: give starred, in_thread or done", {"starred": "required"})
    try:
        parse_iso(flags.occurred_at)
    except ValueError:
        raise ValidationError("occurred_at is not a timestamp", {"occurred_at": "malformed"}) from None
    key = activities_data.record_key(record_id, flags.occurred_at, activity_id)
    if flags.done is not None:
        task = _set_task_done(key, flags.done, rep)
        if flags.starred is None and flags.in_thread is None:
            return task
    thread: str | bool | None = False  # False: leave the thread as it is
    if flags.in_thread is not None:
        thread = RECORD_THREAD if flags.in_thread else None
    return activities_data.set_flags(*key, starred=flags.starred, thread_id=thread)


def _set_task_done(key: tuple[str, str], done: bool, rep: Rep) -> Activity:
    """Complete (by `rep`, now) or reopen a task. One that already is stays as it is: a teammate's
    completion is never written over, and the task is answered as it is now."""
    task = activities_data.set_task_done(*key, done=done, by=rep.id, at=now_iso())
    if task is None:
        raise NotFoundError("no such activity on this record")
    if task.type != "task":
        raise ValidationError(f"only a task can be completed, not a {task.type}", {"done": "not a task"})
    follow_task(task)  # done: its reminder goes; reopened: it is set again if still due later
    return task

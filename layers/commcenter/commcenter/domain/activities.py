"""Activities: everything exchanged with a person, as a record's feed shows it."""

from __future__ import annotations

from typing import Literal

import msgspec

from commcenter.domain.emails import email_tab
from commcenter.domain.facts import CallFacts, ChannelFacts, ChatFacts, EmailFacts, NoteFacts, SmsFacts, TaskFacts

ActivityType = Literal["email", "call", "sms", "chat", "note", "task"]
Direction = Literal["inbound", "outbound"]

ACTIVITY_TYPES: tuple[ActivityType, ...] = ("email", "call", "sms", "chat", "note", "task")
MAX_NOTE_LENGTH = 10_000
SUMMARY_LENGTH = 140


class Activity(msgspec.Struct, kw_only=True, omit_defaults=False):
    id: str
    record_id: str | None
    handle: str | None
    type: ActivityType
    occurred_at: str
    rep_id: str | None
    direction: Direction | None = None
    summary: str = ""
    body: str = ""
    starred: bool = False
    thread_id: str | None = None
    conversation_id: str | None = None
    external_id: str | None = None
    data: ChannelFacts


class NoteInput(msgspec.Struct, forbid_unknown_fields=True):
    body: str


# The record's thread (A2): one per record; a message is in it or not.
RECORD_THREAD = "main"


class ActivityFlags(msgspec.Struct, forbid_unknown_fields=True):
    """Star (A1) or thread (A2) an activity of a record's feed, or complete or reopen a task
    (`done`); `occurred_at` locates it."""

    occurred_at: str
    starred: bool | None = None
    in_thread: bool | None = None
    done: bool | None = None


def summarize(text: str) -> str:
    """The first non-empty line of `text`, cut to fit a feed row."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            return stripped if len(stripped) <= SUMMARY_LENGTH else stripped[: SUMMARY_LENGTH - 1] + "…"
    return ""


def center_section(activity: Activity) -> str:
    """Where a rep's communication center lists an activity: a call as matched, unmatched or
    ignored; an email in its tab (`commcenter.domain.emails.email_tab`)."""
    if isinstance(activity.data, EmailFacts):
        return email_tab(activity.data, direction=activity.direction, record_id=activity.record_id)
    if activity.record_id:
        return "matched"
    ignored = isinstance(activity.data, CallFacts | EmailFacts) and activity.data.ignored
    return "ignored" if ignored else "unmatched"


def listed_as_missed(activity: Activity) -> bool:
    """The rep's missed-calls list (across matched and unmatched) holds missed calls only, none
    from an ignored number, and each call once (not its copy in a deal's feed)."""
    return (
        isinstance(activity.data, CallFacts)
        and activity.data.missed
        and center_section(activity) != "ignored"
        and not is_deal_copy(activity)
    )


def is_deal_copy(activity: Activity) -> bool:
    """A call's copy in the feed of the deal its summary names (C8): the same call, which a rep's
    lists show once, as the call itself."""
    return isinstance(activity.data, CallFacts) and activity.data.copy_of is not None


_TYPES: dict[type, ActivityType] = {
    SmsFacts: "sms",
    CallFacts: "call",
    EmailFacts: "email",
    ChatFacts: "chat",
    NoteFacts: "note",
    TaskFacts: "task",
}


def type_of(facts: ChannelFacts) -> ActivityType:
    """The type of the activity whose facts these are."""
    return _TYPES[type(facts)]

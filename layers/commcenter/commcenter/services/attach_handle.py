"""Attach a handle's unmatched history to a record (pattern R5), and ignore a handle (C5).

Ignoring is each rep's own decision (their lists and counts), or an admin's for the team.
Attaching moves a rep's private traffic onto a record the whole team sees: only the rep who
received it, or an admin, may do it, and `unmatched_history` says beforehand what will show.

Each activity moves in its own transaction (put under the record, delete under the handle), so
a crash leaves every activity in exactly one place, and running the move again finishes it.
The handle's conversations are listed as matched first, so that messages arriving meanwhile go
straight to the record.
"""

from __future__ import annotations

from collections import Counter

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data import reps as reps_data
from commcenter.domain.activities import center_section
from commcenter.domain.facts import CallFacts, EmailFacts
from commcenter.domain.handles import Handle, HandleState, HistoryRep, UnmatchedHistory
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, ForbiddenError
from commcenter.observability import logger
from commcenter.services.calls_tab import move_missed_count
from commcenter.services.sms_conversations import move_to_section


def attach_handle_history(handle: Handle, record_id: str) -> int:
    """Move everything `handle` exchanged while unmatched onto `record_id`; returns how many moved."""
    for conversation in conversations_data.ids_with_handle(handle.key):
        move_to_section(conversation, "matched", record_id)
    owner = activities_data.owner_key(None, handle.key)
    moved = 0
    for item in activities_data.iter_owner(owner):
        activity = activities_data.from_item(item)
        activities_data.move(item, record_id)
        move_missed_count(activity, center_section(activity), "matched")
        moved += 1
    if moved:
        logger.info("handle history attached", extra={"handle": handle.key, "record_id": record_id, "moved": moved})
    return moved


def set_handle_ignored(handle: Handle, ignored: bool, rep: Rep, *, for_team: bool = False) -> None:
    """Hide an unmatched handle's traffic from the rep's own lists, or show it again (the rep's
    own decision: a colleague's lists and counts do not change); an admin may decide it for the
    whole team."""
    if for_team and rep.role != "admin":
        raise ForbiddenError("only an admin can ignore a number for the whole team")
    state = handles_data.get(handle)
    if state is not None and state.record_id:
        raise ConflictError("this number belongs to a record: it is not unmatched", code="matched")
    if not for_team and not ignored and state is not None and state.ignored:
        raise ConflictError(
            "the team ignores this number (an admin's decision): only an admin can hear it again",
            code="ignored_by_team",
        )
    if for_team:
        handles_data.set_ignored(handle, ignored)
    else:
        handles_data.set_ignored_by(handle, rep.id, ignored)
    state = handles_data.get(handle)
    only = None if for_team else rep.id
    for conversation in conversations_data.ids_with_handle(handle.key):
        current = conversations_data.get(conversation)
        if current is not None and only in (None, current.rep_id):
            ignored_now = state is not None and state.ignored_for(current.rep_id)
            move_to_section(conversation, "ignored" if ignored_now else "unmatched", None)
    _file_calls_and_emails(handle, state, only)


def _file_calls_and_emails(handle: Handle, state: HandleState | None, only: str | None) -> None:
    """The handle's calls and emails (each an activity listed by its section) follow its
    ignoring: every rep's, or only the rep `only`'s."""
    owner = activities_data.owner_key(None, handle.key)
    for call in activities_data.of_type(owner, "call"):
        if only not in (None, call.rep_id):
            continue
        ignored_now = state is not None and state.ignored_for(call.rep_id)
        before, after = center_section(call), "ignored" if ignored_now else "unmatched"
        if before != after:
            activities_data.set_ignored(call, ignored_now)
            move_missed_count(call, before, after)
    for email in activities_data.of_type(owner, "email"):
        if only not in (None, email.rep_id):
            continue
        ignored_now = state is not None and state.ignored_for(email.rep_id)
        if isinstance(email.data, EmailFacts) and email.data.ignored != ignored_now:
            activities_data.set_ignored(email, ignored_now)  # its tab: Ignored, or Suggested people again


def unmatched_history(handle: Handle) -> UnmatchedHistory:
    """What the handle exchanged while unmatched, and with whom: what adding it to a record
    would show the whole team."""
    counts: Counter[str] = Counter()
    voicemails = 0
    rep_ids: set[str] = set()
    for item in activities_data.iter_owner(activities_data.owner_key(None, handle.key)):
        activity = activities_data.from_item(item)
        counts[activity.type] += 1
        voicemails += isinstance(activity.data, CallFacts) and activity.data.voicemail
        if activity.rep_id:
            rep_ids.add(activity.rep_id)
    reps = [HistoryRep(id=rep_id, name=_rep_name(rep_id)) for rep_id in sorted(rep_ids)]
    return UnmatchedHistory(
        handle=handle.key,
        calls=counts["call"],
        sms=counts["sms"],
        emails=counts["email"],
        voicemails=voicemails,
        reps=reps,
    )


def check_may_attach(handle: Handle, rep: Rep) -> None:
    """Only the rep who received a number's unmatched traffic (or an admin) may add the number
    to a record: that moves the traffic, voicemails included, onto a record the team sees."""
    if rep.role == "admin":
        return
    others = [r for r in unmatched_history(handle).reps if r.id != rep.id]
    if others:
        names = " and ".join(r.name for r in others)
        raise ForbiddenError(
            f"{handle.value} has unmatched calls or messages with {names}: only they or an admin can add it to a "
            "record, where the whole team would see them"
        )


def _rep_name(rep_id: str) -> str:
    found = reps_data.get(rep_id)
    return found.name if found is not None else rep_id


def release_handle_conversations(handle: Handle) -> None:
    """A number left its record (removed from it, or the record deleted): its conversations
    go back to Unmatched, and what arrives from it from now on is unmatched traffic."""
    for conversation in conversations_data.ids_with_handle(handle.key):
        move_to_section(conversation, "unmatched", None)

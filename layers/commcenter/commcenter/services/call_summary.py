"""The summary a rep writes after a call (C8): saved on the call, the deal, and a follow-up task.

Writing it again (the rep corrects it) replaces what the first one wrote: the deal's copy and
the follow-up task have ids derived from the call, so nothing is ever there twice; a deal the
summary no longer names loses its copy, and a follow-up taken out of it its task. The copy
mirrors the call's recording (added when Twilio finishes it, gone when deleted), so a deal's
feed never offers a recording that is not there.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import records as records_data
from commcenter.data import reps as reps_data
from commcenter.domain.activities import Activity
from commcenter.domain.calls import (
    DEFAULT_CALL_OUTCOMES,
    MAX_SUMMARY_NOTES,
    CallOutcomes,
    CallSummaryInput,
    FollowUp,
    call_title,
    clean_outcomes,
    number_for_people,
)
from commcenter.domain.clock import now_iso, parse_iso
from commcenter.domain.facts import CallFacts, CallSummaryFacts, FollowUpFacts, TaskFacts, expect
from commcenter.domain.ids import stable_id
from commcenter.domain.records import Record
from commcenter.domain.reps import Rep
from commcenter.errors import ForbiddenError, NotFoundError, ValidationError
from commcenter.services.call_log import find_call
from commcenter.services.reminders import drop_task_reminders, follow_task
from commcenter.settings import get_settings


def team_call_outcomes() -> CallOutcomes:
    return CallOutcomes(items=reps_data.call_outcomes() or list(DEFAULT_CALL_OUTCOMES))


def set_team_call_outcomes(rep: Rep, outcomes: CallOutcomes) -> CallOutcomes:
    if rep.role != "admin":
        raise ForbiddenError("only an admin can change the call outcomes")
    try:
        cleaned = clean_outcomes(outcomes.items)
    except ValueError as error:
        raise ValidationError(str(error), {"items": str(error)}) from None
    reps_data.save_call_outcomes(cleaned)
    return CallOutcomes(items=cleaned)


def save_summary(rep: Rep, call_sid: str, summary: CallSummaryInput) -> Activity:
    call = find_call(call_sid)
    if call is None or call.rep_id != rep.id:  # another rep's call is answered as an unknown one
        raise NotFoundError("no such call")
    deal = _checked_deal(summary)
    follow_up = _checked_follow_up(summary.follow_up)
    if follow_up is not None and not call.record_id:
        # A task lives on a lead or contact: an unmatched caller must be added to the CRM first.
        raise ValidationError(
            "a follow-up task needs the caller in the CRM: add the number to a lead or contact first",
            {"follow_up": "no record"},
        )
    outcome, notes = summary.outcome.strip(), summary.notes.strip()
    if outcome not in team_call_outcomes().items:
        raise ValidationError("choose an outcome from the team's list", {"outcome": "not in the list"})
    if len(notes) > MAX_SUMMARY_NOTES:
        raise ValidationError(f"notes are at most {MAX_SUMMARY_NOTES} characters", {"notes": "too long"})
    written = CallSummaryFacts(
        outcome=outcome,
        notes=notes,
        subject=summary.subject.strip(),
        deal_id=deal.id if deal else None,
        follow_up=FollowUpFacts(title=follow_up.title.strip(), due_at=follow_up.due_at) if follow_up else None,
        by=rep.id,
        at=now_iso(),
    )
    owner, sk = activities_data.stored_key(call)
    if not activities_data.set_data(owner, sk, {"summary": written}):
        raise NotFoundError("the call was deleted")
    stored = activities_data.get(owner, sk)
    if stored is None:
        raise NotFoundError("the call was deleted")
    _file_under_deal(call, stored, deal, written, rep)
    if follow_up is not None:
        _follow_up_task(call, follow_up, notes, rep)
    elif _had_follow_up(call) and call.record_id:
        # The rep took the follow-up out of the summary: the task it made goes with it.
        activities_data.delete(activities_data.owner_key(call.record_id, None), _follow_up_sk(call))
        drop_task_reminders(rep.id, call.record_id, _follow_up_id(call))
    return stored


def summary_deal_id(call: Activity) -> str | None:
    """The deal a call's summary files it under, if any."""
    summary = expect(call.data, CallFacts).summary
    return summary.deal_id if summary is not None and summary.deal_id else None


def deal_copy_key(call: Activity, deal_id: str) -> tuple[str, str]:
    """Where a call's copy in a deal's feed is stored: one per (call, deal), whoever writes it."""
    return activities_data.record_key(deal_id, call.occurred_at, _deal_copy_id(call, deal_id))


def _deal_copy_id(call: Activity, deal_id: str) -> str:
    return stable_id(parse_iso(call.occurred_at), "deal-call", call.external_id or call.id, deal_id)


def update_deal_copy(call: Activity, values: Mapping[str, object]) -> None:
    """A change to a call's data (its recording) reaches its copy in the deal's feed, if any."""
    deal_id = summary_deal_id(call)
    if deal_id:
        activities_data.set_data(*deal_copy_key(call, deal_id), dict(values))


def _checked_deal(summary: CallSummaryInput) -> Record | None:
    if not summary.deal_id:
        return None
    deal = records_data.get(summary.deal_id)
    if deal is None or deal.kind != "deal":
        raise ValidationError("no such deal", {"deal_id": "not a deal"})
    if not summary.subject.strip():
        raise ValidationError("a call about a deal needs a subject", {"subject": "required"})
    return deal


def _checked_follow_up(follow_up: FollowUp | None) -> FollowUp | None:
    if follow_up is None:
        return None
    if not follow_up.title.strip():
        raise ValidationError("a follow-up needs a title", {"follow_up": "title required"})
    try:
        parse_iso(follow_up.due_at)
    except ValueError:
        raise ValidationError("the follow-up's due date is not a date and time", {"follow_up": "due_at"}) from None
    return follow_up


def _file_under_deal(
    before: Activity, call: Activity, deal: Record | None, written: CallSummaryFacts, rep: Rep
) -> None:
    """The deal's copy of the call, and no copy in a deal the summary named before but not now."""
    previous_deal = summary_deal_id(before)
    if previous_deal and previous_deal != written.deal_id:
        activities_data.delete(*deal_copy_key(before, previous_deal))
    if deal is not None:
        # From the call as it is now, so that a recording finished meanwhile is on the copy too.
        _copy_to_deal(call, deal.id, written, rep)


def _copy_to_deal(call: Activity, deal_id: str, written: CallSummaryFacts, rep: Rep) -> None:
    """The deal's feed shows the call too, with its summary (A3): titled by whom it was with, as
    the deal's feed cannot tell; the outcome, subject and notes are the summary's, shown once."""
    activities_data.save(
        Activity(
            id=_deal_copy_id(call, deal_id),
            record_id=deal_id,
            handle=None,
            type="call",
            occurred_at=call.occurred_at,
            rep_id=rep.id,
            direction=call.direction,
            summary=call_title(call.direction, _party_name(call)),
            external_id=call.external_id,
            data=msgspec.structs.replace(
                expect(call.data, CallFacts), summary=written, copy_of=activities_data.stored_key(call)[1]
            ),
        )
    )


def _party_name(call: Activity) -> str:
    """Whom the call was with: the lead's or contact's name, else their number as people write it."""
    record = records_data.get(call.record_id) if call.record_id else None
    if record is not None:
        return record.display_name
    return number_for_people(expect(call.data, CallFacts).remote, get_settings().phone_default_region)


def _had_follow_up(call: Activity) -> bool:
    summary = expect(call.data, CallFacts).summary
    return summary is not None and summary.follow_up is not None


def _follow_up_id(call: Activity) -> str:
    return stable_id(parse_iso(call.occurred_at), "follow-up", call.external_id or call.id)


def _follow_up_sk(call: Activity) -> str:
    return activities_data.sort_key_at(call.occurred_at, _follow_up_id(call))


def _follow_up_task(call: Activity, follow_up: FollowUp, notes: str, rep: Rep) -> None:
    """The summary's follow-up as a task on the record; written again, it keeps its completion."""
    activities_data.save_task(
        Activity(
            id=_follow_up_id(call),
            record_id=call.record_id,
            handle=None,
            type="task",
            occurred_at=call.occurred_at,
            rep_id=rep.id,
            summary=follow_up.title.strip(),
            body=notes,
            data=TaskFacts(due_at=follow_up.due_at, call_sid=call.external_id),
        )
    )
    # Its reminder follows the task as stored (done already, if a teammate completed it).
    task = activities_data.get(activities_data.owner_key(call.record_id, None), _follow_up_sk(call))
    if task is not None:
        follow_task(task)

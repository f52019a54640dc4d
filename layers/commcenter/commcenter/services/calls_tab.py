"""The Calls tab: a rep's calls by section or missed only, and the missed counts (C1, C2)."""

from __future__ import annotations

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import counters as counters_data
from commcenter.data import records as records_data
from commcenter.domain.activities import Activity, center_section
from commcenter.domain.calls import SEEN_AT, missed_counter
from commcenter.domain.clock import parse_iso, utc_now
from commcenter.domain.facts import CallFacts
from commcenter.domain.records import RecordSummary
from commcenter.domain.reps import Rep
from commcenter.domain.sms import SECTIONS
from commcenter.errors import ValidationError


def missed_counts(rep: Rep) -> dict[str, dict[str, int]]:
    values = counters_data.read_all(counters_data.rep_scope(rep.id))
    return {section: {"missed": max(0, values.get(missed_counter(section), 0))} for section in ("matched", "unmatched")}


def missed_seen(rep: Rep) -> None:
    """The rep has seen the missed calls: both counts start again from zero."""
    scope = counters_data.rep_scope(rep.id)
    counters_data.set_value(scope, SEEN_AT, int(utc_now().timestamp() * 1000))
    for section in ("matched", "unmatched"):
        counters_data.set_value(scope, missed_counter(section), 0)


def move_missed_count(call: Activity, from_section: str, to_section: str) -> None:
    """A missed call the rep has not seen moves between sections: its count moves with it."""
    if not isinstance(call.data, CallFacts) or not call.data.missed or not call.rep_id or from_section == to_section:
        return
    scope = counters_data.rep_scope(call.rep_id)
    seen_at = counters_data.read_all(scope).get(SEEN_AT, 0)
    if parse_iso(call.occurred_at).timestamp() * 1000 <= seen_at:
        return
    for section, delta in ((from_section, -1), (to_section, 1)):
        if section != "ignored":
            counters_data.add(scope, missed_counter(section), delta)


def unseen_missed_counter(call: Activity) -> tuple[str, str] | None:
    """The rep's counter (scope, name) a call counts in: a missed call the rep has not seen yet,
    listed matched or unmatched (ignored calls are not counted); None otherwise."""
    section = center_section(call)
    if not isinstance(call.data, CallFacts) or not call.data.missed or not call.rep_id or section == "ignored":
        return None
    scope = counters_data.rep_scope(call.rep_id)
    if parse_iso(call.occurred_at).timestamp() * 1000 <= counters_data.read_all(scope).get(SEEN_AT, 0):
        return None
    return scope, missed_counter(section)


def list_calls(
    rep: Rep, section: str, missed_only: bool, status: str | None, limit: int, cursor: str | None
) -> tuple[list[CallRow], str | None]:
    """The rep's calls of a section (or missed ones across sections), newest first."""
    if section not in SECTIONS:
        raise ValidationError(f"section must be one of {', '.join(SECTIONS)}", {"section": "unknown"})
    rows: list[CallRow] = []
    for _ in range(5 if status else 1):  # a status filter drops rows: read on to fill the page
        calls, cursor = activities_data.center_page(rep.id, "call", None if missed_only else section, limit, cursor)
        records = records_data.get_many([c.record_id for c in calls if c.record_id])
        for call in calls:
            record = records.get(call.record_id) if call.record_id else None
            if status is not None and (record is None or record.status != status):
                continue
            summary = RecordSummary.of(record) if record else None
            rows.append(CallRow(call=call, record=summary, section=center_section(call)))
        if len(rows) >= limit or cursor is None:
            break
    return rows, cursor


class CallRow(msgspec.Struct):
    call: Activity
    record: RecordSummary | None
    section: str

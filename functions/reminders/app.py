"""Scheduled sweeps: due reminders (every minute), the records whose days in the trash are over
(hourly), and the recordings Twilio did not hand over yet (every five minutes); a schedule's
`Input` names its sweep.

The reminders' sweep stops taking reminders shortly before the function's timeout; what it left
is due still, for the next run.
"""

from __future__ import annotations

from typing import Any

from commcenter.observability import MetricUnit, log_invocation, metrics
from commcenter.services.record_trash import erase_expired_trash
from commcenter.services.recordings import retry_pending_copies
from commcenter.services.reminders import sweep_due_reminders

EXPIRED_TRASH = "expired-trash"
RECORDING_COPIES = "recording-copies"


@log_invocation
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("sweep") == EXPIRED_TRASH:
        erased = erase_expired_trash()
        metrics.add_metric(name="RecordsErased", unit=MetricUnit.Count, value=erased.erased)
        return {"erased": erased.erased, "more": erased.more}
    if event.get("sweep") == RECORDING_COPIES:
        copies = retry_pending_copies()
        metrics.add_metric(name="RecordingsCopied", unit=MetricUnit.Count, value=copies.copied)
        metrics.add_metric(name="RecordingCopiesToRetry", unit=MetricUnit.Count, value=copies.retry)
        # Alarmed on: a recording given up stays at Twilio, copied by hand if at all.
        metrics.add_metric(name="RecordingCopiesGivenUp", unit=MetricUnit.Count, value=copies.given_up)
        return {"copied": copies.copied, "retry": copies.retry, "given_up": copies.given_up}
    result = sweep_due_reminders(
        scheduled_at=str(event.get("time", "")),
        time_left=lambda: float(context.get_remaining_time_in_millis()) / 1000,
    )
    metrics.add_metric(name="RemindersFired", unit=MetricUnit.Count, value=result.fired)
    # Alarmed on: a reminder given up never reached its rep (its error is on it in the dashboard).
    metrics.add_metric(name="RemindersGivenUp", unit=MetricUnit.Count, value=result.given_up)
    return {"due": result.due, "fired": result.fired, "given_up": result.given_up}

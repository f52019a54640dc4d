"""Scheduled sweeps: due reminders (every minute), and the records whose days in the trash are
over (hourly; that schedule's `Input` names its sweep).

Reminders arrive with the inbox folders; until one exists, each sweep reports nothing due.
"""

from __future__ import annotations

from typing import Any

from commcenter.observability import MetricUnit, logger, metrics
from commcenter.services.record_trash import erase_expired_trash
from commcenter.services.reminders import sweep_due_reminders

EXPIRED_TRASH = "expired-trash"


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("sweep") == EXPIRED_TRASH:
        erased = erase_expired_trash()
        metrics.add_metric(name="RecordsErased", unit=MetricUnit.Count, value=erased.erased)
        return {"erased": erased.erased, "more": erased.more}
    result = sweep_due_reminders(scheduled_at=str(event.get("time", "")))
    metrics.add_metric(name="RemindersFired", unit=MetricUnit.Count, value=result.fired)
    return {"due": result.due, "fired": result.fired}

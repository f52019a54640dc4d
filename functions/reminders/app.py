"""Scheduled sweep of due reminders.

Reminders arrive with the inbox folders; until one exists, each sweep reports nothing due.
"""

from __future__ import annotations

from typing import Any

from commcenter.observability import MetricUnit, logger, metrics
from commcenter.services.reminders import sweep_due_reminders


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = sweep_due_reminders(scheduled_at=str(event.get("time", "")))
    metrics.add_metric(name="RemindersFired", unit=MetricUnit.Count, value=result.fired)
    return {"due": result.due, "fired": result.fired}

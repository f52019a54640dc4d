"""Scheduled IMAP polling of every rep's mailbox (every minute, from the template's schedule)."""

from __future__ import annotations

from typing import Any

from commcenter.observability import MetricUnit, log_invocation, metrics
from commcenter.services.mail_poll import poll_all_mailboxes


@log_invocation
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    result = poll_all_mailboxes(
        scheduled_at=str(event.get("time", "")),
        seconds_left=(lambda: remaining() / 1000.0) if callable(remaining) else None,
    )
    metrics.add_metric(name="MailboxesPolled", unit=MetricUnit.Count, value=result.polled)
    metrics.add_metric(name="MailboxesFailed", unit=MetricUnit.Count, value=result.failed)
    metrics.add_metric(name="EmailsSynced", unit=MetricUnit.Count, value=result.messages)
    return {"polled": result.polled, "skipped": result.skipped, "failed": result.failed, "messages": result.messages}

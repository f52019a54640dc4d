"""Scheduled IMAP polling of every rep's mailbox.

Mailbox credentials arrive with the email channel; until a rep has one, each run says so.
"""

from __future__ import annotations

from typing import Any

from commcenter.observability import MetricUnit, log_invocation, metrics
from commcenter.services.mail_poll import poll_all_mailboxes


@log_invocation
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = poll_all_mailboxes(scheduled_at=str(event.get("time", "")))
    metrics.add_metric(name="MailboxesPolled", unit=MetricUnit.Count, value=result.polled)
    return {"polled": result.polled, "skipped": result.skipped}

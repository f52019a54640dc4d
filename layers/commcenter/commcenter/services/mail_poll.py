"""Polling every rep's mailbox (the IMAP driver arrives with the email channel)."""

from __future__ import annotations

from dataclasses import dataclass

from commcenter.data import reps as reps_data
from commcenter.observability import logger


@dataclass(frozen=True, slots=True)
class PollResult:
    polled: int
    skipped: int


def poll_all_mailboxes(scheduled_at: str) -> PollResult:
    """One scheduled run: each rep with a configured mailbox is polled; the others are reported."""
    reps = reps_data.list_all()
    configured = [rep for rep in reps if rep.settings.get("mailbox")]
    if not configured:
        logger.info("no mailbox configured: nothing to poll", extra={"reps": len(reps), "scheduled_at": scheduled_at})
        return PollResult(polled=0, skipped=len(reps))
    logger.warning(
        "mailboxes are configured but IMAP polling is not available yet",
        extra={"mailboxes": len(configured), "scheduled_at": scheduled_at},
    )
    return PollResult(polled=0, skipped=len(reps))

"""Sweeping due reminders (the Reminders table arrives with follow-up reminders)."""

from __future__ import annotations

from dataclasses import dataclass

from commcenter.observability import logger


@dataclass(frozen=True, slots=True)
class SweepResult:
    due: int
    fired: int


def sweep_due_reminders(scheduled_at: str) -> SweepResult:
    logger.info("no reminder is due: reminders are not enabled yet", extra={"scheduled_at": scheduled_at})
    return SweepResult(due=0, fired=0)

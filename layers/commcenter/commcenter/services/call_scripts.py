"""The team's call scripts (C9): every rep reads them during a call; an admin replaces the list."""

from __future__ import annotations

from commcenter.data import reps as reps_data
from commcenter.domain.call_scripts import CallScripts, clean_scripts
from commcenter.domain.reps import Rep
from commcenter.errors import ForbiddenError


def team_call_scripts() -> CallScripts:
    return CallScripts(items=reps_data.call_scripts())


def set_team_call_scripts(rep: Rep, scripts: CallScripts) -> CallScripts:
    """Admins only; a refused list (403, or 400 naming each wrong field) changes nothing."""
    if rep.role != "admin":
        raise ForbiddenError("only an admin can change the call scripts")
    cleaned = clean_scripts(scripts.items)
    reps_data.save_call_scripts(cleaned)
    return CallScripts(items=cleaned)

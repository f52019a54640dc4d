"""Who is calling the API, and the team's reps."""

from __future__ import annotations

from typing import Any

from commcenter.data import reps as reps_data
from commcenter.domain.handles import normalize_email
from commcenter.domain.reps import Rep
from commcenter.errors import ForbiddenError, UnauthorizedError, ValidationError


def rep_from_claims(claims: dict[str, Any] | None) -> Rep:
    """The rep behind the authorizer's claims (Cognito in AWS, the dev token locally), by email."""
    email = (claims or {}).get("email")
    if not isinstance(email, str) or not email:
        raise UnauthorizedError("the request carries no signed-in user")
    try:
        address = normalize_email(email)
    except ValidationError:
        raise UnauthorizedError("the signed-in user has no valid email") from None
    rep = reps_data.find_by_claim("email", address)
    if rep is None:
        raise ForbiddenError(f"{address} is not a rep of this team")
    return rep


def team_reps() -> list[Rep]:
    """Every rep of the team (records are visible to the whole team, so are its reps)."""
    return reps_data.list_all()

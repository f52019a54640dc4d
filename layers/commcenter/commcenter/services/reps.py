"""Who is calling the API, and the team's reps."""

from __future__ import annotations

from typing import Any

import msgspec

from commcenter.data import reps as reps_data
from commcenter.domain.calls import MAX_GREETING, CallSettingsInput
from commcenter.domain.handles import normalize_email, normalize_phone
from commcenter.domain.reps import Rep
from commcenter.errors import ForbiddenError, UnauthorizedError, ValidationError
from commcenter.settings import get_settings
from commcenter.warm_cache import WarmCache

# Reps rarely change, and every request needs one: a warm function keeps each for a short time
# (a change of role or number is seen within this many seconds).
REP_CACHE_SECONDS = 60.0
# Far more reps than a team has: the bound only keeps a function's memory flat.
REMEMBERED_REPS = 1_000
_reps_by_email: WarmCache[str, Rep] = WarmCache(REMEMBERED_REPS, REP_CACHE_SECONDS)
_reps_by_number: WarmCache[str, Rep] = WarmCache(REMEMBERED_REPS, REP_CACHE_SECONDS)


def rep_from_claims(claims: dict[str, Any] | None) -> Rep:
    """The rep behind the authorizer's claims (Cognito in AWS, the dev token locally), by email."""
    email = (claims or {}).get("email")
    if not isinstance(email, str) or not email:
        raise UnauthorizedError("the request carries no signed-in user")
    try:
        address = normalize_email(email)
    except ValidationError:
        raise UnauthorizedError("the signed-in user has no valid email") from None
    cached = _reps_by_email.get(address)
    if cached is not None:
        return cached
    rep = reps_data.find_by_claim("email", address)
    if rep is None:
        raise ForbiddenError(f"{address} is not a rep of this team")
    _reps_by_email.put(address, rep)
    return rep


def change_call_settings(rep: Rep, wanted: CallSettingsInput) -> Rep:
    """A rep's own call settings (C9): recording, voicemail and its greeting, forwarding number.
    Calls follow them at once in this function, within REP_CACHE_SECONDS in the voice one."""
    problems: dict[str, str] = {}
    forwarding = (wanted.forwarding_number or "").strip() or None
    if forwarding is not None:
        try:
            forwarding = normalize_phone(forwarding, get_settings().phone_default_region)
        except ValidationError as error:
            problems["forwarding_number"] = error.message
        else:
            if forwarding == rep.twilio_number:
                problems["forwarding_number"] = "this is your own Twilio number: calls would ring it again"
    greeting = " ".join(wanted.voicemail_greeting.split())
    if len(greeting) > MAX_GREETING:
        problems["voicemail_greeting"] = f"at most {MAX_GREETING} characters"
    if problems:
        raise ValidationError("the call settings were not changed", problems)
    settings = {**rep.settings, "recording": wanted.recording, "voicemail": wanted.voicemail}
    settings["voicemail_greeting"] = greeting
    changed = msgspec.structs.replace(rep, forwarding_number=forwarding, settings=settings)
    reps_data.save_profile(changed)
    _remember(changed)
    return changed


def _remember(rep: Rep) -> None:
    """This function sees its own change at once (other warm functions within the cache time)."""
    _reps_by_email.put(rep.email, rep)
    if rep.twilio_number:
        _reps_by_number.put(rep.twilio_number, rep)


def team_reps() -> list[Rep]:
    """Every rep of the team (records are visible to the whole team, so are its reps)."""
    return reps_data.list_all()


def rep_by_number(number: str) -> Rep | None:
    """The rep whose Twilio number this is (every webhook's `To`), or None: no rep owns it."""
    cached = _reps_by_number.get(number)
    if cached is not None:
        return cached
    rep = reps_data.find_by_claim("number", number)
    if rep is not None:  # an unknown number is asked again: a rep given it is reachable at once
        _reps_by_number.put(number, rep)
    return rep

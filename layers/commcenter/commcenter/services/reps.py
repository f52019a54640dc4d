"""Who is calling the API, and the team's reps."""

from __future__ import annotations

import time
from typing import Any

import msgspec

from commcenter.data import reps as reps_data
from commcenter.domain.calls import MAX_GREETING, CallSettingsInput
from commcenter.domain.handles import normalize_email, normalize_phone
from commcenter.domain.reps import Rep
from commcenter.errors import ForbiddenError, UnauthorizedError, ValidationError
from commcenter.settings import get_settings

# Reps rarely change, and every request needs one: a warm function keeps each for a short time
# (a change of role or number is seen within this many seconds).
REP_CACHE_SECONDS = 60.0
_reps_by_email: dict[str, tuple[float, Rep]] = {}
_reps_by_number: dict[str, tuple[float, Rep]] = {}


def rep_from_claims(claims: dict[str, Any] | None) -> Rep:
    """The rep behind the authorizer's claims (Cognito in AWS, the dev token locally), by email."""
    email = (claims or {}).get("email")
    if not isinstance(email, str) or not email:
        raise UnauthorizedError("the request carries no signed-in user")
    try:
        address = normalize_email(email)
    except ValidationError:
        raise UnauthorizedError("the signed-in user has no valid email") from None
    now = time.monotonic()
    cached = _reps_by_email.get(address)
    if cached is not None and now - cached[0] < REP_CACHE_SECONDS:
        return cached[1]
    rep = reps_data.find_by_claim("email", address)
    if rep is None:
        raise ForbiddenError(f"{address} is not a rep of this team")
    _reps_by_email[address] = (now, rep)
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
    now = time.monotonic()
    _reps_by_email[rep.email] = (now, rep)
    if rep.twilio_number:
        _reps_by_number[rep.twilio_number] = (now, rep)


def team_reps() -> list[Rep]:
    """Every rep of the team (records are visible to the whole team, so are its reps)."""
    return reps_data.list_all()


def rep_by_number(number: str) -> Rep | None:
    """The rep whose Twilio number this is (every webhook's `To`), or None: no rep owns it."""
    now = time.monotonic()
    cached = _reps_by_number.get(number)
    if cached is not None and now - cached[0] < REP_CACHE_SECONDS:
        return cached[1]
    rep = reps_data.find_by_claim("number", number)
    if rep is not None:  # an unknown number is asked again: a rep given it is reachable at once
        _reps_by_number[number] = (now, rep)
    return rep

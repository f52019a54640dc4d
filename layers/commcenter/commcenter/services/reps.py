"""Who is calling the API, and the team's reps."""

from __future__ import annotations

from typing import Any

import msgspec

from commcenter.data import reps as reps_data
from commcenter.domain.calls import MAX_GREETING, CallSettingsInput
from commcenter.domain.handles import normalize_email, normalize_phone
from commcenter.domain.reps import Rep, TeamRep, as_shown_to
from commcenter.errors import ForbiddenError, NotFoundError, UnauthorizedError, ValidationError
from commcenter.settings import get_settings
from commcenter.warm_cache import WarmCache

# Reps rarely change, and every request needs one: a warm function keeps each for a short time
# (a change of role or number is seen within this many seconds).
REP_CACHE_SECONDS = 60.0
# Far more reps than a team has: the bound only keeps a function's memory flat.
REMEMBERED_REPS = 1_000
# The user pool's `sub` is a UUID: anything far longer is not one of its users.
MAX_SUB_CHARS = 128
_reps_by_id: WarmCache[str, Rep] = WarmCache(REMEMBERED_REPS, REP_CACHE_SECONDS)
# A sign-in is bound to its rep for good, so the pair may be kept as long as the rep.
_rep_ids_by_sub: WarmCache[str, str] = WarmCache(REMEMBERED_REPS, REP_CACHE_SECONDS)
_reps_by_number: WarmCache[str, Rep] = WarmCache(REMEMBERED_REPS, REP_CACHE_SECONDS)


def rep_from_claims(claims: dict[str, Any] | None) -> Rep:
    """The rep behind the authorizer's claims (Cognito in AWS, the dev token locally).

    A rep is found by the user pool's immutable `sub`, never by the email claim, which the user
    may change: the first sign-in with the rep's email, verified, binds that `sub` to the rep
    for good (`_first_sign_in`); an email changed afterwards changes nobody's identity.
    """
    claims = claims or {}
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > MAX_SUB_CHARS:
        raise UnauthorizedError("the request carries no signed-in user")
    rep_id = _rep_ids_by_sub.get(sub)
    rep = _reps_by_id.get(rep_id) if rep_id is not None else None
    if rep is None:
        rep = reps_data.find_by_claim("sub", sub) or _first_sign_in(sub, claims)
        _rep_ids_by_sub.put(sub, rep.id)
        _reps_by_id.put(rep.id, rep)
    return rep


def _first_sign_in(sub: str, claims: dict[str, Any]) -> Rep:
    """The rep whose email the user signs in with, verified, bound to the user's `sub` from now on.
    A rep bound to another user already is refused: one person per rep."""
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise UnauthorizedError("the signed-in user has no email")
    try:
        address = normalize_email(email)
    except ValidationError:
        raise UnauthorizedError("the signed-in user has no valid email") from None
    # API Gateway's Cognito authorizer hands every claim over as a string.
    if claims.get("email_verified") not in (True, "true"):
        raise ForbiddenError(f"{address} is not verified yet: verify it, then sign in again", code="email_not_verified")
    rep = reps_data.find_by_claim("email", address)
    if rep is None:
        raise ForbiddenError(f"{address} is not a rep of this team")
    if not reps_data.bind_sign_in(rep.id, sub):
        bound = reps_data.find_by_claim("sub", sub)  # a sign-in of the same user at the same time
        if bound is None or bound.id != rep.id:
            raise ForbiddenError(
                f"the rep {address} signs in with another user of the user pool", code="rep_bound_to_another_user"
            )
    return rep


def rep_by_email(email: str) -> Rep:
    """The rep an admin created with this email (the CSV import's `--as`): never a sign-in, which
    goes by `rep_from_claims`."""
    address = normalize_email(email)
    rep = reps_data.find_by_claim("email", address)
    if rep is None:
        raise NotFoundError(f"{address} is not a rep of this team")
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
    _reps_by_id.put(rep.id, rep)
    if rep.twilio_number:
        _reps_by_number.put(rep.twilio_number, rep)


def team_reps() -> list[Rep]:
    """Every rep of the team (records are visible to the whole team, so are its reps)."""
    return reps_data.list_all()


def team_shown_to(viewer: Rep) -> list[TeamRep]:
    """The team's reps as `viewer` may see them (the dashboard's list of reps)."""
    return [as_shown_to(rep, viewer) for rep in reps_data.list_all()]


def rep_by_number(number: str) -> Rep | None:
    """The rep whose Twilio number this is (every webhook's `To`), or None: no rep owns it."""
    cached = _reps_by_number.get(number)
    if cached is not None:
        return cached
    rep = reps_data.find_by_claim("number", number)
    if rep is not None:  # an unknown number is asked again: a rep given it is reachable at once
        _reps_by_number.put(number, rep)
    return rep

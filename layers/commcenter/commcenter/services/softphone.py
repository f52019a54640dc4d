"""The softphone: whether it can ring (presence) and the token it signs in to Twilio with."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from commcenter.channels.twilio_credentials import twilio_api_key_secret
from commcenter.channels.twilio_voice import TOKEN_SECONDS, voice_access_token
from commcenter.data import reps as reps_data
from commcenter.domain.calls import Presence
from commcenter.domain.clock import now_iso, to_iso, utc_now
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError
from commcenter.settings import get_settings

# A softphone that has not said it is online for this long is offline (it heartbeats every 60 s).
PRESENCE_SECONDS = 90


def set_presence(rep: Rep, online: bool, on_call: bool) -> Presence:
    presence = Presence(online=online, on_call=online and on_call, updated_at=now_iso())
    reps_data.save_presence(rep.id, presence)
    return presence


def reachable(rep: Rep) -> tuple[bool, bool]:
    """(online, on a call) as the rep's softphone last said, within the presence lifetime."""
    return reach_of(reps_data.get_presence(rep.id))


def reach_of(presence: Presence | None) -> tuple[bool, bool]:
    """(online, on a call) that a stored presence stands for now: a lapsed one is offline."""
    if presence is None or not presence.online:
        return False, False
    if presence.updated_at < presence_fresh_since():
        return False, False
    return True, presence.on_call


def presence_fresh_since() -> str:
    """The oldest `updated_at` of a presence that still counts (timestamps sort as strings)."""
    return to_iso(utc_now() - timedelta(seconds=PRESENCE_SECONDS))


class VoiceToken(msgspec.Struct):
    token: str
    identity: str
    expires_in: int


def voice_token(rep: Rep) -> VoiceToken:
    """The browser softphone's access token: outgoing through the TwiML App, incoming for the rep."""
    settings = get_settings()
    secret = twilio_api_key_secret()
    configured = settings.twilio_account_sid and settings.twilio_api_key_sid and settings.twilio_twiml_app_sid
    if not configured or not secret:
        raise ConflictError(
            "browser calling needs Twilio credentials (account, API key and TwiML App)", code="voice_not_configured"
        )
    if not rep.client_identity:
        raise ConflictError("your profile has no browser phone identity", code="no_client_identity")
    token = voice_access_token(
        account_sid=settings.twilio_account_sid or "",
        api_key_sid=settings.twilio_api_key_sid or "",
        api_key_secret=secret,
        twiml_app_sid=settings.twilio_twiml_app_sid or "",
        identity=rep.client_identity,
    )
    return VoiceToken(token=token, identity=rep.client_identity, expires_in=TOKEN_SECONDS)

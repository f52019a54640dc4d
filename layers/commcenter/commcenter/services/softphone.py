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


class VoiceSetting(msgspec.Struct, frozen=True):
    """A setting browser calling needs: its environment variable, its template parameter (AWS)."""

    name: str
    parameter: str
    meaning: str


class VoiceStatus(msgspec.Struct):
    """Whether this stack can sign softphone tokens, and what it lacks (empty when configured)."""

    configured: bool
    missing: list[VoiceSetting]


# What browser calling needs, by the names of the README's configuration table, in its order.
VOICE_SETTINGS = (
    VoiceSetting("TWILIO_ACCOUNT_SID", "TwilioAccountSid", "the Twilio account"),
    VoiceSetting("TWILIO_API_KEY_SID", "TwilioApiKeySid", "the API key that signs the softphone's tokens"),
    VoiceSetting(
        "TWILIO_API_KEY_SECRET",
        "TwilioApiKeySecretParameter",
        "that API key's secret (in AWS, the name of the SSM SecureString that holds it)",
    ),
    VoiceSetting(
        "TWILIO_TWIML_APP_SID",
        "TwilioTwimlAppSid",
        "the TwiML App whose voice URL is the stack's /twilio/voice/outgoing",
    ),
)


def voice_status() -> VoiceStatus:
    """What the softphone shows before any try: a setting is there or not (the secret's SSM
    parameter is named, not read: a token request reads it)."""
    settings = get_settings()
    present = {
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_API_KEY_SID": settings.twilio_api_key_sid,
        "TWILIO_API_KEY_SECRET": settings.twilio_api_key_secret or settings.twilio_api_key_secret_parameter,
        "TWILIO_TWIML_APP_SID": settings.twilio_twiml_app_sid,
    }
    missing = [setting for setting in VOICE_SETTINGS if not present[setting.name]]
    return VoiceStatus(configured=not missing, missing=missing)


def voice_token(rep: Rep) -> VoiceToken:
    """The browser softphone's access token: outgoing through the TwiML App, incoming for the rep."""
    settings = get_settings()
    if not voice_status().configured or not (secret := twilio_api_key_secret()):
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

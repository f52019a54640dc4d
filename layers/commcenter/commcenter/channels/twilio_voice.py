"""TwiML for each routing decision, and the Voice access tokens of browser calling.

Every URL given to Twilio is absolute (the public base URL plus the route): Twilio resolves a
relative one against the URL it called, which behind a stage prefix is not ours. Each carries
Twilio's connection overrides (`twilio_webhooks`): a callback that fails is retried.
"""

from __future__ import annotations

from commcenter.channels.twilio_webhooks import with_retries
from commcenter.domain.calls import RING_SECONDS, UNAVAILABLE_MESSAGE, VOICEMAIL_MAX_SECONDS, Route, VoiceSettings

DIAL_RESULT = "/twilio/voice/dial-result"
STATUS = "/twilio/voice/status"
RECORDING = "/twilio/voice/recording"
TOKEN_SECONDS = 3600
CALL_SID_PARAMETER = "callSid"


def incoming_twiml(
    route: Route, *, base_url: str, client_identity: str | None, caller: str, call_sid: str, settings: VoiceSettings
) -> str:
    """The answer to a call to a rep's number, or to a dial that ended."""
    from twilio.twiml.voice_response import Dial, VoiceResponse

    response = VoiceResponse()
    if route.kind == "ring_browser" and client_identity:
        dial = Dial(
            timeout=RING_SECONDS, action=with_retries(f"{base_url}{DIAL_RESULT}?stage=browser"), answer_on_bridge=True
        )
        client = dial.client()
        client.identity(client_identity)
        # The browser's leg has a CallSid of its own; the softphone names the call by the
        # caller's CallSid (declining it, its summary), which reaches it as a custom parameter.
        client.parameter(name=CALL_SID_PARAMETER, value=call_sid)
        response.append(dial)
    elif route.kind == "forward" and route.number:
        # The caller's number as caller ID, so the rep's phone shows who is calling.
        dial = Dial(
            timeout=RING_SECONDS,
            action=with_retries(f"{base_url}{DIAL_RESULT}?stage=forward"),
            caller_id=caller if caller.startswith("+") else None,
        )
        dial.number(route.number)
        response.append(dial)
    elif route.kind == "voicemail":
        response.say(settings.greeting)
        response.record(
            max_length=VOICEMAIL_MAX_SECONDS,
            play_beep=True,
            action=with_retries(f"{base_url}{DIAL_RESULT}?stage=voicemail"),
            recording_status_callback=with_retries(f"{base_url}{RECORDING}?kind=voicemail"),
            recording_status_callback_event="completed",
        )
        response.hangup()
    elif route.kind == "done":
        response.hangup()
    else:
        response.say(UNAVAILABLE_MESSAGE)
        response.hangup()
    return str(response)


def outgoing_twiml(*, base_url: str, caller_id: str, to_number: str, record: bool) -> str:
    """A call placed from the browser: the rep's own number as caller ID."""
    from twilio.twiml.voice_response import Dial, VoiceResponse

    response = VoiceResponse()
    dial = Dial(
        caller_id=caller_id,
        answer_on_bridge=True,
        record="record-from-answer-dual" if record else None,
        recording_status_callback=with_retries(f"{base_url}{RECORDING}?kind=call") if record else None,
        recording_status_callback_event="completed" if record else None,
    )
    dial.number(
        to_number,
        status_callback=with_retries(f"{base_url}{STATUS}"),
        status_callback_event="initiated ringing answered completed",
    )
    response.append(dial)
    return str(response)


def refusal_twiml(message: str) -> str:
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    response.say(message)
    response.hangup()
    return str(response)


def voice_access_token(
    *, account_sid: str, api_key_sid: str, api_key_secret: str, twiml_app_sid: str, identity: str
) -> str:
    """A short-lived token for the browser's Voice SDK: calls out through the TwiML App, rings in
    for this identity."""
    from twilio.jwt.access_token import AccessToken
    from twilio.jwt.access_token.grants import VoiceGrant

    token = AccessToken(account_sid, api_key_sid, api_key_secret, identity=identity, ttl=TOKEN_SECONDS)
    token.add_grant(VoiceGrant(outgoing_application_sid=twiml_app_sid, incoming_allow=True))
    jwt = token.to_jwt()
    return jwt.decode() if isinstance(jwt, bytes) else str(jwt)

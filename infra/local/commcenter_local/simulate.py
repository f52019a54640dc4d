"""Twilio, played locally: correctly signed webhooks posted to a running stack.

The payloads carry what Twilio's real ones carry (blank geo fields, legacy `Sms*` keys,
`ApiVersion`, ...), so the product sees exactly what it will see in production.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from xml.etree import ElementTree

import requests

from commcenter.channels.twilio_form import TwilioForm
from commcenter.channels.twilio_rest import SANDBOX_ACCOUNT_SID
from commcenter.channels.twilio_signature import public_url, sign
from commcenter.channels.twilio_webhooks import requested_url

ACCOUNT_SID = SANDBOX_ACCOUNT_SID  # in sandbox mode, the stack fetches recordings of this account locally
API_VERSION = "2010-04-01"


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def post_webhook(base_url: str, auth_token: str, path: str, params: list[tuple[str, str]]) -> requests.Response:
    """POST `params` to `path` as Twilio does: form-encoded, signed over the full URL."""
    return post_to(public_url(base_url, path), auth_token, params)


def post_to(url: str, auth_token: str, params: list[tuple[str, str]]) -> requests.Response:
    """POST `params` to an absolute URL (query string included, as TwiML gives it), signed. A
    fragment (Twilio's connection overrides) is neither requested nor signed, as by Twilio."""
    url = requested_url(url)
    signature = sign(auth_token, url, TwilioForm(params))
    return requests.post(
        url,
        data=params,
        headers={"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"},
        timeout=30,
    )


def incoming_sms_params(
    *, from_number: str, to_number: str, body: str, media: Sequence[tuple[str, str]] = (), sid: str | None = None
) -> list[tuple[str, str]]:
    message_sid = sid or new_sid("MM" if media else "SM")
    params = [
        ("ToCountry", "US"),
        ("ToState", ""),
        ("SmsMessageSid", message_sid),
        ("NumMedia", str(len(media))),
        ("ToCity", ""),
        ("FromZip", ""),
        ("SmsSid", message_sid),
        ("FromState", ""),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", body),
        ("FromCountry", "US"),
        ("To", to_number),
        ("ToZip", ""),
        ("NumSegments", "1"),
        ("MessageSid", message_sid),
        ("AccountSid", ACCOUNT_SID),
        ("From", from_number),
        ("ApiVersion", API_VERSION),
    ]
    for index, (url, content_type) in enumerate(media):
        params += [(f"MediaContentType{index}", content_type), (f"MediaUrl{index}", url)]
    return params


def incoming_sms(
    base_url: str,
    auth_token: str,
    *,
    from_number: str,
    to_number: str,
    body: str,
    media: Sequence[tuple[str, str]] = (),
    sid: str | None = None,
) -> requests.Response:
    """An incoming SMS (MMS with `media`: (url, content type) pairs) as Twilio posts it."""
    params = incoming_sms_params(from_number=from_number, to_number=to_number, body=body, media=media, sid=sid)
    return post_webhook(base_url, auth_token, "/twilio/sms/incoming", params)


def sms_status(
    base_url: str,
    auth_token: str,
    *,
    message_sid: str,
    status: str,
    from_number: str,
    to_number: str,
    error_code: int | None = None,
) -> requests.Response:
    """A status callback of an outbound message, as Twilio posts it."""
    params = sms_status_params(
        message_sid=message_sid, status=status, from_number=from_number, to_number=to_number, error_code=error_code
    )
    return post_webhook(base_url, auth_token, "/twilio/sms/status", params)


def sms_status_params(
    *, message_sid: str, status: str, from_number: str, to_number: str, error_code: int | None = None
) -> list[tuple[str, str]]:
    """The fields of an outbound message's status callback (`ErrorCode` with failed/undelivered)."""
    params = [
        ("SmsSid", message_sid),
        ("SmsStatus", status),
        ("MessageStatus", status),
        ("To", to_number),
        ("MessageSid", message_sid),
        ("AccountSid", ACCOUNT_SID),
        ("From", from_number),
        ("ApiVersion", API_VERSION),
    ]
    if error_code is not None:
        params.append(("ErrorCode", str(error_code)))
    return params


CallOutcome = Literal["answered", "no-answer", "busy", "voicemail"]


@dataclass
class SimulatedCall:
    """What a simulated call went through: each webhook posted, with the TwiML it got."""

    call_sid: str
    steps: list[tuple[str, int, str]] = field(default_factory=list)

    def record(self, url: str, response: requests.Response) -> ElementTree.Element | None:
        self.steps.append((url, response.status_code, response.text))
        response.raise_for_status()
        # The stack's own TwiML, not untrusted input.
        return ElementTree.fromstring(response.content) if response.content.strip() else None  # noqa: S314


def voice_params(call_sid: str, from_number: str, to_number: str, status: str) -> list[tuple[str, str]]:
    """The fields of every voice webhook, legacy ones and blank geography included."""
    return [
        ("AccountSid", ACCOUNT_SID),
        ("ApiVersion", API_VERSION),
        ("CallSid", call_sid),
        ("CallStatus", status),
        ("Called", to_number),
        ("CalledCity", ""),
        ("CalledCountry", "US"),
        ("CalledState", ""),
        ("CalledZip", ""),
        ("Caller", from_number),
        ("CallerCity", ""),
        ("CallerCountry", "US"),
        ("CallerState", ""),
        ("CallerZip", ""),
        ("Direction", "inbound"),
        ("From", from_number),
        ("FromCity", ""),
        ("FromCountry", "US"),
        ("FromState", ""),
        ("FromZip", ""),
        ("To", to_number),
        ("ToCity", ""),
        ("ToCountry", "US"),
        ("ToState", ""),
        ("ToZip", ""),
    ]


def simulate_call(
    base_url: str, auth_token: str, *, from_number: str, to_number: str, outcome: CallOutcome
) -> SimulatedCall:
    """An incoming call driven through the webhooks Twilio would send, following the TwiML it
    gets back: incoming, each dial's result, the voicemail recording, the call's status."""
    call = SimulatedCall(new_sid("CA"))
    params = voice_params(call.call_sid, from_number, to_number, "ringing")
    twiml = call.record(
        base_url + "/twilio/voice/incoming", post_webhook(base_url, auth_token, "/twilio/voice/incoming", params)
    )

    def post_status(status: str, sequence: int, extra: Sequence[tuple[str, str]] = ()) -> None:
        fields = [*voice_params(call.call_sid, from_number, to_number, status), ("SequenceNumber", str(sequence))]
        response = post_webhook(base_url, auth_token, "/twilio/voice/status", [*fields, *extra])
        call.record(base_url + "/twilio/voice/status", response)

    post_status("ringing", 0)
    talked = 0
    for _ in range(4):  # browser, forwarding, voicemail: never more than three steps
        if twiml is None:
            break
        dial, record = twiml.find("Dial"), twiml.find("Record")
        if dial is not None and dial.get("action"):
            answered = outcome == "answered"
            dial_status = "completed" if answered else ("busy" if outcome == "busy" else "no-answer")
            talked = 42 if answered else 0
            fields = [
                *voice_params(call.call_sid, from_number, to_number, "in-progress"),
                ("DialCallStatus", dial_status),
                ("DialCallSid", new_sid("CA")),
                ("DialCallDuration", str(talked)),
                ("DialBridged", "true" if answered else "false"),
            ]
            twiml = call.record(dial.get("action", ""), post_to(dial.get("action", ""), auth_token, fields))
        elif record is not None and record.get("action"):
            twiml = leave_voicemail(call, auth_token, record, from_number, to_number)
        else:
            break
    post_status("in-progress", 1)
    post_status("completed", 2, [("CallDuration", str(talked + 5)), ("Duration", "1")])
    return call


def leave_voicemail(
    call: SimulatedCall, auth_token: str, record: ElementTree.Element, from_number: str, to_number: str
) -> ElementTree.Element | None:
    """The caller speaks after the beep, then hangs up: Twilio requests the `<Record>`'s action
    with the recording, then, once the audio is ready, its recording status callback (the
    recording is at Twilio: in sandbox mode, the local stack's stand-in serves it). The next
    TwiML is the action's answer."""
    recording_sid = new_sid("RE")
    recording_url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{recording_sid}"
    fields = [
        *voice_params(call.call_sid, from_number, to_number, "in-progress"),
        ("RecordingSid", recording_sid),
        ("RecordingUrl", recording_url),
        ("RecordingDuration", "7"),
        ("Digits", "hangup"),
    ]
    twiml = call.record(record.get("action", ""), post_to(record.get("action", ""), auth_token, fields))
    callback = record.get("recordingStatusCallback")
    if callback:
        recording = [
            ("AccountSid", ACCOUNT_SID),
            ("CallSid", call.call_sid),
            ("RecordingSid", recording_sid),
            ("RecordingUrl", recording_url),
            ("RecordingStatus", "completed"),
            ("RecordingDuration", "7"),
            ("RecordingChannels", "1"),
            ("RecordingSource", "RecordVerb"),
            ("RecordingStartTime", ""),
        ]
        call.record(callback, post_to(callback, auth_token, recording))
    return twiml

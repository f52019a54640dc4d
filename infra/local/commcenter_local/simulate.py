"""Twilio, played locally: correctly signed webhooks posted to a running stack.

The payloads carry what Twilio's real ones carry (blank geo fields, legacy `Sms*` keys,
`ApiVersion`, ...), so the product sees exactly what it will see in production.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import requests

from commcenter.channels.twilio_form import TwilioForm
from commcenter.channels.twilio_signature import public_url, sign

ACCOUNT_SID = "AC" + "0" * 32
API_VERSION = "2010-04-01"


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def post_webhook(base_url: str, auth_token: str, path: str, params: list[tuple[str, str]]) -> requests.Response:
    """POST `params` to `path` as Twilio does: form-encoded, signed over the full URL."""
    url = public_url(base_url, path)
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
    return post_webhook(base_url, auth_token, "/twilio/sms/status", params)

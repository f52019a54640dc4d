"""Recordings at Twilio: fetched from Twilio's own API host only, then deleted there if asked.

The recording callback carries a `RecordingUrl`; it is never followed. The URL is built from
the configured account and a `RecordingSid` that must look like one, so a forged or odd callback
cannot make the function fetch anything else.
"""

from __future__ import annotations

import re

from commcenter.channels.twilio_rest import TWILIO_TIMEOUT_SECONDS, recordings_client

RECORDING_SID = re.compile(r"^RE[0-9a-f]{32}$")


class RecordingUnavailable(Exception):
    """Twilio did not hand the recording over (no account configured, not found, an error).
    `retryable`: whether asking again later may succeed (not for a sid that is not one, nor
    without an account)."""

    def __init__(self, reason: str, *, retryable: bool = True) -> None:
        super().__init__(reason)
        self.retryable = retryable


def fetch_recording(recording_sid: str) -> bytes:
    if not RECORDING_SID.match(recording_sid):
        raise RecordingUnavailable(f"not a recording sid: {recording_sid!r}", retryable=False)
    client = recordings_client()
    if client is None:
        raise RecordingUnavailable("no Twilio account configured", retryable=False)
    import requests  # twilio's own HTTP client decodes bodies as text: audio needs the bytes

    url = f"{client.api.base_url}/2010-04-01/Accounts/{client.account_sid}/Recordings/{recording_sid}.mp3"
    try:
        response = requests.get(url, auth=(client.username, client.password), timeout=TWILIO_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise RecordingUnavailable(f"Twilio could not be reached for {recording_sid}: {error}") from error
    if response.status_code != 200 or not response.content:
        raise RecordingUnavailable(f"Twilio answered {response.status_code} for {recording_sid}")
    return bytes(response.content)


def delete_recording(recording_sid: str) -> None:
    client = recordings_client()
    if client is None or not RECORDING_SID.match(recording_sid):
        return
    client.recordings(recording_sid).delete()

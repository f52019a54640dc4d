"""The Twilio REST client of this function: one per account, made on first use."""

from __future__ import annotations

from functools import cache
from typing import Any

from commcenter.channels.twilio_credentials import twilio_auth_token
from commcenter.settings import get_settings

# A call to Twilio must end well inside the function's 15 s timeout.
TWILIO_TIMEOUT_SECONDS = 8


# The account of the local stack's Twilio in sandbox mode: the one its simulator plays.
SANDBOX_ACCOUNT_SID = "AC" + "0" * 32


def rest_client() -> Any | None:
    """The client, or None without a Twilio account (sandbox mode)."""
    settings = get_settings()
    if not settings.twilio_account_sid:
        return None
    return _client(settings.twilio_account_sid, twilio_auth_token(), settings.twilio_api_base_url)


def recordings_client() -> Any | None:
    """The client recordings are fetched and deleted with: the account's; in sandbox mode, the
    local stack's stand-in of Twilio when it runs one (its simulated calls' recordings are there,
    and nothing leaves the machine); else None."""
    client = rest_client()
    if client is not None:
        return client
    settings = get_settings()
    if not settings.twilio_api_base_url:
        return None
    return _client(SANDBOX_ACCOUNT_SID, twilio_auth_token(), settings.twilio_api_base_url)


@cache
def _client(account_sid: str, auth_token: str, api_base_url: str | None) -> Any:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS))
    if api_base_url:  # a local stand-in of Twilio's REST API, for tests
        client.api.base_url = api_base_url
    return client

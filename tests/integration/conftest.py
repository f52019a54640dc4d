"""Fixtures of the API tests: the demo reps, signed in."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from api_support import ALICE, BRUNO, Api, environment
from twilio_stand_in import TwilioStandIn

from commcenter_local.stack import LocalStack

Headers = Callable[[str], dict[str, str]]
ACCOUNT_SID = "AC" + "1" * 32


@pytest.fixture
def alice(api_url: str, auth_headers: Headers) -> Api:
    """Alice, the demo admin (+1 415 555 0101, forwarding to +1 415 555 0199)."""
    return Api(api_url, auth_headers(ALICE))


@pytest.fixture
def bruno(api_url: str, auth_headers: Headers) -> Api:
    """Bruno, a rep (+1 415 555 0102, no forwarding number)."""
    return Api(api_url, auth_headers(BRUNO))


@pytest.fixture
def twilio_api(local_stack: LocalStack, twilio_auth_token: str) -> Iterator[TwilioStandIn]:
    """The stack sends through Twilio (the stand-in) instead of its sandbox, for one test."""
    stand_in = TwilioStandIn(ACCOUNT_SID, twilio_auth_token).start()
    try:
        with environment({"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_API_BASE_URL": stand_in.base_url}):
            yield stand_in
    finally:
        stand_in.stop()

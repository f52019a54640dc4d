"""Fixtures of the API tests: the demo reps, signed in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from api_support import ALICE, BRUNO, Api

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def alice(api_url: str, auth_headers: Headers) -> Api:
    """Alice, the demo admin (+1 415 555 0101, forwarding to +1 415 555 0199)."""
    return Api(api_url, auth_headers(ALICE))


@pytest.fixture
def bruno(api_url: str, auth_headers: Headers) -> Api:
    """Bruno, a rep (+1 415 555 0102, no forwarding number)."""
    return Api(api_url, auth_headers(BRUNO))

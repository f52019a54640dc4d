"""Open tracking (E5): the pixel's URL and the telling apart of who fetched it."""

from __future__ import annotations

import pytest
from stack_environment import environment

from commcenter.data.message_refs import open_ref
from commcenter.errors import ConfigurationError
from commcenter.services.open_tracking import tracking_url


def test_the_pixel_url_is_under_the_public_base_url() -> None:
    with environment({"PUBLIC_BASE_URL": "https://crm.example.com/"}):
        assert tracking_url("tok_en-1") == "https://crm.example.com/mail/o/tok_en-1"
        assert tracking_url("t", "https://ignored.example") == "https://crm.example.com/mail/o/t"


def test_without_a_public_base_url_the_pixel_is_under_the_url_the_api_was_reached_at() -> None:
    with environment({"PUBLIC_BASE_URL": ""}):
        api = "https://abc.execute-api.eu-west-1.amazonaws.com/prod/"
        assert tracking_url("t", api) == "https://abc.execute-api.eu-west-1.amazonaws.com/prod/mail/o/t"
        with pytest.raises(ConfigurationError):
            tracking_url("t")


def test_an_open_token_is_claimed_under_its_own_prefix() -> None:
    assert open_ref("xyz") == "open#xyz"

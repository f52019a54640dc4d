"""Open tracking (E5): the pixel's URL and the telling apart of who fetched it."""

from __future__ import annotations

import pytest
from stack_environment import environment

from commcenter.data.message_refs import open_ref
from commcenter.domain.email_opens import classify_open
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


SENT_AT = "2026-03-02T10:00:00.000Z"
LATER = "2026-03-02T11:30:00.000Z"

GMAIL = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
YAHOO = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"
OUTLOOK = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)"
OUTLOOK_OLD = "Mozilla/4.0 (compatible; ms-office; MSOffice 16)"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
APPLE_MAIL = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
CUBOT_PHONE = "Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile"


@pytest.mark.parametrize(
    ("agent", "kind"),
    [
        (GMAIL, "proxy"),
        (YAHOO, "prefetch"),
        ("Mozilla/5.0", "prefetch"),  # Apple Mail Privacy Protection
        (OUTLOOK, "open"),
        (OUTLOOK_OLD, "open"),
        (CHROME, "open"),
        (APPLE_MAIL, "open"),
        (CUBOT_PHONE, "open"),
        ("curl/8.5.0", "prefetch"),
        ("python-requests/2.32.3", "prefetch"),
        ("Go-http-client/1.1", "prefetch"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "prefetch"),
        ("Barracuda Sentinel (EE)", "prefetch"),
        ("", "prefetch"),
        (None, "prefetch"),
    ],
)
def test_each_fetch_is_told_apart_by_who_made_it(agent: str | None, kind: str) -> None:
    assert classify_open(agent, at=LATER, sent_at=SENT_AT).kind == kind


def test_the_labels_say_in_plain_words_what_fetched_it() -> None:
    assert classify_open(GMAIL, at=LATER, sent_at=SENT_AT).label == "Opened in Gmail (through Google's image proxy)"
    apple = classify_open("Mozilla/5.0", at=LATER, sent_at=SENT_AT)
    assert apple.label == "Apple Mail fetched it (Mail Privacy Protection: not necessarily opened)"
    assert apple.at == LATER


def test_a_fetch_seconds_after_the_send_is_a_prefetch_whatever_it_claims_to_be() -> None:
    soon = "2026-03-02T10:00:03.000Z"
    assert classify_open(CHROME, at=soon, sent_at=SENT_AT).kind == "prefetch"
    assert classify_open(GMAIL, at=soon, sent_at=SENT_AT).kind == "prefetch"
    assert classify_open(CHROME, at="2026-03-02T10:00:11.000Z", sent_at=SENT_AT).kind == "open"
    assert classify_open(CHROME, at=soon, sent_at=None).kind == "open"  # no send time known: nothing to go by

"""Connecting a mailbox with OAuth: what is asked of each provider, and what is refused before
anything is stored (no table, no network)."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from stack_environment import environment

from commcenter.channels import oauth_client
from commcenter.domain.reps import Rep
from commcenter.errors import ValidationError
from commcenter.services import mailbox_oauth

REP = Rep(id="rep-oauth-unit", name="Olive", email="olive@northwind.example")
CONFIGURED = {
    "GOOGLE_OAUTH_CLIENT_ID": "google-client.apps.example",
    "MICROSOFT_OAUTH_CLIENT_ID": "00000000-aaaa-bbbb-cccc-000000000000",
    "MAIL_OAUTH_BASE_URL": "",
    "MICROSOFT_OAUTH_TENANT": "",
    "DASHBOARD_ORIGIN": "https://dashboard.example",
}


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def test_the_pkce_challenge_is_rfc_7636s() -> None:
    # RFC 7636, Appendix B.
    assert mailbox_oauth.code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_google_is_asked_for_mail_a_refresh_token_and_the_address() -> None:
    with environment(CONFIGURED):
        url = oauth_client.authorize_url(
            "google", state="s" * 43, code_challenge="c" * 43, redirect_uri="https://d.example/back", login_hint="a@b.c"
        )
    assert url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    query = _query(url)
    assert set(query["scope"].split()) == {"https://mail.google.com/", "openid", "email"}
    # Without offline access Google gives no refresh token; without consent, none on a reconnect.
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == "c" * 43
    assert query["response_type"] == "code"
    assert query["client_id"] == "google-client.apps.example"
    assert query["login_hint"] == "a@b.c"
    assert oauth_client.endpoints("google").token_url == "https://oauth2.googleapis.com/token"


def test_microsoft_is_asked_for_imap_smtp_and_offline_access_in_its_tenant() -> None:
    with environment({**CONFIGURED, "MICROSOFT_OAUTH_TENANT": "contoso.onmicrosoft.com"}):
        url = oauth_client.authorize_url(
            "microsoft", state="s" * 43, code_challenge="c" * 43, redirect_uri="https://d.example/b", login_hint=None
        )
        token_url = oauth_client.endpoints("microsoft").token_url
    assert url.startswith("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?")
    assert token_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    query = _query(url)
    assert set(query["scope"].split()) == {
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
        "openid",
        "email",
    }
    assert "login_hint" not in query
    with environment(CONFIGURED):
        assert oauth_client.endpoints("microsoft").authorize_url.startswith("https://login.microsoftonline.com/common/")


def test_locally_both_providers_are_the_stand_ins() -> None:
    with environment({**CONFIGURED, "MAIL_OAUTH_BASE_URL": "http://127.0.0.1:9/"}):
        assert oauth_client.endpoints("google").token_url == "http://127.0.0.1:9/google/token"
        assert oauth_client.endpoints("microsoft").authorize_url == "http://127.0.0.1:9/microsoft/authorize"


def test_each_provider_has_its_servers() -> None:
    google_imap, google_smtp = mailbox_oauth.PROVIDER_SERVERS["google"]
    assert (google_imap.host, google_imap.port, google_imap.tls) == ("imap.gmail.com", 993, "tls")
    assert (google_smtp.host, google_smtp.port, google_smtp.tls) == ("smtp.gmail.com", 465, "tls")
    ms_imap, ms_smtp = mailbox_oauth.PROVIDER_SERVERS["microsoft"]
    assert (ms_imap.host, ms_imap.port, ms_imap.tls) == ("outlook.office365.com", 993, "tls")
    assert (ms_smtp.host, ms_smtp.port, ms_smtp.tls) == ("smtp.office365.com", 587, "starttls")


def test_only_configured_providers_are_offered() -> None:
    with environment({**CONFIGURED, "MICROSOFT_OAUTH_CLIENT_ID": ""}):
        assert mailbox_oauth.available_providers() == ["google"]
        with pytest.raises(ValidationError) as refused:
            mailbox_oauth.start(REP, "microsoft", "https://dashboard.example/settings/mailbox/connected")
    assert refused.value.fields == {"provider": "not set up"}


@pytest.mark.parametrize(
    ("provider", "redirect_uri", "field"),
    [
        ("yahoo", "https://dashboard.example/settings/mailbox/connected", "provider"),
        ("", "https://dashboard.example/settings/mailbox/connected", "provider"),
        # The code is worth the rep's mail: it goes back to the dashboard only.
        ("google", "https://evil.example/settings/mailbox/connected", "redirect_uri"),
        ("google", "https://dashboard.example.evil.example/x", "redirect_uri"),
        ("google", "https://dashboard.example@evil.example/x", "redirect_uri"),
        ("google", "http://dashboard.example/settings/mailbox/connected", "redirect_uri"),
        ("google", "https://dashboard.example/connected#fragment", "redirect_uri"),
        ("google", "javascript:alert(1)", "redirect_uri"),
        ("google", "/settings/mailbox/connected", "redirect_uri"),
        ("google", "https://dashboard.example/" + "x" * 2000, "redirect_uri"),
    ],
)
def test_a_bad_start_is_a_400_naming_the_field(provider: str, redirect_uri: str, field: str) -> None:
    with environment(CONFIGURED), pytest.raises(ValidationError) as refused:
        mailbox_oauth.start(REP, provider, redirect_uri)
    assert list(refused.value.fields) == [field]


def test_http_is_for_this_machine_only() -> None:
    with environment({**CONFIGURED, "DASHBOARD_ORIGIN": ""}):
        assert mailbox_oauth._checked_redirect_uri("http://127.0.0.1:3001/x") == "http://127.0.0.1:3001/x"
        assert mailbox_oauth._checked_redirect_uri("https://any.example/x") == "https://any.example/x"
        with pytest.raises(ValidationError):
            mailbox_oauth._checked_redirect_uri("http://any.example/x")


@pytest.mark.parametrize(
    ("state", "code", "field"),
    [
        ("short", "a-code", "state"),
        ("x" * 43 + "'; DROP", "a-code", "state"),
        ("s" * 43, "", "code"),
        ("s" * 43, "c" * 5000, "code"),
    ],
)
def test_a_malformed_answer_is_refused_before_anything_is_read(state: str, code: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        mailbox_oauth.finish(REP, state, code)
    assert list(refused.value.fields) == [field]


@pytest.mark.parametrize(
    ("claims", "address"),
    [
        ({"email": "Olive@Gmail.com"}, "olive@gmail.com"),
        ({"preferred_username": "olive@contoso.example"}, "olive@contoso.example"),
        ({"email": "", "preferred_username": "olive@contoso.example"}, "olive@contoso.example"),
        ({"preferred_username": "not an address"}, None),
        ({}, None),
    ],
)
def test_the_account_address_comes_from_the_id_token(claims: dict[str, str], address: str | None) -> None:
    assert mailbox_oauth._account_address(claims) == address


def test_connecting_costs_the_functions_cold_start_no_http_library() -> None:
    """The API and the mail poll import this service on every cold start; requests (some 50 ms
    of imports) is loaded only when a provider is called."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, commcenter.services.mailbox_oauth; print('requests' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"

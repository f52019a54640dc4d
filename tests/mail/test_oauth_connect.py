"""Connect Google / Connect Microsoft, end to end against the local OAuth stand-in over HTTP: the
sign-in page, the code exchanged with its PKCE verifier, the grant kept in the rep's mailbox
secret (the local stack's Secrets Manager), the mailbox saved as the provider's (DynamoDB Local),
and every way a connection is refused without changing what is stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import msgspec
import pytest
from stack_environment import environment

from commcenter.channels import oauth_client
from commcenter.channels.mail_transport import OAuthLogin, PasswordLogin
from commcenter.channels.oauth_client import OAuthRefused
from commcenter.data import mailbox_secrets, mailboxes
from commcenter.domain.clock import clock_at, utc_now
from commcenter.domain.mailboxes import MailboxSettings, MailError, ServerEndpoint, SyncHealth
from commcenter.domain.reps import Rep
from commcenter.errors import BusyError, ValidationError
from commcenter.services import mailbox_oauth
from commcenter_local.oauth_stand_in import OAuthStandIn
from commcenter_local.stack import LocalStack


@pytest.fixture
def oauth(local_stack: LocalStack) -> Iterator[OAuthStandIn]:
    """The stack connects mailboxes through the local stand-in of Google's and Microsoft's sign-in."""
    with OAuthStandIn() as stand_in, environment(stand_in.environment()):
        yield stand_in


@pytest.fixture
def rep() -> Rep:
    name = uuid.uuid4().hex[:10]
    return Rep(id=f"rep-{name}", name="Olive", email=f"olive-{name}@northwind.example")


@pytest.fixture
def back(local_stack: LocalStack) -> str:
    """The dashboard's page the provider sends the rep back to."""
    return f"{local_stack.dashboard_url}/settings/mailbox/connected"


def _returned(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}


def _oauth_items(rep_id: str) -> list[str]:
    return [item.sk for item in mailboxes.MailboxItem.query(f"mailbox#{rep_id}") if item.sk.startswith("oauth#")]


def test_connect_google(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    started = mailbox_oauth.start(rep, "google", back)
    assert started.authorize_url.startswith(f"{oauth.base_url}/google/authorize?")
    location = oauth.sign_in(started.authorize_url, "Olive.Martin@Gmail.example")
    assert location.startswith(back + "?")
    answer = _returned(location)
    assert answer["state"] == parse_qs(urlparse(started.authorize_url).query)["state"][0]

    settings = mailbox_oauth.finish(rep, answer["state"], answer["code"])

    assert settings.auth == "google"
    assert settings.address == settings.username == "olive.martin@gmail.example"
    assert settings.imap == ServerEndpoint("imap.gmail.com", 993, "tls")
    assert settings.smtp == ServerEndpoint("smtp.gmail.com", 465, "tls")
    assert settings.version == 1
    assert mailboxes.get_settings(rep.id) == settings
    assert rep.id in mailboxes.list_polled()
    secret = mailbox_secrets.get(rep.id)
    assert secret is not None
    assert secret["provider"] == "google"
    assert secret["refresh_token"] in oauth.refresh_tokens
    assert secret["access_token"] in oauth.access_tokens
    assert secret["expires_at"] > utc_now().timestamp() + 3000
    assert "password" not in secret
    assert oauth.token_requests == ["authorization_code"]
    # The connection is finished: its state is gone, and cannot be used again.
    assert _oauth_items(rep.id) == []
    with pytest.raises(ValidationError) as again:
        mailbox_oauth.finish(rep, answer["state"], answer["code"])
    assert again.value.fields == {"state": "unknown or expired"}
    assert mailboxes.get_settings(rep.id) == settings


def test_connect_microsoft_replaces_a_password_mailbox(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    before = mailboxes.save_settings(
        MailboxSettings(
            rep_id=rep.id,
            address="olive@old.example",
            username="olive",
            imap=ServerEndpoint("imap.old.example", 993),
            smtp=ServerEndpoint("smtp.old.example", 587, "starttls"),
            first_sync_days=30,
            created_at="2026-01-02T03:04:05.000Z",
        )
    )
    mailbox_secrets.put(rep.id, {"password": "old password"})
    # The old mailbox's grant had lapsed: the rep was asked to reconnect.
    mailboxes.save_health(
        rep.id,
        SyncHealth(
            messages_synced=12,
            error_kind="reconnect",
            error="The Microsoft account's access was revoked or expired: connect it again",
            error_since="2026-01-03T00:00:00.000Z",
            failures=3,
            retry_at="2999-01-01T00:00:00.000Z",
        ),
    )
    started = mailbox_oauth.start(rep, "microsoft", back)
    query = parse_qs(urlparse(started.authorize_url).query)
    assert query["login_hint"] == [rep.email]
    answer = _returned(oauth.sign_in(started.authorize_url, "olive@contoso.example"))

    settings = mailbox_oauth.finish(rep, answer["state"], answer["code"])

    assert settings.auth == "microsoft"
    assert settings.address == "olive@contoso.example"
    assert settings.imap == ServerEndpoint("outlook.office365.com", 993, "tls")
    assert settings.smtp == ServerEndpoint("smtp.office365.com", 587, "starttls")
    assert settings.first_sync_days == 30  # the rep's window is kept
    assert settings.created_at == before.created_at
    assert settings.version == before.version + 1
    secret = mailbox_secrets.get(rep.id)
    assert secret is not None
    assert secret["provider"] == "microsoft"
    assert "password" not in secret
    health = mailboxes.get_health(rep.id)
    assert health.error_kind is None
    assert health.error is None
    assert health.retry_at is None  # polled at the next run
    assert health.messages_synced == 12


def test_another_reps_connection_is_not_yours(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    started = mailbox_oauth.start(rep, "google", back)
    answer = _returned(oauth.sign_in(started.authorize_url, "olive@gmail.example"))
    other = Rep(id=rep.id + "-other", name="Mallory", email="mallory@northwind.example")

    with pytest.raises(ValidationError) as refused:
        mailbox_oauth.finish(other, answer["state"], answer["code"])

    assert refused.value.fields == {"state": "unknown or expired"}
    assert mailboxes.get_settings(other.id) is None
    assert mailbox_secrets.get(other.id) is None
    # The rep's own connection is still theirs to finish.
    assert mailbox_oauth.finish(rep, answer["state"], answer["code"]).address == "olive@gmail.example"


def test_a_connection_lasts_ten_minutes(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    started = mailbox_oauth.start(rep, "google", back)
    answer = _returned(oauth.sign_in(started.authorize_url, "olive@gmail.example"))

    with clock_at(utc_now() + timedelta(minutes=10, seconds=1)), pytest.raises(ValidationError) as refused:
        mailbox_oauth.finish(rep, answer["state"], answer["code"])

    assert refused.value.fields == {"state": "unknown or expired"}
    assert oauth.token_requests == []  # the code was never sent
    assert mailboxes.get_settings(rep.id) is None
    assert mailbox_secrets.get(rep.id) is None


def test_a_code_the_provider_refuses_changes_nothing(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    mailbox_secrets.put(rep.id, {"password": "kept"})
    started = mailbox_oauth.start(rep, "google", back)
    answer = _returned(oauth.sign_in(started.authorize_url, "olive@gmail.example"))

    with pytest.raises(ValidationError) as refused:
        mailbox_oauth.finish(rep, answer["state"], answer["code"] + "x")

    assert refused.value.fields == {"code": "refused by Google"}
    assert mailboxes.get_settings(rep.id) is None
    assert mailbox_secrets.get(rep.id) == {"password": "kept"}


def test_the_code_is_bound_to_the_verifier(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    """Someone who caught the code and the state cannot redeem them with a connection of their
    own: the code is worth nothing without the verifier kept by this connection."""
    victim = mailbox_oauth.start(rep, "google", back)
    stolen = _returned(oauth.sign_in(victim.authorize_url, "olive@gmail.example"))
    # The attacker's own connection (their state, their verifier) with the victim's code.
    attacker = Rep(id=rep.id + "-attacker", name="Mallory", email="mallory@northwind.example")
    own = _returned(oauth.sign_in(mailbox_oauth.start(attacker, "google", back).authorize_url, "m@gmail.example"))

    with pytest.raises(ValidationError) as refused:
        mailbox_oauth.finish(attacker, own["state"], stolen["code"])

    assert refused.value.fields == {"code": "refused by Google"}
    assert mailbox_secrets.get(attacker.id) is None


def test_refused_by_the_rep_at_the_provider(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    started = mailbox_oauth.start(rep, "google", back)
    answer = _returned(oauth.sign_in(started.authorize_url, "olive@gmail.example", allow=False))
    assert answer["error"] == "access_denied"
    assert "code" not in answer


def test_a_provider_out_of_reach_is_a_503_saying_so(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    started = mailbox_oauth.start(rep, "google", back)
    answer = _returned(oauth.sign_in(started.authorize_url, "olive@gmail.example"))
    oauth.stop()

    with pytest.raises(BusyError) as busy:
        mailbox_oauth.finish(rep, answer["state"], answer["code"])

    assert busy.value.code == "provider_unreachable"
    assert "could not be reached" in busy.value.message
    assert mailboxes.get_settings(rep.id) is None


def test_a_start_off_the_dashboard_stores_nothing(oauth: OAuthStandIn, rep: Rep) -> None:
    with pytest.raises(ValidationError):
        mailbox_oauth.start(rep, "google", "https://evil.example/settings/mailbox/connected")
    assert _oauth_items(rep.id) == []


# ---------------------------------------------------------------- the token endpoint


def _grant(oauth: OAuthStandIn, provider: oauth_client.OAuthProvider, back: str) -> oauth_client.TokenGrant:
    verifier = "v" * 50
    url = oauth_client.authorize_url(
        provider,
        state="s" * 43,
        code_challenge=mailbox_oauth.code_challenge(verifier),
        redirect_uri=back,
        login_hint="",
    )
    code = _returned(oauth.sign_in(url, "olive@gmail.example"))["code"]
    return oauth_client.exchange_code(provider, code=code, code_verifier=verifier, redirect_uri=back)


def test_refresh_and_revocation_as_each_provider_does_them(oauth: OAuthStandIn, back: str) -> None:
    google = _grant(oauth, "google", back)
    assert google.refresh_token is not None
    assert google.id_claims["email"] == "olive@gmail.example"
    refreshed = oauth_client.refresh("google", google.refresh_token)
    assert refreshed.access_token != google.access_token
    assert refreshed.refresh_token is None  # Google keeps the same refresh token

    microsoft = _grant(oauth, "microsoft", back)
    assert microsoft.refresh_token is not None
    rotated = oauth_client.refresh("microsoft", microsoft.refresh_token)
    assert rotated.refresh_token not in (None, microsoft.refresh_token)  # Microsoft hands a new one

    assert oauth_client.revoke("google", google.refresh_token) is True
    with pytest.raises(OAuthRefused) as refused:
        oauth_client.refresh("google", google.refresh_token)
    assert refused.value.error == "invalid_grant"
    assert oauth_client.revoke("microsoft", rotated.access_token) is False  # no such endpoint there


def test_a_wrong_client_secret_is_invalid_client(oauth: OAuthStandIn, back: str) -> None:
    grant = _grant(oauth, "google", back)
    assert grant.refresh_token is not None
    with environment({"GOOGLE_OAUTH_CLIENT_SECRET": "not the secret"}), pytest.raises(OAuthRefused) as refused:
        oauth_client.refresh("google", grant.refresh_token)
    assert refused.value.error == "invalid_client"


def test_a_sign_in_service_out_of_reach_is_a_mail_error(oauth: OAuthStandIn) -> None:
    base = oauth.base_url
    oauth.stop()
    with environment({"MAIL_OAUTH_BASE_URL": base}), pytest.raises(MailError) as error:
        oauth_client.refresh("google", "any")
    assert error.value.kind == "connect"
    assert "Google's sign-in service (127.0.0.1) could not be reached" in error.value.message


def test_settings_struct_round_trips(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    """What finish returns is what the API shows: plain values, no secret."""
    started = mailbox_oauth.start(rep, "google", back)
    answer = _returned(oauth.sign_in(started.authorize_url, "olive@gmail.example"))
    settings = mailbox_oauth.finish(rep, answer["state"], answer["code"])
    shown = msgspec.to_builtins(settings)
    assert "token" not in str(shown)


# ---------------------------------------------------------------- logging in: login_for


def _connected(oauth: OAuthStandIn, rep: Rep, back: str, provider: str, email: str) -> MailboxSettings:
    started = mailbox_oauth.start(rep, provider, back)
    answer = _returned(oauth.sign_in(started.authorize_url, email))
    return mailbox_oauth.finish(rep, answer["state"], answer["code"])


def _stored(rep: Rep) -> dict[str, Any]:
    secret = mailbox_secrets.get(rep.id, fresh=True)
    assert secret is not None
    return secret


def test_a_password_mailbox_logs_in_with_its_password(local_stack: LocalStack, rep: Rep) -> None:
    settings = MailboxSettings(
        rep_id=rep.id,
        address="olive@example.org",
        username="olive",
        imap=ServerEndpoint("imap.example.org", 993),
        smtp=ServerEndpoint("smtp.example.org", 465),
    )
    with pytest.raises(MailError) as missing:
        mailbox_oauth.login_for(settings)
    assert missing.value.kind == "login"
    mailbox_secrets.put(rep.id, {"password": "app password"})
    assert mailbox_oauth.login_for(settings) == PasswordLogin(username="olive", password="app password")


def test_the_access_token_is_used_until_a_minute_before_it_expires(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    settings = _connected(oauth, rep, back, "google", "olive@gmail.example")
    first = _stored(rep)

    assert mailbox_oauth.login_for(settings) == OAuthLogin("olive@gmail.example", first["access_token"])
    with clock_at(utc_now() + timedelta(minutes=58)):
        assert mailbox_oauth.login_for(settings) == OAuthLogin("olive@gmail.example", first["access_token"])
    assert oauth.token_requests == ["authorization_code"]  # no refresh yet

    with clock_at(utc_now() + timedelta(minutes=59, seconds=30)):
        login = mailbox_oauth.login_for(settings)
        again = mailbox_oauth.login_for(settings)  # the refreshed token is stored: no second refresh

    assert isinstance(login, OAuthLogin)
    assert login.access_token != first["access_token"]
    assert again == login
    assert oauth.token_requests == ["authorization_code", "refresh_token"]
    stored = _stored(rep)
    assert stored["access_token"] == login.access_token
    assert stored["refresh_token"] == first["refresh_token"]  # Google keeps it
    assert stored["expires_at"] > first["expires_at"]


def test_microsofts_new_refresh_token_is_kept(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    settings = _connected(oauth, rep, back, "microsoft", "olive@contoso.example")
    first = _stored(rep)
    oauth.expire_access_tokens()
    with clock_at(utc_now() + timedelta(hours=1)):
        login = mailbox_oauth.login_for(settings)
    stored = _stored(rep)
    assert login == OAuthLogin("olive@contoso.example", stored["access_token"])
    assert stored["refresh_token"] != first["refresh_token"]
    assert oauth.refresh_tokens[stored["refresh_token"]].email == "olive@contoso.example"


def test_a_revoked_grant_asks_the_rep_to_reconnect(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    settings = _connected(oauth, rep, back, "google", "olive@gmail.example")
    before = _stored(rep)
    oauth.revoke_account("olive@gmail.example")

    with clock_at(utc_now() + timedelta(hours=1)), pytest.raises(MailError) as error:
        mailbox_oauth.login_for(settings)

    assert error.value.kind == "reconnect"
    assert error.value.user_must_act
    assert error.value.message == "The Google account's access was revoked or expired: connect it again"
    assert _stored(rep) == before  # nothing written over


def test_a_grant_replaced_by_another_process_is_read_again(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    """A warm poll holds a copy of the secret for minutes; the rep reconnected meanwhile through
    the API (another process), and the old grant is revoked: the poll reads the secret again
    instead of asking the rep to reconnect once more."""
    _connected(oauth, rep, back, "google", "olive@gmail.example")
    old = _stored(rep)
    oauth.revoke_account("olive@gmail.example")
    # The other process's reconnection, written straight to Secrets Manager: this process's
    # cached copy still holds the revoked grant.
    verifier = "w" * 50
    url = oauth_client.authorize_url(
        "google",
        state="t" * 43,
        code_challenge=mailbox_oauth.code_challenge(verifier),
        redirect_uri=back,
        login_hint="",
    )
    code = _returned(oauth.sign_in(url, "olive@gmail.example"))["code"]
    grant = oauth_client.exchange_code("google", code=code, code_verifier=verifier, redirect_uri=back)
    mailbox_secrets._client().put_secret_value(
        SecretId=mailbox_secrets.secret_name(rep.id),
        SecretString=json.dumps({**old, "refresh_token": grant.refresh_token, "expires_at": 0}),
    )
    assert mailbox_secrets.get(rep.id) == old  # the stale copy this process holds

    with clock_at(utc_now() + timedelta(hours=1)):  # the copy's access token has expired
        login = mailbox_oauth.login_for(mailboxes.get_settings(rep.id))  # type: ignore[arg-type]

    assert isinstance(login, OAuthLogin)
    assert oauth._active(login.access_token) is not None
    assert _stored(rep)["refresh_token"] == grant.refresh_token


def test_an_oauth_mailbox_without_its_grant_asks_to_reconnect(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    settings = _connected(oauth, rep, back, "microsoft", "olive@contoso.example")
    mailbox_secrets.put(rep.id, {"password": "not a grant"})
    with pytest.raises(MailError) as error:
        mailbox_oauth.login_for(settings)
    assert error.value.kind == "reconnect"
    assert error.value.message == "The Microsoft account is not connected: connect it again"


def test_a_sign_in_service_out_of_reach_is_tried_again_later(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    settings = _connected(oauth, rep, back, "google", "olive@gmail.example")
    before = _stored(rep)
    oauth.stop()
    with clock_at(utc_now() + timedelta(hours=1)), pytest.raises(MailError) as error:
        mailbox_oauth.login_for(settings)
    assert error.value.kind == "connect"
    assert not error.value.user_must_act
    assert _stored(rep) == before


def test_a_login_the_server_refused_renews_the_token(oauth: OAuthStandIn, rep: Rep, back: str) -> None:
    """The rep revoked the access: the stored token, not yet expired, is refused by the mail
    server; asked to renew it, the refresh finds the grant revoked and asks the rep to reconnect."""
    settings = _connected(oauth, rep, back, "google", "olive@gmail.example")
    stored = _stored(rep)
    renewed = mailbox_oauth.login_for(settings, renew=True)
    assert renewed != OAuthLogin("olive@gmail.example", stored["access_token"])
    assert oauth.token_requests == ["authorization_code", "refresh_token"]

    oauth.revoke_account("olive@gmail.example")
    with pytest.raises(MailError) as error:
        mailbox_oauth.login_for(settings, renew=True)
    assert error.value.kind == "reconnect"

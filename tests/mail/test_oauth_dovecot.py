"""A mailbox connected with OAuth, logged in to a real mail server: the rep connects through the
local OAuth stand-in, the refresh token lands in the rep's secret, and the IMAP login is XOAUTH2
with the access token `login_for` gives, checked by Dovecot's `oauth2` passdb at the stand-in's
introspection endpoint. Then the rep revokes the access: the server refuses the token, and the
next `login_for` asks the rep to reconnect."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import msgspec
import pytest
from stack_environment import environment

from commcenter.channels import smtp_submission
from commcenter.channels.imap_mailbox import ImapMailbox
from commcenter.channels.mail_transport import OAuthLogin, PasswordLogin
from commcenter.data import mailbox_secrets
from commcenter.domain.clock import clock_at, utc_now
from commcenter.domain.mailboxes import MailboxSettings, MailError
from commcenter.domain.reps import Rep
from commcenter.services import mailbox_connection, mailbox_oauth
from commcenter_local.mail_server import LocalDovecot, LocalMailCA, LocalSmtp
from commcenter_local.oauth_stand_in import OAuthStandIn
from commcenter_local.stack import LocalStack


@pytest.fixture(scope="module")
def oauth_server() -> Iterator[OAuthStandIn]:
    with OAuthStandIn() as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def oauth_dovecot(mail_ca: LocalMailCA, oauth_server: OAuthStandIn) -> Iterator[LocalDovecot]:
    """A Dovecot that takes XOAUTH2 logins, their token checked at the stand-in."""
    with LocalDovecot(mail_ca, oauth_introspection_url=oauth_server.introspection_url) as server:
        yield server


@pytest.fixture(scope="module")
def oauth_smtp(mail_ca: LocalMailCA, oauth_server: OAuthStandIn, oauth_dovecot: LocalDovecot) -> Iterator[LocalSmtp]:
    """An SMTP server that takes XOAUTH2 logins, their token checked at the stand-in."""
    with LocalSmtp(mail_ca, oauth_dovecot.users, oauth_introspection_url=oauth_server.introspection_url) as server:
        yield server


@pytest.fixture
def connect(local_stack: LocalStack, oauth_server: OAuthStandIn, oauth_dovecot: LocalDovecot) -> Iterator[None]:
    with environment(oauth_server.environment()):
        yield


def _account(dovecot: LocalDovecot) -> str:
    """A Google account whose mailbox is on the local Dovecot (it has a password too, which
    the tooling uses to make its folders; the rep never gives it)."""
    address = f"olive-{uuid.uuid4().hex[:8]}@gmail.example"
    return dovecot.add_user(address, secrets.token_urlsafe(12))


def _connected(stack: LocalStack, oauth_server: OAuthStandIn, provider: str, address: str) -> MailboxSettings:
    rep = Rep(id=f"rep-{uuid.uuid4().hex[:10]}", name="Olive", email="olive@northwind.example")
    started = mailbox_oauth.start(rep, provider, f"{stack.dashboard_url}/settings/mailbox/connected")
    location = oauth_server.sign_in(started.authorize_url, address)
    answer = {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}
    return mailbox_oauth.finish(rep, answer["state"], answer["code"])


def _on_local_dovecot(settings: MailboxSettings, dovecot: LocalDovecot, tls: str = "tls") -> MailboxSettings:
    """The same mailbox, its IMAP server the local Dovecot instead of Google's."""
    return msgspec.structs.replace(settings, imap=dovecot.endpoint("tls" if tls == "tls" else "starttls"))


@pytest.mark.usefixtures("connect")
@pytest.mark.parametrize("tls", ["tls", "starttls"])
def test_connect_then_log_in_with_xoauth2_then_revoke(
    local_stack: LocalStack, oauth_server: OAuthStandIn, oauth_dovecot: LocalDovecot, tls: str
) -> None:
    address = _account(oauth_dovecot)
    settings = _connected(local_stack, oauth_server, "google", address)
    secret = mailbox_secrets.get(settings.rep_id, fresh=True)
    assert secret is not None
    assert secret["refresh_token"] in oauth_server.refresh_tokens
    mailbox = _on_local_dovecot(settings, oauth_dovecot, tls)

    login = mailbox_oauth.login_for(mailbox)
    assert login == OAuthLogin(address, secret["access_token"])
    with ImapMailbox(mailbox.imap, login) as imap:
        assert imap.folders() == {"inbox": "INBOX", "sent": "Sent"}
        assert imap.status("INBOX").messages == 0
    assert f"user=<{address}>, method=XOAUTH2" in oauth_dovecot.log()

    # An hour later: a new access token, refreshed by login_for, also logs in.
    with clock_at(utc_now() + timedelta(hours=1)):
        later = mailbox_oauth.login_for(mailbox)
    assert later != login
    with ImapMailbox(mailbox.imap, later) as imap:
        assert imap.status("Sent").messages == 0

    # The rep removes commcenter's access in their Google account.
    oauth_server.revoke_account(address)
    with pytest.raises(MailError) as refused, ImapMailbox(mailbox.imap, later):
        pass
    assert refused.value.kind == "reconnect"
    assert address in refused.value.message
    with clock_at(utc_now() + timedelta(hours=2)), pytest.raises(MailError) as revoked:
        mailbox_oauth.login_for(mailbox)
    assert revoked.value.kind == "reconnect"
    assert revoked.value.message == "The Google account's access was revoked or expired: connect it again"
    with pytest.raises(MailError) as renewed:
        mailbox_oauth.login_for(mailbox, renew=True)
    assert renewed.value.kind == "reconnect"


@pytest.mark.usefixtures("connect")
def test_a_token_logs_in_its_own_account_only(
    local_stack: LocalStack, oauth_server: OAuthStandIn, oauth_dovecot: LocalDovecot
) -> None:
    mine, other = _account(oauth_dovecot), _account(oauth_dovecot)
    settings = _on_local_dovecot(_connected(local_stack, oauth_server, "microsoft", mine), oauth_dovecot)
    login = mailbox_oauth.login_for(settings)
    assert isinstance(login, OAuthLogin)

    with pytest.raises(MailError) as refused, ImapMailbox(settings.imap, OAuthLogin(other, login.access_token)):
        pass
    assert refused.value.kind == "reconnect"
    with ImapMailbox(settings.imap, login) as imap:
        assert imap.folders()["inbox"] == "INBOX"


@pytest.mark.usefixtures("connect")
@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_smtp_logs_in_with_xoauth2_until_the_access_is_revoked(
    local_stack: LocalStack, oauth_server: OAuthStandIn, oauth_dovecot: LocalDovecot, oauth_smtp: LocalSmtp, tls: str
) -> None:
    address = _account(oauth_dovecot)
    settings = _connected(local_stack, oauth_server, "microsoft", address)
    endpoint = oauth_smtp.endpoint("tls" if tls == "tls" else "starttls")
    login = mailbox_oauth.login_for(settings)

    smtp_submission.check_login(endpoint, login)

    oauth_server.revoke_account(address)
    with pytest.raises(MailError) as refused:
        smtp_submission.check_login(endpoint, login)
    assert refused.value.kind == "reconnect"
    assert address in refused.value.message
    # A password is still a password: a wrong one is the rep's typing, not a lost grant.
    with pytest.raises(MailError) as wrong:
        smtp_submission.check_login(endpoint, PasswordLogin(address, "not the password"))
    assert wrong.value.kind == "login"


@pytest.mark.usefixtures("connect")
def test_test_connection_of_a_connected_account(
    local_stack: LocalStack, oauth_server: OAuthStandIn, oauth_dovecot: LocalDovecot, oauth_smtp: LocalSmtp
) -> None:
    """What "Test connection" tells a rep whose Google account is connected: every step works
    with the one login `login_for` gives; once the access is revoked, IMAP and SMTP both say to
    connect the account again."""
    address = _account(oauth_dovecot)
    connected = _connected(local_stack, oauth_server, "google", address)
    settings = msgspec.structs.replace(connected, imap=oauth_dovecot.endpoint("tls"), smtp=oauth_smtp.endpoint("tls"))

    report = mailbox_connection.test_connection(settings, mailbox_oauth.login_for(settings))
    assert report.ok, report
    assert [step.step for step in report.steps] == ["imap", "sent_folder", "smtp"]

    login = mailbox_oauth.login_for(settings)
    oauth_server.revoke_account(address)
    report = mailbox_connection.test_connection(settings, login)
    assert not report.ok
    assert {step.step: step.kind for step in report.steps} == {"imap": "reconnect", "smtp": "reconnect"}


@pytest.mark.usefixtures("connect")
def test_the_poll_syncs_an_account_mailbox_renewing_a_refused_token_and_asks_to_reconnect_once_revoked(
    local_stack: LocalStack, oauth_server: OAuthStandIn, oauth_dovecot: LocalDovecot
) -> None:
    import time

    from commcenter.data import mailboxes as mailboxes_data
    from commcenter.data import reps as reps_data
    from commcenter.services import mail_poll

    address = _account(oauth_dovecot)
    connected = _connected(local_stack, oauth_server, "google", address)
    rep = Rep(id=connected.rep_id, name="Olive", email=f"olive-{uuid.uuid4().hex[:8]}@northwind.example")
    reps_data.create(rep)
    mailboxes_data.save_settings(_on_local_dovecot(mailboxes_data.get_settings(rep.id) or connected, oauth_dovecot))
    oauth_dovecot.append(
        address, "INBOX", b"From: ann@client.test\r\nTo: " + address.encode() + b"\r\nSubject: Hello\r\n\r\nHi\r\n"
    )
    # The stored access token still looks valid, but the server no longer takes it.
    oauth_server.expire_access_tokens()

    assert mail_poll.poll_mailbox(rep.id, deadline=time.monotonic() + 60, force=True).messages == 1

    oauth_server.revoke_account(address)
    oauth_server.expire_access_tokens()
    oauth_dovecot.append(address, "INBOX", b"From: ann@client.test\r\nSubject: Later\r\n\r\nHi\r\n")
    assert mail_poll.poll_mailbox(rep.id, deadline=time.monotonic() + 60, force=True).outcome == "failed"
    health = mailboxes_data.get_health(rep.id)
    assert health.needs_reconnect and health.error and "connect" in health.error.lower()

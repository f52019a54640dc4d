"""Test connection against the real local Dovecot and SMTP server: the SMTP login on its own,
then the three steps of the report a rep reads in Settings."""

from __future__ import annotations

import json
from collections.abc import Iterator

import msgspec
import pytest
from aiosmtpd.controller import Controller
from conftest import MailUser, NewMailUser

from commcenter.channels import smtp_submission
from commcenter.channels.imap_mailbox import PasswordLogin
from commcenter.domain.mailboxes import MailboxSettings, MailError, ServerEndpoint
from commcenter.services import mailbox_connection
from commcenter_local.mail_server import LocalDovecot, LocalMailCA, LocalSmtp, free_port


def settings_for(user: MailUser, imap: ServerEndpoint, smtp: ServerEndpoint) -> MailboxSettings:
    return MailboxSettings(rep_id="rep-1", address=user.address, username=user.name, imap=imap, smtp=smtp)


class _Accept:
    async def handle_DATA(self, server, session, envelope) -> str:
        return "250 OK"


class _AcceptWithoutLogin(_Accept):
    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        session.host_name = hostname
        return [line for line in responses if "AUTH" not in line]


@pytest.fixture
def smtp_without_starttls() -> Iterator[ServerEndpoint]:
    """An SMTP server in clear that offers no STARTTLS (and so no login)."""
    controller = Controller(_Accept(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield ServerEndpoint(host="127.0.0.1", port=controller.port, tls="starttls")
    controller.stop()


@pytest.fixture
def smtp_without_login(mail_ca: LocalMailCA) -> Iterator[ServerEndpoint]:
    """An SMTP server with STARTTLS that takes no login (a relay, not a submission server)."""
    controller = Controller(
        _AcceptWithoutLogin(),
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=mail_ca.server_context(),
        require_starttls=True,
    )
    controller.start()
    yield ServerEndpoint(host="127.0.0.1", port=controller.port, tls="starttls")
    controller.stop()


# --- the SMTP login ---------------------------------------------------------------------------


@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_the_smtp_login_works_over_starttls_and_tls(smtp_server: LocalSmtp, mail_user: MailUser, tls: str) -> None:
    smtp_submission.check_login(smtp_server.endpoint(tls), mail_user.login, timeout=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_a_wrong_smtp_password_is_a_login_error_with_what_the_server_said(
    smtp_server: LocalSmtp, mail_user: MailUser, tls: str
) -> None:
    with pytest.raises(MailError) as failure:
        smtp_submission.check_login(
            smtp_server.endpoint(tls),  # type: ignore[arg-type]
            PasswordLogin(mail_user.name, "not-the-password"),
            timeout=5,
        )
    assert failure.value.kind == "login"
    assert failure.value.message.startswith("The server refused the user name or password (it said: 535 ")


def test_an_smtp_server_no_trusted_authority_signed_is_a_tls_error(dovecot: LocalDovecot, mail_user: MailUser) -> None:
    other_ca = LocalMailCA(name="an authority nobody here trusts")
    try:
        with LocalSmtp(other_ca, dovecot.users) as untrusted:
            for tls in ("tls", "starttls"):
                with pytest.raises(MailError) as failure:
                    smtp_submission.check_login(untrusted.endpoint(tls), mail_user.login, timeout=5)
                assert failure.value.kind == "tls"
                assert failure.value.message.startswith("The certificate of 127.0.0.1 could not be verified")
    finally:
        other_ca.remove()


def test_smtp_failures_to_reach_the_server_in_plain_words(smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    cases = {
        ServerEndpoint(host="smtp.commcenter.invalid", port=587, tls="starttls"): (
            "dns",
            "The server name smtp.commcenter.invalid does not resolve: check its spelling",
        ),
        ServerEndpoint(host="127.0.0.1", port=(closed := free_port()), tls="starttls"): (
            "connect",
            f"127.0.0.1 refuses connections on port {closed}: check the port",
        ),
    }
    for endpoint, (kind, words) in cases.items():
        with pytest.raises(MailError) as failure:
            smtp_submission.check_login(endpoint, mail_user.login, timeout=5)
        assert (failure.value.kind, failure.value.message) == (kind, words)


def test_the_wrong_security_setting_for_the_port_is_named(smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    tls_on_submission = ServerEndpoint(host="127.0.0.1", port=smtp_server.endpoint("starttls").port, tls="tls")
    with pytest.raises(MailError) as failure:
        smtp_submission.check_login(tls_on_submission, mail_user.login, timeout=5)
    assert failure.value.kind == "tls"
    assert "check the port and the security setting (TLS or STARTTLS)" in failure.value.message

    # The SMTPS port waits for TLS and never greets in clear: smtplib calls that a disconnection.
    starttls_on_smtps = ServerEndpoint(host="127.0.0.1", port=smtp_server.endpoint("tls").port, tls="starttls")
    with pytest.raises(MailError) as failure:
        smtp_submission.check_login(starttls_on_smtps, mail_user.login, timeout=0.5)
    assert failure.value.kind == "timeout"
    assert failure.value.message.startswith(
        f"127.0.0.1 port {starttls_on_smtps.port} did not answer within 0.5 seconds"
    )


def test_a_server_without_starttls_or_without_a_login_is_named(
    smtp_without_starttls: ServerEndpoint, smtp_without_login: ServerEndpoint, mail_user: MailUser
) -> None:
    with pytest.raises(MailError) as failure:
        smtp_submission.check_login(smtp_without_starttls, mail_user.login, timeout=5)
    assert failure.value.kind == "tls"
    assert "does not offer STARTTLS" in failure.value.message
    with pytest.raises(MailError) as failure:
        smtp_submission.check_login(smtp_without_login, mail_user.login, timeout=5)
    assert failure.value.kind == "protocol"
    assert "does not take a login for sending" in failure.value.message


# --- the report -------------------------------------------------------------------------------


def test_settings_that_work_pass_every_step(dovecot: LocalDovecot, smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    settings = settings_for(mail_user, dovecot.endpoint("tls"), smtp_server.endpoint("starttls"))

    report = mailbox_connection.test_connection(settings, mail_user.login, timeout=5)

    imap_port, smtp_port = dovecot.endpoint("tls").port, smtp_server.endpoint("starttls").port
    assert json.loads(msgspec.json.encode(report)) == {
        "ok": True,
        "steps": [
            {"step": "imap", "ok": True, "message": f"Signed in to 127.0.0.1 (port {imap_port}, TLS)", "kind": None},
            {
                "step": "sent_folder",
                "ok": True,
                "message": "Found the Sent folder (Sent): mail sent from your own mail client is captured too",
                "kind": None,
            },
            {
                "step": "smtp",
                "ok": True,
                "message": f"Signed in to 127.0.0.1 for sending (port {smtp_port}, STARTTLS)",
                "kind": None,
            },
        ],
    }


def test_a_wrong_password_fails_imap_and_smtp_and_skips_the_sent_folder(
    dovecot: LocalDovecot, smtp_server: LocalSmtp, mail_user: MailUser
) -> None:
    settings = settings_for(mail_user, dovecot.endpoint("starttls"), smtp_server.endpoint("tls"))

    report = mailbox_connection.test_connection(settings, PasswordLogin(mail_user.name, "wrong"), timeout=5)

    assert not report.ok
    assert [(step.step, step.ok, step.kind) for step in report.steps] == [
        ("imap", False, "login"),
        ("smtp", False, "login"),
    ]
    assert all(step.message.startswith("The server refused the user name or password") for step in report.steps)


def test_smtp_is_tried_even_when_imap_cannot_be_reached(smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    settings = settings_for(
        mail_user, ServerEndpoint(host="imap.commcenter.invalid", port=993), smtp_server.endpoint("tls")
    )

    report = mailbox_connection.test_connection(settings, mail_user.login, timeout=5)

    assert [(step.step, step.ok, step.kind) for step in report.steps] == [("imap", False, "dns"), ("smtp", True, None)]
    assert report.steps[0].message == "The server name imap.commcenter.invalid does not resolve: check its spelling"


def test_a_mailbox_without_a_sent_folder_says_so(
    dovecot: LocalDovecot, smtp_server: LocalSmtp, new_mail_user: NewMailUser
) -> None:
    user = new_mail_user(folders=("Archive",))
    settings = settings_for(user, dovecot.endpoint("tls"), smtp_server.endpoint("starttls"))

    report = mailbox_connection.test_connection(settings, user.login, timeout=5)

    assert not report.ok
    assert [(step.step, step.ok, step.kind) for step in report.steps] == [
        ("imap", True, None),
        ("sent_folder", False, "no_sent_folder"),
        ("smtp", True, None),
    ]
    assert report.steps[1].message.startswith("No Sent folder was found")

"""The local mail servers themselves: the SMTP server's ports, logins and what it keeps; both
servers started together for the local stack; Dovecot's files of its own."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import MailUser

from commcenter_local.mail_server import LocalDovecot, LocalMailCA, LocalMailServers, LocalSmtp


def a_message(sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "helene@acme.example"
    message["Subject"] = "Proposition"
    message.set_content("Bonjour Hélène")
    return message


def test_submission_takes_mail_after_starttls_and_a_login(
    smtp_server: LocalSmtp, mail_ca: LocalMailCA, mail_user: MailUser
) -> None:
    endpoint = smtp_server.endpoint("starttls")
    with smtplib.SMTP(endpoint.host, endpoint.port, timeout=5) as client:
        client.starttls(context=mail_ca.client_context())
        client.login(mail_user.name, mail_user.password)
        client.send_message(a_message(mail_user.address))
    [received] = [mail for mail in smtp_server.received if mail.login == mail_user.name]
    assert (received.mail_from, received.rcpt_tos, received.port) == (
        mail_user.address,
        ("helene@acme.example",),
        endpoint.port,
    )
    assert b"Subject: Proposition" in received.content


def test_smtps_takes_mail_over_tls_from_the_first_byte(
    smtp_server: LocalSmtp, mail_ca: LocalMailCA, mail_user: MailUser
) -> None:
    endpoint = smtp_server.endpoint("tls")
    with smtplib.SMTP_SSL(endpoint.host, endpoint.port, context=mail_ca.client_context(), timeout=5) as client:
        client.login(mail_user.name, mail_user.password)
        client.send_message(a_message(mail_user.address))
    assert [mail.port for mail in smtp_server.received if mail.login == mail_user.name] == [endpoint.port]


def test_submission_refuses_a_login_before_starttls_and_a_wrong_password(
    smtp_server: LocalSmtp, mail_ca: LocalMailCA, mail_user: MailUser
) -> None:
    endpoint = smtp_server.endpoint("starttls")
    with smtplib.SMTP(endpoint.host, endpoint.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("auth")  # no AUTH offered in clear
        with pytest.raises(smtplib.SMTPException):
            client.login(mail_user.name, mail_user.password)
    with smtplib.SMTP(endpoint.host, endpoint.port, timeout=5) as client:
        client.starttls(context=mail_ca.client_context())
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login(mail_user.name, "not-the-password")


def test_the_servers_certificate_verifies_for_127_0_0_1_and_localhost_only_with_the_local_ca(
    smtp_server: LocalSmtp, mail_ca: LocalMailCA
) -> None:
    port = smtp_server.endpoint("tls").port
    for host in ("127.0.0.1", "localhost"):
        with smtplib.SMTP_SSL(host, port, context=mail_ca.client_context(), timeout=5) as client:
            assert client.noop()[0] == 250
    with pytest.raises(ssl.SSLCertVerificationError):
        smtplib.SMTP_SSL("127.0.0.1", port, context=ssl.create_default_context(), timeout=5)


def test_the_local_stacks_mail_servers_share_their_users_and_leave_nothing_behind() -> None:
    servers = LocalMailServers()
    endpoints = servers.start()
    try:
        assert servers.dovecot is not None and servers.smtp is not None and servers.ca is not None
        folders = servers.dovecot.directory
        servers.add_user("bruno@northwind.example", "app-password")
        with servers.dovecot.session("bruno@northwind.example") as imap:
            assert [name for _flags, _sep, name in imap.list_folders()] == ["Trash", "Drafts", "Sent", "INBOX"]
        context = ssl.create_default_context(cafile=str(endpoints.ca_file))
        with smtplib.SMTP(endpoints.smtp_starttls.host, endpoints.smtp_starttls.port, timeout=5) as smtp:
            smtp.starttls(context=context)
            smtp.login("bruno@northwind.example", "app-password")
        assert (endpoints.imap_tls.tls, endpoints.imap_starttls.tls) == ("tls", "starttls")
        assert (endpoints.smtp_tls.tls, endpoints.smtp_starttls.tls) == ("tls", "starttls")
    finally:
        servers.stop()
    assert not folders.exists() and not Path(endpoints.ca_file).exists()


def test_dovecot_keeps_to_its_own_folder_and_the_loopback(dovecot: LocalDovecot) -> None:
    config = dovecot.config_file.read_text()
    assert "listen = 127.0.0.1\n" in config
    assert "!include" not in config and "/etc/dovecot" not in config
    assert f"base_dir = {dovecot.directory}/run" in config

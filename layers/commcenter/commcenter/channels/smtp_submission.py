"""A rep's outgoing mail server (SMTP submission, smtplib): the only module that speaks SMTP.

A session connects with TLS from the first byte (SMTPS, usually port 465) or says STARTTLS
before anything else (submission, usually 587), verifies the certificate as the IMAP side does
(`mail_transport`), and logs in (AUTH with the password, or XOAUTH2 with an access token).
Whatever goes wrong becomes a `MailError` in plain words.

Sending (`send`) goes through its phases one by one (MAIL, RCPT for each recipient, DATA), so
that a failure says whether the message may have left: only a failure after its end was
transmitted and before the server answered (`outcome_unknown`) leaves that open; anything
before it means nothing was sent.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from commcenter.channels.mail_transport import (
    MailLogin,
    OAuthLogin,
    connection_error,
    server_words,
    tls_context,
)
from commcenter.domain.mailboxes import MailError, ServerEndpoint

# What this side calls itself in EHLO: a name of its own, without a DNS lookup of the host name.
EHLO_NAME = "commcenter.localdomain"


def check_login(endpoint: ServerEndpoint, login: MailLogin, *, timeout: float = 20.0) -> None:
    """Connects, sets up TLS and logs in, then says goodbye; a MailError (dns, connect, timeout,
    tls, login, protocol) otherwise."""
    with _session(endpoint, login, timeout=timeout):
        pass


@dataclass(frozen=True, slots=True)
class SmtpResult:
    """The server accepted the message; `refused`: the recipients it refused (address -> its words)."""

    refused: dict[str, str]


class SmtpRefused(MailError):
    """The server refused the message (its sender, every recipient, or the message itself): nothing
    was sent. `refused`: the recipients it refused, with its words."""

    def __init__(self, message: str, refused: dict[str, str] | None = None) -> None:
        super().__init__("protocol", message)
        self.refused = refused or {}


def send(
    endpoint: ServerEndpoint,
    login: MailLogin,
    envelope_from: str,
    recipients: Sequence[str],
    message: bytes,
    *,
    timeout: float = 30.0,
) -> SmtpResult:
    """Submit `message` (CRLF line endings) to `recipients`. `SmtpRefused` when the server
    refused it; a `MailError` otherwise, with `outcome_unknown` set when the server may have
    sent it (no answer after the message's end)."""
    with _session(endpoint, login, timeout=timeout) as client:
        try:
            refused = _envelope(client, endpoint, envelope_from, recipients)
        except MailError:
            raise
        except (smtplib.SMTPException, OSError, EOFError) as error:
            raise _mail_error(error, endpoint, timeout=timeout) from None
        _data(client, endpoint, message, timeout=timeout)
    return SmtpResult(refused=refused)


def _envelope(client: smtplib.SMTP, endpoint: ServerEndpoint, sender: str, recipients: Sequence[str]) -> dict[str, str]:
    """MAIL, then RCPT for each recipient: the refused ones (all refused: `SmtpRefused`)."""
    code, said = client.mail(sender)
    if code != 250:
        raise SmtpRefused(f"The server {endpoint.host} refused the sender {sender}: {code} {server_words(said)}")
    refused: dict[str, str] = {}
    for recipient in recipients:
        code, said = client.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = f"{code} {server_words(said)}"
    if len(refused) == len(recipients):
        words = "; ".join(f"{address}: {why}" for address, why in refused.items())
        raise SmtpRefused(f"The server {endpoint.host} refused every recipient ({words})", refused)
    return refused


def _data(client: smtplib.SMTP, endpoint: ServerEndpoint, message: bytes, *, timeout: float) -> None:
    """DATA, the message, its end, and the server's answer to it."""
    try:
        code, said = client.docmd("DATA")
        if code != 354:
            raise SmtpRefused(f"The server {endpoint.host} refused the message: {code} {server_words(said)}")
        client.send(_stuffed(message))
    except MailError:
        raise
    except (smtplib.SMTPException, OSError, EOFError) as error:
        raise _mail_error(error, endpoint, timeout=timeout) from None
    # The message's end is out: from here on, a failure leaves open whether it was sent.
    try:
        code, said = client.getreply()
    except (smtplib.SMTPException, OSError, EOFError) as error:
        cause = _mail_error(error, endpoint, timeout=timeout)
        raise MailError(
            cause.kind,
            f"The server {endpoint.host} did not confirm the message after receiving it ({cause.message}): "
            "it may have been sent",
            outcome_unknown=True,
        ) from None
    if code != 250:
        raise SmtpRefused(f"The server {endpoint.host} refused the message: {code} {server_words(said)}")


_LINE_START_DOT = re.compile(rb"^\.", re.MULTILINE)


def _stuffed(message: bytes) -> bytes:
    """The message as DATA carries it: CRLF lines, a leading dot doubled, then the end (CRLF . CRLF)."""
    lines = re.sub(rb"\r?\n|\r", b"\r\n", message)
    if not lines.endswith(b"\r\n"):
        lines += b"\r\n"
    return _LINE_START_DOT.sub(b"..", lines) + b".\r\n"


@contextmanager
def _session(endpoint: ServerEndpoint, login: MailLogin, *, timeout: float) -> Iterator[smtplib.SMTP]:
    """An SMTP connection over TLS, logged in, closed on exit."""
    client: smtplib.SMTP | None = None
    try:
        if endpoint.tls == "tls":
            client = smtplib.SMTP_SSL(
                endpoint.host, endpoint.port, local_hostname=EHLO_NAME, timeout=timeout, context=tls_context()
            )
        else:
            client = smtplib.SMTP(endpoint.host, endpoint.port, local_hostname=EHLO_NAME, timeout=timeout)
            _starttls(client, endpoint)
        _login(client, endpoint, login)
    except MailError:
        _close(client)
        raise
    except (smtplib.SMTPException, OSError, EOFError) as error:
        _close(client)
        raise _mail_error(error, endpoint, timeout=timeout) from None
    try:
        yield client
    finally:
        _close(client)


def _starttls(client: smtplib.SMTP, endpoint: ServerEndpoint) -> None:
    client.ehlo()
    if not client.has_extn("starttls"):
        raise MailError(
            "tls",
            f"{endpoint.host} port {endpoint.port} does not offer STARTTLS: "
            "choose TLS, or the port that offers STARTTLS (usually 587)",
        )
    client.starttls(context=tls_context())
    client.ehlo()


def _login(client: smtplib.SMTP, endpoint: ServerEndpoint, login: MailLogin) -> None:
    client.ehlo_or_helo_if_needed()
    if not client.has_extn("auth"):
        raise MailError(
            "protocol",
            f"{endpoint.host} port {endpoint.port} does not take a login for sending: "
            "check the port (usually 587 with STARTTLS, or 465 with TLS)",
        )
    if isinstance(login, OAuthLogin):
        token = f"user={login.username}\x01auth=Bearer {login.access_token}\x01\x01"
        # The first answer carries the token; to a challenge (the server's error details) the
        # answer is empty, and the server then says 535.
        try:
            client.auth("XOAUTH2", lambda challenge=None: token if challenge is None else "")
        except smtplib.SMTPAuthenticationError as error:
            # The grant behind the token was revoked, or the account may not send by SMTP:
            # only the rep (or the account's administrator) can act.
            raise MailError(
                "reconnect",
                f"The server refused the access of the account {login.username} "
                f"(it said: {error.smtp_code} {server_words(error.smtp_error)}): connect it again",
            ) from None
    else:
        client.login(login.username, login.password)


def _mail_error(error: BaseException, endpoint: ServerEndpoint, *, timeout: float) -> MailError:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        said = server_words(error.smtp_error)
        return MailError(
            "login",
            f"The server refused the user name or password (it said: {error.smtp_code} {said})",
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib reports a read that timed out or failed as a disconnection: say what it was.
        cause = error.__context__
        if isinstance(cause, OSError):
            found = connection_error(cause, endpoint, timeout=timeout)
            if found is not None:
                return found
        return MailError("connect", f"{endpoint.host} port {endpoint.port} closed the connection unexpectedly")
    if isinstance(error, smtplib.SMTPResponseException):
        return MailError(
            "protocol",
            f"The server {endpoint.host} refused a request: {error.smtp_code} {server_words(error.smtp_error)}",
        )
    if isinstance(error, smtplib.SMTPException):
        return MailError("protocol", f"The server {endpoint.host} could not be used for sending: {server_words(error)}")
    return connection_error(error, endpoint, timeout=timeout) or MailError(
        "connect", f"{endpoint.host} port {endpoint.port} cannot be reached ({server_words(error)})"
    )


def _close(client: smtplib.SMTP | None) -> None:
    """QUIT, or at least the socket closed; never raises."""
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError, EOFError):
        with suppress(OSError):
            client.close()

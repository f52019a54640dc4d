"""A rep's outgoing mail server (SMTP submission, smtplib): the only module that speaks SMTP.

A session connects with TLS from the first byte (SMTPS, usually port 465) or says STARTTLS
before anything else (submission, usually 587), verifies the certificate as the IMAP side does
(`mail_transport`), and logs in (AUTH with the password, or XOAUTH2 with an access token).
Whatever goes wrong becomes a `MailError` in plain words. Sending arrives with the sending slice.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress

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

"""What the IMAP and SMTP adapters share: the TLS they connect with, the logins they present, and
their connection failures told in plain words.

Certificates are always verified against the system's CAs, plus, locally, the CA of the local
mail server (`MAIL_CA_FILE`); there is no setting that turns verification off.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from functools import cache

from commcenter.domain.mailboxes import MailError, MailErrorKind, ServerEndpoint
from commcenter.settings import get_settings


@dataclass(frozen=True, slots=True)
class PasswordLogin:
    username: str
    password: str  # a password or an app password


@dataclass(frozen=True, slots=True)
class OAuthLogin:
    username: str
    access_token: str  # an OAuth 2.0 access token (XOAUTH2)


MailLogin = PasswordLogin | OAuthLogin

# OpenSSL's verification results that have words of their own.
_X509_CERT_NOT_YET_VALID = 9
_X509_CERT_HAS_EXPIRED = 10
_X509_HOSTNAME_MISMATCH = 62


def tls_context() -> ssl.SSLContext:
    """A client context that verifies the server's certificate and name (TLS 1.2 at least).
    Made once per process and CA file: loading the system's CAs costs milliseconds a poll need not pay."""
    return _tls_context(get_settings().mail_ca_file)


@cache
def _tls_context(extra_ca_file: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if extra_ca_file:
        context.load_verify_locations(cafile=extra_ca_file)
    return context


def connection_error(error: BaseException, endpoint: ServerEndpoint, *, timeout: float) -> MailError | None:
    """The plain words for a failure to reach `endpoint` (name, network, TLS, time), or None when
    `error` is not one of those."""
    host, port = endpoint.host, endpoint.port
    kind: MailErrorKind
    if isinstance(error, socket.gaierror):
        kind, words = "dns", f"The server name {host} does not resolve: check its spelling"
    elif isinstance(error, ssl.SSLCertVerificationError):
        kind, words = "tls", certificate_words(error, host)
    elif isinstance(error, ssl.SSLError):
        kind, words = (
            "tls",
            (
                f"A secure (TLS) connection with {host} port {port} could not be set up "
                f"({error.reason or error.strerror or error}): "
                "check the port and the security setting (TLS or STARTTLS)"
            ),
        )
    elif isinstance(error, TimeoutError):
        kind, words = (
            "timeout",
            (
                f"{host} port {port} did not answer within {timeout:g} seconds: "
                "check the port and the security setting (TLS or STARTTLS), or try again later"
            ),
        )
    elif isinstance(error, ConnectionRefusedError):
        kind, words = "connect", f"{host} refuses connections on port {port}: check the port"
    elif isinstance(error, ConnectionError | EOFError):
        kind, words = "connect", f"{host} port {port} closed the connection unexpectedly"
    elif isinstance(error, OSError):
        kind, words = "connect", f"{host} port {port} cannot be reached ({error.strerror or error})"
    else:
        return None
    return MailError(kind, words)


def certificate_words(error: ssl.SSLCertVerificationError, host: str) -> str:
    code = error.verify_code
    if code == _X509_HOSTNAME_MISMATCH:
        return f"The certificate of {host} is made out to another name: check the server name"
    if code == _X509_CERT_HAS_EXPIRED:
        return f"The certificate of {host} has expired"
    if code == _X509_CERT_NOT_YET_VALID:
        return f"The certificate of {host} is not valid yet (check this computer's clock)"
    return (
        f"The certificate of {host} could not be verified (self-signed or from an unknown authority: "
        f"{error.verify_message})"
    )


def server_words(text: object, limit: int = 200) -> str:
    """What a server said, as readable text of a bounded length."""
    if isinstance(text, BaseException) and text.args:
        text = text.args[0]
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    words = " ".join(str(text).split())
    # imaplib's errors carry the server's bytes, which imapclient turns into their repr (b'...').
    if len(words) >= 3 and words[0] == "b" and words[1] in "'\"" and words[-1] == words[1]:
        words = words[2:-1]
    return words if len(words) <= limit else words[: limit - 1] + "…"

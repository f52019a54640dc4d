"""A rep's mailbox as the dashboard sets and reads it: what a form sends, what it is shown (pure).

The secret never travels back: a rep sends a password (or connects an OAuth account) and reads
only `secret_stored`. A change that would hand the stored secret to another server (a new IMAP
or SMTP host) needs the password typed again.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

import msgspec

from commcenter.domain.handles import normalize_email
from commcenter.domain.mailboxes import (
    DEFAULT_FIRST_SYNC_DAYS,
    MAX_FIRST_SYNC_DAYS,
    USER_MUST_ACT,
    AuthKind,
    FirstSyncProgress,
    MailboxSettings,
    MailErrorKind,
    ServerEndpoint,
    SyncHealth,
)
from commcenter.errors import ValidationError

# The accounts a mailbox may be connected with instead of a password (OAuth 2.0).
OAuthProviderName = Literal["google", "microsoft"]

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_HOST = 253
MAX_USERNAME = 320  # an address at its longest
MAX_PASSWORD = 1024
# NUL separates the parts of SMTP's AUTH PLAIN; CR and LF end an IMAP or SMTP command. No password
# holds them, and one that did would be read as something else by the server.
_NOT_IN_SECRETS = ("\x00", "\r", "\n")


class MailboxInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The mailbox settings form: everything each time, the password only when it changes
    (absent: the stored one is kept), and the `version` the settings were read at (0: none yet)."""

    address: str
    username: str
    imap: ServerEndpoint
    smtp: ServerEndpoint
    password: str | None = None
    first_sync_days: int | None = None  # absent: as stored, else 90
    version: int = 0


class MailboxDetails(msgspec.Struct, kw_only=True):
    """A connected mailbox as the rep sees it: how it is reached, never its secret."""

    address: str
    username: str
    auth: AuthKind
    imap: ServerEndpoint
    smtp: ServerEndpoint
    first_sync_days: int
    version: int


class SyncHealthView(msgspec.Struct, kw_only=True):
    """Where the mailbox's sync stands: the last success, what was synced, the current error in
    plain words (`error_kind` "reconnect": the OAuth account must be connected again), when the
    poll tries again (`retry_at`, null: at its next run, within a minute), a first sync's progress."""

    last_success_at: str | None = None
    last_attempt_at: str | None = None
    messages_synced: int = 0
    error_kind: MailErrorKind | None = None
    error: str | None = None
    error_since: str | None = None
    user_must_act: bool = False
    retry_at: str | None = None
    first_sync: FirstSyncProgress | None = None


class MailboxView(msgspec.Struct, kw_only=True):
    """The signed-in rep's mailbox: connected or not, how, whether a secret is stored, its sync,
    and the accounts this installation can connect it with (`connect_with`: "Connect Google")."""

    connected: bool
    mailbox: MailboxDetails | None
    secret_stored: bool
    health: SyncHealthView
    connect_with: list[OAuthProviderName] = []


@dataclass(frozen=True, slots=True)
class CleanMailbox:
    """A form that passed every check, normalised (host names lower-cased, the address's domain
    in ASCII)."""

    address: str
    username: str
    imap: ServerEndpoint
    smtp: ServerEndpoint
    password: str | None
    first_sync_days: int | None


def clean_host(raw: str) -> str:
    """A server's name as connections take it: lower-cased, without a final dot, its labels in
    ASCII (IDNA), or an IP address. Raises ValidationError saying what is wrong."""
    text = raw.strip().lower().rstrip(".")
    if not text:
        raise ValidationError("a server name is needed")
    if "/" in text:
        raise ValidationError("only the server's name, such as imap.example.com, without imaps:// or a path")
    try:
        return str(ipaddress.ip_address(text.removeprefix("[").removesuffix("]")))
    except ValueError:
        pass
    if ":" in text:
        raise ValidationError("only the server's name here: the port goes in its own field")
    try:
        ascii_name = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError("not a server name: use one such as imap.example.com") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > MAX_HOST or not all(_HOST_LABEL.match(label) for label in labels):
        raise ValidationError("not a server name: use one such as imap.example.com")
    if labels[-1].isdigit():  # 10.0.0.300: an address that is not one, never a name
        raise ValidationError("not a server name nor an IP address")
    return ascii_name


def _clean_endpoint(endpoint: ServerEndpoint, where: str, problems: dict[str, str]) -> ServerEndpoint:
    host = endpoint.host
    try:
        host = clean_host(endpoint.host)
    except ValidationError as error:
        problems[f"{where}.host"] = error.message
    if not 1 <= endpoint.port <= 65535:
        problems[f"{where}.port"] = "a port is a number from 1 to 65535"
    return ServerEndpoint(host=host, port=endpoint.port, tls=endpoint.tls)


def clean_mailbox_input(form: MailboxInput) -> CleanMailbox:
    """The form's values normalised; a ValidationError naming every wrong field at once."""
    problems: dict[str, str] = {}
    address = form.address
    try:
        address = normalize_email(form.address)
    except ValidationError:
        problems["address"] = "not an email address, such as you@example.com"
    username = form.username.strip()
    if not username:
        problems["username"] = "a user name is needed (often the address itself)"
    elif len(username) > MAX_USERNAME or not username.isprintable():
        problems["username"] = f"at most {MAX_USERNAME} characters, on one line"
    imap = _clean_endpoint(form.imap, "imap", problems)
    smtp = _clean_endpoint(form.smtp, "smtp", problems)
    if form.password is not None:
        if not form.password:
            problems["password"] = "the password is empty (leave it out to keep the stored one)"  # noqa: S105 (words)
        elif len(form.password) > MAX_PASSWORD or any(c in form.password for c in _NOT_IN_SECRETS):
            problems["password"] = f"at most {MAX_PASSWORD:,} characters, on one line"
    days = form.first_sync_days
    if days is not None and not 1 <= days <= MAX_FIRST_SYNC_DAYS:
        problems["first_sync_days"] = f"from 1 to {MAX_FIRST_SYNC_DAYS:,} days"
    if form.version < 0:
        problems["version"] = "the version the settings were read at (0: none yet)"
    if problems:
        raise ValidationError("the mailbox settings were not saved: " + ", ".join(problems), problems)
    return CleanMailbox(address, username, imap, smtp, form.password, days)


def hands_secret_elsewhere(stored: MailboxSettings, wanted: CleanMailbox) -> bool:
    """Whether `wanted` would send the stored secret to a server it was not given for, or an
    account's grant (Google, Microsoft) to log in as another user."""
    moved = stored.imap.host != wanted.imap.host or stored.smtp.host != wanted.smtp.host
    return moved or (stored.auth != "password" and stored.username != wanted.username)


def is_another_mailbox(stored: MailboxSettings, wanted: CleanMailbox) -> bool:
    """Whether `wanted` names another mailbox than the one synced so far (another server or user):
    its folders' checkpoints mean nothing there, so its sync starts again."""
    return stored.imap.host != wanted.imap.host or stored.username != wanted.username


def first_sync_days(stored: MailboxSettings | None, wanted: CleanMailbox) -> int:
    if wanted.first_sync_days is not None:
        return wanted.first_sync_days
    return stored.first_sync_days if stored is not None else DEFAULT_FIRST_SYNC_DAYS


def health_view(health: SyncHealth) -> SyncHealthView:
    return SyncHealthView(
        last_success_at=health.last_success_at,
        last_attempt_at=health.last_attempt_at,
        messages_synced=health.messages_synced,
        error_kind=health.error_kind,
        error=health.error,
        error_since=health.error_since,
        user_must_act=health.error_kind in USER_MUST_ACT,
        retry_at=health.retry_at,
        first_sync=health.first_sync,
    )


def mailbox_view(
    settings: MailboxSettings | None,
    health: SyncHealth,
    *,
    secret_stored: bool,
    connect_with: list[OAuthProviderName] | None = None,
) -> MailboxView:
    offered = list(connect_with or [])
    if settings is None:
        return MailboxView(
            connected=False, mailbox=None, secret_stored=False, health=SyncHealthView(), connect_with=offered
        )
    details = MailboxDetails(
        address=settings.address,
        username=settings.username,
        auth=settings.auth,
        imap=settings.imap,
        smtp=settings.smtp,
        first_sync_days=settings.first_sync_days,
        version=settings.version,
    )
    return MailboxView(
        connected=True,
        mailbox=details,
        secret_stored=secret_stored,
        health=health_view(health),
        connect_with=offered,
    )

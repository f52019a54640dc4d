"""A rep's mailbox: how it is reached, where its sync stands, and how a failed sync waits (pure values).

A rep connects one mailbox (BRIEF: every rep has one). Its secret (a password or an OAuth
refresh token) is never part of these values: it lives in Secrets Manager
(`commcenter.data.mailbox_secrets`), and the API shows only whether one is stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import msgspec

from commcenter.domain.clock import parse_iso, to_iso

# `tls`: TLS from the first byte (IMAPS 993, SMTPS 465); `starttls`: plain, then STARTTLS before
# anything else (IMAP 143, submission 587). There is no "none": credentials never travel in clear.
TlsMode = Literal["tls", "starttls"]
# `password`: a password or an app password; `google` / `microsoft`: an OAuth 2.0 grant, logged in
# with XOAUTH2 (Google and Microsoft 365 no longer accept passwords for IMAP).
AuthKind = Literal["password", "google", "microsoft"]
FolderRole = Literal["inbox", "sent"]
FOLDER_ROLES: tuple[FolderRole, ...] = ("inbox", "sent")

# What went wrong, in words a rep can act on. `login` and `reconnect` wait for the rep (a wrong
# password, a revoked grant); the others are retried with a growing pause.
MailErrorKind = Literal[
    "dns",  # the server's name does not resolve
    "connect",  # refused or unreachable
    "timeout",  # no answer in time
    "tls",  # the certificate does not verify, or TLS failed
    "login",  # the server refused the user name and password
    "reconnect",  # the OAuth grant was revoked or expired: the rep must connect again
    "no_sent_folder",  # no folder marked \Sent nor named as Sent usually is
    "protocol",  # the server answered something IMAP/SMTP does not allow
]
USER_MUST_ACT: frozenset[str] = frozenset({"login", "reconnect"})

DEFAULT_FIRST_SYNC_DAYS = 90
MAX_FIRST_SYNC_DAYS = 3650


class ServerEndpoint(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    host: str
    port: int
    tls: TlsMode = "tls"


class MailboxSettings(msgspec.Struct, frozen=True, kw_only=True):
    """A rep's mailbox as stored (no secret in it)."""

    rep_id: str
    address: str  # the rep's own address, lower-cased (From of what the rep sends)
    username: str
    auth: AuthKind = "password"
    imap: ServerEndpoint
    smtp: ServerEndpoint
    first_sync_days: int = DEFAULT_FIRST_SYNC_DAYS
    created_at: str = ""
    updated_at: str = ""
    version: int = 0


class FolderCursor(msgspec.Struct, frozen=True, kw_only=True):
    """Where the sync of one folder stands (W3). `highest_uid`: every message up to it is
    written; it only moves after they are. A changed `uidvalidity` restarts the folder from 0
    (Message-IDs keep what was stored from being stored twice)."""

    role: FolderRole
    name: str
    uidvalidity: int
    highest_uid: int = 0
    uidnext: int = 0  # as STATUS last answered: unchanged means no new message
    highest_modseq: int | None = None  # CONDSTORE: unchanged means no flag changed either
    messages: int = 0  # as STATUS last answered
    # The first sync takes mail since this date (the window), then everything after it by UID.
    since: str | None = None


class FirstSyncProgress(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    done: int
    started_at: str
    finished_at: str | None = None


class SyncHealth(msgspec.Struct, frozen=True, kw_only=True):
    """What the dashboard shows of a mailbox's sync, and when the poll may try again."""

    last_success_at: str | None = None
    last_attempt_at: str | None = None
    messages_synced: int = 0
    error_kind: MailErrorKind | None = None
    error: str | None = None  # plain words
    error_since: str | None = None
    failures: int = 0  # in a row
    retry_at: str | None = None  # no poll before this (backoff); None: at the next run
    first_sync: FirstSyncProgress | None = None

    @property
    def needs_reconnect(self) -> bool:
        return self.error_kind == "reconnect"


class MailError(Exception):
    """A mailbox could not be reached or used; `kind` says which part failed, `message` in plain words.

    `outcome_unknown` (sending only): the failure came after the message's end was transmitted and
    before the server answered (a timeout, a dropped connection): the server may have sent it."""

    def __init__(self, kind: MailErrorKind, message: str, *, outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.kind: MailErrorKind = kind
        self.message = message
        self.outcome_unknown = outcome_unknown

    @property
    def user_must_act(self) -> bool:
        return self.kind in USER_MUST_ACT


# A failing mailbox waits 1, 2, 4, ... minutes between polls, at most an hour; one the rep must
# fix (a wrong password) waits an hour straight: trying again cannot help and may lock the account.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


def after_failure(health: SyncHealth, error: MailError, *, at: str) -> SyncHealth:
    """The health after a failed poll at `at`: the error recorded, the next try pushed back."""
    failures = health.failures + 1
    growing = min(BACKOFF_FIRST * (2 ** min(failures - 1, 10)), BACKOFF_MAX)
    wait = BACKOFF_MAX if error.user_must_act else growing
    same_error = health.error_kind == error.kind and health.error_since is not None
    return msgspec.structs.replace(
        health,
        last_attempt_at=at,
        error_kind=error.kind,
        error=error.message,
        error_since=health.error_since if same_error else at,
        failures=failures,
        retry_at=to_iso(parse_iso(at) + wait),
    )


def after_success(health: SyncHealth, *, at: str, synced: int) -> SyncHealth:
    """The health after a poll that reached every folder at `at` and wrote `synced` messages."""
    return msgspec.structs.replace(
        health,
        last_success_at=at,
        last_attempt_at=at,
        messages_synced=health.messages_synced + synced,
        error_kind=None,
        error=None,
        error_since=None,
        failures=0,
        retry_at=None,
    )


def due(health: SyncHealth, *, now: str) -> bool:
    """Whether a poll at `now` may try the mailbox (not inside its backoff)."""
    return health.retry_at is None or health.retry_at <= now

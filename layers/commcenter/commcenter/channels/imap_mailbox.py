"""A rep's mailbox over IMAP (imapclient): the only module that speaks IMAP.

One `ImapMailbox` is one connection: `open()` resolves, connects, sets up TLS (verified; see
`mail_transport`), logs in; then folders, STATUS, SELECT, UID searches, fetches that never set
\\Seen, CONDSTORE flag changes, and \\Seen set or cleared. Whatever goes wrong becomes a
`MailError` whose kind says which part failed and whose message says it in plain words.
"""

from __future__ import annotations

import imaplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any, Self

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, IMAPClientError, LoginError

from commcenter.channels.mail_transport import (
    MailLogin,
    OAuthLogin,
    PasswordLogin,
    connection_error,
    server_words,
    tls_context,
)
from commcenter.domain.mailboxes import FolderRole, MailError, ServerEndpoint

__all__ = [
    "FetchedMessage",
    "FolderStatus",
    "ImapMailbox",
    "MailLogin",
    "OAuthLogin",
    "PasswordLogin",
    "SeenChange",
]

# Where a Sent folder usually is when the server does not mark it \Sent (RFC 6154), in order of
# preference; each is also looked for under INBOX (`INBOX.Sent`, `INBOX/Sent Items`, ...).
SENT_FOLDER_NAMES = ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail")
FETCH_BATCH = 100  # messages per UID FETCH
SEEN_BATCH = 1000  # flags and a Message-ID per message: small
_SEEN = b"\\Seen"
_BODY = b"BODY[]"
_MESSAGE_ID_FIELD = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"


@dataclass(frozen=True, slots=True)
class FolderStatus:
    name: str
    uidvalidity: int
    uidnext: int
    messages: int
    highest_modseq: int | None  # None when the server does not offer CONDSTORE


@dataclass(frozen=True, slots=True)
class FetchedMessage:
    uid: int
    raw: bytes
    seen: bool
    internal_date: datetime | None  # aware, UTC


@dataclass(frozen=True, slots=True)
class SeenChange:
    uid: int
    seen: bool
    # The Message-ID header as sent, without its angle brackets (as `ParsedEmail.message_id`);
    # None when the message has none.
    message_id: str | None


class ImapMailbox:
    """One IMAP connection to a rep's mailbox (a context manager: opened on entry, logged out on exit)."""

    def __init__(self, endpoint: ServerEndpoint, login: MailLogin, *, timeout: float = 20.0) -> None:
        self.endpoint = endpoint
        self.login = login
        self.timeout = timeout
        self._client: Any = None
        self._condstore = False
        self._condstore_enabled = False

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- connecting -------------------------------------------------------------------------

    def open(self) -> None:
        """Connects and logs in; a MailError (dns, connect, timeout, tls, login, protocol) otherwise."""
        with self._errors():
            client = IMAPClient(
                self.endpoint.host,
                self.endpoint.port,
                ssl=self.endpoint.tls == "tls",
                ssl_context=tls_context(),
                timeout=self.timeout,
            )
            self._client = client
            client.normalise_times = False  # INTERNALDATE as sent, with its offset
            if self.endpoint.tls == "starttls":
                self._starttls(client)
            self._login(client)
            # As announced after login (imapclient never keeps what was announced before TLS).
            self._condstore = client.has_capability("CONDSTORE")

    def close(self) -> None:
        """Logs out; never raises (a connection already gone is closed all the same)."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # closing: whatever the state, the socket goes
            with suppress(Exception):
                client.shutdown()

    def _starttls(self, client: Any) -> None:
        try:
            client.starttls(tls_context())
        except CapabilityError:
            raise MailError(
                "tls",
                f"{self.endpoint.host} port {self.endpoint.port} does not offer STARTTLS: "
                "choose TLS, or the port that offers STARTTLS (usually 143)",
            ) from None

    def _login(self, client: Any) -> None:
        try:
            if isinstance(self.login, OAuthLogin):
                client.oauth2_login(self.login.username, self.login.access_token)
            else:
                client.login(self.login.username, self.login.password)
        except LoginError as error:
            said = server_words(error)
            if isinstance(self.login, OAuthLogin):
                # The provider's grant behind the token was revoked, or the account may not use
                # IMAP: either way only the rep (or the account's administrator) can act.
                raise MailError(
                    "reconnect",
                    f"The server refused the access of the account {self.login.username}"
                    + (f" (it said: {said})" if said else "")
                    + ": connect it again",
                ) from None
            raise MailError(
                "login",
                f"The server refused the user name or password (it said: {said})"
                if said
                else "The server refused the user name or password",
            ) from None

    # --- folders ----------------------------------------------------------------------------

    def folders(self) -> dict[FolderRole, str]:
        """INBOX and the Sent folder: the one marked \\Sent (SPECIAL-USE), else the first with a
        usual name; MailError("no_sent_folder") when there is neither."""
        with self._errors():
            listed = [(tuple(flags), name) for flags, _delimiter, name in self._connected().list_folders()]
        inbox = next((name for _flags, name in listed if name.upper() == "INBOX"), "INBOX")
        sent = next((name for flags, name in listed if b"\\Sent" in flags), None) or _sent_by_name(
            [name for _flags, name in listed]
        )
        if sent is None:
            raise MailError(
                "no_sent_folder",
                "No Sent folder was found (none is marked as Sent, none has a usual name such as Sent or "
                "Sent Items): mail sent from your own mail client cannot be captured",
            )
        return {"inbox": inbox, "sent": sent}

    def status(self, folder: str) -> FolderStatus:
        """One STATUS (no SELECT): what tells whether anything changed since the last poll."""
        items = [b"MESSAGES", b"UIDNEXT", b"UIDVALIDITY"] + ([b"HIGHESTMODSEQ"] if self._condstore else [])
        with self._errors(folder):
            answer = self._connected().folder_status(folder, items)
        return _folder_status(folder, answer, messages_key=b"MESSAGES")

    def select(self, folder: str) -> FolderStatus:
        """SELECT (read-write: `set_seen` needs it; fetching never sets \\Seen)."""
        with self._errors(folder):
            client = self._connected()
            self._enable_condstore(client)
            answer = client.select_folder(folder)
            if b"UIDNEXT" not in answer or b"UIDVALIDITY" not in answer:  # optional in some servers' answers
                answer = {**answer, **client.folder_status(folder, [b"UIDNEXT", b"UIDVALIDITY"])}
        return _folder_status(folder, answer, messages_key=b"EXISTS")

    def _enable_condstore(self, client: Any) -> None:
        """ENABLE CONDSTORE where offered, before the session's first SELECT or EXAMINE (the
        command is refused once a folder is selected), so that SELECT answers HIGHESTMODSEQ."""
        if self._condstore and not self._condstore_enabled:
            client.enable("CONDSTORE")
            self._condstore_enabled = True

    # --- messages of the selected folder ----------------------------------------------------

    def uids_since(self, since: date) -> list[int]:
        """The UIDs of the messages that arrived on or after `since` (the first sync's window), ascending."""
        with self._errors():
            found = self._connected().search(["SINCE", since])
        return sorted(int(uid) for uid in found)

    def uids_above(self, uid: int) -> list[int]:
        """The UIDs greater than `uid`, ascending. `UID n+1:*` also matches the last message when
        none is above `n` (the range is read both ways): that one is left out."""
        with self._errors():
            found = self._connected().search(["UID", f"{uid + 1}:*"])
        return sorted(int(found_uid) for found_uid in found if int(found_uid) > uid)

    def fetch(self, uids: Sequence[int], *, batch: int = FETCH_BATCH) -> Iterator[FetchedMessage]:
        """The messages, whole (BODY.PEEK[]: reading them leaves \\Seen as it was), with their flags
        and arrival time, in UID order, `batch` UIDs per round trip. A message expunged meanwhile
        is skipped."""
        ordered = sorted(set(uids))
        for start in range(0, len(ordered), batch):
            chunk = ordered[start : start + batch]
            with self._errors():
                answer = self._connected().fetch(chunk, [b"BODY.PEEK[]", b"FLAGS", b"INTERNALDATE"])
            for uid in chunk:
                data = answer.get(uid)
                if data is None or _BODY not in data:
                    continue
                yield FetchedMessage(
                    uid=uid,
                    raw=bytes(data[_BODY]),
                    seen=_SEEN in data.get(b"FLAGS", ()),
                    internal_date=_utc(data.get(b"INTERNALDATE")),
                )

    def seen_changes(self, since_modseq: int) -> list[SeenChange]:
        """The messages of the selected folder whose flags changed after `since_modseq` (CONDSTORE:
        UID SEARCH MODSEQ, then their FLAGS and Message-ID), each seen or not, in UID order; empty
        without CONDSTORE. Messages that arrived after `since_modseq` are among them too."""
        if not self._condstore:
            return []
        with self._errors():
            client = self._connected()
            client.noop()  # the server brings this session's view up to date before it searches
            changed = sorted(int(uid) for uid in client.search(["MODSEQ", since_modseq + 1]))
        changes: list[SeenChange] = []
        for start in range(0, len(changed), SEEN_BATCH):
            chunk = changed[start : start + SEEN_BATCH]
            with self._errors():
                answer = client.fetch(chunk, [b"FLAGS", b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            changes.extend(
                SeenChange(uid=uid, seen=_SEEN in answer[uid].get(b"FLAGS", ()), message_id=_message_id(answer[uid]))
                for uid in chunk
                if uid in answer
            )
        return changes

    def set_seen(self, uids: Sequence[int], seen: bool) -> None:
        """Sets or clears \\Seen on these messages of the selected folder (read in the dashboard)."""
        if not uids:
            return
        with self._errors():
            client = self._connected()
            if seen:
                client.add_flags(list(uids), [_SEEN], silent=True)
            else:
                client.remove_flags(list(uids), [_SEEN], silent=True)

    # --- putting messages into a folder ------------------------------------------------------

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether a message of `folder` has this Message-ID (its header, as sent, with <>)
        (EXAMINE the folder, then SEARCH HEADER; leaves the folder selected read-only)."""
        with self._errors(folder):
            client = self._connected()
            self._enable_condstore(client)
            client.select_folder(folder, readonly=True)
            return bool(client.search(["HEADER", "Message-ID", message_id]))

    def append(self, folder: str, raw: bytes, *, seen: bool = True) -> None:
        """Put the message `raw` into `folder` (APPEND), read (\\Seen) unless `seen` is False."""
        with self._errors(folder):
            self._connected().append(folder, raw, flags=[_SEEN] if seen else [])

    # --- errors -----------------------------------------------------------------------------

    def _connected(self) -> Any:
        if self._client is None:
            raise MailError("protocol", "The mailbox is not connected")
        return self._client

    @contextmanager
    def _errors(self, folder: str | None = None) -> Iterator[None]:
        """Every failure of imapclient, the network or TLS, as a MailError in plain words."""
        try:
            yield
        except MailError:
            raise
        except imaplib.IMAP4.abort as error:
            raise MailError(
                "connect", f"The connection to {self.endpoint.host} was lost ({server_words(error)})"
            ) from None
        except (IMAPClientError, imaplib.IMAP4.error) as error:
            where = f" about the folder {folder}" if folder else ""
            raise MailError(
                "protocol", f"The server {self.endpoint.host} refused a request{where}: {server_words(error)}"
            ) from None
        except (OSError, EOFError) as error:
            mail_error = connection_error(error, self.endpoint, timeout=self.timeout)
            if mail_error is None:
                raise
            raise mail_error from None


def _sent_by_name(names: list[str]) -> str | None:
    by_lower = {name.lower(): name for name in names}
    for usual in SENT_FOLDER_NAMES:
        for candidate in (usual, f"INBOX.{usual}", f"INBOX/{usual}"):
            found = by_lower.get(candidate.lower())
            if found is not None:
                return found
    return None


def _folder_status(folder: str, answer: dict[bytes, Any], *, messages_key: bytes) -> FolderStatus:
    try:
        modseq = answer.get(b"HIGHESTMODSEQ")
        return FolderStatus(
            name=folder,
            uidvalidity=int(answer[b"UIDVALIDITY"]),
            uidnext=int(answer[b"UIDNEXT"]),
            messages=int(answer.get(messages_key, 0)),
            highest_modseq=int(modseq) if modseq is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        raise MailError(
            "protocol", f"The server did not say where the folder {folder} stands (UIDVALIDITY, UIDNEXT)"
        ) from None


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _message_id(data: dict[bytes, Any]) -> str | None:
    header = data.get(_MESSAGE_ID_FIELD)
    if not isinstance(header, bytes):
        return None
    found = BytesHeaderParser(policy=compat32).parsebytes(header).get("Message-ID")
    if found is None:
        return None
    value = " ".join(str(found).split()).removeprefix("<").removesuffix(">").strip()
    return value or None

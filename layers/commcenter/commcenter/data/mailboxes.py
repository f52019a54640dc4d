"""The Mailboxes table (W3): each rep's mailbox settings, sync health, folder cursors, poll lease.

Every item of a mailbox sits under `pk` = `mailbox#{rep_id}`, so one Query reads all a poll
needs. `sk`:
- `settings`: how the mailbox is reached (`MailboxSettings`, no secret); carries `poll_pk`, so
  the sparse GSI `polled` lists every connected mailbox for the poll's fan-out;
- `health`: `SyncHealth` (last success, messages synced, current error, backoff, first sync);
- `folder#{role}`: the `FolderCursor` of INBOX / Sent; `uidvalidity` and `highest_uid` are top
  level, so that a checkpoint only ever moves forward (conditional write);
- `lease`: `owner` (a token of the poll holding it) and `expires_at` (epoch seconds, the table's
  TTL attribute): one poll per mailbox at a time, and a crashed poll's lease lapses by itself;
- `oauth#{state}`: an OAuth connection under way (the PKCE verifier), expiring in minutes;
- `flag#{folder}#{uidvalidity}#{uid}`: read or unread set in the dashboard for a message of the
  mailbox (`body.seen`), waiting for the next poll to set it on the server, then deleted;
- `copy#{key}`: an email sent from the dashboard (its dedupe key) whose copy the next poll puts
  into the Sent folder by IMAP (`body`: its Message-ID and the bucket key of its raw message),
  then deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from commcenter.data.base import is_conditional_failure, table_meta
from commcenter.domain.mailboxes import FolderCursor, FolderRole, MailboxSettings, SyncHealth
from commcenter.errors import ConflictError

POLLED = "mailboxes"  # the one key of the `polled` index: at most one item per rep, written rarely


class Polled(GlobalSecondaryIndex["MailboxItem"]):
    class Meta:
        index_name = "polled"
        projection = KeysOnlyProjection()

    poll_pk = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class MailboxItem(Model):
    Meta = table_meta("mailboxes")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    poll_pk = UnicodeAttribute(null=True)
    body = MapAttribute[str, Any](null=True)
    version = NumberAttribute(null=True)
    uidvalidity = NumberAttribute(null=True)
    highest_uid = NumberAttribute(null=True)
    owner = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)

    polled = Polled()


@dataclass(frozen=True, slots=True)
class Lease:
    owner: str
    expires_at: int


@dataclass(frozen=True, slots=True)
class PendingFlag:
    """Read or unread, as the rep set it in the dashboard, for the message `uid` of a folder
    (`folder`: its role, inbox or sent) under `uidvalidity`."""

    folder: str
    uidvalidity: int
    uid: int
    seen: bool


@dataclass(frozen=True, slots=True)
class SentCopy:
    """An email sent from the dashboard whose copy belongs in the mailbox's Sent folder: `key`
    its dedupe key, `message_id` its Message-ID header, `raw_key` the bucket key of the message
    as it is kept (without the open pixel)."""

    key: str
    message_id: str
    raw_key: str


@dataclass(frozen=True, slots=True)
class MailboxState:
    """Everything stored of one mailbox, read with one Query."""

    settings: MailboxSettings | None
    health: SyncHealth
    cursors: dict[FolderRole, FolderCursor] = field(default_factory=dict)
    lease: Lease | None = None
    flags: list[PendingFlag] = field(default_factory=list)
    sent_copies: list[SentCopy] = field(default_factory=list)


def _pk(rep_id: str) -> str:
    return f"mailbox#{rep_id}"


def _rep_id(pk: str) -> str:
    return pk.removeprefix("mailbox#")


def _stored(value: msgspec.Struct) -> dict[str, Any]:
    """A struct as a map DynamoDB takes: fields that are None are left out."""
    stored: dict[str, Any] = _without_none(msgspec.to_builtins(value))
    return stored


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def _body(item: MailboxItem) -> dict[str, Any]:
    body: dict[str, Any] = item.body.as_dict() if isinstance(item.body, MapAttribute) else dict(item.body or {})
    return body


# ---------------------------------------------------------------- settings


def get_settings(rep_id: str) -> MailboxSettings | None:
    try:
        item = MailboxItem.get(_pk(rep_id), "settings", consistent_read=True)
    except MailboxItem.DoesNotExist:
        return None
    return _settings_of(item)


def _settings_of(item: MailboxItem) -> MailboxSettings:
    return msgspec.convert({**_body(item), "version": int(item.version or 0)}, MailboxSettings)


def save_settings(settings: MailboxSettings) -> MailboxSettings:
    """Store `settings` as the rep's mailbox, conditional on the version it was read at
    (`settings.version`; 0: none stored yet). A stale change is a ConflictError."""
    stored = msgspec.structs.replace(settings, version=settings.version + 1)
    body = _stored(stored)
    body.pop("version")
    item = MailboxItem(_pk(settings.rep_id), "settings", poll_pk=POLLED, body=body, version=stored.version)
    fresh = settings.version == 0
    condition = MailboxItem.pk.does_not_exist() if fresh else MailboxItem.version == settings.version
    try:
        item.save(condition=condition)
    except PutError as error:
        if is_conditional_failure(error):
            raise ConflictError("the mailbox settings were changed meanwhile: reload them") from None
        raise
    return stored


def list_polled() -> list[str]:
    """The rep id of every connected mailbox (Query GSI `polled`, paged through)."""
    return [_rep_id(item.pk) for item in MailboxItem.polled.query(POLLED)]


def delete_mailbox(rep_id: str) -> None:
    """Forget the mailbox: settings, health, cursors, leases (what was synced stays)."""
    for item in MailboxItem.query(_pk(rep_id), consistent_read=True):
        item.delete()


# ---------------------------------------------------------------- state, health, cursors


def load(rep_id: str) -> MailboxState:
    """Settings, health, cursors, lease and pending work of the mailbox: one Query (strongly consistent)."""
    settings: MailboxSettings | None = None
    health = SyncHealth()
    cursors: dict[FolderRole, FolderCursor] = {}
    lease: Lease | None = None
    flags: list[PendingFlag] = []
    sent_copies: list[SentCopy] = []
    for item in MailboxItem.query(_pk(rep_id), consistent_read=True):
        if item.sk == "settings":
            settings = _settings_of(item)
        elif item.sk == "health":
            health = msgspec.convert(_body(item), SyncHealth)
        elif item.sk.startswith("folder#"):
            cursor = _cursor_of(item)
            cursors[cursor.role] = cursor
        elif item.sk == "lease" and item.owner is not None:
            lease = Lease(owner=item.owner, expires_at=int(item.expires_at or 0))
        elif item.sk.startswith("flag#"):
            flags.append(_flag_of(item))
        elif item.sk.startswith("copy#"):
            sent_copies.append(_sent_copy_of(item))
    return MailboxState(
        settings=settings, health=health, cursors=cursors, lease=lease, flags=flags, sent_copies=sent_copies
    )


def get_health(rep_id: str) -> SyncHealth:
    try:
        item = MailboxItem.get(_pk(rep_id), "health", consistent_read=True)
    except MailboxItem.DoesNotExist:
        return SyncHealth()
    return msgspec.convert(_body(item), SyncHealth)


def save_health(rep_id: str, health: SyncHealth) -> None:
    MailboxItem(_pk(rep_id), "health", body=_stored(health)).save()


def clear_backoff(rep_id: str) -> None:
    """ "Retry now": the next poll tries the mailbox whatever its backoff said."""
    health = get_health(rep_id)
    save_health(rep_id, msgspec.structs.replace(health, retry_at=None))


def _cursor_of(item: MailboxItem) -> FolderCursor:
    return msgspec.convert(
        {**_body(item), "uidvalidity": int(item.uidvalidity or 0), "highest_uid": int(item.highest_uid or 0)},
        FolderCursor,
    )


def save_cursor(rep_id: str, cursor: FolderCursor) -> bool:
    """Store a folder's checkpoint, only ever forward: refused (False) when the stored one is of
    the same UIDVALIDITY and further on (a slower overlapping poll never moves it back). A new
    UIDVALIDITY always replaces the old cursor (the folder is synced again from the start)."""
    body = _stored(cursor)
    body.pop("uidvalidity")
    body.pop("highest_uid")
    item = MailboxItem(
        _pk(rep_id),
        f"folder#{cursor.role}",
        body=body,
        uidvalidity=cursor.uidvalidity,
        highest_uid=cursor.highest_uid,
    )
    condition = (
        MailboxItem.pk.does_not_exist()
        | (MailboxItem.uidvalidity != cursor.uidvalidity)
        | (MailboxItem.highest_uid <= cursor.highest_uid)
    )
    try:
        item.save(condition=condition)
    except PutError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


# ---------------------------------------------------------------- lease


def acquire_lease(rep_id: str, owner: str, *, now: int, seconds: int) -> bool:
    """Take the mailbox's lease for `seconds` from `now` (epoch seconds), unless another poll
    holds one that has not expired. The TTL removes lapsed leases later; the condition does not
    wait for it."""
    item = MailboxItem(_pk(rep_id), "lease", owner=owner, expires_at=now + seconds)
    try:
        item.save(condition=MailboxItem.pk.does_not_exist() | (MailboxItem.expires_at <= now))
    except PutError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def release_lease(rep_id: str, owner: str) -> None:
    """Give the lease back, only if `owner` still holds it (a lease that lapsed and was taken
    by another poll is that poll's)."""
    try:
        MailboxItem(_pk(rep_id), "lease").delete(condition=MailboxItem.owner == owner)
    except DeleteError as error:
        if not is_conditional_failure(error):
            raise


# ---------------------------------------------------------------- read state for the server


def _flag_sk(folder: str, uidvalidity: int, uid: int) -> str:
    return f"flag#{folder}#{uidvalidity}#{uid}"


def _flag_of(item: MailboxItem) -> PendingFlag:
    _, folder, uidvalidity, uid = item.sk.split("#", 3)
    return PendingFlag(folder=folder, uidvalidity=int(uidvalidity), uid=int(uid), seen=bool(_body(item).get("seen")))


def want_seen(rep_id: str, flag: PendingFlag) -> None:
    """Ask the next poll to set the message read or unread on the server (the last wish wins)."""
    sk = _flag_sk(flag.folder, flag.uidvalidity, flag.uid)
    MailboxItem(_pk(rep_id), sk, body={"seen": flag.seen}).save()


def flag_applied(rep_id: str, flag: PendingFlag) -> None:
    """The poll set `flag` on the server: forget it, unless the rep changed it again meanwhile."""
    sk = _flag_sk(flag.folder, flag.uidvalidity, flag.uid)
    try:
        MailboxItem(_pk(rep_id), sk).delete(condition=MailboxItem.body["seen"] == flag.seen)
    except DeleteError as error:
        if not is_conditional_failure(error):
            raise


# ---------------------------------------------------------------- copies of sent mail for Sent


def _sent_copy_of(item: MailboxItem) -> SentCopy:
    body = _body(item)
    return SentCopy(key=item.sk.removeprefix("copy#"), message_id=str(body["message_id"]), raw_key=str(body["raw_key"]))


def want_sent_copy(rep_id: str, copy: SentCopy) -> None:
    """Ask the next poll to put `copy` into the Sent folder (asking twice is one copy)."""
    body = {"message_id": copy.message_id, "raw_key": copy.raw_key}
    MailboxItem(_pk(rep_id), f"copy#{copy.key}", body=body).save()


def sent_copy_done(rep_id: str, key: str) -> None:
    """The copy of the email `key` is in the Sent folder: nothing more to do for it."""
    MailboxItem(_pk(rep_id), f"copy#{key}").delete()


# ---------------------------------------------------------------- OAuth connections under way


def save_oauth_state(rep_id: str, state: str, values: dict[str, Any], *, expires_at: int) -> None:
    MailboxItem(_pk(rep_id), f"oauth#{state}", body=_without_none(values), expires_at=expires_at).save()


def take_oauth_state(rep_id: str, state: str, *, now: int) -> dict[str, Any] | None:
    """The connection started with `state`, once (deleted as it is read); None if unknown or expired."""
    try:
        item = MailboxItem.get(_pk(rep_id), f"oauth#{state}", consistent_read=True)
    except MailboxItem.DoesNotExist:
        return None
    try:
        item.delete(condition=MailboxItem.pk.exists())
    except DeleteError as error:
        if is_conditional_failure(error):
            return None
        raise
    if int(item.expires_at or 0) <= now:
        return None
    return _body(item)

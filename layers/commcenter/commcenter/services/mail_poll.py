"""Polling every rep's mailbox: INBOX and Sent, by UID, never missing a message (E1, W3).

Each run lists the connected mailboxes and polls several at once, each under its lease (one
poll per mailbox at a time; a crashed poll's lease lapses by itself). A mailbox's poll:
- asks each folder's STATUS (UIDNEXT, UIDVALIDITY, HIGHESTMODSEQ where the server has
  CONDSTORE): when nothing moved since the folder's cursor, that is all it costs;
- otherwise fetches what is above the cursor's highest UID (a first sync: what arrived within
  the first-sync window), in batches; each batch is parsed, stored through the inbound pipeline,
  then the cursor moves to the batch's last UID. A crash between the writes and the cursor means
  a re-fetch that the Message-ID claims turn into duplicates: nothing lost, nothing twice;
- a changed UIDVALIDITY restarts the folder from the window (the claims keep what was stored
  from being stored again);
- read state the rep changed in their own client flows back (CONDSTORE: the flags changed since
  the cursor's MODSEQ);
- before any of that, an email sent from the dashboard gets its copy in the Sent folder (APPEND,
  read), unless the folder already has a message of its Message-ID (a copy put there by a poll
  that crashed before it could say so, or by the provider itself); the folder's sync then
  fetches that copy and finds the email's claim: nothing is stored twice.
A mailbox that fails (a wrong password, a server down) gets its error recorded in plain words
and waits longer before each new try; it never holds up the others. The run stops starting
batches before its deadline, so every cursor it leaves is consistent.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import msgspec

from commcenter.channels.imap_mailbox import FetchedMessage, FolderStatus, ImapMailbox, MailLogin
from commcenter.data import mail_objects
from commcenter.data import mailboxes as mailboxes_data
from commcenter.data import reps as reps_data
from commcenter.domain.clock import now_iso, utc_now
from commcenter.domain.ids import new_id
from commcenter.domain.mailboxes import (
    FOLDER_ROLES,
    FirstSyncProgress,
    FolderCursor,
    FolderRole,
    MailboxSettings,
    MailError,
    SyncHealth,
    after_failure,
    after_success,
    due,
)
from commcenter.domain.reps import Rep
from commcenter.errors import BusyError
from commcenter.observability import logger
from commcenter.services.email_inbound import FetchedEmail, exchanged_with, store_email
from commcenter.services.email_read_state import apply_seen_changes
from commcenter.services.mailbox_oauth import login_for

# Mailboxes polled at once by one run (each is mostly waiting on its IMAP server and DynamoDB).
CONCURRENT_MAILBOXES = 8
# Messages stored at once within one mailbox's batch (each is a few round trips).
CONCURRENT_WRITES = 4
BATCH = 50
# A lease outlives the function's timeout (300 s), so a run never loses it while polling; a
# crashed run's lease lapses after this and the next run takes the mailbox.
LEASE_SECONDS = 330
IMAP_TIMEOUT_SECONDS = 20.0

MailboxOutcome = Literal["synced", "unchanged", "failed", "waiting", "leased", "disconnected", "stopped"]
Progress = Callable[[FirstSyncProgress], None]


@dataclass(frozen=True, slots=True)
class PollResult:
    polled: int
    skipped: int
    failed: int = 0
    messages: int = 0


@dataclass(frozen=True, slots=True)
class MailboxPoll:
    outcome: MailboxOutcome
    messages: int = 0


def poll_all_mailboxes(scheduled_at: str, *, seconds_left: Callable[[], float] | None = None) -> PollResult:
    """One scheduled run over every connected mailbox. `seconds_left`: how long the invocation
    may still run (Lambda's remaining time); batches stop starting well before it ends."""
    rep_ids = mailboxes_data.list_polled()
    polls: list[MailboxPoll] = []
    if rep_ids:
        deadline = _deadline(seconds_left)
        with ThreadPoolExecutor(max_workers=min(CONCURRENT_MAILBOXES, len(rep_ids))) as pool:
            polls = list(pool.map(lambda rep_id: _poll_guarded(rep_id, deadline), rep_ids))
    polled = sum(1 for poll in polls if poll.outcome in ("synced", "unchanged", "stopped"))
    failed = sum(1 for poll in polls if poll.outcome == "failed")
    result = PollResult(
        polled=polled,
        skipped=len(polls) - polled - failed,
        failed=failed,
        messages=sum(poll.messages for poll in polls),
    )
    logger.info(
        "mail poll run",
        extra={"scheduled_at": scheduled_at, "mailboxes": len(rep_ids), **dataclasses.asdict(result)},
    )
    return result


def _deadline(seconds_left: Callable[[], float] | None) -> float:
    """The monotonic time after which no batch starts: 30 s before the invocation's end (a
    batch of 50 messages takes a few seconds), or 270 s from now without a context."""
    budget = (seconds_left() if seconds_left is not None else 300.0) - 30.0
    return time.monotonic() + max(budget, 5.0)


def _poll_guarded(rep_id: str, deadline: float) -> MailboxPoll:
    """`poll_mailbox`, with any unexpected fault logged and contained to its mailbox."""
    try:
        return poll_mailbox(rep_id, deadline=deadline)
    except Exception:
        logger.exception("the poll of a mailbox failed unexpectedly", extra={"rep_id": rep_id})
        return MailboxPoll("failed")


def sync_mailbox(rep_id: str, *, progress: Progress | None = None) -> MailboxPoll:
    """Poll one mailbox now, whatever its backoff, until it is up to date (the CLI's
    `commcenter sync-mailbox`): its first sync runs to the end, reporting `progress`."""
    outcome = MailboxPoll("stopped")
    messages = 0
    while outcome.outcome == "stopped":
        # Each round ends well inside its lease, so the scheduled poll never takes the mailbox
        # from under it; the next round takes the lease again and goes on from the checkpoint.
        deadline = time.monotonic() + LEASE_SECONDS - 60
        outcome = poll_mailbox(rep_id, deadline=deadline, force=True, progress=progress)
        messages += outcome.messages
    return MailboxPoll(outcome.outcome, messages)


def poll_mailbox(rep_id: str, *, deadline: float, force: bool = False, progress: Progress | None = None) -> MailboxPoll:
    """One poll of one mailbox, under its lease. `force`: whatever its backoff says."""
    owner = new_id()
    if not mailboxes_data.acquire_lease(rep_id, owner, now=int(time.time()), seconds=LEASE_SECONDS):
        return MailboxPoll("leased")
    try:
        state = mailboxes_data.load(rep_id)
        rep = reps_data.get(rep_id)
        if state.settings is None or rep is None:
            return MailboxPoll("disconnected")
        if not force and not due(state.health, now=now_iso()):
            return MailboxPoll("waiting")
        sync = _MailboxSync(
            rep, state.settings, state.health, state.cursors, deadline, progress, state.flags, state.sent_copies
        )
        try:
            messages, complete = _run_logged_in(sync, state.settings)
        except MailError as error:
            mailboxes_data.save_health(rep_id, after_failure(sync.health, error, at=now_iso()))
            logger.warning(
                "a mailbox could not be polled", extra={"rep_id": rep_id, "kind": error.kind, "reason": error.message}
            )
            return MailboxPoll("failed")
        mailboxes_data.save_health(rep_id, after_success(sync.health, at=now_iso(), synced=messages))
        if not complete:
            return MailboxPoll("stopped", messages)
        return MailboxPoll("synced" if messages or sync.changed else "unchanged", messages)
    finally:
        mailboxes_data.release_lease(rep_id, owner)


def _run_logged_in(sync: _MailboxSync, settings: MailboxSettings) -> tuple[int, bool]:
    """The sync with the mailbox's login; an account's token the server refused is renewed once
    (it may have been revoked since it was issued: the renewal then says so)."""
    try:
        return sync.run(login_for(settings))
    except MailError as error:
        if error.kind != "reconnect" or settings.auth == "password":
            raise
    return sync.run(login_for(settings, renew=True))


class _MailboxSync:
    """The work of one poll of one mailbox (one IMAP connection)."""

    def __init__(
        self,
        rep: Rep,
        settings: MailboxSettings,
        health: SyncHealth,
        cursors: dict[FolderRole, FolderCursor],
        deadline: float,
        progress: Progress | None,
        flags: list[mailboxes_data.PendingFlag] | None = None,
        sent_copies: list[mailboxes_data.SentCopy] | None = None,
    ) -> None:
        self.rep = rep
        self.settings = settings
        self.health = health
        self.cursors = dict(cursors)
        self.deadline = deadline
        self.progress = progress
        self.changed = False
        # Read or unread set in the dashboard, for the server.
        self.flags = list(flags or [])
        # Emails sent from the dashboard whose copy the Sent folder should get.
        self.sent_copies = list(sent_copies or [])
        # The UIDs a folder without a valid cursor syncs: those of the first-sync window.
        self.window_uids: dict[FolderRole, list[int]] = {}

    def run(self, login: MailLogin) -> tuple[int, bool]:
        """(messages stored, whether every folder is up to date)."""
        box = ImapMailbox(self.settings.imap, login, timeout=IMAP_TIMEOUT_SECONDS)
        box.open()
        try:
            names = self._folder_names(box)
            self._put_sent_copies(box, names["sent"])
            statuses = {role: self._status(box, role, names) for role in FOLDER_ROLES}
            self._apply_wanted_flags(box, statuses)
            if all(self._unchanged(role, status) for role, status in statuses.items()):
                return 0, True
            self._start_first_sync(box, statuses)
            stored, complete = 0, True
            for role, status in statuses.items():
                folder_stored, folder_complete = self._sync_folder(box, role, status)
                stored += folder_stored
                complete = complete and folder_complete
            return stored, complete
        finally:
            box.close()

    def _folder_names(self, box: ImapMailbox) -> dict[FolderRole, str]:
        """The folders' names: as the cursors remember them (no LIST on a routine poll), else
        as the server lists them."""
        if all(role in self.cursors for role in FOLDER_ROLES):
            return {role: self.cursors[role].name for role in FOLDER_ROLES}
        return box.folders()

    def _status(self, box: ImapMailbox, role: FolderRole, names: dict[FolderRole, str]) -> FolderStatus:
        try:
            return box.status(names[role])
        except MailError:
            if role not in self.cursors:
                raise
            # The remembered folder is gone or renamed: find it again.
            return box.status(box.folders()[role])

    def _unchanged(self, role: FolderRole, status: FolderStatus) -> bool:
        cursor = self.cursors.get(role)
        return (
            cursor is not None
            and cursor.name == status.name
            and cursor.uidvalidity == status.uidvalidity
            and cursor.uidnext == status.uidnext
            and cursor.highest_uid >= status.uidnext - 1
            and cursor.highest_modseq == status.highest_modseq
        )

    # ------------------------------------------------------------ first sync

    def _start_first_sync(self, box: ImapMailbox, statuses: dict[FolderRole, FolderStatus]) -> None:
        """A folder without a cursor (a new mailbox, a changed UIDVALIDITY) is synced from the
        window's first day: its UIDs are searched once, and a mailbox's first sync shows how
        far it got (the messages within the window, counted once)."""
        for role, status in statuses.items():
            cursor = self.cursors.get(role)
            if cursor is None or cursor.uidvalidity != status.uidvalidity:
                box.select(status.name)
                self.window_uids[role] = box.uids_since(self._window_start())
        if not self.window_uids or self.health.first_sync is not None or self.cursors:
            return
        total = sum(len(uids) for uids in self.window_uids.values())
        started = FirstSyncProgress(total=total, done=0, started_at=now_iso())
        self.health = msgspec.structs.replace(self.health, first_sync=started)
        mailboxes_data.save_health(self.rep.id, self.health)
        if self.progress is not None:
            self.progress(started)

    def _window_start(self) -> date:
        return (utc_now() - timedelta(days=self.settings.first_sync_days)).date()

    def _count_progress(self, done: int) -> None:
        first = self.health.first_sync
        if first is None or first.finished_at is not None:
            return
        advanced = msgspec.structs.replace(first, done=min(first.done + done, first.total))
        self.health = msgspec.structs.replace(self.health, first_sync=advanced)
        mailboxes_data.save_health(self.rep.id, self.health)
        if self.progress is not None:
            self.progress(advanced)

    def _finish_first_sync(self) -> None:
        first = self.health.first_sync
        if first is None or first.finished_at is not None:
            return
        finished = msgspec.structs.replace(first, done=first.total, finished_at=now_iso())
        self.health = msgspec.structs.replace(self.health, first_sync=finished)
        if self.progress is not None:
            self.progress(finished)

    # ------------------------------------------------------------ one folder

    def _sync_folder(self, box: ImapMailbox, role: FolderRole, status: FolderStatus) -> tuple[int, bool]:
        if role not in self.window_uids and self._unchanged(role, status):
            return 0, True
        cursor = self.cursors.get(role)
        box.select(status.name)
        if role in self.window_uids:
            if cursor is not None:
                logger.warning(
                    "a folder's UIDVALIDITY changed: syncing it again from the window",
                    extra={"rep_id": self.rep.id, "folder": role},
                )
            since = self._window_start().isoformat()
            cursor = FolderCursor(role=role, name=status.name, uidvalidity=status.uidvalidity, since=since)
            uids = self.window_uids[role]
        elif cursor is None:  # unreachable: a folder without a cursor has its window's UIDs
            raise RuntimeError(f"no cursor for {role}")
        else:
            if cursor.highest_modseq is not None and status.highest_modseq != cursor.highest_modseq:
                self._apply_seen_changes(box, cursor)
            uids = box.uids_above(cursor.highest_uid)
        self.changed = True
        stored = 0
        for batch in _batches(uids, BATCH):
            if time.monotonic() > self.deadline:
                return stored, False
            stored += self._store_batch(box, role, status, batch)
            cursor = msgspec.structs.replace(cursor, name=status.name, highest_uid=batch[-1])
            mailboxes_data.save_cursor(self.rep.id, cursor)
            self._count_progress(len(batch))
        # Everything below UIDNEXT is written: the next poll with the same STATUS does nothing.
        cursor = msgspec.structs.replace(
            cursor,
            name=status.name,
            highest_uid=max(cursor.highest_uid, status.uidnext - 1),
            uidnext=status.uidnext,
            highest_modseq=status.highest_modseq,
            messages=status.messages,
        )
        mailboxes_data.save_cursor(self.rep.id, cursor)
        self.cursors[role] = cursor
        if all(role in self.cursors for role in FOLDER_ROLES):
            self._finish_first_sync()
        return stored, True

    def _store_batch(self, box: ImapMailbox, role: FolderRole, status: FolderStatus, uids: list[int]) -> int:
        """Fetch, parse and store one batch; returns how many were new. The messages of one
        conversation are stored one after the other (in parallel they would keep refusing each
        other's conditional writes); conversations go side by side."""
        # Loaded once there is mail to store: a poll that finds nothing new never parses.
        from commcenter.domain.email_message import parse_email

        def parsed(message: FetchedMessage) -> FetchedEmail:
            return FetchedEmail(
                raw=message.raw,
                parsed=parse_email(message.raw),
                folder=role,
                uid=message.uid,
                uidvalidity=status.uidvalidity,
                seen=message.seen,
                internal_date=message.internal_date,
            )

        def store(group: list[FetchedEmail]) -> int:
            return sum(1 for email in group if store_email(self.rep, self.settings.address, email) == "stored")

        with ThreadPoolExecutor(max_workers=CONCURRENT_WRITES) as pool:
            emails = list(pool.map(parsed, box.fetch(uids)))
            groups: dict[str, list[FetchedEmail]] = {}
            for email in emails:
                party, _ = exchanged_with(email, self.settings.address)
                groups.setdefault(party.address if party else "", []).append(email)
            runs = [pool.submit(store, group) for group in groups.values()]
            stored, busy = 0, []
            for run, group in zip(runs, groups.values(), strict=True):
                try:
                    stored += run.result()
                except BusyError:
                    busy.append(group)
        # What kept colliding with the others (the rep's unread counter is shared by all) is
        # stored alone; a second refusal fails the poll, its checkpoint unmoved.
        return stored + sum(store(group) for group in busy)

    def _put_sent_copies(self, box: ImapMailbox, sent_folder: str) -> None:
        """Put each waiting copy of a sent email into the Sent folder, unless a message of its
        Message-ID is there already; then forget it. A copy that fails stays for the next poll
        (and the poll goes on)."""
        for copy in self.sent_copies:
            try:
                if not box.has_message_id(sent_folder, copy.message_id):
                    box.append(sent_folder, mail_objects.get(copy.raw_key), seen=True)
                    self.changed = True
            except Exception as error:
                logger.warning(
                    "the copy of a sent email could not be put into the Sent folder; the next poll tries again",
                    extra={"rep_id": self.rep.id, "reason": getattr(error, "message", None) or repr(error)},
                )
                continue
            mailboxes_data.sent_copy_done(self.rep.id, copy.key)
        self.sent_copies = []

    def _apply_wanted_flags(self, box: ImapMailbox, statuses: dict[FolderRole, FolderStatus]) -> None:
        """Set on the server the read state the rep set in the dashboard, then forget it (a
        wish for a folder whose UIDVALIDITY changed since names messages that are gone)."""
        for role, status in statuses.items():
            wanted = [flag for flag in self.flags if flag.folder == role]
            current = [flag for flag in wanted if flag.uidvalidity == status.uidvalidity]
            if current:
                box.select(status.name)
                for seen in (True, False):
                    box.set_seen([flag.uid for flag in current if flag.seen == seen], seen)
                self.changed = True
            for flag in wanted:
                mailboxes_data.flag_applied(self.rep.id, flag)
        self.flags = []

    def _apply_seen_changes(self, box: ImapMailbox, cursor: FolderCursor) -> None:
        """Read state changed in the rep's own client since the cursor's MODSEQ (CONDSTORE)."""
        if cursor.highest_modseq is not None:
            apply_seen_changes(box.seen_changes(cursor.highest_modseq), up_to_uid=cursor.highest_uid)


def _batches(uids: list[int], size: int) -> Iterator[list[int]]:
    ordered = sorted(uids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]

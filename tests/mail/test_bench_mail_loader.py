"""The mail benchmark's mailbox, as the real Dovecot serves it, its mbsync floor, and the stages
it times where the product calls them.

Messages written straight into a user's Maildir (`bench.mail_mailbox.fill_mailbox`) are what an
IMAP client then reads: every one, byte for byte, UIDs in date order, the date as INTERNALDATE,
\\Seen as written. `mbsync` (the first sync's fetch floor) pulls them all through TLS verified
against the local CA.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from conftest import MailUser
from mail_support import connect, message, poll, stranger

from commcenter_local.mail_server import LocalDovecot
from commcenter_local.stack import LocalStack

# `bench` is a folder of the repository, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.mail_floors import ImapAccount, mbsync_pull, scratch_dirs
from bench.mail_mailbox import fill_mailbox, generate, small_messages
from bench.mail_sync import stages_timed

ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)


def test_messages_written_into_the_maildir_are_served_in_date_order_byte_for_byte(
    dovecot: LocalDovecot, mail_user: MailUser
) -> None:
    messages = generate(40, total_bytes=400_000, anchor=ANCHOR)
    old = list(small_messages(5, seed=1, before=ANCHOR))
    inbox = old + [m for m in messages if m.folder == "INBOX"]
    sent = [m for m in messages if m.folder == "Sent"]

    assert fill_mailbox(dovecot, mail_user.name, {"INBOX": inbox, "Sent": sent}) == {"INBOX": 37, "Sent": 8}

    with dovecot.session(mail_user.name) as client:
        for folder, expected in (("INBOX", inbox), ("Sent", sent)):
            client.select_folder(folder, readonly=True)
            fetched = client.fetch(client.search("ALL"), [b"BODY.PEEK[]", b"INTERNALDATE", b"FLAGS"])
            by_uid = [fetched[uid] for uid in sorted(fetched)]
            assert [data[b"BODY[]"] for data in by_uid] == [m.raw for m in expected]
            assert [data[b"INTERNALDATE"] for data in by_uid] == [m.date.replace(tzinfo=None) for m in expected]
            assert [b"\\Seen" in data[b"FLAGS"] for data in by_uid] == [m.seen for m in expected]


def test_mbsync_pulls_every_message_over_verified_tls(dovecot: LocalDovecot, mail_user: MailUser) -> None:
    messages = generate(30, total_bytes=300_000, anchor=ANCHOR)
    fill_mailbox(
        dovecot,
        mail_user.name,
        {"INBOX": [m for m in messages if m.folder == "INBOX"], "Sent": [m for m in messages if m.folder == "Sent"]},
    )
    account = ImapAccount("localhost", dovecot.imaps_port, mail_user.name, mail_user.password, dovecot.ca.ca_file)

    with scratch_dirs("commcenter-test-mbsync-") as fresh:
        target = fresh()
        pull = mbsync_pull(account, target)

        assert pull.messages == 30
        files = [p for p in (target / "mail").rglob("*") if p.parent.name in {"cur", "new"}]
        # mbsync stores LF lines and adds its own X-TUID header: otherwise the message as sent.
        pulled = sorted(
            b"".join(line for line in p.read_bytes().splitlines(keepends=True) if not line.startswith(b"X-TUID: "))
            for p in files
        )
        assert pulled == sorted(m.raw.replace(b"\r\n", b"\n") for m in messages)
        assert pull.seconds > 0
    assert not target.exists()


def test_the_sync_stages_are_timed_where_the_poll_calls_them(
    local_stack: LocalStack, dovecot: LocalDovecot, mail_user: MailUser
) -> None:
    """A stage the benchmark wraps by name (the fetch, the parser, the store, each AWS call) that
    moved or is no longer called would read zero in `make bench`: here it fails."""
    rep = connect(mail_user, dovecot)
    dovecot.append(mail_user.name, "INBOX", message(stranger(), mail_user.address, "Timed"))
    with stages_timed() as times:
        assert poll(rep).messages == 1
    for stage in ("fetch", "parse", "store", "dynamodb", "s3"):
        assert times.thread_seconds(stage) > 0, f"no time recorded for {stage}"

"""The mail benchmark's generated mailbox is what its results say it is: the same bytes for a
seed, the shares of attachments, HTML and sent mail, several charsets, threads, the size asked
for, every message readable; and its Maildir files are named and dated as Dovecot reads them."""

from __future__ import annotations

import email
import email.policy
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

# `bench` is a folder of the repository, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.mail_mailbox import GeneratedMessage, generate, small_messages, write_maildir

ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)
COUNT = 400
TOTAL = 4_000_000


@pytest.fixture(scope="module")
def mailbox() -> list[GeneratedMessage]:
    return generate(COUNT, total_bytes=TOTAL, anchor=ANCHOR)


def parsed(message: GeneratedMessage) -> EmailMessage:
    return email.message_from_bytes(message.raw, policy=email.policy.default)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_ones(mailbox: list[GeneratedMessage]) -> None:
    assert [m.raw for m in generate(COUNT, total_bytes=TOTAL, anchor=ANCHOR)] == [m.raw for m in mailbox]
    other = generate(COUNT, total_bytes=TOTAL, anchor=ANCHOR, seed=14)
    assert sum(a.raw != b.raw for a, b in zip(other, mailbox, strict=True)) > COUNT * 0.9


def test_shares_of_attachments_html_sent_and_threads(mailbox: list[GeneratedMessage]) -> None:
    assert sum(bool(m.attachments) for m in mailbox) == COUNT // 10
    assert sum(m.html for m in mailbox) == COUNT // 4
    assert Counter(m.folder for m in mailbox) == {"INBOX": COUNT * 4 // 5, "Sent": COUNT // 5}
    ids = {m.message_id for m in mailbox}
    replies = [m for m in mailbox if m.in_reply_to]
    assert len(replies) > COUNT // 4
    assert all(m.in_reply_to in ids for m in replies)
    assert 0 < sum(not m.message_id for m in mailbox) <= COUNT // 50


def test_several_charsets_each_readable_and_every_message_well_formed(mailbox: list[GeneratedMessage]) -> None:
    charsets = Counter(m.charset for m in mailbox)
    assert {"utf-8", "iso-8859-1", "windows-1252", "koi8-r", "iso-2022-jp", "shift_jis", "gb2312"} <= set(charsets)
    for message in mailbox:
        parsed_message = parsed(message)
        assert not [defect for part in parsed_message.walk() for defect in part.defects]
        body = parsed_message.get_body(("plain", "html"))
        assert body is not None
        assert body.get_content_charset() == message.charset
        words = f"{body.get_content()} {parsed_message['from']} {parsed_message['subject']}"
        assert "\ufffd" not in words
        attached = [part for part in parsed_message.walk() if part.get_content_disposition() == "attachment"]
        assert len(attached) == message.attachments


def test_size_and_dates(mailbox: list[GeneratedMessage]) -> None:
    total = sum(len(m.raw) for m in mailbox)
    assert abs(total - TOTAL) < TOTAL * 0.02
    assert max(len(m.raw) for m in mailbox) > 20 * min(len(m.raw) for m in mailbox)
    dates = [m.date for m in mailbox]
    assert dates == sorted(dates)
    assert ANCHOR - timedelta(days=90) < dates[0] and dates[-1] < ANCHOR
    assert all(b"\r\n" in m.raw and b"\n" not in m.raw.replace(b"\r\n", b"") for m in mailbox)


def test_maildir_files_sort_by_date_carry_size_and_seen_and_the_date_as_time(tmp_path: Path) -> None:
    messages = [*small_messages(3, seed=1, before=ANCHOR), *generate(5, total_bytes=50_000, anchor=ANCHOR)]
    assert write_maildir(tmp_path / "INBOX", messages) == 8
    files = sorted((tmp_path / "INBOX" / "cur").iterdir())
    assert [f.read_bytes() for f in files] == [m.raw for m in sorted(messages, key=lambda m: m.date)]
    for file in files:
        message = next(m for m in messages if m.raw == file.read_bytes())
        assert f",S={len(message.raw)}:2," in file.name
        assert file.name.endswith(",S") == message.seen
        assert file.stat().st_mtime == pytest.approx(message.date.timestamp(), abs=1)
    assert (tmp_path / "INBOX" / "new").is_dir() and (tmp_path / "INBOX" / "tmp").is_dir()

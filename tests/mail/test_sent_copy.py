"""The copy in Sent of an email sent from the dashboard (E5): queued by the send, put into the
mailbox's Sent folder by the next poll, once."""

from __future__ import annotations

import uuid
from email.utils import make_msgid

import pytest
from conftest import MailUser
from mail_support import connect, contact_with, message, poll, stranger

from commcenter.data import activities as activities_data
from commcenter.data import mail_objects
from commcenter.data import mailboxes as mailboxes_data
from commcenter.data.mailboxes import SentCopy
from commcenter.domain.email_message import parse_email
from commcenter.domain.emails import dedupe_key_of
from commcenter.domain.reps import Rep
from commcenter.services.email_inbound import FetchedEmail, store_email
from commcenter_local.mail_server import LocalDovecot
from commcenter_local.stack import LocalStack


def test_a_queued_copy_is_read_with_the_mailbox_until_it_is_done(local_stack: LocalStack) -> None:
    rep_id = f"R{uuid.uuid4().hex[:12].upper()}"
    copy = SentCopy(key="a" * 64, message_id="<abc@commcenter.test>", raw_key="mail/raw/abc.eml")
    assert mailboxes_data.load(rep_id).sent_copies == []

    mailboxes_data.want_sent_copy(rep_id, copy)
    mailboxes_data.want_sent_copy(rep_id, copy)  # asked twice: one copy
    other = SentCopy(key="b" * 64, message_id="<def@commcenter.test>", raw_key="mail/raw/def.eml")
    mailboxes_data.want_sent_copy(rep_id, other)
    assert sorted(mailboxes_data.load(rep_id).sent_copies, key=lambda c: c.key) == [copy, other]

    mailboxes_data.sent_copy_done(rep_id, copy.key)
    assert mailboxes_data.load(rep_id).sent_copies == [other]


@pytest.fixture
def rep(local_stack: LocalStack, mail_user: MailUser, dovecot: LocalDovecot) -> Rep:
    """A rep of the stack whose mailbox is `mail_user`'s."""
    connected: Rep = connect(mail_user, dovecot)
    return connected


def sent_by_dashboard(rep: Rep, user: MailUser, to: str, subject: str) -> SentCopy:
    """An email sent from the dashboard, as the send leaves it: its message kept in the bucket,
    stored once (its claim made), and its copy for Sent queued."""
    message_id = make_msgid(domain="commcenter.test")
    raw = message(user.address, to, subject, days_ago=0, message_id=message_id)
    key = dedupe_key_of(message_id)
    fetched = FetchedEmail(
        raw=raw, parsed=parse_email(raw), folder="sent", uid=0, uidvalidity=0, seen=True, internal_date=None
    )
    assert store_email(rep, user.address, fetched) == "stored"
    copy = SentCopy(key=key, message_id=message_id, raw_key=mail_objects.raw_key(key))
    mailboxes_data.want_sent_copy(rep.id, copy)
    return copy


def in_sent(dovecot: LocalDovecot, user: MailUser, message_id: str) -> list[bool]:
    """Whether each message of the user's Sent folder with this Message-ID is read."""
    with dovecot.session(user.name) as client:
        client.select_folder("Sent", readonly=True)
        uids = client.search(["HEADER", "Message-ID", message_id])
        flags = client.get_flags(uids) if uids else {}
    return [b"\\Seen" in flags[uid] for uid in uids]


def test_a_sent_emails_copy_lands_once_in_sent_and_is_stored_once(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    to = stranger()
    record_id = contact_with(to, rep)
    assert poll(rep).outcome == "synced"  # the empty mailbox's first sync
    copy = sent_by_dashboard(rep, mail_user, to, "Our proposal")
    assert in_sent(dovecot, mail_user, copy.message_id) == []

    assert poll(rep).outcome in ("synced", "unchanged")

    assert in_sent(dovecot, mail_user, copy.message_id) == [True]  # there, read
    assert mailboxes_data.load(rep.id).sent_copies == []
    on_record = [a for a in activities_data.history(f"rec#{record_id}") if a.type == "email"]
    assert [a.summary for a in on_record] == ["Our proposal"]  # the poll syncing the copy found its claim

    assert poll(rep).outcome == "unchanged"
    assert in_sent(dovecot, mail_user, copy.message_id) == [True]


def test_a_copy_already_in_sent_is_not_put_there_again(rep: Rep, mail_user: MailUser, dovecot: LocalDovecot) -> None:
    """A poll that crashed after its APPEND and before it forgot the copy: the next one finds it there."""
    copy = sent_by_dashboard(rep, mail_user, stranger(), "Appended before a crash")
    dovecot.append(mail_user.name, "Sent", mail_objects.get(copy.raw_key), flags=[b"\\Seen"])

    poll(rep)

    assert in_sent(dovecot, mail_user, copy.message_id) == [True]
    assert mailboxes_data.load(rep.id).sent_copies == []


def test_a_copy_that_cannot_be_put_waits_for_the_next_poll_which_goes_on_meanwhile(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    copy = sent_by_dashboard(rep, mail_user, stranger(), "Not kept yet")
    raw = mail_objects.get(copy.raw_key)
    lost = SentCopy(key=copy.key, message_id=copy.message_id, raw_key=f"mail/raw/missing-{uuid.uuid4().hex}.eml")
    mailboxes_data.want_sent_copy(rep.id, lost)  # its message is not in the bucket (yet)
    sender = stranger()
    dovecot.append(mail_user.name, "INBOX", message(sender, mail_user.address, "Meanwhile"))

    first = poll(rep)

    assert first.outcome == "synced"  # the rest of the poll went on
    assert [a.summary for a in activities_data.history(f"h#email:{sender}")] == ["Meanwhile"]
    assert in_sent(dovecot, mail_user, copy.message_id) == []
    assert mailboxes_data.load(rep.id).sent_copies == [lost]

    mail_objects.put(lost.raw_key, raw, "message/rfc822")
    poll(rep)
    assert in_sent(dovecot, mail_user, copy.message_id) == [True]
    assert mailboxes_data.load(rep.id).sent_copies == []

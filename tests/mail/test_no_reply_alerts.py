"""An alert "no reply within N days" on an email the rep sent is cancelled by itself when a reply in
its thread arrives through the mail poll of a real Dovecot; an alert on another thread waits, and
an older reply fetched again does not answer an alert on a later email."""

from __future__ import annotations

import time
from email.utils import make_msgid

import msgspec
import pytest
from conftest import MailUser
from mail_support import connect, contact_with, message, poll, stranger

from commcenter.data import activities as activities_data
from commcenter.data import reminders as reminders_data
from commcenter.domain.facts import EmailFacts, expect
from commcenter.domain.reminders import Reminder, ReminderInput
from commcenter.domain.reps import Rep
from commcenter.services.reminders import create_reminder, pending_reminders
from commcenter_local.mail_server import LocalDovecot
from commcenter_local.stack import LocalStack


@pytest.fixture
def rep(local_stack: LocalStack, mail_user: MailUser, dovecot: LocalDovecot) -> Rep:
    connected: Rep = connect(mail_user, dovecot)
    return connected


def sent_key(record_id: str, subject: str) -> str:
    """The dashboard's id (dedupe key) of the email the rep sent with this subject."""
    (sent,) = [a for a in activities_data.history(f"rec#{record_id}") if a.summary == subject]
    return expect(sent.data, EmailFacts).key


def no_reply_alert(rep: Rep, key: str) -> Reminder:
    asked = msgspec.convert({"kind": "no_reply", "when": "in_3_days", "email_id": key}, ReminderInput)
    return create_reminder(rep, asked)


def state(reminder: Reminder) -> str:
    found = reminders_data.get(reminder.id)
    assert found is not None
    return found.state


def reply(sender: str, to: str, subject: str, to_message: str, *, days_ago: float = 0) -> bytes:
    raw = message(sender, to, subject, days_ago=days_ago)
    threading = f"In-Reply-To: {to_message}\r\nReferences: {to_message}\r\n".encode()
    return bytes(threading + raw)


def test_a_reply_in_the_thread_cancels_the_alert_and_only_that_one(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    customer = stranger()
    record_id = contact_with(customer, rep)
    quote_id, other_id = make_msgid(domain="rep.test"), make_msgid(domain="rep.test")
    dovecot.append(
        mail_user.name, "Sent", message(mail_user.address, customer, "Quote", days_ago=2, message_id=quote_id)
    )
    dovecot.append(
        mail_user.name, "Sent", message(mail_user.address, customer, "Visit", days_ago=2, message_id=other_id)
    )
    poll(rep)
    on_quote = no_reply_alert(rep, sent_key(record_id, "Quote"))
    on_visit = no_reply_alert(rep, sent_key(record_id, "Visit"))
    assert on_quote.thread and on_quote.thread != on_visit.thread and on_quote.record_id == record_id
    # Each listed on its own email (as the email reader asks for them).
    on_email = pending_reminders(rep, conversation_id=None, record_id=None, email_id=sent_key(record_id, "Quote"))
    assert [r.id for r in on_email] == [on_quote.id]

    time.sleep(1.1)  # the reply's Date (whole seconds) after the alerts
    dovecot.append(mail_user.name, "INBOX", reply(customer, mail_user.address, "Re: Quote", quote_id))
    poll(rep)

    assert state(on_quote) == "cancelled"
    assert state(on_visit) == "pending"
    assert [r.id for r in reminders_data.pending_of_record(rep.id, record_id)] == [on_visit.id]


def test_a_reply_older_than_the_email_an_alert_waits_on_leaves_it(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    """The rep wrote again in a thread already answered: the alert waits on the new email only."""
    customer = stranger()
    record_id = contact_with(customer, rep)
    first = make_msgid(domain="rep.test")
    dovecot.append(mail_user.name, "Sent", message(mail_user.address, customer, "Offer", days_ago=3, message_id=first))
    again = message(mail_user.address, customer, "Offer, again", days_ago=1)
    dovecot.append(mail_user.name, "Sent", f"In-Reply-To: {first}\r\nReferences: {first}\r\n".encode() + again)
    poll(rep)
    alert = no_reply_alert(rep, sent_key(record_id, "Offer, again"))

    # A reply to the first email, written before the second was sent, arrives only now.
    dovecot.append(mail_user.name, "INBOX", reply(customer, mail_user.address, "Re: Offer", first, days_ago=2))
    poll(rep)

    assert state(alert) == "pending"

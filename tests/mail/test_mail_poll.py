"""The mail poll against a real Dovecot, DynamoDB Local and the local S3: every message once,
whatever crashes, overlaps, UIDVALIDITY changes or outages come between."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from typing import Any

import pytest
from conftest import MailUser, NewMailUser
from mail_support import DOMAIN, connect, contact_with, message, poll, stranger

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import mail_objects
from commcenter.data import mailboxes as mailboxes_data
from commcenter.domain.activities import Activity
from commcenter.domain.emails import conversation_id
from commcenter.domain.facts import EmailFacts, expect
from commcenter.domain.reps import Rep
from commcenter.services import mail_poll
from commcenter_local.mail_server import LocalDovecot
from commcenter_local.stack import LocalStack


@pytest.fixture
def rep(local_stack: LocalStack, mail_user: MailUser, dovecot: LocalDovecot) -> Rep:
    """A rep of the stack whose mailbox is `mail_user`'s, connected with its password."""
    connected: Rep = connect(mail_user, dovecot)
    return connected


def emails_of(owner: str) -> list[Activity]:
    return [a for a in activities_data.history(owner) if a.type == "email"]


def facts(activity: Activity) -> EmailFacts:
    return expect(activity.data, EmailFacts)


def test_a_first_sync_files_each_email_where_it_belongs_and_a_second_poll_does_nothing(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    known, unknown = stranger(), stranger()
    record_id = contact_with(known, rep)
    colleague = f"bob@{DOMAIN}"
    dovecot.append(
        mail_user.name,
        "INBOX",
        message(known, mail_user.address, "Quote", attachment=b"%PDF-1.4 quote", html="<p>Hi <script>x()</script></p>"),
    )
    dovecot.append(mail_user.name, "INBOX", message(unknown, mail_user.address, "Who am I"), flags=[b"\\Seen"])
    dovecot.append(mail_user.name, "INBOX", message(colleague, mail_user.address, "Lunch?"))
    dovecot.append(mail_user.name, "Sent", message(mail_user.address, known, "Re: Quote", days_ago=0.5))
    # The window is on the server's arrival date (INTERNALDATE), as SEARCH SINCE reads it.
    arrived = datetime.now(UTC) - timedelta(days=45)
    dovecot.append(mail_user.name, "INBOX", message(known, mail_user.address, "Too old", days_ago=45), date=arrived)

    first = poll(rep)

    assert (first.outcome, first.messages) == ("synced", 4)
    on_record = sorted(emails_of(f"rec#{record_id}"), key=lambda a: a.occurred_at)
    assert [(a.summary, a.direction) for a in on_record] == [("Quote", "inbound"), ("Re: Quote", "outbound")]
    quote = facts(on_record[0])
    assert "script" not in (quote.html or "") and quote.raw_key and quote.attachments[0].filename == "quote.pdf"
    assert mail_objects.get(quote.attachments[0].key) == b"%PDF-1.4 quote"
    assert b"Subject: Quote" in mail_objects.get(quote.raw_key)
    inbox, _ = activities_data.center_page(rep.id, "email", "inbox", 10, None)
    sent, _ = activities_data.center_page(rep.id, "email", "sent", 10, None)
    colleagues, _ = activities_data.center_page(rep.id, "email", "colleagues", 10, None)
    assert [a.summary for a in inbox] == ["Quote"]
    assert [a.summary for a in sent] == ["Re: Quote"]
    assert [a.summary for a in colleagues] == ["Lunch?"]
    suggested, _ = conversations_data.center_page(rep.id, "unmatched", 10, None, channel="email")
    assert [(c.remote_number, c.unread) for c in suggested] == [(unknown, 0)]  # read in the rep's client
    matched = conversations_data.get(conversation_id(rep.id, known))
    assert matched is not None and (matched.section, matched.unread, matched.last_direction) == (
        "matched",
        0,
        "outbound",
    )
    health = mailboxes_data.get_health(rep.id)
    assert health.messages_synced == 4 and health.last_success_at and health.error is None
    assert health.first_sync is not None and health.first_sync.finished_at is not None

    state_before = mailboxes_data.load(rep.id).cursors
    again = poll(rep)
    assert (again.outcome, again.messages) == ("unchanged", 0)
    assert mailboxes_data.load(rep.id).cursors == state_before


def test_a_poll_that_crashed_before_its_checkpoint_stores_nothing_twice_on_the_next(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = stranger()
    dovecot.append_many(mail_user.name, "INBOX", [message(sender, mail_user.address, f"Note {n}") for n in range(3)])
    real_save = mailboxes_data.save_cursor

    def crash(*args: Any, **kwargs: Any) -> bool:
        raise RuntimeError("the function died here")

    monkeypatch.setattr(mailboxes_data, "save_cursor", crash)
    with pytest.raises(RuntimeError):
        poll(rep)
    assert len(emails_of(f"h#email:{sender}")) == 3  # written, the checkpoint not moved
    monkeypatch.setattr(mailboxes_data, "save_cursor", real_save)

    assert poll(rep).messages == 0
    assert sorted(a.summary for a in emails_of(f"h#email:{sender}")) == ["Note 0", "Note 1", "Note 2"]
    state = conversations_data.get(conversation_id(rep.id, sender))
    assert state is not None and state.unread == 3


def test_two_overlapping_polls_never_poll_one_mailbox_together(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    sender = stranger()
    dovecot.append_many(mail_user.name, "INBOX", [message(sender, mail_user.address, f"Burst {n}") for n in range(20)])
    results: list[mail_poll.MailboxPoll] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        results.append(poll(rep))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.outcome for r in results) == ["leased", "synced"]
    assert len(emails_of(f"h#email:{sender}")) == 20
    assert mailboxes_data.load(rep.id).lease is None  # released by its owner


def test_a_crashed_polls_lease_lapses_by_itself(rep: Rep) -> None:
    now = int(time.time())
    assert mailboxes_data.acquire_lease(rep.id, "crashed-poll", now=now - 400, seconds=mail_poll.LEASE_SECONDS)
    assert poll(rep).outcome in ("synced", "unchanged")
    assert mailboxes_data.acquire_lease(rep.id, "live-poll", now=now, seconds=60)
    assert poll(rep).outcome == "leased"
    mailboxes_data.release_lease(rep.id, "someone-else")  # not its owner: the lease stays
    assert poll(rep).outcome == "leased"
    mailboxes_data.release_lease(rep.id, "live-poll")
    assert poll(rep).outcome == "unchanged"


def test_a_changed_uidvalidity_resyncs_the_folder_without_duplicates(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    sender = stranger()
    dovecot.append_many(mail_user.name, "INBOX", [message(sender, mail_user.address, f"Kept {n}") for n in range(3)])
    assert poll(rep).messages == 3
    before = mailboxes_data.load(rep.id).cursors["inbox"].uidvalidity
    assert dovecot.recreate_folder(mail_user.name, "INBOX") != before
    dovecot.append(mail_user.name, "INBOX", message(sender, mail_user.address, "After the rebuild"))

    assert poll(rep).messages == 1
    assert sorted(a.summary for a in emails_of(f"h#email:{sender}")) == [
        "After the rebuild",
        "Kept 0",
        "Kept 1",
        "Kept 2",
    ]
    assert mailboxes_data.load(rep.id).cursors["inbox"].uidvalidity != before


def test_a_wrong_password_is_recorded_and_backs_off_without_holding_up_a_good_mailbox(
    rep: Rep, mail_user: MailUser, new_mail_user: NewMailUser, dovecot: LocalDovecot
) -> None:
    other = new_mail_user()
    wrong = connect(other, dovecot, password="not-the-password")
    sender = stranger()
    dovecot.append(mail_user.name, "INBOX", message(sender, mail_user.address, "Still arrives"))

    mail_poll.poll_all_mailboxes("2026-12-03T10:00:00Z")

    assert [a.summary for a in emails_of(f"h#email:{sender}")] == ["Still arrives"]
    health = mailboxes_data.get_health(wrong.id)
    assert health.error_kind == "login" and health.error and health.retry_at and health.failures == 1
    assert mail_poll.poll_mailbox(wrong.id, deadline=time.monotonic() + 30).outcome == "waiting"  # backing off
    assert mailboxes_data.get_health(wrong.id).failures == 1


def test_mail_that_arrived_while_the_server_was_down_is_fetched_once_it_is_back(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    sender = stranger()
    assert poll(rep).outcome in ("synced", "unchanged")
    dovecot.append(mail_user.name, "INBOX", message(sender, mail_user.address, "Sent during the outage", days_ago=3))
    dovecot.stop()
    try:
        down = poll(rep)
        health = mailboxes_data.get_health(rep.id)
    finally:
        dovecot.start()
    assert down.outcome == "failed" and health.error_kind == "connect" and health.error
    back = poll(rep)
    assert (back.outcome, back.messages) == ("synced", 1)
    assert mailboxes_data.get_health(rep.id).error is None


def test_read_state_set_in_the_reps_own_client_flows_back(rep: Rep, mail_user: MailUser, dovecot: LocalDovecot) -> None:
    sender = stranger()
    uids = dovecot.append_many(
        mail_user.name, "INBOX", [message(sender, mail_user.address, f"Unread {n}") for n in range(2)]
    )
    poll(rep)
    state = conversations_data.get(conversation_id(rep.id, sender))
    assert state is not None and state.unread == 2
    with dovecot.session(mail_user.name) as client:
        client.select_folder("INBOX")
        client.add_flags([uids[0]], [b"\\Seen"])

    assert poll(rep).outcome == "synced"

    state = conversations_data.get(conversation_id(rep.id, sender))
    assert state is not None and state.unread == 1
    seen = {a.summary: facts(a).seen for a in emails_of(f"h#email:{sender}")}
    assert seen == {"Unread 0": True, "Unread 1": False}


def test_a_message_in_two_folders_is_one_email(rep: Rep, mail_user: MailUser, dovecot: LocalDovecot) -> None:
    sender = stranger()
    same = message(sender, mail_user.address, "Copied", message_id=make_msgid(domain="twice.test"))
    dovecot.append(mail_user.name, "INBOX", same)
    dovecot.append(mail_user.name, "Sent", same)
    assert poll(rep).messages == 1
    assert [a.summary for a in emails_of(f"h#email:{sender}")] == ["Copied"]


def test_the_scheduled_function_polls_the_mailboxes_with_what_the_template_grants_it(
    local_stack: LocalStack, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    from commcenter_local.scheduler import scheduled_event

    sender = stranger()
    dovecot.append(mail_user.name, "INBOX", message(sender, mail_user.address, "Through the schedule"))
    (schedule,) = [s for s in local_stack.template.schedules if s.function == "MailPollFunction"]

    answer = local_stack.functions["MailPollFunction"].invoke(scheduled_event(schedule, datetime.now(UTC)))

    assert answer["messages"] >= 1
    assert [a.summary for a in emails_of(f"h#email:{sender}")] == ["Through the schedule"]


def test_sync_mailbox_runs_a_first_sync_to_its_end_and_reports_its_progress(
    rep: Rep, mail_user: MailUser, dovecot: LocalDovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = stranger()
    dovecot.append_many(mail_user.name, "INBOX", [message(sender, mail_user.address, f"Old {n}") for n in range(7)])
    monkeypatch.setattr(mail_poll, "BATCH", 3)
    seen: list[tuple[int, int, bool]] = []

    result = mail_poll.sync_mailbox(rep.id, progress=lambda p: seen.append((p.done, p.total, bool(p.finished_at))))

    assert (result.outcome, result.messages) == ("synced", 7)
    assert seen == [(0, 7, False), (3, 7, False), (6, 7, False), (7, 7, False), (7, 7, True)]

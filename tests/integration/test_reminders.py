"""Reminders fire exactly once (T1-T3), against DynamoDB Local and a local SMTP server: due ones
fire once, later ones wait, overlapping sweeps never fire one twice, a sweep that dies between
sending and recording is finished by a later one with the same idempotency key, and a cancelled
reminder never fires. The receiving side counts messages by their key, as a mail client would."""

from __future__ import annotations

import email
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_support import ALICE, BRUNO
from stack_environment import environment

from commcenter.channels.reminder_mail import REMINDER_HEADER, SmtpReminderMail
from commcenter.data import reminders as reminders_data
from commcenter.data import reps as reps_data
from commcenter.domain.clock import to_iso
from commcenter.domain.ids import new_id
from commcenter.domain.reminders import MAX_ATTEMPTS, Reminder, filed_bucket, idempotency_key, retry_delay_s, shard_of
from commcenter.services import reminders
from commcenter_local.mail_server import LocalMailCA, LocalSmtp
from commcenter_local.stack import LocalStack

SENDER = "reminders@commcenter.example"


class Inbox:
    """The receiving side: every reminder message the local SMTP server accepted, by its key."""

    def __init__(self, smtp: LocalSmtp) -> None:
        self.smtp = smtp

    def messages(self, reminder_id: str) -> list[email.message.Message]:
        found = []
        for received in self.smtp.received:
            message = email.message_from_bytes(received.content)
            if message[REMINDER_HEADER] == reminder_id:
                found.append(message)
        return found

    def keys(self, reminder_id: str) -> Counter[str]:
        """How many copies of each Message-ID the reminder's messages carry."""
        return Counter(str(message["Message-ID"]) for message in self.messages(reminder_id))


@pytest.fixture(scope="module")
def smtp() -> Iterator[LocalSmtp]:
    ca = LocalMailCA()
    server = LocalSmtp(ca, {}).start()
    try:
        with environment({"MAIL_CA_FILE": str(ca.ca_file)}):
            yield server
    finally:
        server.stop()
        ca.remove()


@pytest.fixture
def inbox(smtp: LocalSmtp) -> Inbox:
    return Inbox(smtp)


@pytest.fixture
def outbox(smtp: LocalSmtp) -> SmtpReminderMail:
    return SmtpReminderMail(sender=SENDER, host="127.0.0.1", port=smtp.starttls_port)


def rep_id(local_stack: LocalStack, address: str) -> str:
    rep = reps_data.find_by_claim("email", address)
    assert rep is not None
    return rep.id


def stored(rep: str, due: datetime, *, now: datetime | None = None, note: str = "") -> Reminder:
    """A pending follow-up of `rep`'s due at `due`, filed as the API files one."""
    now = now or datetime.now(UTC)
    reminder = Reminder(
        id=new_id(), kind="follow_up", rep_id=rep, due_at=to_iso(due), note=note, created_at=to_iso(now)
    )
    reminders_data.create(reminder, filed_bucket(due, now), idempotency_key(reminder.id))
    return reminder


def state(reminder: Reminder) -> str:
    found = reminders_data.get(reminder.id)
    assert found is not None
    return found.state


def test_due_reminders_fire_once_and_later_ones_wait(local_stack: LocalStack, inbox: Inbox, outbox: Any) -> None:
    alice = rep_id(local_stack, ALICE)
    now = datetime.now(UTC)
    due = [stored(alice, now - timedelta(minutes=1), note="call back"), stored(alice, now - timedelta(days=2))]
    later = stored(alice, now + timedelta(days=1))

    first = reminders.sweep_due_reminders(mail=outbox)
    reminders.sweep_due_reminders(mail=outbox)  # a second sweep sends none of them again (checked below)

    assert first.fired >= 2
    for reminder in due:
        assert state(reminder) == "fired"
        assert inbox.keys(reminder.id) == Counter({idempotency_key(reminder.id): 1})
        message = inbox.messages(reminder.id)[0]
        assert message["To"] == ALICE and message["From"] == SENDER
    assert "call back" in inbox.messages(due[0].id)[0].get_payload()
    assert state(later) == "pending" and inbox.messages(later.id) == []


def test_overlapping_sweeps_fire_each_reminder_once(local_stack: LocalStack, inbox: Inbox, outbox: Any) -> None:
    alice, bruno = rep_id(local_stack, ALICE), rep_id(local_stack, BRUNO)
    now = datetime.now(UTC)
    due = [stored(alice if n % 2 else bruno, now - timedelta(seconds=n)) for n in range(24)]
    start = threading.Barrier(4)
    results: list[reminders.SweepResult] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        start.wait()
        try:
            results.append(reminders.sweep_due_reminders(mail=outbox))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    assert sum(result.fired for result in results) >= len(due)
    for reminder in due:
        assert state(reminder) == "fired"
        # Not only one key: one message. The leases kept the other sweeps from sending at all.
        assert inbox.keys(reminder.id) == Counter({idempotency_key(reminder.id): 1})


def test_a_sweep_that_dies_after_sending_is_finished_by_a_later_one_with_the_same_key(
    local_stack: LocalStack, inbox: Inbox, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = rep_id(local_stack, ALICE)
    now = datetime.now(UTC)
    reminder = stored(alice, now - timedelta(minutes=1))

    def crash(*_: Any) -> bool:
        raise RuntimeError("the function died before recording")

    with monkeypatch.context() as patch:
        patch.setattr(reminders, "record_fired", crash)
        with pytest.raises(RuntimeError):
            reminders.sweep_due_reminders(mail=outbox)
    assert state(reminder) == "firing"
    assert len(inbox.messages(reminder.id)) == 1

    # While the dead sweep's lease runs, nobody sends it again.
    reminders.sweep_due_reminders(mail=outbox)
    assert state(reminder) == "firing" and len(inbox.messages(reminder.id)) == 1

    # Once it lapsed, a later sweep sends it again, with the same key, and records it.
    reminders.sweep_due_reminders(now=datetime.now(UTC) + timedelta(seconds=reminders.LEASE_S + 30), mail=outbox)
    assert state(reminder) == "fired"
    assert inbox.keys(reminder.id) == Counter({idempotency_key(reminder.id): 2})  # two copies, one message
    found = reminders_data.get(reminder.id)
    assert found is not None and found.attempts == 2


def test_a_cancelled_reminder_never_fires(local_stack: LocalStack, inbox: Inbox, outbox: Any) -> None:
    alice, bruno = rep_id(local_stack, ALICE), rep_id(local_stack, BRUNO)
    now = datetime.now(UTC)
    reminder = stored(alice, now - timedelta(minutes=1))

    assert reminders_data.cancel(reminder.id, bruno, at=to_iso(now), now=int(now.timestamp())) == "missing"
    assert reminders_data.cancel(reminder.id, alice, at=to_iso(now), now=int(now.timestamp())) == "cancelled"
    reminders.sweep_due_reminders(mail=outbox)

    assert state(reminder) == "cancelled" and inbox.messages(reminder.id) == []
    assert reminders_data.cancel(reminder.id, alice, at=to_iso(now), now=int(now.timestamp())) == "fired"


def test_the_scheduled_function_fires_due_reminders_by_email(local_stack: LocalStack, smtp: LocalSmtp) -> None:
    """Through the template's function, its settings and its grants (the sender and the SMTP
    server as the local stack would set them)."""
    alice = rep_id(local_stack, ALICE)
    reminder = stored(alice, datetime.now(UTC) - timedelta(minutes=1))
    settings = {"REMINDER_SENDER": SENDER, "NOTIFY_SMTP_HOST": "127.0.0.1", "NOTIFY_SMTP_PORT": str(smtp.starttls_port)}
    with environment(settings):
        answer = local_stack.functions["RemindersFunction"].invoke({"time": to_iso(datetime.now(UTC))})

    assert answer["fired"] >= 1
    assert state(reminder) == "fired"
    assert Inbox(smtp).keys(reminder.id) == Counter({idempotency_key(reminder.id): 1})


def test_a_sweep_out_of_time_takes_nothing_more_and_leaves_it_due(
    local_stack: LocalStack, inbox: Inbox, outbox: Any
) -> None:
    alice = rep_id(local_stack, ALICE)
    reminder = stored(alice, datetime.now(UTC) - timedelta(minutes=1))

    late = reminders.sweep_due_reminders(mail=outbox, time_left=lambda: reminders.STOP_BEFORE_TIMEOUT_S - 1)
    assert late.stopped_early and late.fired == 0
    assert state(reminder) == "pending" and inbox.messages(reminder.id) == []

    assert reminders.sweep_due_reminders(mail=outbox, time_left=lambda: 60.0).fired >= 1
    assert state(reminder) == "fired"


def test_a_reminder_whose_email_is_refused_every_time_is_given_up_with_its_error(
    local_stack: LocalStack, smtp: LocalSmtp, inbox: Inbox, outbox: Any
) -> None:
    """Tried again after each refusal (later each time), given up on its last attempt: off the
    sweep's index, so the checkpoint passes it; listed on its record with the server's words
    until the rep dismisses it."""
    alice = rep_id(local_stack, ALICE)
    rep = reps_data.get(alice)
    assert rep is not None
    start = datetime.now(UTC)
    record = f"rec-{new_id()}"
    reminder = Reminder(
        id=new_id(), kind="follow_up", rep_id=alice, due_at=to_iso(start - timedelta(minutes=1)), record_id=record
    )
    bucket = filed_bucket(start - timedelta(minutes=1), start)
    reminders_data.create(reminder, bucket, idempotency_key(reminder.id))
    smtp.refuse_message_to.add(ALICE.lower())
    try:
        results = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            # Each sweep late enough for the wait after the previous failure, yet before the
            # checkpoint could pass the reminder's bucket.
            results.append(reminders.sweep_due_reminders(now=start + timedelta(seconds=attempt), mail=outbox))
            found = reminders_data.get(reminder.id)
            assert found is not None and found.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert found.state == "firing" and "refused" in (found.error or "")
            if attempt == 1:
                # Not taken again before its wait is over.
                reminders.sweep_due_reminders(now=start + timedelta(seconds=100), mail=outbox)
                assert reminders_data.get(reminder.id).attempts == 1  # type: ignore[union-attr]
            if attempt < MAX_ATTEMPTS:
                # Its wait over (without waiting for it).
                reminders_data.ReminderItem(reminder.id).update(
                    actions=[reminders_data.ReminderItem.lease_expires_at.set(int(start.timestamp()) + attempt)]
                )
    finally:
        smtp.refuse_message_to.discard(ALICE.lower())

    assert [result.given_up for result in results][-1] == 1 and sum(r.given_up for r in results) == 1
    failed = reminders_data.get(reminder.id)
    assert failed is not None and failed.state == "failed" and failed.failed_at
    assert failed.error is not None and failed.error.startswith("the mail server refused the reminder email: 5")
    assert inbox.messages(reminder.id) == []
    shard = shard_of(reminder.id)
    assert reminder.id not in list(reminders_data.due_ids(bucket, shard, to_iso(start + timedelta(days=1))))
    # Given up, it no longer holds a sweep back: another sweep takes nothing and leaves it failed.
    again = reminders.sweep_due_reminders(now=start + timedelta(seconds=MAX_ATTEMPTS + 1), mail=outbox)
    assert again.given_up == 0 and state(reminder) == "failed"

    # The rep sees it on its record with the error, and dismisses it.
    (listed,) = reminders.pending_reminders(rep, conversation_id=None, record_id=record)
    assert listed.id == reminder.id and listed.state == "failed" and listed.error == failed.error
    reminders.cancel_reminder(rep, reminder.id)
    assert reminders.pending_reminders(rep, conversation_id=None, record_id=record) == []
    assert state(reminder) == "cancelled"


def test_a_failed_email_waits_longer_before_each_new_attempt() -> None:
    waits = [retry_delay_s(attempts) for attempts in range(1, MAX_ATTEMPTS)]
    assert waits == sorted(waits) and len(set(waits)) == len(waits)
    assert 45 * 60 <= sum(waits) <= 2 * 3600

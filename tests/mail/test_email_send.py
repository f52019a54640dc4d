"""Sending email from the dashboard through the API (E5), to a real SMTP server (aiosmtpd) from a
rep whose mailbox is on a real Dovecot: what arrives, the Sent tab, a retried request sent once,
a reply threaded into its conversation, a refused recipient then Retry, an outcome the server
left unknown, bad input refused with nothing written, and the poll of Sent writing nothing new."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from typing import Any

import pytest
import requests
from conftest import MailUser
from mail_support import Api, connect, contact_with, message, poll, stranger

from commcenter.data import activities as activities_data
from commcenter.data import mail_objects, message_refs
from commcenter.data import mailboxes as mailboxes_data
from commcenter.data import reps as reps_data
from commcenter.domain.emails import dedupe_key_of
from commcenter.domain.facts import EmailAddress, EmailFacts
from commcenter.domain.mailboxes import SyncHealth
from commcenter.domain.outgoing_email import OutgoingEmail, message_id_for, recipients_of
from commcenter.domain.reps import Rep
from commcenter.services import email_send
from commcenter.services.external_ids import activity_of
from commcenter_local.mail_server import LocalDovecot, LocalSmtp, ReceivedMail
from commcenter_local.stack import LocalStack


class Sender:
    """A rep whose mailbox is on the local Dovecot and sends through the local SMTP server, and a
    contact of theirs."""

    def __init__(self, rep: Rep, user: MailUser, api: Api, smtp: LocalSmtp, dovecot: LocalDovecot) -> None:
        self.rep, self.user, self.api, self.smtp, self.dovecot = rep, user, api, smtp, dovecot
        self.contact = stranger()
        self.record_id = contact_with(self.contact, rep)

    def send(self, **fields: Any) -> requests.Response:
        body = {"client_request_id": uuid.uuid4().hex, "to": [self.contact], "subject": "Quote", "text": "Hello"}
        body.update(fields)
        return self.api("POST", "/api/emails/send", body)

    def delivered(self, recipient: str | None = None) -> list[ReceivedMail]:
        to = recipient or self.contact
        return [mail for mail in self.smtp.received if to in mail.rcpt_tos]


@pytest.fixture
def sender(
    local_stack: LocalStack,
    mail_user: MailUser,
    dovecot: LocalDovecot,
    smtp_server: LocalSmtp,
    api_url: str,
    dev_token: Callable[[str], str],
) -> Sender:
    rep = connect(mail_user, dovecot, smtp=smtp_server.endpoint("starttls"))
    return Sender(rep, mail_user, Api(api_url, dev_token(rep.email)), smtp_server, dovecot)


def headers_of(mail: ReceivedMail) -> Any:
    return message_from_bytes(mail.content, policy=default)


def test_a_send_reaches_the_server_with_its_headers_and_is_listed_in_sent(sender: Sender) -> None:
    answer = sender.send(client_request_id="first-send-1", subject="Devis — 2026", text="Bonjour,\nsee www.team.test")
    assert answer.status_code == 201, answer.text
    email = answer.json()
    assert (email["send_status"], email["send_error"], email["refused"]) == ("sent", None, [])
    message_id = message_id_for(sender.rep.id, "first-send-1", sender.user.address)
    assert email["id"] == dedupe_key_of(message_id) and email["message_id"] == message_id
    (mail,) = sender.delivered()
    assert (mail.login, mail.mail_from) == (sender.user.name, sender.user.address)
    sent = headers_of(mail)
    assert sent["Message-ID"] == f"<{message_id}>" and sent["Subject"] == "Devis — 2026"
    assert sent["From"].addresses[0].addr_spec == sender.user.address
    assert sent["From"].addresses[0].display_name == sender.rep.name
    assert sent["To"].addresses[0].addr_spec == sender.contact
    html = sent.get_body(("html",)).get_content()
    assert '<a href="https://www.team.test">' in html
    # The open pixel carries the email's own token, whose claim points at the email.
    stored = activity_of(message_refs.email_ref(email["id"]))
    assert stored is not None and isinstance(stored.data, EmailFacts) and stored.data.open_token
    assert f'/mail/o/{stored.data.open_token}"' in html
    pixel_claim = message_refs.get(message_refs.open_ref(stored.data.open_token))
    email_claim = message_refs.get(message_refs.email_ref(email["id"]))
    assert pixel_claim is not None and email_claim is not None
    assert (pixel_claim.owner, pixel_claim.sk) == (email_claim.owner, email_claim.sk)
    # What is kept (the reader, the bucket, the copy for Sent) has no pixel.
    assert "/mail/o/" not in (email["html"] or "") and email["text"].startswith("Bonjour,\nsee www.team.test")
    assert b"/mail/o/" not in mail_objects.get(mail_objects.raw_key(email["id"]))
    (row,) = sender.api.tab("sent")
    assert (row["id"], row["send_status"], row["direction"], row["record"]["id"]) == (
        email["id"],
        "sent",
        "outbound",
        sender.record_id,
    )
    # The copy waits for the next poll to put it into the Sent folder.
    copies = mailboxes_data.load(sender.rep.id).sent_copies
    assert [(c.key, c.message_id) for c in copies] == [(email["id"], message_id)]


def test_the_same_request_twice_is_one_delivery_and_the_same_email(sender: Sender) -> None:
    first = sender.send(client_request_id="twice-12345")
    second = sender.send(client_request_id="twice-12345", text="changed my mind")
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"] and second.json()["text"].startswith("Hello")
    assert len(sender.delivered()) == 1 and len(sender.api.tab("sent")) == 1


def test_a_reply_is_threaded_and_lands_in_the_same_conversation(sender: Sender) -> None:
    original_id = "original-1@client.test"
    raw = message(sender.contact, sender.user.address, "Question", message_id=f"<{original_id}>")
    sender.dovecot.append(sender.user.name, "INBOX", raw)
    assert poll(sender.rep).messages == 1
    original = dedupe_key_of(original_id)
    answer = sender.send(reply_to=original, subject="Re: Question", text="Answer")
    assert answer.status_code == 201, answer.text
    (mail,) = sender.delivered()
    sent = headers_of(mail)
    assert sent["In-Reply-To"] == f"<{original_id}>" and sent["References"] == f"<{original_id}>"
    assert answer.json()["in_reply_to"] == original_id
    # The same conversation as the original: listed with the mail exchanged with that address.
    assert [row["id"] for row in sender.api.tab("sent", **{"from": sender.contact})] == [answer.json()["id"]]
    reply_facts = _facts(answer.json()["id"])
    assert reply_facts == _facts(original) and reply_facts["conversation"]


def _facts(key: str) -> dict[str, Any]:
    activity = activity_of(message_refs.email_ref(key))
    assert activity is not None
    return {"thread": activity.data.thread, "conversation": activity.conversation_id}  # type: ignore[union-attr]


def test_a_refused_recipient_leaves_a_failed_draft_that_retry_sends_once(sender: Sender) -> None:
    sender.smtp.refuse_recipients.add(sender.contact)
    answer = sender.send(client_request_id="refused-12345")
    assert answer.status_code == 201, answer.text
    email = answer.json()
    assert email["send_status"] == "failed" and "No such user" in email["send_error"]
    assert sender.delivered() == []
    assert sender.api.tab("sent")[0]["send_status"] == "failed"
    sender.smtp.refuse_recipients.discard(sender.contact)
    retried = sender.api.ok("POST", f"/api/emails/{email['id']}/retry", {})
    assert (retried["id"], retried["send_status"], retried["send_error"]) == (email["id"], "sent", None)
    assert len(sender.delivered()) == 1
    again = sender.api("POST", f"/api/emails/{email['id']}/retry", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_sent"
    assert len(sender.delivered()) == 1


def test_an_unknown_outcome_is_sent_again_only_when_confirmed(sender: Sender) -> None:
    sender.smtp.drop_after_message_to.add(sender.contact)
    email = sender.send(client_request_id="unknown-12345").json()
    assert email["send_status"] == "unknown" and "may have been sent" in email["send_error"]
    assert len(sender.delivered()) == 1  # the server did get it
    sender.smtp.drop_after_message_to.discard(sender.contact)
    refused = sender.api("POST", f"/api/emails/{email['id']}/retry", {})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "unconfirmed"
    assert len(sender.delivered()) == 1
    retried = sender.api.ok("POST", f"/api/emails/{email['id']}/retry", {"confirm_unknown": True})
    assert retried["send_status"] == "sent" and len(sender.delivered()) == 2
    # Both deliveries are the same message (the same Message-ID): the recipient's client shows one.
    assert {headers_of(m)["Message-ID"] for m in sender.delivered()} == {f"<{email['message_id']}>"}


def test_a_retried_request_for_a_failed_send_is_answered_not_sent_again(sender: Sender) -> None:
    sender.smtp.refuse_recipients.add(sender.contact)
    first = sender.send(client_request_id="failed-again-1").json()
    sender.smtp.refuse_recipients.discard(sender.contact)
    second = sender.send(client_request_id="failed-again-1")
    assert second.status_code == 201 and second.json()["send_status"] == "failed" and second.json()["id"] == first["id"]
    assert sender.delivered() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"to": []},
        {"to": ["not an address"]},
        {"to": ["ok@client.test", "two@client.test, three@client.test"]},
        {"cc": ["bad@"]},
        {"subject": "Hi\r\nBcc: victim@evil.test"},
        {"text": "  \n "},
        {"client_request_id": "short"},
        {"reply_to": "0" * 64},
        {"reply_to": "not-an-id"},
        {"unknown_field": 1},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(sender: Sender, fields: dict[str, Any]) -> None:
    answer = sender.send(**{"client_request_id": "bad-input-1", **fields})
    assert 400 <= answer.status_code < 500, answer.text
    assert sender.delivered() == [] and sender.api.tab("sent") == []
    assert message_refs.get(message_refs.email_ref(_key(sender, "bad-input-1"))) is None


def _key(sender: Sender, request_id: str) -> str:
    return dedupe_key_of(message_id_for(sender.rep.id, request_id, sender.user.address))


def test_a_reply_to_another_reps_email_is_not_found(sender: Sender, new_mail_user: Callable[[], MailUser]) -> None:
    other_user = new_mail_user()
    other = connect(other_user, sender.dovecot)
    theirs = f"theirs-{uuid.uuid4().hex[:8]}@client.test"
    sender.dovecot.append(
        other_user.name, "INBOX", message(sender.contact, other_user.address, "Theirs", message_id=f"<{theirs}>")
    )
    assert poll(other).messages == 1
    assert message_refs.get(message_refs.email_ref(dedupe_key_of(theirs))) is not None
    answer = sender.send(reply_to=dedupe_key_of(theirs))
    assert answer.status_code == 404 and sender.delivered() == [] and sender.api.tab("sent") == []


def test_no_mailbox_is_a_conflict_that_says_so(api_url: str, dev_token: Callable[[str], str]) -> None:
    rep = Rep(
        id=f"R{uuid.uuid4().hex[:12].upper()}", name="Rep Without Mail", email=f"{uuid.uuid4().hex[:8]}@team.test"
    )
    reps_data.create(rep)
    api = Api(api_url, dev_token(rep.email))
    body = {"client_request_id": "no-mailbox-1", "to": ["a@client.test"], "subject": "", "text": "Hi"}
    answer = api("POST", "/api/emails/send", body)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "no_mailbox"


def test_the_poll_of_sent_holding_the_same_message_writes_nothing_new(sender: Sender) -> None:
    email = sender.send(client_request_id="copy-in-sent-1").json()
    kept = mail_objects.get(mail_objects.raw_key(email["id"]))
    if b"/mail/o/" in kept:
        pytest.fail("the kept message carries the pixel")
    sender.dovecot.append(sender.user.name, "Sent", kept, flags=[b"\\Seen"])
    assert poll(sender.rep).messages == 0
    (row,) = sender.api.tab("sent")
    assert (row["id"], row["send_status"]) == (email["id"], "sent")


def test_a_mailbox_to_reconnect_is_a_conflict_that_says_so(sender: Sender) -> None:
    mailboxes_data.save_health(sender.rep.id, SyncHealth(error_kind="reconnect", error="connect it again"))
    answer = sender.send()
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "reconnect"
    assert sender.delivered() == [] and sender.api.tab("sent") == []


def _stored_sending(sender: Sender, request_id: str, *, seconds_ago: int) -> None:
    """An email stored as a send stores it, whose send never finished (its function died)."""
    settings = mailboxes_data.get_settings(sender.rep.id)
    assert settings is not None
    email = OutgoingEmail(
        sender=EmailAddress(sender.user.address, sender.rep.name),
        to=recipients_of([sender.contact], "to"),
        cc=(),
        subject="Cut short",
        text="Hello",
        message_id=message_id_for(sender.rep.id, request_id, sender.user.address),
        date=(datetime.now(UTC) - timedelta(seconds=seconds_ago)).replace(microsecond=0),
    )
    written = email_send.write_sent_email(
        sender.rep, settings, email, request_id=request_id, token="t" * 32, thread=None
    )
    assert written == "stored"


def test_a_retried_request_while_sending_is_in_progress_then_unknown_once_cut_short(sender: Sender) -> None:
    _stored_sending(sender, "cut-short-fresh", seconds_ago=5)
    answer = sender.send(client_request_id="cut-short-fresh")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "in_progress"
    _stored_sending(sender, "cut-short-stale", seconds_ago=120)
    answer = sender.send(client_request_id="cut-short-stale")
    assert answer.status_code == 201 and answer.json()["send_status"] == "unknown"
    assert "may have been sent" in answer.json()["send_error"]
    assert sender.delivered() == []  # a retried request never sends


def test_an_outcome_is_never_written_over_a_sent_email(sender: Sender) -> None:
    email = sender.send().json()
    stored = activity_of(message_refs.email_ref(email["id"]))
    assert stored is not None
    assert activities_data.set_send_outcome(stored, "failed", "late", "connect", None, []) is None
    assert sender.api.ok("GET", f"/api/emails/{email['id']}")["send_status"] == "sent"


def test_two_retries_at_once_send_once(sender: Sender) -> None:
    sender.smtp.refuse_recipients.add(sender.contact)
    email = sender.send().json()
    assert email["send_status"] == "failed"
    sender.smtp.refuse_recipients.discard(sender.contact)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: sender.api("POST", f"/api/emails/{email['id']}/retry", {}), range(2)))
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 200 and codes[1] in (200, 409), [a.text for a in answers]
    assert len(sender.delivered()) == 1

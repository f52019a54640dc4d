"""Folders over email and SMS together, through the API: a rep with a real mailbox (the local
Dovecot, polled) and a Twilio number; actions on mixed selections and on all of a view keep the
counts equal to the conversations listed; reading an email conversation reads its emails and sets
their flag on the mail server at the next poll; a new email brings its conversation back."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from conftest import MailUser
from mail_support import Api, message, poll, stranger

from commcenter.channels.imap_mailbox import ImapMailbox
from commcenter.data import conversations as conversations_data
from commcenter.data import counters as counters_data
from commcenter.data import mailbox_secrets
from commcenter.data import mailboxes as mailboxes_data
from commcenter.data import reps as reps_data
from commcenter.domain.folders import FOLDERS
from commcenter.domain.mailboxes import MailboxSettings, ServerEndpoint
from commcenter.domain.reps import Rep
from commcenter.domain.sms import conversation_id
from commcenter_local.mail_server import LocalDovecot
from commcenter_local.simulate import incoming_sms


def ids(api: Api, view: str, **params: str) -> list[str]:
    return [row["id"] for row in api.ok("GET", f"/api/folders/{view}", limit=100, **params)["items"]]


def act(api: Api, body: dict[str, Any]) -> int:
    return int(api.ok("POST", "/api/folders/actions", body)["changed"])


class Desk:
    """A rep with a mailbox and a number, two email conversations and two SMS ones."""

    def __init__(self, user: MailUser, dovecot: LocalDovecot, api_url: str, token: Callable[[str], str], twilio: str):
        self.number = f"+1646555{random.randrange(100, 200):04d}"
        self.rep = Rep(
            id=f"R{uuid.uuid4().hex[:12].upper()}",
            name=f"Rep {user.name}",
            email=user.address,
            twilio_number=self.number,
        )
        reps_data.create(self.rep)
        endpoint = ServerEndpoint(host="127.0.0.1", port=dovecot.imaps_port, tls="tls")
        settings = MailboxSettings(
            rep_id=self.rep.id,
            address=user.address,
            username=user.name,
            imap=endpoint,
            smtp=endpoint,
            first_sync_days=30,
        )
        mailboxes_data.save_settings(settings)
        mailbox_secrets.put(self.rep.id, {"password": user.password})
        self.user, self.dovecot, self.api_url, self.twilio = user, dovecot, api_url, twilio
        self.writer, self.reader = stranger(), stranger()
        dovecot.append(user.name, "INBOX", message(self.writer, user.address, "Pricing", days_ago=2))
        dovecot.append(user.name, "INBOX", message(self.writer, user.address, "Pricing again", days_ago=1))
        dovecot.append(user.name, "INBOX", message(self.reader, user.address, "Read it"), flags=[b"\\Seen"])
        assert poll(self.rep).messages == 3
        self.texters = [f"+1702555{random.randrange(100, 200):04d}" for _ in range(2)]
        for remote in self.texters:
            answer = incoming_sms(api_url, twilio, from_number=remote, to_number=self.number, body="A text")
            assert answer.status_code == 200, answer.text
        self.api = Api(api_url, token(self.rep.email))

    def email_conversation(self, address: str) -> str:
        (row,) = [
            r for r in self.api.ok("GET", "/api/folders/inbox", source="email")["items"] if r["remote"] == address
        ]
        return str(row["id"])

    def sms_conversation(self, remote: str) -> str:
        return conversation_id(self.number, remote)

    def counts_right(self) -> None:
        """The API's counts equal the conversations its views list, source by source."""
        counts = self.api.ok("GET", "/api/folders/counts")
        for folder in FOLDERS:
            for source in ("email", "sms"):
                rows = self.api.ok("GET", f"/api/folders/{folder}", source=source, limit=100)["items"]
                by = counts[folder]["by_source"][source]
                assert by["total"] == len(rows), (folder, source)
                assert by["unread"] == sum(1 for r in rows if r["unread"] and folder in ("inbox", "follow_up"))
        unread = self.api.ok("GET", "/api/folders/unread", limit=100)["items"]
        assert counts["unread"]["total"] == len(unread)
        stored = counters_data.read_all(counters_data.rep_scope(self.rep.id))
        assert sum(v for k, v in stored.items() if k.startswith("folder#") and not k.endswith("#unread")) == sum(
            counts[f]["total"] for f in FOLDERS
        )

    def server_seen(self) -> dict[str, bool]:
        """Each INBOX message's \\Seen flag on the server, by subject."""
        endpoint = ServerEndpoint(host="127.0.0.1", port=self.dovecot.imaps_port, tls="tls")
        with ImapMailbox(endpoint, self.user.login) as box:
            box.select("INBOX")
            fetched = list(box.fetch(box.uids_above(0)))
        return {_subject(item.raw): item.seen for item in fetched}


def _subject(raw: bytes) -> str:
    return next((line[9:] for line in raw.decode().splitlines() if line.startswith("Subject: ")), "")


@pytest.fixture
def desk(
    mail_user: MailUser, dovecot: LocalDovecot, api_url: str, dev_token: Callable[[str], str], twilio_auth_token: str
) -> Desk:
    return Desk(mail_user, dovecot, api_url, dev_token, twilio_auth_token)


def test_mixed_selections_and_all_of_a_view_keep_the_counts(desk: Desk) -> None:
    api = desk.api
    writer, reader = desk.email_conversation(desk.writer), desk.email_conversation(desk.reader)
    text_one, text_two = (desk.sms_conversation(remote) for remote in desk.texters)
    assert set(ids(api, "inbox")) == {writer, reader, text_one, text_two}
    assert set(ids(api, "unread")) == {writer, text_one, text_two}  # the one read in the mail client is not
    assert set(ids(api, "inbox", source="email")) == {writer, reader}
    desk.counts_right()

    assert act(api, {"action": "archive", "ids": [writer, text_one]}) == 2
    assert set(ids(api, "archived")) == {writer, text_one}
    desk.counts_right()
    assert act(api, {"action": "spam", "ids": [reader, text_two]}) == 2
    desk.counts_right()
    assert act(api, {"action": "trash", "all": True, "folder": "archived", "source": "email"}) == 1
    assert ids(api, "trash") == [writer] and ids(api, "archived") == [text_one]
    desk.counts_right()
    assert act(api, {"action": "inbox", "all": True, "folder": "spam"}) == 2
    desk.counts_right()


def test_reading_an_email_conversation_reads_its_emails_here_and_on_the_server(desk: Desk) -> None:
    api = desk.api
    writer = desk.email_conversation(desk.writer)
    assert (conversations_data.get(writer) or pytest.fail("no conversation")).unread == 2
    assert act(api, {"action": "read", "ids": [writer]}) == 1
    assert (conversations_data.get(writer) or pytest.fail("no conversation")).unread == 0
    assert writer not in ids(api, "unread")
    assert all(row["read"] for row in api.ok("GET", "/api/emails", tab="inbox")["items"])
    desk.counts_right()
    poll(desk.rep)  # the flags queued go to the server under the poll's lease
    assert desk.server_seen() == {"Pricing": True, "Pricing again": True, "Read it": True}

    assert act(api, {"action": "unread", "ids": [writer]}) == 1
    assert writer in ids(api, "unread", source="email")
    desk.counts_right()
    poll(desk.rep)
    assert desk.server_seen()["Pricing again"] is False  # the newest received is unread again


def test_a_new_email_brings_its_trashed_conversation_back_to_the_inbox(desk: Desk) -> None:
    api = desk.api
    writer = desk.email_conversation(desk.writer)
    assert act(api, {"action": "trash", "ids": [writer]}) == 1
    desk.dovecot.append(desk.user.name, "INBOX", message(desk.writer, desk.user.address, "Pricing, final", days_ago=0))
    assert poll(desk.rep).messages == 1
    assert writer in ids(api, "inbox") and writer not in ids(api, "trash")
    desk.counts_right()

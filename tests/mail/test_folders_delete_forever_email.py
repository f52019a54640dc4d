"""Delete forever (I3) of an email conversation, with a real mailbox (the local Dovecot, polled):
its emails go with their raw messages and attachments in the mail bucket, the counts follow, and
the same message polled again (a copy with its Message-ID) does not come back."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import make_msgid

import pytest
from botocore.exceptions import ClientError
from conftest import MailUser
from mail_support import message, poll
from test_folders_mixed import Desk

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import mail_objects
from commcenter.domain.facts import EmailFacts, expect
from commcenter_local.mail_server import LocalDovecot


@pytest.fixture
def desk(
    mail_user: MailUser, dovecot: LocalDovecot, api_url: str, dev_token: Callable[[str], str], twilio_auth_token: str
) -> Desk:
    return Desk(mail_user, dovecot, api_url, dev_token, twilio_auth_token)


def test_an_email_conversation_deleted_for_good_takes_its_objects_and_does_not_come_back(desk: Desk) -> None:
    quote_id = make_msgid(domain="sender.test")
    quote = message(desk.writer, desk.user.address, "Quote attached", message_id=quote_id, attachment=b"%PDF-1.4 q")
    desk.dovecot.append(desk.user.name, "INBOX", quote)
    assert poll(desk.rep).messages == 1
    conversation = desk.email_conversation(desk.writer)
    emails = list(activities_data.conversation_history(conversation))
    assert sorted(e.summary for e in emails) == ["Pricing", "Pricing again", "Quote attached"]
    stored = [
        key
        for email in emails
        for facts in [expect(email.data, EmailFacts)]
        for key in (facts.raw_key, facts.html_key, *(a.key for a in facts.attachments))
        if key
    ]
    assert len(stored) >= 4  # three raw messages and the attachment
    assert all(mail_objects.get(key) for key in stored)

    desk.api.ok("POST", "/api/folders/actions", {"action": "trash", "ids": [conversation]})
    answer = desk.api.ok("POST", "/api/folders/actions", {"action": "delete_forever", "ids": [conversation]})
    assert answer["changed"] == 1
    assert conversations_data.get(conversation) is None
    assert list(activities_data.conversation_history(conversation)) == []
    for key in stored:
        with pytest.raises(ClientError):
            mail_objects.get(key)
    desk.counts_right()

    # The same message again (a copy with its Message-ID, as a mail client may leave it): its
    # claim stayed, so it is a duplicate and nothing is stored.
    desk.dovecot.append(desk.user.name, "INBOX", quote)
    poll(desk.rep)
    assert conversations_data.get(conversation) is None
    assert list(activities_data.conversation_history(conversation)) == []
    desk.counts_right()

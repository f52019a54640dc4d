"""The copy in Sent of an email sent from the dashboard (E5): queued by the send, put into the
mailbox's Sent folder by the next poll, once."""

from __future__ import annotations

import uuid

from commcenter.data import mailboxes as mailboxes_data
from commcenter.data.mailboxes import SentCopy
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

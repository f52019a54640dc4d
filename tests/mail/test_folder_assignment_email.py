"""Assignment (I3) of an email conversation, through the API with a real mailbox (the local
Dovecot, polled): the rep it is given to opens its emails and reads the conversation, whose emails
are then read on the mailbox's server at its rep's next poll; a third rep still cannot open them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from conftest import MailUser
from mail_support import Api, poll
from test_folders_mixed import Desk, act, ids

from commcenter.data import conversations as conversations_data
from commcenter.data import reps as reps_data
from commcenter.domain.reps import Rep
from commcenter_local.mail_server import LocalDovecot


def teammate(api_url: str, token: Callable[[str], str]) -> tuple[Rep, Api]:
    """Another rep of the team, signed in (no mailbox, no number of their own needed)."""
    tag = uuid.uuid4().hex[:10]
    rep = Rep(id=f"rep-{tag}", name=f"Teammate {tag}", email=f"teammate-{tag}@commcenter.test")
    reps_data.create(rep)
    return rep, Api(api_url, token(rep.email))


@pytest.fixture
def desk(
    mail_user: MailUser, dovecot: LocalDovecot, api_url: str, dev_token: Callable[[str], str], twilio_auth_token: str
) -> Desk:
    return Desk(mail_user, dovecot, api_url, dev_token, twilio_auth_token)


def test_the_assignee_opens_and_reads_an_email_conversation_and_the_server_follows(
    desk: Desk, api_url: str, dev_token: Callable[[str], str]
) -> None:
    writer = desk.email_conversation(desk.writer)
    emails = desk.api.ok("GET", f"/api/sms/conversations/{writer}/messages")["items"]  # any conversation's
    keys = [email["data"]["key"] for email in emails]
    assert len(keys) == 2
    (bruno, bruno_api), (_, other_api) = teammate(api_url, dev_token), teammate(api_url, dev_token)
    assert bruno_api("GET", f"/api/emails/{keys[0]}").status_code == 404

    assert act(desk.api, {"action": "assign", "ids": [writer], "to": bruno.id}) == 1
    assert writer not in ids(desk.api, "inbox") and writer in ids(bruno_api, "unread", source="email")
    assert {bruno_api.ok("GET", f"/api/emails/{key}")["subject"] for key in keys} == {"Pricing", "Pricing again"}
    assert other_api("GET", f"/api/emails/{keys[0]}").status_code == 404

    assert act(bruno_api, {"action": "read", "ids": [writer]}) == 1
    assert (conversations_data.get(writer) or pytest.fail("no conversation")).unread == 0
    assert writer not in ids(bruno_api, "unread")
    poll(desk.rep)  # the mailbox's rep's poll sets the flags the assignee's read queued
    assert desk.server_seen() == {"Pricing": True, "Pricing again": True, "Read it": True}
    desk.counts_right()  # the mailbox's rep's counts: the conversation is no longer theirs
    counts = bruno_api.ok("GET", "/api/folders/counts")["inbox"]["by_source"]["email"]
    assert (counts["total"], counts["unread"]) == (1, 0)

"""Assignment (I3) through the local gateway, with two reps: Alice gives a conversation to Bruno;
it leaves her folders and lands in his Inbox with a note of who gave it, the counts of both move,
and Bruno opens it and replies from the conversation's own number."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from api_support import ALICE_NUMBER, Api, fresh_remote, receive
from test_folders import api_counts, counted, summed, view_ids

from commcenter.data import conversations as conversations_data
from commcenter.domain.sms import ConversationState, conversation_id
from commcenter_local.twilio_stand_in import Behaviour, TwilioStandIn

ALICE_ID, BRUNO_ID = "rep-alice", "rep-bruno"


def texted(api_url: str, token: str, body: str = "Who can help me?") -> str:
    remote = fresh_remote()
    receive(api_url, token, remote, ALICE_NUMBER, body)
    return conversation_id(ALICE_NUMBER, remote)


def stored(conversation: str) -> ConversationState:
    state = conversations_data.get(conversation)
    assert state is not None
    return state


def assign(api: Api, to: str, **target: Any) -> int:
    return int(api.ok("POST", "/api/folders/actions", {"action": "assign", "to": to, **target})["changed"])


def inbox_total(api: Api) -> int:
    return int(api.ok("GET", "/api/folders/counts")["inbox"]["by_source"]["sms"]["total"])


def test_an_assigned_conversation_leaves_my_inbox_and_lands_in_theirs_with_a_note(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str, twilio_api: TwilioStandIn
) -> None:
    conversation = texted(api_url, twilio_auth_token)
    alice_before, bruno_before = inbox_total(alice), inbox_total(bruno)
    assert conversation in view_ids(alice, "inbox") and conversation not in view_ids(bruno, "inbox")

    assert assign(alice, BRUNO_ID, ids=[conversation]) == 1

    assert conversation not in view_ids(alice, "inbox") + view_ids(alice, "unread")
    assert conversation in view_ids(bruno, "unread", source="sms")
    (row,) = [r for r in bruno.ok("GET", "/api/folders/inbox", source="sms")["items"] if r["id"] == conversation]
    assert (row["owner_id"], row["folder"], row["unread"], row["assigned_by"]) == (BRUNO_ID, "inbox", 1, ALICE_ID)
    assert row["assigned_at"] == stored(conversation).assigned_at
    (every,) = [r for r in bruno.ok("GET", "/api/folders/inbox")["items"] if r["id"] == conversation]
    assert every["assigned_by"] == ALICE_ID  # the index of every source too
    assert (inbox_total(alice), inbox_total(bruno)) == (alice_before - 1, bruno_before + 1)
    for rep_id, api in ((ALICE_ID, alice), (BRUNO_ID, bruno)):
        assert api_counts(api) == counted(rep_id) == summed(rep_id)
    # Assigned to him already: nothing changes; she no longer views it to act on it.
    assert assign(bruno, BRUNO_ID, ids=[conversation]) == 0
    assert alice("POST", "/api/folders/actions", {"action": "archive", "ids": [conversation]}).status_code == 404

    # Bruno opens it, reads it and replies: from Alice's number, the customer's one thread.
    remote = stored(conversation).remote_number
    assert bruno.ok("GET", f"/api/sms/conversations/{conversation}")["id"] == conversation
    assert [m["body"] for m in bruno.ok("GET", f"/api/sms/conversations/{conversation}/messages")["items"]] == [
        "Who can help me?"
    ]
    assert bruno.ok("POST", f"/api/sms/conversations/{conversation}/read")["unread"] == 0
    reply = bruno.send(remote, "I can, this is Bruno", conversation_id=conversation)
    assert reply.status_code == 201, reply.text
    (sent,) = twilio_api.messages
    assert (sent["from"], sent["to"]) == (ALICE_NUMBER, remote)
    assert reply.json()["conversation_id"] == conversation and reply.json()["rep_id"] == BRUNO_ID
    after_reply = stored(conversation)
    assert (after_reply.owner_id, after_reply.rep_id, after_reply.last_preview) == (
        BRUNO_ID,
        ALICE_ID,
        "I can, this is Bruno",
    )

    # The customer's answer stays with him: back in his Inbox, not in hers.
    bruno.ok("POST", "/api/folders/actions", {"action": "archive", "ids": [conversation]})
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Thanks Bruno")
    assert conversation in view_ids(bruno, "inbox", source="sms")
    assert conversation not in view_ids(alice, "inbox")
    # The number's rep still reads it where her SMS tab lists it.
    assert alice.ok("GET", f"/api/sms/conversations/{conversation}")["last_preview"] == "Thanks Bruno"
    for rep_id, api in ((ALICE_ID, alice), (BRUNO_ID, bruno)):
        assert api_counts(api) == counted(rep_id) == summed(rep_id)


def test_a_rep_who_is_neither_the_numbers_nor_the_assignee_cannot_open_it(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    conversation = texted(api_url, twilio_auth_token)
    assert bruno("GET", f"/api/sms/conversations/{conversation}").status_code == 404
    assert bruno("GET", f"/api/sms/conversations/{conversation}/messages").status_code == 404
    assign(alice, BRUNO_ID, ids=[conversation])
    # Bruno gives it back: the note says he did, and he no longer opens it.
    assert assign(bruno, ALICE_ID, ids=[conversation]) == 1
    (row,) = [r for r in alice.ok("GET", "/api/folders/inbox", source="sms")["items"] if r["id"] == conversation]
    assert (row["owner_id"], row["assigned_by"]) == (ALICE_ID, BRUNO_ID)
    assert conversation not in view_ids(bruno, "inbox")
    assert bruno("POST", f"/api/sms/conversations/{conversation}/read").status_code == 404


def test_all_of_a_view_is_assigned_at_once(alice: Api, bruno: Api, api_url: str, twilio_auth_token: str) -> None:
    ids = [texted(api_url, twilio_auth_token, f"All of them {n}") for n in range(2)]
    alice.ok("POST", "/api/folders/actions", {"action": "spam", "ids": ids})
    spam = view_ids(alice, "spam", source="sms")
    changed = assign(alice, BRUNO_ID, all=True, folder="spam", source="sms")
    assert changed == len(spam) and view_ids(alice, "spam", source="sms") == []
    assert set(ids) <= set(view_ids(bruno, "inbox", source="sms"))
    for rep_id, api in ((ALICE_ID, alice), (BRUNO_ID, bruno)):
        assert api_counts(api) == counted(rep_id) == summed(rep_id)


@pytest.mark.parametrize(
    "extra",
    [
        {},  # no one to give it to
        {"to": ""},
        {"to": "rep-nobody"},
        {"to": "no/such rep"},
        {"to": "rep-bruno", "day": "2031-02-03"},
    ],
)
def test_an_assignment_to_no_rep_of_the_team_is_refused_and_changes_nothing(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str, extra: dict[str, str]
) -> None:
    conversation = texted(api_url, twilio_auth_token)
    before, state = (counted(ALICE_ID), counted(BRUNO_ID)), stored(conversation)
    answer = alice("POST", "/api/folders/actions", {"action": "assign", "ids": [conversation], **extra})
    assert answer.status_code == 400, answer.text
    assert (counted(ALICE_ID), counted(BRUNO_ID)) == before
    assert stored(conversation) == state


def test_to_is_only_for_an_assignment(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    conversation = texted(api_url, twilio_auth_token)
    answer = alice("POST", "/api/folders/actions", {"action": "archive", "ids": [conversation], "to": BRUNO_ID})
    assert answer.status_code == 400, answer.text
    assert stored(conversation).folder == "inbox"


def test_the_assignee_follows_up_and_retries_their_own_failed_reply(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str, twilio_api: TwilioStandIn
) -> None:
    conversation = texted(api_url, twilio_auth_token)
    remote = stored(conversation).remote_number
    day = (date.today() + timedelta(days=9)).isoformat()
    assert (
        bruno("POST", "/api/folders/actions", {"action": "follow_up", "ids": [conversation], "day": day}).status_code
        == 404
    )
    assign(alice, BRUNO_ID, ids=[conversation])

    assert (
        bruno.ok("POST", "/api/folders/actions", {"action": "follow_up", "ids": [conversation], "day": day})["changed"]
        == 1
    )
    (reminder,) = bruno.ok("GET", "/api/reminders", conversation_id=conversation)["items"]
    assert reminder["kind"] == "follow_up" and reminder["due_at"].startswith(day)

    twilio_api.answer_next(Behaviour("error", status=400, code=30003, message="Unreachable destination handset"))
    failed = bruno.send(remote, "Sorry, again?", conversation_id=conversation).json()
    assert failed["data"]["status"] == "failed"
    path = f"/api/sms/conversations/{conversation}/messages/{failed['id']}/retry"
    # Only its sender retries a failed text, even in a conversation on the other rep's number.
    assert alice("POST", path, {"occurred_at": failed["occurred_at"]}).status_code == 404
    retried = bruno("POST", path, {"occurred_at": failed["occurred_at"]})
    assert retried.status_code == 200, retried.text
    assert retried.json()["data"]["status"] == "retrying"

"""Calls as conversations, through the local gateway with signed voice webhooks: a call is written
with its conversation (channel "call") in one transaction, exactly once per CallSid; the
conversation is in its viewer's folders, counted, says how the call went, and follows its number
onto a record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_support import ALICE, ALICE_NUMBER, Api
from phone_numbers import fresh_phone as caller

from commcenter.data import conversations as conversations_data
from commcenter.data import reps as reps_data
from commcenter.domain.calls import Presence
from commcenter.domain.sms import ConversationState, conversation_id
from commcenter.services.call_log import find_call
from commcenter.services.reps import rep_by_email
from commcenter_local.simulate import new_sid, post_to, post_webhook, simulate_call, voice_params


@pytest.fixture(autouse=True)
def offline(local_stack: Any) -> Iterator[None]:
    """Alice's softphone is offline: her calls ring her forwarding number."""
    rep = rep_by_email(ALICE)
    reps_data.save_presence(rep.id, Presence(online=False, on_call=False, updated_at="2026-01-01T00:00:00.000Z"))
    yield


def call_conversation(remote: str) -> ConversationState:
    state = conversations_data.get(conversation_id(ALICE_NUMBER, remote, "call"))
    assert state is not None
    return state


def row(api: Api, view: str, conversation: str, **params: str) -> dict[str, Any] | None:
    """The conversation's row in a view (its first 100 rows), or None."""
    rows = api.ok("GET", f"/api/folders/{view}", limit=100, **params)["items"]
    found = [r for r in rows if r["id"] == conversation]
    assert len(found) <= 1
    return found[0] if found else None


def call_counts(api: Api) -> dict[str, tuple[int, int]]:
    """Each folder's calls: (total, unread)."""
    counts = api.ok("GET", "/api/folders/counts")
    return {view: (c["by_source"]["call"]["total"], c["by_source"]["call"]["unread"]) for view, c in counts.items()}


def ring(api_url: str, token: str, remote: str, sid: str) -> None:
    response = post_webhook(
        api_url, token, "/twilio/voice/incoming", voice_params(sid, remote, ALICE_NUMBER, "ringing")
    )
    assert response.status_code == 200, response.text


def end(api_url: str, token: str, remote: str, sid: str, status: str, duration: int) -> None:
    fields = [
        *voice_params(sid, remote, ALICE_NUMBER, status),
        ("SequenceNumber", "9"),
        ("CallDuration", str(duration)),
    ]
    response = post_webhook(api_url, token, "/twilio/voice/status", fields)
    assert response.status_code == 200, response.text


def test_an_incoming_call_is_a_conversation_in_the_inbox_once_however_often_twilio_retries(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote, sid = caller(), new_sid("CA")
    before = call_counts(alice)
    ring(api_url, twilio_auth_token, remote, sid)
    state = call_conversation(remote)
    assert (state.channel, state.folder, state.section, state.unread) == ("call", "inbox", "unmatched", 1)
    call = find_call(sid)
    assert call is not None and call.conversation_id == state.id
    inbox = row(alice, "inbox", state.id, source="call")
    assert inbox is not None
    assert (inbox["channel"], inbox["remote"], inbox["last_preview"], inbox["unread"]) == (
        "call",
        remote,
        "Incoming call",
        1,
    )
    after = call_counts(alice)
    assert after["inbox"] == (before["inbox"][0] + 1, before["inbox"][1] + 1)
    assert after["unread"][0] == before["unread"][0] + 1

    # Twilio retries the webhook: the same call, nothing more written or counted.
    ring(api_url, twilio_auth_token, remote, sid)
    assert call_conversation(remote).version == state.version
    assert call_counts(alice) == after
    messages = alice.ok("GET", f"/api/sms/conversations/{state.id}/messages")["items"]
    assert [(m["type"], m["external_id"]) for m in messages] == [("call", sid)]

    # Nobody answered: a missed call, still unread; its end delivered twice changes it once.
    end(api_url, twilio_auth_token, remote, sid, "no-answer", 0)
    missed = call_conversation(remote)
    assert (missed.last_preview, missed.unread) == ("Missed call", 1)
    end(api_url, twilio_auth_token, remote, sid, "no-answer", 0)
    assert call_conversation(remote).version == missed.version
    assert call_counts(alice) == after

    # Listed by the source filter and in the Unread view of every source; the SMS view has no call.
    assert row(alice, "unread", state.id) is not None
    assert row(alice, "inbox", state.id) is not None
    assert row(alice, "inbox", state.id, source="sms") is None


def test_an_answered_call_reads_its_conversation_and_says_how_long(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    before = call_counts(alice)
    simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="answered")
    state = call_conversation(remote)
    assert (state.last_preview, state.unread, state.folder) == ("Call, 47 s", 0, "inbox")
    assert call_counts(alice)["inbox"] == (before["inbox"][0] + 1, before["inbox"][1])

    # A voicemail left on the next call: unread, and said so.
    simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="voicemail")
    state = call_conversation(remote)
    assert (state.last_preview, state.unread) == ("Voicemail", 1)
    messages = alice.ok("GET", f"/api/sms/conversations/{state.id}/messages")["items"]
    assert [m["type"] for m in messages] == ["call", "call"]


def test_a_new_call_brings_an_archived_call_conversation_back_and_a_spam_one_stays(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    ring(api_url, twilio_auth_token, remote, new_sid("CA"))
    state = call_conversation(remote)
    alice.ok("POST", "/api/folders/actions", {"action": "archive", "ids": [state.id]})
    assert row(alice, "archived", state.id, source="call") is not None
    ring(api_url, twilio_auth_token, remote, new_sid("CA"))
    assert call_conversation(remote).folder == "inbox"
    assert row(alice, "archived", state.id, source="call") is None

    alice.ok("POST", "/api/folders/actions", {"action": "spam", "ids": [state.id]})
    ring(api_url, twilio_auth_token, remote, new_sid("CA"))
    assert call_conversation(remote).folder == "spam"
    assert row(alice, "spam", state.id, source="call") is not None
    assert row(alice, "inbox", state.id, source="call") is None


def test_adding_the_number_to_a_record_moves_its_call_conversation(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    ring(api_url, twilio_auth_token, remote, new_sid("CA"))
    assert call_conversation(remote).section == "unmatched"
    record = alice.contact(remote, last_name="Caller")
    state = call_conversation(remote)
    assert (state.section, state.record_id) == ("matched", record["id"])
    inbox = row(alice, "inbox", state.id, source="call")
    assert inbox is not None and inbox["record"]["id"] == record["id"]

    # Its next call is on the record, in the same conversation.
    sid = new_sid("CA")
    ring(api_url, twilio_auth_token, remote, sid)
    call = find_call(sid)
    assert call is not None and (call.record_id, call.conversation_id) == (record["id"], state.id)


def test_a_call_the_rep_places_is_read_in_its_conversation(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote, sid = caller(), new_sid("CA")
    params = [("AccountSid", "AC" + "0" * 32), ("CallSid", sid), ("CallStatus", "ringing"), ("Direction", "inbound"),
              ("From", "client:alice"), ("Caller", "client:alice"), ("To", remote)]  # fmt: skip
    assert post_webhook(api_url, twilio_auth_token, "/twilio/voice/outgoing", params).status_code == 200
    state = call_conversation(remote)
    assert (state.last_direction, state.last_preview, state.unread) == ("outbound", "Outgoing call", 0)
    # The dialled leg reports through its parent call: answered, 3 minutes.
    leg = [*voice_params(new_sid("CA"), ALICE_NUMBER, remote, "completed"), ("ParentCallSid", sid),
           ("SequenceNumber", "3"), ("CallDuration", "185")]  # fmt: skip
    assert post_to(f"{api_url}/twilio/voice/status", twilio_auth_token, leg).status_code == 200
    assert call_conversation(remote).last_preview == "Call, 3 min"


def test_ignoring_the_number_takes_its_call_conversation_out_of_the_folders_and_back(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    ring(api_url, twilio_auth_token, remote, new_sid("CA"))
    state = call_conversation(remote)
    before = call_counts(alice)
    body = {"handle": f"phone:{remote}", "ignored": True}
    assert alice("POST", "/api/unmatched/ignore", body).status_code == 204
    assert call_conversation(remote).section == "ignored"
    assert row(alice, "inbox", state.id, source="call") is None
    assert call_counts(alice)["inbox"] == (before["inbox"][0] - 1, before["inbox"][1] - 1)
    # Its next call stays ignored; heard again, the conversation is back in the Inbox.
    ring(api_url, twilio_auth_token, remote, new_sid("CA"))
    assert call_conversation(remote).section == "ignored"
    assert alice("POST", "/api/unmatched/ignore", {**body, "ignored": False}).status_code == 204
    assert row(alice, "inbox", state.id, source="call") is not None

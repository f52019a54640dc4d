"""Incoming SMS through the local gateway: signed, stored once, listed, counted, opted out."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from api_support import (
    ALICE_NUMBER,
    BRUNO_NUMBER,
    Api,
    assert_empty_twiml,
    fresh_remote,
    receive,
)
from dynamodb_wire import Fault, faults_on_the_wire, internal_error

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import opt_outs as opt_outs_data
from commcenter.domain.handles import Handle
from commcenter.domain.sms import conversation_id
from commcenter.observability import logger
from commcenter.services.sms_inbound import InboundSms, receive_sms
from commcenter_local.simulate import incoming_sms, incoming_sms_params, new_sid, post_webhook
from commcenter_local.stack import LocalStack


def test_an_sms_from_a_contact_lands_on_the_record_once(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    record = alice.contact(remote)
    before = alice.counts()
    sid = new_sid("SM")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Can we meet on Tuesday?", sid=sid)

    feed = alice.record_sms(record["id"])
    assert [(m["body"], m["direction"], m["external_id"], m["rep_id"] is not None) for m in feed] == [
        ("Can we meet on Tuesday?", "inbound", sid, True)
    ]
    assert feed[0]["data"]["status"] == "received" and feed[0]["data"]["encoding"] == "GSM-7"
    conversation = alice.conversation(ALICE_NUMBER, remote).json()
    assert conversation["section"] == "matched" and conversation["unread"] == 1
    assert conversation["record"]["id"] == record["id"]
    assert conversation["last_preview"] == "Can we meet on Tuesday?"
    assert alice.counts() == {**before, "matched": before["matched"] + 1}

    # Twilio retries: the same MessageSid again changes nothing.
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Can we meet on Tuesday?", sid=sid)
    assert len(alice.record_sms(record["id"])) == 1
    assert alice.conversation(ALICE_NUMBER, remote).json()["unread"] == 1
    assert alice.counts() == {**before, "matched": before["matched"] + 1}


def test_forged_and_unsigned_webhooks_are_refused_and_store_nothing(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    forged = incoming_sms(api_url, "not-the-token", from_number=remote, to_number=ALICE_NUMBER, body="hi")
    assert forged.status_code == 403
    params = incoming_sms_params(from_number=remote, to_number=ALICE_NUMBER, body="hi")
    unsigned = requests.post(api_url + "/twilio/sms/incoming", data=params, timeout=10)
    assert unsigned.status_code == 403
    # Signed for other parameters than those sent (a replayed signature on a changed body).
    signed = post_webhook(api_url, twilio_auth_token, "/twilio/sms/incoming", params)
    assert signed.status_code == 200
    tampered_params = [(k, "changed" if k == "Body" else v) for k, v in params]
    tampered = requests.post(
        api_url + "/twilio/sms/incoming",
        data=tampered_params,
        headers={"X-Twilio-Signature": signed.request.headers["X-Twilio-Signature"]},
        timeout=10,
    )
    assert tampered.status_code == 403
    assert [m["body"] for m in alice.messages(ALICE_NUMBER, remote)] == ["hi"]


def test_an_sms_to_a_number_no_rep_owns_is_answered_and_not_stored(api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    response = incoming_sms(api_url, twilio_auth_token, from_number=remote, to_number="+14155550999", body="hello?")
    assert_empty_twiml(response)
    assert list(activities_data.iter_owner(f"h#{Handle('phone', remote).key}")) == []


def test_mms_with_emoji_keeps_every_attachment_and_character(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    media = [
        ("https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1", "image/jpeg"),
        ("https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME2", "application/pdf"),
    ]
    body = "Voilà le plan 👍🏽 — à mardi"
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, body, media=media)
    (message,) = alice.messages(ALICE_NUMBER, remote)
    assert message["body"] == body
    assert message["data"]["media"] == [{"url": u, "content_type": t} for u, t in media]
    assert message["data"]["encoding"] == "UCS-2"
    assert message["external_id"].startswith("MM")
    # An MMS without text shows what it carries.
    other = fresh_remote()
    receive(api_url, twilio_auth_token, other, ALICE_NUMBER, "", media=media[:1])
    assert alice.conversation(ALICE_NUMBER, other).json()["last_preview"] == "1 attachment"


def test_an_attachment_not_on_twilios_media_hosts_is_dropped_and_logged(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    kept = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM2/Media/ME1"
    forged = [
        "javascript:alert(document.cookie)",
        "http://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM2/Media/ME2",
        "https://evil.example/invoice.pdf",
        "data:text/html,<script>alert(1)</script>",
    ]
    media = [(url, "image/jpeg") for url in forged[:2]] + [(kept, "image/png")] + [(url, "") for url in forged[2:]]
    handler = logger.registered_handler
    lines = io.StringIO()
    previous = handler.setStream(lines)  # type: ignore[attr-defined]
    try:
        receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "See attached", media=media)
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    (message,) = alice.messages(ALICE_NUMBER, remote)
    assert message["body"] == "See attached"
    assert message["data"]["media"] == [{"url": kept, "content_type": "image/png"}]
    dropped = [json.loads(line) for line in lines.getvalue().splitlines() if "attachment dropped" in line]
    assert sorted(entry["attachment"] for entry in dropped) == [0, 1, 3, 4]
    # Neither the URL (it may name anything) nor the sender's number is written.
    text = lines.getvalue()
    assert not any(url in text for url in forged) and "evil.example" not in text and remote not in text


def test_stop_start_and_help_as_twilio_applies_them(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "stop please")
    assert alice.conversation(ALICE_NUMBER, remote).json()["opted_out"] is False
    assert alice.send(remote, "Sorry to hear that").status_code == 201

    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "  Stop ")
    assert alice.conversation(ALICE_NUMBER, remote).json()["opted_out"] is True
    refused = alice.send(remote, "Are you sure?")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "opted_out"

    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "HELP")
    assert alice.conversation(ALICE_NUMBER, remote).json()["opted_out"] is True
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "unstop")
    assert alice.conversation(ALICE_NUMBER, remote).json()["opted_out"] is False
    assert alice.send(remote, "Welcome back").status_code == 201

    messages = list(reversed(alice.messages(ALICE_NUMBER, remote)))
    assert [m["body"] for m in messages] == [
        "stop please",
        "Sorry to hear that",
        "  Stop ",
        "HELP",
        "unstop",
        "Welcome back",
    ]
    assert [m["data"].get("keyword") for m in messages if m["direction"] == "inbound"] == [
        None,
        "STOP",
        "HELP",
        "UNSTOP",
    ]


def test_unmatched_then_added_to_an_existing_record(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    before = alice.counts()
    for text in ("Hello, who is this?", "Is this the sales team?"):
        receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, text)
    conversation = alice.conversation(ALICE_NUMBER, remote).json()
    assert conversation["section"] == "unmatched" and conversation["record"] is None
    assert alice.counts() == {**before, "unmatched": before["unmatched"] + 2}
    listed = alice.ok("GET", "/api/sms/conversations", section="unmatched", limit=100)["items"]
    assert conversation["id"] in [c["id"] for c in listed]

    record = alice.contact(last_name="Existing")
    updated = alice.ok("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{remote}"})
    assert [p["number"] for p in updated["phones"]] == [remote]

    moved = alice.conversation(ALICE_NUMBER, remote).json()
    assert moved["section"] == "matched" and moved["record"]["id"] == record["id"] and moved["unread"] == 2
    assert alice.counts() == {"matched": before["matched"] + 2, "unmatched": before["unmatched"]}
    assert [m["body"] for m in alice.record_sms(record["id"])] == ["Is this the sales team?", "Hello, who is this?"]
    assert list(activities_data.iter_owner(f"h#phone:{remote}")) == []
    # A new message goes straight to the record.
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Thanks!")
    assert len(alice.record_sms(record["id"])) == 3


def test_add_to_crm_creates_the_record_with_the_history(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "I saw your ad")
    record = alice.contact(remote, last_name="Newcomer")
    assert [m["body"] for m in alice.record_sms(record["id"])] == ["I saw your ad"]
    assert alice.conversation(ALICE_NUMBER, remote).json()["section"] == "matched"


def test_ignore_hides_an_unmatched_number_until_unignored(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    before = alice.counts()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "WIN A PRIZE")
    assert alice.ok("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": True}) is None
    assert alice.conversation(ALICE_NUMBER, remote).json()["section"] == "ignored"
    assert alice.counts() == before
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "LAST CHANCE")
    assert alice.counts() == before  # ignored traffic is stored, not counted
    unmatched = alice.ok("GET", "/api/sms/conversations", section="unmatched", limit=100)["items"]
    assert remote not in [c["remote_number"] for c in unmatched]

    alice.ok("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": False})
    back = alice.conversation(ALICE_NUMBER, remote).json()
    assert back["section"] == "unmatched" and back["unread"] == 2
    assert alice.counts() == {**before, "unmatched": before["unmatched"] + 2}
    # A number that belongs to a record is not unmatched: it cannot be ignored.
    owned = fresh_remote()
    alice.contact(owned)
    refused = alice("POST", "/api/unmatched/ignore", {"handle": f"phone:{owned}", "ignored": True})
    assert refused.status_code == 409


def test_reading_then_deleting_a_conversation(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    record = alice.contact(remote)
    before = alice.counts()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "First")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Second")
    assert alice.counts()["matched"] == before["matched"] + 2
    conversation_path = f"/api/sms/conversations/{conversation_id(ALICE_NUMBER, remote)}"
    assert alice.ok("POST", conversation_path + "/read")["unread"] == 0
    assert alice.counts() == before
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Third")
    assert alice.counts()["matched"] == before["matched"] + 1

    assert alice("DELETE", conversation_path).status_code == 204
    assert alice.conversation(ALICE_NUMBER, remote).status_code == 404
    assert alice.record_sms(record["id"]) == []
    assert alice.counts() == before


def test_a_rep_sees_and_answers_only_the_conversations_of_their_own_number(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "For Alice")
    path = f"/api/sms/conversations/{conversation_id(ALICE_NUMBER, remote)}"
    # Conversation ids are predictable: Alice's answers Bruno exactly as one that does not exist.
    unknown = conversation_id(ALICE_NUMBER, fresh_remote())
    for method, suffix in (("GET", ""), ("DELETE", ""), ("GET", "/messages"), ("POST", "/read")):
        foreign, missing = bruno(method, path + suffix), bruno(method, f"/api/sms/conversations/{unknown}{suffix}")
        assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    reply = bruno.send(remote, "Bruno here", conversation_id=conversation_id(ALICE_NUMBER, remote))
    nowhere = bruno.send(remote, "Bruno here", conversation_id=unknown)
    assert reply.status_code == nowhere.status_code == 404 and reply.json() == nowhere.json()
    bruno_list = bruno.ok("GET", "/api/sms/conversations", section="unmatched", limit=100)["items"]
    assert remote not in [c["remote_number"] for c in bruno_list]
    assert [m["body"] for m in alice.messages(ALICE_NUMBER, remote)] == ["For Alice"]


def test_a_delivery_that_fails_midway_writes_nothing_and_its_retry_stores_the_message_once(
    alice: Api, local_stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = fresh_remote()
    before = alice.counts()
    message = InboundSms(sid=new_sid("SM"), from_number=remote, to_number=ALICE_NUMBER, body="Are you there?")

    def crash(activity: Any) -> None:
        raise RuntimeError("the function died while writing")

    with monkeypatch.context() as patch:
        patch.setattr(activities_data, "put_entry", crash)
        with pytest.raises(RuntimeError):
            receive_sms(message)
    # Nothing of it anywhere: no message, no conversation, no count.
    assert list(activities_data.iter_owner(f"h#phone:{remote}")) == []
    assert alice.conversation(ALICE_NUMBER, remote).status_code == 404
    assert alice.counts() == before
    assert receive_sms(message) == "stored"  # Twilio's retry
    assert receive_sms(message) == "duplicate"
    stored = list(activities_data.iter_owner(f"h#phone:{remote}"))
    assert [item.external_id for item in stored] == [message.sid]
    assert alice.conversation(ALICE_NUMBER, remote).json()["unread"] == 1
    assert alice.counts() == {**before, "unmatched": before["unmatched"] + 1}


def test_a_number_that_leaves_its_record_texts_as_unmatched_again(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote, kept = fresh_remote(), fresh_remote()
    record = alice.contact(remote)
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Before")
    current = alice.ok("GET", f"/api/records/{record['id']}")
    alice.ok(
        "PATCH",
        f"/api/records/{record['id']}",
        {"phones": [{"number": kept, "label": "mobile"}], "version": current["version"]},
    )
    conversation = alice.conversation(ALICE_NUMBER, remote).json()
    assert conversation["section"] == "unmatched" and conversation["record"] is None
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "After")
    assert [m["body"] for m in alice.record_sms(record["id"])] == ["Before"]  # its history stays
    assert [item.body for item in activities_data.iter_owner(f"h#phone:{remote}")] == ["After"]

    # A deleted record lets its numbers go too.
    receive(api_url, twilio_auth_token, kept, ALICE_NUMBER, "Still there?")
    assert alice.conversation(ALICE_NUMBER, kept).json()["section"] == "matched"
    assert alice("DELETE", f"/api/records/{record['id']}").status_code == 204
    assert alice.conversation(ALICE_NUMBER, kept).json()["section"] == "unmatched"


def test_a_stale_copy_of_the_conversation_costs_a_retry_not_a_change(alice: Api, local_stack: LocalStack) -> None:
    """Another function instance wrote the conversation since this one did: its own copy is
    stale, and the webhook still counts right and stores each message once."""
    remote = fresh_remote()
    conversation = conversation_id(ALICE_NUMBER, remote)
    first = InboundSms(sid=new_sid("SM"), from_number=remote, to_number=ALICE_NUMBER, body="One")
    assert receive_sms(first) == "stored"
    stale = conversations_data.get(conversation)
    assert stale is not None
    second = InboundSms(sid=new_sid("SM"), from_number=remote, to_number=ALICE_NUMBER, body="Two")
    assert receive_sms(second) == "stored"
    # As if another instance had handled the second message: this one only knows the first.
    conversations_data.remember_written(stale)
    assert conversations_data.get(conversation, as_last_written=True) == stale
    assert receive_sms(second) == "duplicate"
    conversations_data.remember_written(stale)
    third = InboundSms(sid=new_sid("SM"), from_number=remote, to_number=ALICE_NUMBER, body="Three")
    assert receive_sms(third) == "stored"
    assert [m["body"] for m in alice.messages(ALICE_NUMBER, remote)] == ["Three", "Two", "One"]
    assert alice.conversation(ALICE_NUMBER, remote).json()["unread"] == 3


def test_a_burst_to_one_rep_counts_every_message_once(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    """Every message to a rep moves the same unread counter: concurrent webhooks, each in its
    own transaction, still store each message once and count each once."""
    before = alice.counts()
    remotes = [fresh_remote() for _ in range(24)]

    def deliver(remote: str) -> int:
        params = incoming_sms_params(from_number=remote, to_number=ALICE_NUMBER, body=f"Burst from {remote}")
        return int(post_webhook(api_url, twilio_auth_token, "/twilio/sms/incoming", params).status_code)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(deliver, remotes)) == {200}
    assert alice.counts() == {**before, "unmatched": before["unmatched"] + len(remotes)}
    for remote in remotes:
        assert [m["body"] for m in alice.messages(ALICE_NUMBER, remote)] == [f"Burst from {remote}"]


def test_a_message_repeated_after_any_number_of_others_is_stored_once(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    """Twilio's retries, a fallback URL and a replay hours later all carry the same MessageSid:
    whatever arrived in between, and after the number joined a record, it is stored once."""
    remote = fresh_remote()
    before = alice.counts()
    first = new_sid("SM")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "The first one", sid=first)
    for n in range(6):
        receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, f"Then {n}")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "The first one", sid=first)
    assert [m["body"] for m in alice.messages(ALICE_NUMBER, remote)].count("The first one") == 1
    assert alice.conversation(ALICE_NUMBER, remote).json()["unread"] == 7
    assert alice.counts() == {**before, "unmatched": before["unmatched"] + 7}

    record = alice.contact(last_name="Replayed")
    alice.ok("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{remote}"})
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "The first one", sid=first)
    assert len(alice.record_sms(record["id"])) == 7
    assert alice.counts() == {**before, "matched": before["matched"] + 7}


def test_a_stop_is_never_lost_it_is_written_with_its_message(
    alice: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The opt-out is part of the message's one write: a STOP whose write fails at DynamoDB
    leaves nothing, and Twilio's replay stores the message and the opt-out together."""
    remote, sid = fresh_remote(), new_sid("SM")
    params = incoming_sms_params(from_number=remote, to_number=ALICE_NUMBER, body="STOP", sid=sid)
    fault = Fault(lambda request: request.operation == "TransactWriteItems", internal_error, times=1000)
    with faults_on_the_wire(monkeypatch, fault):
        failed = post_webhook(api_url, twilio_auth_token, "/twilio/sms/incoming", params)
    assert fault.injected and failed.status_code >= 500
    assert opt_outs_data.get(remote) is None
    assert alice.conversation(ALICE_NUMBER, remote).status_code == 404
    assert_empty_twiml(post_webhook(api_url, twilio_auth_token, "/twilio/sms/incoming", params))  # the replay
    assert_empty_twiml(post_webhook(api_url, twilio_auth_token, "/twilio/sms/incoming", params))
    stored = opt_outs_data.get(remote)
    assert stored is not None and stored.opted_out and stored.keyword == "STOP"
    assert [m["external_id"] for m in alice.messages(ALICE_NUMBER, remote)] == [sid]
    assert alice.send(remote, "Are you sure?").json()["error"]["code"] == "opted_out"


def test_a_stop_to_any_team_number_stops_every_rep_until_a_start_to_any(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Hi Bruno")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Stop")
    for rep in (alice, bruno):
        refused = rep.send(remote, "One more thing")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "opted_out"
        message = refused.json()["error"]["message"]
        # The team number as people write it (the team's country: national format).
        assert "STOP" in message and "(415) 555-0101" in message and "any team number" in message
    assert bruno.conversation(BRUNO_NUMBER, remote).json()["opted_out"] is True

    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "start")
    assert alice.send(remote, "Welcome back").status_code == 201
    assert bruno.send(remote, "Welcome back").status_code == 201
    assert alice.conversation(ALICE_NUMBER, remote).json()["opted_out"] is False


def test_alphanumeric_senders_keep_a_conversation_each(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    senders = ["ACME-BANK", "ACME BANK", "ACMEBANK"]
    for sender in senders:
        receive(api_url, twilio_auth_token, sender, ALICE_NUMBER, f"Your code from {sender}")
    for sender in senders:
        bodies = [m["body"] for m in alice.messages(ALICE_NUMBER, sender.lower())]
        assert bodies[0] == f"Your code from {sender}", bodies
        assert all(body == f"Your code from {sender}" for body in bodies)

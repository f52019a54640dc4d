"""Sending SMS through the real twilio client, pointed at a local stand-in of Twilio's Messages API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from api_support import ALICE_NUMBER, CHLOE, Api, fresh_remote, request_id

from commcenter.channels.twilio_webhooks import CONNECTION_OVERRIDES
from commcenter.domain.sms import explain_twilio_error
from commcenter.services import sms_send
from commcenter_local.simulate import sms_status
from commcenter_local.twilio_stand_in import Behaviour, TwilioStandIn

Headers = Callable[[str], dict[str, str]]


def test_a_sent_sms_is_queued_then_follows_its_callbacks(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    record = alice.contact(remote)
    response = alice.send(remote, "Here is the quote 📎", record_id=record["id"])
    assert response.status_code == 201, response.text
    message = response.json()
    (sent,) = twilio_api.messages
    assert (sent["from"], sent["to"], sent["body"]) == (ALICE_NUMBER, remote, "Here is the quote 📎")
    # With Twilio's connection overrides: a callback answered with a 5xx is retried.
    assert sent["status_callback"] == api_url + "/twilio/sms/status#" + CONNECTION_OVERRIDES
    assert message["external_id"] == sent["sid"] and message["data"]["status"] == "queued"
    assert message["data"]["encoding"] == "UCS-2" and "sandbox" not in message["data"]

    def status_now() -> str:
        (stored,) = alice.record_sms(record["id"])
        return str(stored["data"]["status"])

    def callback(status: str, error_code: int | None = None) -> None:
        sms_status(
            api_url,
            twilio_auth_token,
            message_sid=sent["sid"],
            status=status,
            from_number=ALICE_NUMBER,
            to_number=remote,
            error_code=error_code,
        ).raise_for_status()

    callback("sent")
    assert status_now() == "sent"
    callback("delivered")
    callback("sent")  # late, out of order: delivered stays delivered
    callback("failed", 30003)
    assert status_now() == "delivered"


def test_a_callback_faster_than_the_send_is_not_lost(alice: Api, twilio_api: TwilioStandIn) -> None:
    remote = fresh_remote()
    twilio_api.answer_next(Behaviour("callback_first", message="delivered"))
    response = alice.send(remote, "Quick one")
    assert response.status_code == 201
    assert response.json()["data"]["status"] == "delivered"


@pytest.mark.parametrize(
    ("http_status", "code"),
    [(400, 21610), (400, 21211), (400, 21408), (400, 21612), (429, 20429), (500, 20500), (503, None)],
)
def test_twilio_refusals_keep_the_message_failed_with_a_clear_reason(
    alice: Api, twilio_api: TwilioStandIn, http_status: int, code: int | None
) -> None:
    remote = fresh_remote()
    twilio_api.answer_next(Behaviour("error", status=http_status, code=code, message="Twilio's own words"))
    response = alice.send(remote, "Hello")
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["status"] == "failed" and data.get("error_code") == code  # absent when Twilio gave none
    assert data["error_message"] == explain_twilio_error(code, http_status, "Twilio's own words")
    assert data["error_message"] != ""
    assert twilio_api.messages == []
    (stored,) = alice.messages(ALICE_NUMBER, remote)
    assert stored["data"]["status"] == "failed" and stored["id"] == response.json()["id"]


def test_a_retried_request_never_sends_twice(alice: Api, twilio_api: TwilioStandIn) -> None:
    remote = fresh_remote()
    same = request_id()
    first = alice.send(remote, "Only once", client_request_id=same)
    again = alice.send(remote, "Only once", client_request_id=same)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert twilio_api.creates == 1
    assert len(alice.messages(ALICE_NUMBER, remote)) == 1


def test_a_lost_answer_is_reconciled_from_twilios_list_not_sent_again(
    alice: Api, twilio_api: TwilioStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = fresh_remote()
    same = request_id()
    twilio_api.answer_next(Behaviour("drop"))
    first = alice.send(remote, "Did this go?", client_request_id=same)
    assert first.status_code == 201 and first.json()["data"]["status"] == "pending"
    monkeypatch.setattr(sms_send, "PENDING_GRACE", timedelta(0))
    again = alice.send(remote, "Did this go?", client_request_id=same)
    (at_twilio,) = twilio_api.messages
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["external_id"] == at_twilio["sid"] and again.json()["data"]["status"] == "queued"
    assert twilio_api.creates == 1


def test_a_send_twilio_never_took_is_sent_on_retry(
    alice: Api, twilio_api: TwilioStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = fresh_remote()
    same = request_id()
    twilio_api.answer_next(Behaviour("drop_unsent"))
    first = alice.send(remote, "Second try", client_request_id=same)
    assert first.json()["data"]["status"] == "pending" and twilio_api.messages == []
    # Within the grace period a retry does not interfere with a send that may still be running.
    assert alice.send(remote, "Second try", client_request_id=same).json()["data"]["status"] == "pending"
    monkeypatch.setattr(sms_send, "PENDING_GRACE", timedelta(0))
    again = alice.send(remote, "Second try", client_request_id=same)
    (at_twilio,) = twilio_api.messages
    assert again.json()["external_id"] == at_twilio["sid"]
    assert len(alice.messages(ALICE_NUMBER, remote)) == 1


def test_what_cannot_be_sent_is_refused_before_twilio(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, auth_headers: Headers
) -> None:
    remote = fresh_remote()
    record = alice.contact(remote)
    unknown_field = {"to": remote, "body": "Hi", "client_request_id": request_id(), "priority": "high"}
    cases = [
        (alice.send(remote, "   "), 400),
        (alice.send(remote, "x" * 1601), 400),
        (alice.send("not a number", "Hello"), 400),
        (alice.send(fresh_remote(), "Hello", record_id=record["id"]), 400),
        (alice.send(remote, "Hello", client_request_id="short"), 400),
        (
            alice("POST", "/api/sms/messages", unknown_field),
            400,
        ),
        (Api(api_url, auth_headers(CHLOE)).send(remote, "Hello"), 409),
    ]
    assert [response.status_code for response, _ in cases] == [expected for _, expected in cases]
    assert twilio_api.creates == 0
    assert alice.record_sms(record["id"]) == []


def test_the_sandbox_stores_and_marks_messages_not_delivered(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    response = alice.send(remote, "Stays here")
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["status"] == "sandbox" and data["sandbox"] is True
    # `commcenter simulate sms --status` plays its callbacks; it stays marked as never sent.
    sms_status(
        api_url,
        twilio_auth_token,
        message_sid=response.json()["external_id"],
        status="delivered",
        from_number=ALICE_NUMBER,
        to_number=remote,
    ).raise_for_status()
    (stored,) = alice.messages(ALICE_NUMBER, remote)
    assert stored["data"]["status"] == "delivered" and stored["data"]["sandbox"] is True
    (conversation,) = [
        c
        for c in alice.ok("GET", "/api/sms/conversations", section="unmatched", limit=100)["items"]
        if c["remote_number"] == remote
    ]
    assert conversation["last_direction"] == "outbound" and conversation["unread"] == 0


def test_segments_preview(alice: Api) -> None:
    assert alice.ok("POST", "/api/sms/preview", {"body": "a" * 160}) == {
        "characters": 160,
        "segments": 1,
        "encoding": "GSM-7",
    }
    assert alice.ok("POST", "/api/sms/preview", {"body": "a" * 161})["segments"] == 2
    assert alice.ok("POST", "/api/sms/preview", {"body": "😀" * 35}) == {
        "characters": 35,
        "segments": 1,
        "encoding": "UCS-2",
    }
    assert alice.ok("POST", "/api/sms/preview", {"body": "😀" * 36})["segments"] == 2

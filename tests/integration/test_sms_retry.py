"""A failed outbound SMS the rep asked to retry (issue 14): queued through the API, sent by the
reminders' sweep through the send path of a first send, exactly once per attempt, against
DynamoDB Local and the local stand-in of Twilio's Messages API (which refuses or drops a send
when told). A retry Twilio keeps refusing is given up, the message failed again with the reason."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_support import ALICE_NUMBER, Api, fresh_remote

from commcenter.domain.reminders import MAX_ATTEMPTS
from commcenter.domain.sms import explain_twilio_error
from commcenter.services import reminders, sms_retry, sms_send
from commcenter_local.simulate import sms_status
from commcenter_local.stack import LocalStack
from commcenter_local.twilio_stand_in import Behaviour, TwilioStandIn

UNREACHABLE = Behaviour("error", status=400, code=30003, message="Unreachable destination handset")


def failed_message(alice: Api, twilio_api: TwilioStandIn, body: str) -> dict[str, Any]:
    """An SMS of Alice's that Twilio refused: stored `failed`."""
    twilio_api.answer_next(UNREACHABLE)
    response = alice.send(fresh_remote(), body)
    assert response.status_code == 201, response.text
    message = dict(response.json())
    assert message["data"]["status"] == "failed"
    return message


def retry(api: Api, message: dict[str, Any]) -> Any:
    path = f"/api/sms/conversations/{message['conversation_id']}/messages/{message['id']}/retry"
    return api("POST", path, {"occurred_at": message["occurred_at"]})


def current(alice: Api, message: dict[str, Any]) -> dict[str, Any]:
    (found,) = [m for m in alice.messages(ALICE_NUMBER, message["data"]["to"]) if m["id"] == message["id"]]
    return dict(found)


def sent_bodies(twilio_api: TwilioStandIn) -> Counter[str]:
    return Counter(str(m["body"]) for m in twilio_api.messages)


def sweep(**kwargs: Any) -> reminders.SweepResult:
    return reminders.sweep_due_reminders(mail=False, **kwargs)


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused attempt may be taken again by the very next sweep (the backoff is unit-sized)."""
    monkeypatch.setattr(sms_retry, "retry_delay_s", lambda attempts: -1)


def test_a_retry_is_sent_by_the_sweep_once(alice: Api, twilio_api: TwilioStandIn) -> None:
    message = failed_message(alice, twilio_api, "Retry me please")
    answer = retry(alice, message)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["status"] == "retrying" and "error_message" not in answer.json()["data"]
    assert current(alice, message)["data"]["status"] == "retrying"
    assert twilio_api.messages == []  # the request only queued it

    again = retry(alice, message)  # a second click while it waits: one retry queued
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_failed"

    sweep()
    sweep()
    (at_twilio,) = twilio_api.messages
    assert at_twilio["body"] == "Retry me please" and at_twilio["to"] == message["data"]["to"]
    stored = current(alice, message)
    assert stored["data"]["status"] == "queued" and stored["external_id"] == at_twilio["sid"]
    # Sent: not failed any more, so a retry now is a conflict.
    assert retry(alice, message).status_code == 409


def test_a_retry_twilio_keeps_refusing_is_given_up_with_the_reason(
    alice: Api, twilio_api: TwilioStandIn, no_wait: None
) -> None:
    message = failed_message(alice, twilio_api, "Never gets through")
    assert retry(alice, message).status_code == 200
    twilio_api.answer_next(*[UNREACHABLE] * MAX_ATTEMPTS)
    creates = twilio_api.creates
    for _ in range(MAX_ATTEMPTS - 1):
        sweep()
        assert current(alice, message)["data"]["status"] == "retrying"  # tried again later
    sweep()
    assert twilio_api.creates - creates == MAX_ATTEMPTS
    data = current(alice, message)["data"]
    assert data["status"] == "failed" and data["error_code"] == 30003
    assert data["error_message"] == explain_twilio_error(30003, 400, "Unreachable destination handset")
    sweep()
    assert twilio_api.creates - creates == MAX_ATTEMPTS  # given up: never taken again
    # Failed again, it may be retried again.
    assert retry(alice, message).status_code == 200
    sweep()
    assert current(alice, message)["data"]["status"] == "queued"


def test_overlapping_sweeps_send_each_retry_once(alice: Api, twilio_api: TwilioStandIn) -> None:
    messages = [failed_message(alice, twilio_api, f"Overlap {n}") for n in range(6)]
    for message in messages:
        assert retry(alice, message).status_code == 200
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            sweep()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sent_bodies(twilio_api) == Counter({f"Overlap {n}": 1 for n in range(6)})
    for message in messages:
        assert current(alice, message)["data"]["status"] == "queued"


def test_an_answer_lost_after_twilio_took_it_is_reconciled_not_sent_again(
    alice: Api, twilio_api: TwilioStandIn, no_wait: None
) -> None:
    message = failed_message(alice, twilio_api, "Did the retry go?")
    assert retry(alice, message).status_code == 200
    twilio_api.answer_next(Behaviour("drop"))  # Twilio takes it, the sweep never hears back
    sweep()
    assert current(alice, message)["data"]["status"] == "retrying"
    sweep()
    (at_twilio,) = twilio_api.messages
    stored = current(alice, message)
    assert stored["external_id"] == at_twilio["sid"] and stored["data"]["status"] == "queued"
    assert twilio_api.creates == 2  # the refused first send, and the retry's one


def test_a_sweep_that_dies_between_twilio_and_recording_does_not_send_twice(
    alice: Api, twilio_api: TwilioStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = failed_message(alice, twilio_api, "Crash after send")
    assert retry(alice, message).status_code == 200

    def crash(*args: Any) -> None:
        raise RuntimeError("the function died here")

    with monkeypatch.context() as patched:
        patched.setattr(sms_send, "_record_sent", crash)
        with pytest.raises(RuntimeError):
            sweep()
    assert len(twilio_api.messages) == 1 and current(alice, message)["data"]["status"] == "retrying"
    sweep()  # the dead sweep's lease still holds it
    assert twilio_api.creates == 2
    sweep(now=datetime.now(UTC) + timedelta(seconds=reminders.LEASE_S + 30))
    (at_twilio,) = twilio_api.messages
    assert twilio_api.creates == 2
    stored = current(alice, message)
    assert stored["external_id"] == at_twilio["sid"] and stored["data"]["status"] == "queued"


def test_only_the_reps_own_failed_message_is_retried(alice: Api, bruno: Api, twilio_api: TwilioStandIn) -> None:
    failed = failed_message(alice, twilio_api, "Mine to retry")
    assert retry(bruno, failed).status_code == 404  # another rep's: as if it did not exist
    elsewhere = {**failed, "id": "01J00000000000000000000000"}
    assert retry(alice, elsewhere).status_code == 404
    assert (
        alice(
            "POST", f"/api/sms/conversations/{failed['conversation_id']}/messages/{failed['id']}/retry", {}
        ).status_code
        == 400
    )
    malformed = retry(alice, {**failed, "occurred_at": "yesterday"})
    assert malformed.status_code == 400
    assert current(alice, failed)["data"]["status"] == "failed"  # nothing changed

    sent = alice.send(fresh_remote(), "Went fine")
    assert sent.status_code == 201 and sent.json()["data"]["status"] == "queued"
    refused = retry(alice, sent.json())
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_failed"


def test_an_undelivered_message_is_retried_as_a_new_send_not_mistaken_for_its_first(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str, no_wait: None
) -> None:
    remote = fresh_remote()
    first = alice.send(remote, "Lost on the way").json()
    (original,) = twilio_api.messages

    def callback(sid: str, status: str) -> None:
        sms_status(
            api_url,
            twilio_auth_token,
            message_sid=sid,
            status=status,
            from_number=ALICE_NUMBER,
            to_number=remote,
            error_code=30003,
        ).raise_for_status()

    callback(original["sid"], "undelivered")
    assert current(alice, first)["data"]["status"] == "undelivered"
    assert retry(alice, first).status_code == 200
    callback(original["sid"], "failed")  # late, of the first send: the retry stands
    assert current(alice, first)["data"]["status"] == "retrying"
    # The retry's first attempt never reaches Twilio and gets no answer: the next take looks in
    # Twilio's list, where only the first send (same text, a moment ago) is, and sends it.
    twilio_api.answer_next(Behaviour("drop_unsent"))
    sweep()
    sweep()
    assert [m["body"] for m in twilio_api.messages] == ["Lost on the way", "Lost on the way"]
    retried = twilio_api.messages[-1]
    stored = current(alice, first)
    assert stored["external_id"] == retried["sid"] != original["sid"]
    assert stored["data"]["status"] == "queued"


def test_the_scheduled_function_sends_a_retry_with_its_grants(
    alice: Api, twilio_api: TwilioStandIn, local_stack: LocalStack
) -> None:
    """Through the template's reminders function, its settings and its IAM grants."""
    message = failed_message(alice, twilio_api, "Sent by the function")
    assert retry(alice, message).status_code == 200
    answer = local_stack.functions["RemindersFunction"].invoke({"time": datetime.now(UTC).isoformat()})
    assert answer["fired"] >= 1
    (at_twilio,) = twilio_api.messages
    assert current(alice, message)["external_id"] == at_twilio["sid"]

"""Faults on the writes of the webhooks, as DynamoDB answers them: throttling and transaction
conflicts on an incoming message's write; a failure after a call's final status was applied.

The faults are injected on the wire (`dynamodb_wire`): botocore's own retries and backoff, and
the product's handling of what reaches it, run as they would against AWS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from api_support import ALICE_NUMBER, Api, fresh_remote
from dynamodb_wire import (
    Fault,
    WireRequest,
    cancelled,
    faults_on_the_wire,
    internal_error,
    throttled,
    throughput_exceeded,
)

from commcenter.settings import get_settings
from commcenter_local.simulate import incoming_sms_params, new_sid, post_webhook, voice_params

NEVER_ENDING = 1000  # a fault on every attempt: the write never gets through while it lasts


def the_message_write(sid: str) -> Callable[[WireRequest], bool]:
    """The transaction that stores the incoming message `sid`."""
    return lambda request: request.operation == "TransactWriteItems" and message_position(request, sid) is not None


def message_position(request: WireRequest, sid: str) -> int | None:
    position: int | None = request.transact_position("activities", lambda item: item.get("external_id") == {"S": sid})
    return position


def counter_position(request: WireRequest) -> int | None:
    """Where the rep's unread counter is in the transaction: the item every message to the rep
    touches, so the one another transaction holds."""
    position: int | None = request.transact_position("counters", lambda item: True)
    return position


def incoming(api_url: str, token: str, remote: str, sid: str, body: str) -> requests.Response:
    params = incoming_sms_params(from_number=remote, to_number=ALICE_NUMBER, body=body, sid=sid)
    return post_webhook(api_url, token, "/twilio/sms/incoming", params)


def assert_stored_once(alice: Api, remote: str, sid: str, before: dict[str, int]) -> None:
    assert [m["external_id"] for m in alice.messages(ALICE_NUMBER, remote)] == [sid]
    assert alice.conversation(ALICE_NUMBER, remote).json()["unread"] == 1
    assert alice.counts() == {**before, "unmatched": before["unmatched"] + 1}


@pytest.mark.parametrize("answer", [throughput_exceeded, throttled], ids=["provisioned", "on-demand"])
def test_a_throttled_message_write_is_retried_with_backoff_and_stored_once(
    alice: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch, answer: Any
) -> None:
    remote, sid = fresh_remote(), new_sid("SM")
    before = alice.counts()
    fault = Fault(the_message_write(sid), answer, times=2)
    with faults_on_the_wire(monkeypatch, fault):
        response = incoming(api_url, twilio_auth_token, remote, sid, "Throttled?")
    assert response.status_code == 200, response.text
    assert (fault.injected, fault.attempts) == (2, 3)  # botocore's standard mode tried again, twice
    assert_stored_once(alice, remote, sid, before)
    assert incoming(api_url, twilio_auth_token, remote, sid, "Throttled?").status_code == 200  # Twilio's retry
    assert_stored_once(alice, remote, sid, before)


def test_a_message_write_cancelled_for_a_conflict_is_tried_again_whole_and_stored_once(
    alice: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote, sid = fresh_remote(), new_sid("SM")
    before = alice.counts()
    fault = Fault(the_message_write(sid), cancelled("TransactionConflict", counter_position), times=3)
    with faults_on_the_wire(monkeypatch, fault):
        response = incoming(api_url, twilio_auth_token, remote, sid, "Busy rep?")
    assert response.status_code == 200, response.text
    assert (fault.injected, fault.attempts) == (3, 4)
    assert_stored_once(alice, remote, sid, before)


def test_a_message_write_that_keeps_conflicting_answers_5xx_and_its_replay_stores_it_once(
    alice: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote, sid = fresh_remote(), new_sid("SM")
    before = alice.counts()
    fault = Fault(the_message_write(sid), cancelled("TransactionConflict", counter_position), times=NEVER_ENDING)
    with faults_on_the_wire(monkeypatch, fault):
        response = incoming(api_url, twilio_auth_token, remote, sid, "Anyone?")
    assert response.status_code >= 500, response.text  # Twilio replays it (`rp=5xx`)
    assert fault.injected > 1  # tried again before giving up
    assert alice.conversation(ALICE_NUMBER, remote).status_code == 404 and alice.counts() == before  # nothing
    assert incoming(api_url, twilio_auth_token, remote, sid, "Anyone?").status_code == 200
    assert_stored_once(alice, remote, sid, before)


@pytest.mark.parametrize("code", ["ThrottlingError", "ProvisionedThroughputExceeded"])
def test_a_message_write_cancelled_for_throttling_is_retried_and_stored_once(
    alice: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    remote, sid = fresh_remote(), new_sid("SM")
    before = alice.counts()
    fault = Fault(the_message_write(sid), cancelled(code, lambda r: message_position(r, sid)), times=2)
    with faults_on_the_wire(monkeypatch, fault):
        response = incoming(api_url, twilio_auth_token, remote, sid, "Over capacity?")
    assert response.status_code == 200, response.text
    assert_stored_once(alice, remote, sid, before)


# ---------------------------------------------------------------- a missed call's one count


def the_missed_mark(request: WireRequest) -> bool:
    """The update that marks a call missed (alone, or in a transaction with its count)."""
    return any(
        action.get("TableName") == get_settings().table("activities")
        and "missed" in action.get("ExpressionAttributeNames", {}).values()
        for action in _updates(request)
    )


def the_missed_count(request: WireRequest) -> bool:
    """The ADD to a rep's missed-calls counter (alone, or in a transaction with the mark)."""
    return any(
        action.get("TableName") == get_settings().table("counters") and "#missed" in json.dumps(action.get("Key", {}))
        for action in _updates(request)
    )


def _updates(request: WireRequest) -> list[dict[str, Any]]:
    if request.operation == "UpdateItem":
        return [request.body]
    if request.operation == "TransactWriteItems":
        return [entry["Update"] for entry in request.body.get("TransactItems", []) if "Update" in entry]
    return []


def missed_call_after_a_failure(
    alice: Api, api_url: str, token: str, monkeypatch: pytest.MonkeyPatch, failing: Callable[[WireRequest], bool]
) -> tuple[str, dict[str, int], dict[str, int]]:
    """An unanswered call to Alice whose final status callback fails on `failing` (DynamoDB
    fails on every attempt) and is then replayed: the call's sid, Alice's missed counts before, after."""
    remote, sid = fresh_remote(), new_sid("CA")
    ringing = post_webhook(api_url, token, "/twilio/voice/incoming", voice_params(sid, remote, ALICE_NUMBER, "ringing"))
    assert ringing.status_code == 200, ringing.text
    before = missed_counts(alice)
    completed = [*voice_params(sid, remote, ALICE_NUMBER, "completed"), ("SequenceNumber", "2"), ("CallDuration", "9")]
    fault = Fault(failing, internal_error, times=NEVER_ENDING)
    with faults_on_the_wire(monkeypatch, fault):
        failed = post_webhook(api_url, token, "/twilio/voice/status", completed)
    assert fault.injected and failed.status_code >= 500, failed.text
    assert post_webhook(api_url, token, "/twilio/voice/status", completed).status_code == 200  # Twilio's replay
    return sid, before, missed_counts(alice)


def missed_counts(alice: Api) -> dict[str, int]:
    calls = alice.ok("GET", "/api/center/counts")["calls"]
    return {section: calls[section]["missed"] for section in ("matched", "unmatched")}


def listed_as_missed(alice: Api, sid: str) -> bool:
    missed = alice.ok("GET", "/api/calls", section="unmatched", missed="true", limit=100)["items"]
    return sid in [row["call"]["external_id"] for row in missed]


def test_a_final_call_status_that_failed_before_the_missed_mark_counts_the_call_once_on_replay(
    alice: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid, before, after = missed_call_after_a_failure(alice, api_url, twilio_auth_token, monkeypatch, the_missed_mark)
    assert listed_as_missed(alice, sid)
    assert after == {**before, "unmatched": before["unmatched"] + 1}


def test_a_final_call_status_that_failed_before_the_missed_count_counts_the_call_once_on_replay(
    alice: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid, before, after = missed_call_after_a_failure(alice, api_url, twilio_auth_token, monkeypatch, the_missed_count)
    assert listed_as_missed(alice, sid)
    assert after == {**before, "unmatched": before["unmatched"] + 1}

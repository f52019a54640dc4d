"""Oversized identifiers, another list's page cursor, values the data store refuses: each is a
clear 400 that changes nothing, never a 500."""

from __future__ import annotations

import uuid

import requests
from api_support import ALICE_NUMBER, Api, fresh_remote, receive

from commcenter_local.simulate import incoming_sms_params, new_sid, post_webhook, sms_status_params


def refused(response: requests.Response, *words: str) -> str:
    """The answer's message, once the answer is a 400 that says what was wrong."""
    assert response.status_code == 400, response.text
    message = str(response.json()["error"]["message"])
    assert all(word in message for word in words), message
    return message


def test_an_identifier_longer_than_any_is_refused_on_every_route(alice: Api) -> None:
    long_id = "0" * 3000
    refused(alice("GET", f"/api/records/{long_id}"), "record_id", "at most")
    refused(alice("GET", f"/api/records/{long_id}/activities"), "record_id", "at most")
    refused(alice("PATCH", f"/api/records/{long_id}", {"version": 1, "status": "working"}), "record_id")
    refused(alice("DELETE", f"/api/records/{long_id}"), "record_id")
    refused(alice("GET", f"/api/sms/conversations/{long_id}"), "conversation_id")
    refused(alice("POST", f"/api/calls/{long_id}/decline"), "call_sid")


def test_a_search_longer_than_any_is_refused(alice: Api) -> None:
    refused(alice("GET", "/api/search", q="a" * 5000), "q", "at most")
    refused(alice("GET", "/api/search", q="acme " * 60), "search", "at most")
    assert alice("GET", "/api/search", q="Acme").status_code == 200


def test_a_page_cursor_of_another_list_is_refused(alice: Api, bruno: Api, api_url: str, twilio_auth_token: str) -> None:
    for _ in range(2):
        receive(api_url, twilio_auth_token, fresh_remote(), ALICE_NUMBER, "Two unmatched conversations")
    page = alice.ok("GET", "/api/sms/conversations", section="unmatched", limit=1)
    cursor = page["next_cursor"]
    assert cursor and alice("GET", "/api/sms/conversations", section="unmatched", limit=1, cursor=cursor).ok
    # Alice's cursor is no page of Bruno's list, nor of her own other sections.
    refused(bruno("GET", "/api/sms/conversations", section="unmatched", cursor=cursor), "cursor")
    refused(alice("GET", "/api/sms/conversations", section="matched", cursor=cursor), "cursor")

    first, second = alice.contact(), alice.contact()
    for n in range(3):
        alice.ok("POST", f"/api/records/{first['id']}/notes", {"body": f"note {n}"})
    feed = alice.ok("GET", f"/api/records/{first['id']}/activities", limit=1)
    refused(alice("GET", f"/api/records/{second['id']}/activities", cursor=feed["next_cursor"]), "cursor")
    refused(alice("GET", "/api/calls", cursor=feed["next_cursor"]), "cursor")
    refused(alice("GET", "/api/records", cursor="x" * 3000), "cursor", "at most")


def test_a_value_the_data_store_refuses_is_a_400_and_writes_nothing(alice: Api) -> None:
    name = f"Refused {uuid.uuid4().hex[:8]}"
    lead = {"kind": "lead", "last_name": name, "owner_id": "r" * 3000}
    deal = {"kind": "deal", "name": name, "contact_ids": ["c" * 3000]}
    for body in (lead, deal):
        refused(alice("POST", "/api/records", body), "too long or malformed")
    assert alice.ok("GET", "/api/search", q=name)["items"] == []


def test_a_signed_webhook_with_oversized_fields_is_refused_and_stores_nothing(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    params = incoming_sms_params(from_number=remote, to_number=ALICE_NUMBER, body="Hi", sid="SM" + "0" * 2046)
    refused(post_webhook(api_url, twilio_auth_token, "/twilio/sms/incoming", params), "MessageSid", "at most")
    assert alice.conversation(ALICE_NUMBER, remote).status_code == 404

    sent = alice.send(remote, "Stays in the sandbox")
    assert sent.status_code == 201
    sid = sent.json()["external_id"]
    status = sms_status_params(message_sid=sid, status="undelivered", from_number=ALICE_NUMBER, to_number=remote)
    huge_code = [*status, ("ErrorCode", "3" * 400)]
    refused(post_webhook(api_url, twilio_auth_token, "/twilio/sms/status", huge_code), "ErrorCode")
    (stored,) = alice.messages(ALICE_NUMBER, remote)
    assert stored["data"]["status"] == "sandbox" and "error_code" not in stored["data"]

    call = [("CallSid", new_sid("CA")), ("CallStatus", "completed"), ("SequenceNumber", "9" * 50)]
    refused(post_webhook(api_url, twilio_auth_token, "/twilio/voice/status", call), "SequenceNumber", "digits")

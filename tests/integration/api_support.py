"""What the channel tests share: a signed-in API client, fresh fictional numbers, webhooks as Twilio
sends them, settings changed for one test."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import requests
from phone_numbers import fresh_phone

from commcenter.domain.activities import Activity
from commcenter.domain.facts import CallFacts, CallRecording, expect
from commcenter.domain.sms import conversation_id
from commcenter_local.simulate import incoming_sms

ALICE, ALICE_NUMBER = "alice@northwind.example", "+14155550101"
BRUNO, BRUNO_NUMBER = "bruno@northwind.example", "+14155550102"
CHLOE = "chloe@northwind.example"  # her number is voice only

# A fictional number no test of the session has had (the channel tests' name for it).
fresh_remote = fresh_phone


def request_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Api:
    """The dashboard's API as one rep sees it."""

    base_url: str
    headers: dict[str, str]

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        return requests.request(
            method, self.base_url + path, json=body, params=params or None, headers=self.headers, timeout=30
        )

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = self(method, path, body, **params)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def counts(self) -> dict[str, int]:
        sms = self.ok("GET", "/api/center/counts")["sms"]
        return {section: sms[section]["unread"] for section in ("matched", "unmatched")}

    def conversation(self, rep_number: str, remote: str) -> requests.Response:
        return self("GET", f"/api/sms/conversations/{conversation_id(rep_number, remote)}")

    def messages(self, rep_number: str, remote: str) -> list[dict[str, Any]]:
        path = f"/api/sms/conversations/{conversation_id(rep_number, remote)}/messages"
        return list(self.ok("GET", path)["items"])

    def record_sms(self, record_id: str) -> list[dict[str, Any]]:
        return list(self.ok("GET", f"/api/records/{record_id}/activities", type="sms")["items"])

    def contact(self, number: str | None = None, last_name: str = "Texter") -> dict[str, Any]:
        body: dict[str, Any] = {"kind": "contact", "first_name": "Sam", "last_name": last_name}
        if number:
            body["phones"] = [{"number": number, "label": "mobile"}]
        return dict(self.ok("POST", "/api/records", body))

    def deal(self, name: str, *contact_ids: str) -> dict[str, Any]:
        return dict(self.ok("POST", "/api/records", {"kind": "deal", "name": name, "contact_ids": list(contact_ids)}))

    def send(self, to: str, body: str, **extra: Any) -> requests.Response:
        payload = {"to": to, "body": body, "client_request_id": extra.pop("client_request_id", request_id()), **extra}
        return self("POST", "/api/sms/messages", payload)


def receive(base_url: str, token: str, remote: str, to: str, body: str, **kwargs: Any) -> requests.Response:
    """An incoming SMS, signed as Twilio signs it; asserts the answer is empty TwiML."""
    response = incoming_sms(base_url, token, from_number=remote, to_number=to, body=body, **kwargs)
    assert_empty_twiml(response)
    return response


def assert_empty_twiml(response: requests.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response" and len(root) == 0


def call_facts(activity: Activity) -> CallFacts:
    """What a stored call records (a test's activity is a call, or the test is wrong)."""
    return expect(activity.data, CallFacts)


def recording_of(activity: Activity) -> CallRecording:
    recording = call_facts(activity).recording
    assert recording is not None, "the call has no recording"
    return recording

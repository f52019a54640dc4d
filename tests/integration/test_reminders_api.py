"""Reminders through the API: asked for on a conversation or a record, listed there (the rep's
own only), cancelled until they fire; bad input is a 400 that writes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from api_support import ALICE_NUMBER, Api, fresh_remote, receive

from commcenter.data import reminders as reminders_data
from commcenter.domain.sms import conversation_id


@pytest.fixture
def conversation(alice: Api, api_url: str, twilio_auth_token: str) -> dict[str, str]:
    """A contact of Alice's who texted her: their record and the conversation."""
    remote = fresh_remote()
    contact = alice.contact(remote, last_name="Reminded")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Call me next week?")
    return {"record_id": contact["id"], "conversation_id": conversation_id(ALICE_NUMBER, remote)}


def pending(api: Api, **where: str) -> list[dict[str, Any]]:
    return list(api.ok("GET", "/api/reminders", **where)["items"])


def test_a_follow_up_is_listed_on_its_conversation_and_record_until_cancelled(
    alice: Api, bruno: Api, conversation: dict[str, str]
) -> None:
    asked = {
        "kind": "follow_up",
        "when": "tomorrow",
        "conversation_id": conversation["conversation_id"],
        "note": "Quote",
    }
    answer = alice("POST", "/api/reminders", asked)
    assert answer.status_code == 201, answer.text
    reminder = answer.json()
    assert reminder["state"] == "pending" and reminder["note"] == "Quote"
    assert reminder["record_id"] == conversation["record_id"]
    zone = ZoneInfo(alice.ok("GET", "/api/me")["time_zone"])
    local = datetime.fromisoformat(reminder["due_at"].replace("Z", "+00:00")).astimezone(zone)
    assert (local.hour, local.minute) == (8, 0) and local.date() == datetime.now(zone).date() + timedelta(days=1)
    on_record = alice.ok(
        "POST", "/api/reminders", {"kind": "follow_up", "when": "in_3_days", "record_id": conversation["record_id"]}
    )

    assert [r["id"] for r in pending(alice, conversation_id=conversation["conversation_id"])] == [reminder["id"]]
    assert [r["id"] for r in pending(alice, record_id=conversation["record_id"])] == [reminder["id"], on_record["id"]]
    # Another rep sees none of them, and cannot cancel them.
    assert pending(bruno, record_id=conversation["record_id"]) == []
    assert bruno("DELETE", f"/api/reminders/{reminder['id']}").status_code == 404

    assert alice("DELETE", f"/api/reminders/{reminder['id']}").status_code == 204
    assert alice("DELETE", f"/api/reminders/{reminder['id']}").status_code == 409
    assert [r["id"] for r in pending(alice, record_id=conversation["record_id"])] == [on_record["id"]]


def test_a_fired_reminder_cannot_be_cancelled(alice: Api, conversation: dict[str, str]) -> None:
    reminder = alice.ok(
        "POST", "/api/reminders", {"kind": "follow_up", "when": "next_week", "record_id": conversation["record_id"]}
    )
    assert date.fromisoformat(reminder["due_at"][:10]).weekday() == 0  # next week's Monday
    # As a sweep does it.
    assert reminders_data.take(reminder["id"], "a-sweep", now=0, lease_s=60) is not None
    assert reminders_data.record_fired(reminder["id"], "a-sweep", fired_at="2026-01-01T08:00:00.000Z", now=0)

    answer = alice("DELETE", f"/api/reminders/{reminder['id']}")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "reminder_fired"
    assert pending(alice, record_id=conversation["record_id"]) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "someday", "when": "tomorrow"}, "kind"),
        ({"kind": "follow_up", "when": "soon"}, "when"),
        ({"kind": "follow_up", "when": "2020-01-01"}, "when"),
        ({"kind": "follow_up", "when": "in_9999_days"}, "when"),
        ({"kind": "follow_up", "when": "tomorrow"}, "conversation_id"),
        ({"kind": "follow_up", "when": "tomorrow", "note": "x" * 501}, "note"),
        ({"kind": "no_reply", "when": "in_3_days"}, "email_id"),
        ({"kind": "reply_by", "when": "tomorrow", "email_id": "not-a-key"}, "email_id"),
        ({"kind": "follow_up", "when": "tomorrow", "record_id": "01J"}, "record_id"),
        ({"kind": "follow_up", "when": "tomorrow", "remind": "me"}, None),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    alice: Api, conversation: dict[str, str], body: dict[str, Any], field: str | None
) -> None:
    if field in {"kind", "when", "note", "record_id"}:
        body = {"conversation_id": conversation["conversation_id"], **body}
    if field == "record_id":
        body["record_id"] = "01J0000000000000000000000X"  # not the conversation's record
    answer = alice("POST", "/api/reminders", body)
    assert answer.status_code == 400, answer.text
    if field is not None:
        assert field in answer.json()["error"]["fields"], answer.text
    assert pending(alice, conversation_id=conversation["conversation_id"]) == []


def test_what_is_not_the_reps_is_not_found(alice: Api, bruno: Api, conversation: dict[str, str]) -> None:
    asked = {"kind": "follow_up", "when": "tomorrow", "conversation_id": conversation["conversation_id"]}
    assert bruno("POST", "/api/reminders", asked).status_code == 404
    assert alice("POST", "/api/reminders", {**asked, "conversation_id": "sms-nobody"}).status_code == 404
    assert alice("GET", "/api/reminders").status_code == 400
    assert alice("GET", "/api/reminders", email_id="not-a-key").status_code == 400
    both = alice("GET", "/api/reminders", email_id="0" * 64, record_id=conversation["record_id"])
    assert both.status_code == 400
    assert alice("GET", "/api/reminders", email_id="0" * 64).status_code == 404
    assert alice("DELETE", "/api/reminders/01J0000000000000000000000X").status_code == 404
    assert pending(alice, conversation_id=conversation["conversation_id"]) == []

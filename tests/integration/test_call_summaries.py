"""Call summaries (C8) of every call, whoever answered it or if nobody did; one row per call in
every list once it is filed under a deal; calls and opt-outs named for people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_support import ALICE, ALICE_NUMBER, BRUNO, Api, call_facts, receive
from phone_numbers import fresh_phone as caller

from commcenter.data import reps as reps_data
from commcenter.domain.calls import Presence
from commcenter.services.call_log import find_call
from commcenter.services.reps import rep_by_email
from commcenter_local.simulate import new_sid, post_webhook, simulate_call, voice_params


def national(e164: str) -> str:
    """A US number as people in the US write it: (972) 555-0123."""
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


@pytest.fixture(autouse=True)
def offline(local_stack: Any) -> Iterator[None]:
    """Every test starts with the demo reps' softphones offline."""
    for email in (ALICE, BRUNO):
        rep = rep_by_email(email)
        reps_data.save_presence(rep.id, Presence(online=False, on_call=False, updated_at="2026-01-01T00:00:00.000Z"))
    yield


def call_ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["call"]["external_id"] for row in rows]


def feed_calls(api: Api, record_id: str) -> list[dict[str, Any]]:
    return list(api.ok("GET", f"/api/records/{record_id}/activities", type="call")["items"])


@pytest.mark.parametrize(
    ("outcome", "online", "answered_by", "missed"),
    [
        ("answered", True, "browser", False),
        ("answered", False, "forward", False),
        ("no-answer", False, None, True),
    ],
    ids=["answered-in-the-browser", "answered-on-the-forwarding-number", "missed"],
)
def test_every_call_is_summarised_and_edited_by_its_rep_and_nobody_else(
    alice: Api,
    bruno: Api,
    api_url: str,
    twilio_auth_token: str,
    outcome: Any,
    online: bool,
    answered_by: str | None,
    missed: bool,
) -> None:
    remote = caller()
    contact = alice.contact(remote, last_name="Summarised")
    alice.ok("POST", "/api/voice/presence", {"online": online})
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome=outcome)
    stored = find_call(call.call_sid)
    assert stored is not None and call_facts(stored).answered_by == answered_by
    assert call_facts(stored).missed is missed

    path = f"/api/calls/{call.call_sid}/summary"
    first = {"outcome": "Connected", "notes": "Asked for a quote.", "deal_id": None, "subject": "", "follow_up": None}
    saved = alice.ok("PUT", path, first)
    assert saved["data"]["summary"]["outcome"] == "Connected" and saved["data"]["summary"]["by"] == saved["rep_id"]

    # Edited later by its rep: the one summary is replaced, the call stays one call.
    follow_up = {"title": "Send the quote", "due_at": "2026-12-01T09:00:00.000Z"}
    edited = {**first, "outcome": "Call back later", "notes": "Quote by Friday.", "follow_up": follow_up}
    alice.ok("PUT", path, edited)
    (listed,) = feed_calls(alice, contact["id"])
    assert listed["external_id"] == call.call_sid
    assert {k: listed["data"]["summary"][k] for k in ("outcome", "notes")} == {
        "outcome": "Call back later",
        "notes": "Quote by Friday.",
    }
    assert listed["data"]["summary"]["follow_up"] == follow_up

    # Another rep may not, and their attempt changes nothing: the call is as if unknown to them.
    refused = bruno("PUT", path, {**first, "notes": "Not mine"})
    unknown = bruno("PUT", f"/api/calls/{new_sid('CA')}/summary", first)
    assert refused.status_code == unknown.status_code == 404 and refused.json() == unknown.json()
    after = find_call(call.call_sid)
    kept = call_facts(after).summary if after is not None else None
    assert kept is not None and kept.notes == "Quote by Friday."


def test_a_call_filed_under_a_deal_is_one_row_in_every_list_with_its_notes_once(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    contact = alice.contact(remote, last_name="Filed")
    deal = alice.deal("Filed deal", contact["id"])
    alice.ok("POST", "/api/calls/seen")
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="voicemail")
    notes = "Wants 20 seats.\nSend the quote."
    summary = {"outcome": "Left voicemail", "notes": notes, "deal_id": deal["id"], "subject": "Seats"}
    alice.ok("PUT", f"/api/calls/{call.call_sid}/summary", {**summary, "follow_up": None})

    matched = alice.ok("GET", "/api/calls", section="matched", limit=100)["items"]
    assert call_ids(matched).count(call.call_sid) == 1
    (row,) = [r for r in matched if r["call"]["external_id"] == call.call_sid]
    assert row["record"]["id"] == contact["id"]  # the caller's row, not the deal's
    missed = alice.ok("GET", "/api/calls", missed="true", limit=100)["items"]
    assert call_ids(missed).count(call.call_sid) == 1
    assert alice.ok("GET", "/api/center/counts")["calls"]["matched"]["missed"] == 1

    # Each feed has the call once; its notes are in its summary, not again in its title or body.
    for record in (deal, contact):
        (shown,) = feed_calls(alice, record["id"])
        assert shown["external_id"] == call.call_sid and shown["data"]["summary"]["notes"] == notes
        assert "seats" not in shown["summary"].lower() and "seats" not in shown["body"].lower()
    (on_deal,) = feed_calls(alice, deal["id"])
    assert on_deal["summary"] == f"Call from {contact['display_name']}"

    # Filed again (edited), under the deal still: still one row everywhere.
    alice.ok("PUT", f"/api/calls/{call.call_sid}/summary", {**summary, "notes": "Wants 25.", "follow_up": None})
    assert call_ids(alice.ok("GET", "/api/calls", section="matched", limit=100)["items"]).count(call.call_sid) == 1
    assert call_ids(alice.ok("GET", "/api/calls", missed="true", limit=100)["items"]).count(call.call_sid) == 1
    assert len(feed_calls(alice, deal["id"])) == 1


def test_calls_are_titled_with_the_number_formatted_for_people(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote, other = caller(), caller()
    incoming = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="busy")
    stored = find_call(incoming.call_sid)
    assert stored is not None and stored.summary == f"Call from {national(remote)}"

    sid = new_sid("CA")
    params = [("CallSid", sid), ("CallStatus", "ringing"), ("Direction", "inbound"), ("From", "client:alice"),
              ("Caller", "client:alice"), ("To", other)]  # fmt: skip
    post_webhook(api_url, twilio_auth_token, "/twilio/voice/outgoing", params).raise_for_status()
    outgoing = find_call(sid)
    assert outgoing is not None and outgoing.summary == f"Call to {national(other)}"

    withheld = new_sid("CA")
    fields = voice_params(withheld, "anonymous", ALICE_NUMBER, "ringing")
    post_webhook(api_url, twilio_auth_token, "/twilio/voice/incoming", fields).raise_for_status()
    hidden = find_call(withheld)
    assert hidden is not None and hidden.summary == "Call from a withheld number"


def test_the_opt_out_refusal_names_the_numbers_for_people(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = caller()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "STOP")
    refused = alice.send(remote, "Still there?")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "opted_out"
    message = refused.json()["error"]["message"]
    assert message.startswith(f"{national(remote)} opted out of the team's texts (replied STOP to (415) 555-0101 on ")
    assert "+1" not in message
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "START")

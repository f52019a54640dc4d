"""Calls through the local gateway: signed voice webhooks, TwiML verb by verb, whole sequences."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import jwt
import pytest
import requests
from api_support import ALICE, ALICE_NUMBER, BRUNO, BRUNO_NUMBER, Api, call_facts, recording_of
from dynamodb_wire import Fault, WireRequest, cancelled, faults_on_the_wire
from phone_numbers import fresh_phone as caller
from stack_environment import environment

from commcenter.channels.twilio_webhooks import CONNECTION_OVERRIDES
from commcenter.data import reps as reps_data
from commcenter.domain.calls import Presence
from commcenter.domain.reps import Rep
from commcenter.services.call_log import find_call
from commcenter.services.reps import rep_by_email
from commcenter_local.simulate import new_sid, post_to, post_webhook, simulate_call, voice_params


@pytest.fixture(autouse=True)
def offline(local_stack: Any) -> Iterator[None]:
    """Every test starts with the demo reps' softphones offline."""
    for email in (ALICE, BRUNO):
        rep = rep_by_email(email)
        reps_data.save_presence(rep.id, Presence(online=False, on_call=False, updated_at="2026-01-01T00:00:00.000Z"))
    yield


def twiml(response: requests.Response) -> ElementTree.Element:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


def verbs(root: ElementTree.Element) -> list[str]:
    return [child.tag for child in root]


def incoming(api_url: str, token: str, remote: str, to: str, sid: str | None = None) -> ElementTree.Element:
    params = voice_params(sid or new_sid("CA"), remote, to, "ringing")
    return twiml(post_webhook(api_url, token, "/twilio/voice/incoming", params))


def dial_result(url: str, token: str, sid: str, remote: str, to: str, status: str) -> ElementTree.Element:
    fields = [*voice_params(sid, remote, to, "in-progress"), ("DialCallStatus", status), ("DialCallSid", new_sid("CA"))]
    return twiml(post_to(url, token, fields))


def test_an_online_rep_is_rung_in_the_browser(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    alice.ok("POST", "/api/voice/presence", {"online": True})
    sid = new_sid("CA")
    root = incoming(api_url, twilio_auth_token, caller(), ALICE_NUMBER, sid)
    assert verbs(root) == ["Dial"]
    dial = root[0]
    assert [child.tag for child in dial] == ["Client"]
    client = dial[0]
    assert [(c.tag, c.text, c.get("name"), c.get("value")) for c in client] == [
        ("Identity", "alice", None, None),
        ("Parameter", None, "callSid", sid),  # the softphone names the call by the caller's CallSid
    ]
    assert dial.get("action") == f"{api_url}/twilio/voice/dial-result?stage=browser#{CONNECTION_OVERRIDES}"
    assert dial.get("timeout") == "20" and dial.get("answerOnBridge") == "true"


def test_a_call_on_remembered_premises_sees_what_changed_since(
    alice: Api, api_url: str, twilio_auth_token: str, no_scan: list[str]
) -> None:
    """The function remembers whose a number is and whether the rep's phone rings; the next call
    is written in one transaction that checks both still hold, so a change made meanwhile is
    seen (the call lands on the record the number joined, the browser rings)."""
    remote = caller()
    first = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER)
    assert [child.tag for child in first[0]] == ["Number"]  # offline: the forwarding number
    record = alice.contact(remote, last_name="Remembered")
    alice.ok("POST", "/api/voice/presence", {"online": True})

    sid = new_sid("CA")
    second = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, sid)
    assert [child.tag for child in second[0]] == ["Client"]
    call = find_call(sid)
    assert call is not None and call.record_id == record["id"]

    # Nothing changed since: one round trip, the write and its checks, no read first.
    start = len(no_scan)
    third = new_sid("CA")
    assert [child.tag for child in incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, third)[0]] == ["Client"]
    assert no_scan[start:] == ["TransactWriteItems"]
    stored = find_call(third)
    assert stored is not None and stored.record_id == record["id"]


def test_a_call_whose_transaction_meets_another_write_is_written_on_the_next_try(
    api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A presence heartbeat or an Ignore that holds an item the call's transaction checks makes
    DynamoDB cancel the transaction (TransactionConflict, nothing written): the call is written
    on the next try, once."""
    sid = new_sid("CA")

    def the_call(request: WireRequest) -> bool:
        return request.operation == "TransactWriteItems" and sid in json.dumps(request.body)

    fault = Fault(the_call, cancelled("TransactionConflict", lambda request: 0), times=1)
    with faults_on_the_wire(monkeypatch, fault):
        root = incoming(api_url, twilio_auth_token, caller(), ALICE_NUMBER, sid)
    # The handle and presence checks, the CallSid's claim and the call: twice, whole.
    assert (fault.injected, fault.attempts) == (1, 2) and verbs(root) == ["Dial"]
    assert find_call(sid) is not None


def test_a_number_ignored_since_it_was_remembered_keeps_its_next_call_ignored(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER)  # remembered: unmatched, not ignored
    alice.ok("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": True})
    sid = new_sid("CA")
    incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, sid)
    call = find_call(sid)
    assert call is not None and call_facts(call).ignored is True
    alice.ok("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": False})
    again = new_sid("CA")
    incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, again)
    heard = find_call(again)
    assert heard is not None and call_facts(heard).ignored is False


def test_a_rep_on_a_call_gets_voicemail_and_an_offline_one_the_forwarding_number(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    alice.ok("POST", "/api/voice/presence", {"online": True, "on_call": True})
    # Busy, not away (C5): straight to voicemail, though Alice has a forwarding number.
    assert verbs(incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER)) == ["Say", "Record", "Hangup"]
    alice.ok("POST", "/api/voice/presence", {"online": False})
    root = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER)
    # Offline: the forwarding number rings, with the caller's number shown.
    assert verbs(root) == ["Dial"] and [c.tag for c in root[0]] == ["Number"]
    assert root[0][0].text == "+14155550199" and root[0].get("callerId") == remote
    assert root[0].get("action") == f"{api_url}/twilio/voice/dial-result?stage=forward#{CONNECTION_OVERRIDES}"


def test_offline_without_forwarding_goes_to_voicemail(api_url: str, twilio_auth_token: str) -> None:
    root = incoming(api_url, twilio_auth_token, caller(), BRUNO_NUMBER)
    assert verbs(root) == ["Say", "Record", "Hangup"]
    record = root[1]
    assert record.get("action") == f"{api_url}/twilio/voice/dial-result?stage=voicemail#{CONNECTION_OVERRIDES}"
    assert (
        record.get("recordingStatusCallback")
        == f"{api_url}/twilio/voice/recording?kind=voicemail#{CONNECTION_OVERRIDES}"
    )
    assert record.get("maxLength") == "120" and record.get("playBeep") == "true"


def test_voicemail_off_says_unavailable_and_hangs_up(api_url: str, twilio_auth_token: str) -> None:
    number = "+14155550177"
    if reps_data.find_by_claim("number", number) is None:
        reps_data.create(
            Rep(
                id="rep-dana",
                name="Dana Voicemailless",
                email="dana@northwind.example",
                twilio_number=number,
                client_identity="dana",
                settings={"voicemail": False},
            )
        )
    root = incoming(api_url, twilio_auth_token, caller(), number)
    assert verbs(root) == ["Say", "Hangup"]
    assert "not available" in (root[0].text or "")


@pytest.mark.parametrize("declined_as", ["no-answer", "busy", "canceled", "failed"])
def test_an_unanswered_browser_rings_the_forwarding_number_then_voicemail(
    alice: Api, api_url: str, twilio_auth_token: str, declined_as: str
) -> None:
    remote, sid = caller(), new_sid("CA")
    alice.ok("POST", "/api/voice/presence", {"online": True})
    first = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, sid)
    forward = dial_result(first[0].get("action", ""), twilio_auth_token, sid, remote, ALICE_NUMBER, declined_as)
    assert verbs(forward) == ["Dial"] and forward[0][0].tag == "Number"
    voicemail = dial_result(forward[0].get("action", ""), twilio_auth_token, sid, remote, ALICE_NUMBER, "no-answer")
    assert verbs(voicemail) == ["Say", "Record", "Hangup"]


def test_a_declined_call_goes_to_voicemail_and_a_sent_on_one_to_the_forwarding_number(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    alice.ok("POST", "/api/voice/presence", {"online": True})
    remote, declined, sent_on = caller(), new_sid("CA"), new_sid("CA")
    first = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, declined)
    # Not ringing Bruno: answered as a call that does not exist.
    foreign = bruno("POST", f"/api/calls/{declined}/decline")
    unknown = bruno("POST", f"/api/calls/{new_sid('CA')}/decline")
    assert foreign.status_code == unknown.status_code == 404 and foreign.json() == unknown.json()
    call = alice.ok("POST", f"/api/calls/{declined}/decline")
    assert call["data"]["declined"] is True
    after = dial_result(first[0].get("action", ""), twilio_auth_token, declined, remote, ALICE_NUMBER, "busy")
    assert verbs(after) == ["Say", "Record", "Hangup"]
    # Send to forwarding: the browser rejects without declining first.
    second = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, sent_on)
    forward = dial_result(second[0].get("action", ""), twilio_auth_token, sent_on, remote, ALICE_NUMBER, "busy")
    assert verbs(forward) == ["Dial"] and forward[0][0].text == "+14155550199"


def test_an_answered_call_cannot_be_declined(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    alice.ok("POST", "/api/voice/presence", {"online": True})
    remote, sid = caller(), new_sid("CA")
    first = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, sid)
    dial_result(first[0].get("action", ""), twilio_auth_token, sid, remote, ALICE_NUMBER, "completed")
    refused = alice("POST", f"/api/calls/{sid}/decline")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "call_over"
    call = find_call(sid)
    assert call is not None and not call_facts(call).declined


def test_an_answered_dial_ends_the_twiml(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote, sid = caller(), new_sid("CA")
    alice.ok("POST", "/api/voice/presence", {"online": True})
    first = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, sid)
    done = dial_result(first[0].get("action", ""), twilio_auth_token, sid, remote, ALICE_NUMBER, "completed")
    assert verbs(done) == ["Hangup"]
    call = find_call(sid)
    assert call is not None and call_facts(call).answered_by == "browser"


def test_presence_lapses_without_a_heartbeat(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    rep = rep_by_email(ALICE)
    reps_data.save_presence(rep.id, Presence(online=True, on_call=False, updated_at="2026-01-01T00:00:00.000Z"))
    root = incoming(api_url, twilio_auth_token, caller(), ALICE_NUMBER)
    assert [c.tag for c in root[0]] == ["Number"]  # not the browser: straight to forwarding


def test_a_missed_call_is_stored_once_counted_once_and_listed(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = caller()
    record = alice.contact(remote, last_name="Caller")
    alice.ok("POST", "/api/calls/seen")
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="voicemail")
    stored = find_call(call.call_sid)
    assert stored is not None and stored.record_id == record["id"]
    assert call_facts(stored).missed is True and call_facts(stored).voicemail is True
    assert recording_of(stored).kind == "voicemail" and recording_of(stored).sid.startswith("RE")
    assert call_facts(stored).status == "completed" and call_facts(stored).duration == 5
    counts = alice.ok("GET", "/api/center/counts")["calls"]
    assert counts == {"matched": {"missed": 1}, "unmatched": {"missed": 0}}
    # Twilio retries the last callback: nothing changes.
    post_webhook(
        api_url,
        twilio_auth_token,
        "/twilio/voice/status",
        [
            *voice_params(call.call_sid, remote, ALICE_NUMBER, "completed"),
            ("SequenceNumber", "2"),
            ("CallDuration", "5"),
        ],
    ).raise_for_status()
    assert alice.ok("GET", "/api/center/counts")["calls"]["matched"]["missed"] == 1
    listed = alice.ok("GET", "/api/calls", section="matched", limit=100)["items"]
    assert [row["call"]["external_id"] for row in listed].count(call.call_sid) == 1
    missed = alice.ok("GET", "/api/calls", missed="true", limit=100)["items"]
    assert call.call_sid in [row["call"]["external_id"] for row in missed]
    feed = alice.ok("GET", f"/api/records/{record['id']}/activities", type="call")["items"]
    assert [a["external_id"] for a in feed] == [call.call_sid]
    alice.ok("POST", "/api/calls/seen")
    assert alice.ok("GET", "/api/center/counts")["calls"]["matched"]["missed"] == 0


def test_an_answered_call_is_not_missed(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    alice.ok("POST", "/api/voice/presence", {"online": True})
    alice.ok("POST", "/api/calls/seen")
    call = simulate_call(api_url, twilio_auth_token, from_number=caller(), to_number=ALICE_NUMBER, outcome="answered")
    stored = find_call(call.call_sid)
    assert stored is not None and call_facts(stored).answered_by == "browser" and not call_facts(stored).missed
    assert alice.ok("GET", "/api/center/counts")["calls"] == {"matched": {"missed": 0}, "unmatched": {"missed": 0}}
    unmatched = alice.ok("GET", "/api/calls", section="unmatched", limit=100)["items"]
    assert call.call_sid in [row["call"]["external_id"] for row in unmatched]


def test_late_and_replayed_status_callbacks_never_step_back(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote, sid = caller(), new_sid("CA")
    incoming(api_url, twilio_auth_token, remote, BRUNO_NUMBER, sid)
    incoming(api_url, twilio_auth_token, remote, BRUNO_NUMBER, sid)  # a retried first webhook

    def status(state: str, sequence: int) -> None:
        fields = [
            *voice_params(sid, remote, BRUNO_NUMBER, state),
            ("SequenceNumber", str(sequence)),
            ("CallDuration", "9"),
        ]
        post_webhook(api_url, twilio_auth_token, "/twilio/voice/status", fields).raise_for_status()

    status("completed", 3)
    status("ringing", 1)
    status("in-progress", 2)
    stored = find_call(sid)
    assert stored is not None and call_facts(stored).status == "completed" and call_facts(stored).duration == 9
    owner_calls = [
        row["call"]["external_id"]
        for row in Api(api_url, alice.headers).ok("GET", "/api/calls", section="unmatched", limit=100)["items"]
    ]
    assert sid not in owner_calls  # Bruno's call, not Alice's


def test_forged_voice_webhooks_are_refused(api_url: str) -> None:
    params = voice_params(new_sid("CA"), caller(), ALICE_NUMBER, "ringing")
    for path in ("/twilio/voice/incoming", "/twilio/voice/status", "/twilio/voice/dial-result"):
        assert post_webhook(api_url, "forged-token", path, params).status_code == 403
        assert requests.post(api_url + path, data=params, timeout=10).status_code == 403


def test_a_browser_call_dials_with_the_reps_number(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote, sid = caller(), new_sid("CA")
    params = [("AccountSid", "AC" + "0" * 32), ("ApiVersion", "2010-04-01"), ("CallSid", sid),
              ("CallStatus", "ringing"), ("Direction", "inbound"), ("From", "client:alice"),
              ("Caller", "client:alice"), ("To", remote), ("Called", "")]  # fmt: skip
    root = twiml(post_webhook(api_url, twilio_auth_token, "/twilio/voice/outgoing", params))
    assert verbs(root) == ["Dial"]
    dial = root[0]
    assert dial.get("callerId") == ALICE_NUMBER and dial.get("record") is None  # recording is off
    number = dial[0]
    assert number.tag == "Number" and number.text == remote
    assert number.get("statusCallback") == f"{api_url}/twilio/voice/status#{CONNECTION_OVERRIDES}"
    # The dialled leg reports through its parent call.
    child = [*voice_params(new_sid("CA"), ALICE_NUMBER, remote, "completed"), ("ParentCallSid", sid),
             ("SequenceNumber", "3"), ("CallDuration", "61")]  # fmt: skip
    post_webhook(api_url, twilio_auth_token, "/twilio/voice/status", child).raise_for_status()
    stored = find_call(sid)
    assert stored is not None and stored.direction == "outbound" and call_facts(stored).duration == 61
    assert call_facts(stored).from_ == ALICE_NUMBER and call_facts(stored).to == remote
    bad = [(k, "not a number" if k == "To" else v) for k, v in params if k != "CallSid"] + [("CallSid", new_sid("CA"))]
    refused = twiml(post_webhook(api_url, twilio_auth_token, "/twilio/voice/outgoing", bad))
    assert verbs(refused) == ["Say", "Hangup"]


def test_unmatched_calls_follow_the_number_to_its_record(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = caller()
    alice.ok("POST", "/api/calls/seen")
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="no-answer")
    assert alice.ok("GET", "/api/center/counts")["calls"]["unmatched"]["missed"] == 1
    alice.ok("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": True})
    assert alice.ok("GET", "/api/center/counts")["calls"]["unmatched"]["missed"] == 0
    ignored = alice.ok("GET", "/api/calls", section="ignored", limit=100)["items"]
    assert call.call_sid in [row["call"]["external_id"] for row in ignored]
    alice.ok("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": False})
    record = alice.contact(last_name="Known")
    alice.ok("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{remote}"})
    counts = alice.ok("GET", "/api/center/counts")["calls"]
    assert counts == {"matched": {"missed": 1}, "unmatched": {"missed": 0}}
    rows = alice.ok("GET", "/api/calls", section="matched", limit=100)["items"]
    (row,) = [r for r in rows if r["call"]["external_id"] == call.call_sid]
    assert row["record"]["id"] == record["id"] and row["section"] == "matched"


def test_the_voice_token_carries_the_grants(alice: Api, local_stack: Any) -> None:
    refused = alice("GET", "/api/voice/token")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "voice_not_configured"
    values = {
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_API_KEY_SID": "SK" + "2" * 32,
        "TWILIO_API_KEY_SECRET": "test-api-key-secret-of-thirty-two-bytes",
        "TWILIO_TWIML_APP_SID": "AP" + "3" * 32,
    }
    with environment(values):
        answer = alice.ok("GET", "/api/voice/token")
    claims = jwt.decode(answer["token"], values["TWILIO_API_KEY_SECRET"], algorithms=["HS256"])
    assert claims["iss"] == values["TWILIO_API_KEY_SID"] and claims["sub"] == values["TWILIO_ACCOUNT_SID"]
    assert claims["exp"] - claims["nbf"] == 3600 and answer["expires_in"] == 3600
    grants = claims["grants"]
    assert grants["identity"] == "alice" == answer["identity"]
    assert grants["voice"]["outgoing"]["application_sid"] == values["TWILIO_TWIML_APP_SID"]
    assert grants["voice"]["incoming"]["allow"] is True


def test_the_voice_status_names_what_browser_calling_still_needs(alice: Api, bruno: Api) -> None:
    """The softphone learns up front, without a refused token, whether it can work, and what to set."""

    def missing() -> list[str]:
        status = alice.ok("GET", "/api/voice/status")
        assert status["configured"] is (status["missing"] == [])
        return [setting["name"] for setting in status["missing"]]

    needed = ["TWILIO_ACCOUNT_SID", "TWILIO_API_KEY_SID", "TWILIO_API_KEY_SECRET", "TWILIO_TWIML_APP_SID"]
    assert missing() == needed
    (account,) = [s for s in alice.ok("GET", "/api/voice/status")["missing"] if s["name"] == "TWILIO_ACCOUNT_SID"]
    assert account["parameter"] == "TwilioAccountSid" and account["meaning"]  # its name in the template too
    with environment({"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_API_KEY_SID": "SK" + "2" * 32}):
        assert missing() == ["TWILIO_API_KEY_SECRET", "TWILIO_TWIML_APP_SID"]
        assert alice("GET", "/api/voice/token").status_code == 409  # the token says the same
    # In AWS the secret is the name of its SSM parameter: naming one is configuring it.
    values = {
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_API_KEY_SID": "SK" + "2" * 32,
        "TWILIO_API_KEY_SECRET_PARAMETER": "/commcenter/twilio/api-key-secret",
        "TWILIO_TWIML_APP_SID": "AP" + "3" * 32,
    }
    with environment(values):
        assert missing() == []
        assert bruno.ok("GET", "/api/voice/status") == {"configured": True, "missing": []}


def test_a_call_summary_lands_on_the_call_the_deal_and_a_follow_up(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    contact = alice.contact(remote, last_name="Summarised")
    deal = alice.deal("Summary deal", contact["id"])
    alice.ok("POST", "/api/voice/presence", {"online": True})
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="answered")
    outcomes = alice.ok("GET", "/api/settings/call-outcomes")["items"]
    assert "Connected" in outcomes
    summary = {
        "outcome": "Connected",
        "notes": "Wants 20 seats.\nSend the quote.",
        "deal_id": deal["id"],
        "subject": "Seats",
        "follow_up": {"title": "Send the quote", "due_at": "2026-12-01T09:00:00.000Z"},
    }
    path = f"/api/calls/{call.call_sid}/summary"
    saved = alice.ok("PUT", path, summary)
    assert saved["data"]["summary"]["outcome"] == "Connected" and saved["data"]["summary"]["deal_id"] == deal["id"]
    alice.ok("PUT", path, {**summary, "notes": "Wants 25 seats."})  # corrected: replaces, never doubles
    deal_feed = alice.ok("GET", f"/api/records/{deal['id']}/activities", type="call")["items"]
    assert len(deal_feed) == 1 and deal_feed[0]["data"]["summary"]["notes"] == "Wants 25 seats."
    tasks = alice.ok("GET", f"/api/records/{contact['id']}/activities", type="task")["items"]
    assert [(t["summary"], t["data"]["due_at"]) for t in tasks] == [("Send the quote", "2026-12-01T09:00:00.000Z")]
    (stored,) = alice.ok("GET", f"/api/records/{contact['id']}/activities", type="call")["items"]
    assert stored["data"]["summary"]["notes"] == "Wants 25 seats."

    # Filed under another deal, the call leaves the first deal's feed; filed under none, both.
    other = alice.deal("Other deal", contact["id"])
    alice.ok("PUT", path, {**summary, "deal_id": other["id"]})

    def deal_calls(deal_id: str) -> list[str]:
        items = alice.ok("GET", f"/api/records/{deal_id}/activities", type="call")["items"]
        return [item["external_id"] for item in items]

    assert (deal_calls(deal["id"]), deal_calls(other["id"])) == ([], [call.call_sid])
    alice.ok("PUT", path, {**summary, "deal_id": None, "subject": ""})
    assert (deal_calls(deal["id"]), deal_calls(other["id"])) == ([], [])

    # The follow-up taken out of the summary, its task goes too.
    alice.ok("PUT", path, {**summary, "follow_up": None})
    assert alice.ok("GET", f"/api/records/{contact['id']}/activities", type="task")["items"] == []

    refusals = [
        (alice("PUT", path, {**summary, "outcome": "Made up"}), 400),
        (alice("PUT", path, {**summary, "subject": ""}), 400),
        (alice("PUT", path, {**summary, "deal_id": contact["id"]}), 400),
        (alice("PUT", path, {**summary, "follow_up": {"title": "x", "due_at": "tomorrow"}}), 400),
        (bruno("PUT", path, summary), 404),  # another rep's call: as if it did not exist
        (alice("PUT", f"/api/calls/{new_sid('CA')}/summary", summary), 404),
    ]
    assert [r.status_code for r, _ in refusals] == [expected for _, expected in refusals]


def test_an_unknown_callers_summary_is_kept_and_a_follow_up_refused(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="no-answer")
    path = f"/api/calls/{call.call_sid}/summary"
    follow_up = {"title": "Call back", "due_at": "2026-12-01T09:00:00.000Z"}
    refused = alice("PUT", path, {"outcome": "No answer", "follow_up": follow_up})
    assert refused.status_code == 400 and refused.json()["error"]["fields"] == {"follow_up": "no record"}
    stored = find_call(call.call_sid)
    assert stored is not None and call_facts(stored).summary is None  # the refusal changed nothing
    saved = alice.ok("PUT", path, {"outcome": "No answer", "notes": "Unknown number"})
    assert saved["data"]["summary"]["notes"] == "Unknown number" and saved["record_id"] is None


def test_only_an_admin_changes_the_call_outcomes(alice: Api, bruno: Api) -> None:
    before = alice.ok("GET", "/api/settings/call-outcomes")["items"]
    assert bruno("PUT", "/api/settings/call-outcomes", {"items": ["Mine"]}).status_code == 403
    assert alice("PUT", "/api/settings/call-outcomes", {"items": ["  ", ""]}).status_code == 400
    changed = alice.ok("PUT", "/api/settings/call-outcomes", {"items": [" Demo booked ", "Connected", "Connected"]})
    assert changed["items"] == ["Demo booked", "Connected"]
    assert bruno.ok("GET", "/api/settings/call-outcomes")["items"] == ["Demo booked", "Connected"]
    alice.ok("PUT", "/api/settings/call-outcomes", {"items": before})


@pytest.mark.parametrize(
    ("outcome", "online", "missed", "answered_by"),
    [
        ("answered", True, False, "browser"),
        ("answered", False, False, "forward"),
        ("no-answer", True, True, None),
        ("busy", False, True, None),
        ("voicemail", True, True, None),
    ],
)
def test_every_outcome_through_the_whole_webhook_sequence(
    alice: Api, api_url: str, twilio_auth_token: str, outcome: Any, online: bool, missed: bool, answered_by: str | None
) -> None:
    alice.ok("POST", "/api/voice/presence", {"online": online})
    alice.ok("POST", "/api/calls/seen")
    call = simulate_call(api_url, twilio_auth_token, from_number=caller(), to_number=ALICE_NUMBER, outcome=outcome)
    stored = find_call(call.call_sid)
    assert stored is not None and call_facts(stored).status == "completed"
    assert call_facts(stored).missed is missed and call_facts(stored).answered_by == answered_by
    assert alice.ok("GET", "/api/center/counts")["calls"]["unmatched"]["missed"] == (1 if missed else 0)
    assert all(status == 200 for _, status, _ in call.steps)


def test_a_withheld_number_is_kept_unmatched(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    sid = new_sid("CA")
    root = incoming(api_url, twilio_auth_token, "anonymous", ALICE_NUMBER, sid)
    assert verbs(root) == ["Dial"]  # routed like any call: here, to Alice's forwarding number
    assert root[0].get("callerId") is None  # no caller ID to pass on
    stored = find_call(sid)
    assert stored is not None and stored.handle == "phone:anonymous" and stored.record_id is None


def outgoing_dial(api_url: str, token: str, remote: str) -> ElementTree.Element:
    params = [("CallSid", new_sid("CA")), ("CallStatus", "ringing"), ("Direction", "inbound"),
              ("From", "client:alice"), ("Caller", "client:alice"), ("To", remote)]  # fmt: skip
    return twiml(post_webhook(api_url, token, "/twilio/voice/outgoing", params))[0]


def test_a_rep_changes_their_call_settings_and_calls_follow(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    before = alice.ok("GET", "/api/me")
    settings = {"recording": True, "voicemail": False, "voicemail_greeting": "", "forwarding_number": "(415) 555-0188"}
    try:
        changed = alice.ok("PUT", "/api/me/call-settings", settings)
        assert changed["forwarding_number"] == "+14155550188"
        assert changed["settings"]["recording"] is True and changed["settings"]["voicemail"] is False
        assert alice.ok("GET", "/api/me")["forwarding_number"] == "+14155550188"
        remote, sid = caller(), new_sid("CA")
        root = incoming(api_url, twilio_auth_token, remote, ALICE_NUMBER, sid)  # offline: the new number rings
        assert verbs(root) == ["Dial"] and root[0][0].text == "+14155550188"
        after = dial_result(root[0].get("action", ""), twilio_auth_token, sid, remote, ALICE_NUMBER, "no-answer")
        assert verbs(after) == ["Say", "Hangup"]  # voicemail off: the unavailable message
        assert outgoing_dial(api_url, twilio_auth_token, caller()).get("record") == "record-from-answer-dual"

        greeting = {**settings, "voicemail": True, "forwarding_number": None}
        greeting["voicemail_greeting"] = " Hi,  Alice here. "
        assert alice.ok("PUT", "/api/me/call-settings", greeting)["settings"]["voicemail_greeting"] == "Hi, Alice here."
        voicemail = incoming(api_url, twilio_auth_token, caller(), ALICE_NUMBER)  # no forwarding: straight to it
        assert verbs(voicemail) == ["Say", "Record", "Hangup"] and voicemail[0].text == "Hi, Alice here."
    finally:
        restored = {
            "recording": before["settings"].get("recording", False),
            "voicemail": before["settings"].get("voicemail", True),
            "voicemail_greeting": before["settings"].get("voicemail_greeting", ""),
            "forwarding_number": before["forwarding_number"],
        }
        alice.ok("PUT", "/api/me/call-settings", restored)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"forwarding_number": "12"}, "forwarding_number"),
        ({"forwarding_number": ALICE_NUMBER}, "forwarding_number"),
        ({"voicemail_greeting": "x" * 501}, "voicemail_greeting"),
    ],
)
def test_bad_call_settings_are_refused_and_change_nothing(alice: Api, change: dict[str, Any], field: str) -> None:
    before = alice.ok("GET", "/api/me")
    settings = {"recording": True, "voicemail": False, **change}
    refused = alice("PUT", "/api/me/call-settings", settings)
    assert refused.status_code == 400 and field in refused.json()["error"]["fields"]
    assert alice("PUT", "/api/me/call-settings", {"recording": True}).status_code == 400  # all of it, each time
    assert alice("PUT", "/api/me/call-settings", {**settings, "ringtone": "x"}).status_code == 400
    assert alice.ok("GET", "/api/me") == before

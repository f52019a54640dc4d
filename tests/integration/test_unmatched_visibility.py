"""Unmatched traffic is each rep's own until it joins a record: ignoring a number is the rep's
own decision (an admin may make it for the team), and only the rep who received a number's
traffic (or an admin) may add the number to a record, where the whole team sees it."""

from __future__ import annotations

from api_support import ALICE_NUMBER, BRUNO_NUMBER, Api, fresh_remote, receive

from commcenter_local.simulate import new_sid, post_webhook, voice_params


def ignore(rep: Api, remote: str, ignored: bool, **extra: object) -> int:
    body = {"handle": f"phone:{remote}", "ignored": ignored, **extra}
    return int(rep("POST", "/api/unmatched/ignore", body).status_code)


def test_a_rep_ignores_a_number_for_themselves_only(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Hi Alice")
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Hi Bruno")
    alice_before, bruno_before = alice.counts(), bruno.counts()

    assert ignore(bruno, remote, True) == 204
    assert bruno.conversation(BRUNO_NUMBER, remote).json()["section"] == "ignored"
    assert bruno.counts() == {**bruno_before, "unmatched": bruno_before["unmatched"] - 1}
    # Alice's list and counts do not change, and what she receives next is counted.
    assert alice.conversation(ALICE_NUMBER, remote).json()["section"] == "unmatched"
    assert alice.counts() == alice_before
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Still there?")
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Still there?")
    assert alice.counts() == {**alice_before, "unmatched": alice_before["unmatched"] + 1}
    assert bruno.counts() == {**bruno_before, "unmatched": bruno_before["unmatched"] - 1}

    # A call to Bruno is ignored for him; one to Alice is not.
    for to in (BRUNO_NUMBER, ALICE_NUMBER):
        sid = new_sid("CA")
        params = voice_params(sid, remote, to, "ringing")
        assert post_webhook(api_url, twilio_auth_token, "/twilio/voice/incoming", params).status_code == 200
    bruno_ignored = bruno.ok("GET", "/api/calls", section="ignored", limit=100)["items"]
    alice_unmatched = alice.ok("GET", "/api/calls", section="unmatched", limit=100)["items"]
    assert remote in [row["call"]["data"]["remote"] for row in bruno_ignored]
    assert remote in [row["call"]["data"]["remote"] for row in alice_unmatched]

    assert ignore(bruno, remote, False) == 204
    assert bruno.conversation(BRUNO_NUMBER, remote).json()["section"] == "unmatched"
    assert bruno.counts() == {**bruno_before, "unmatched": bruno_before["unmatched"] + 1}


def test_only_an_admin_ignores_a_number_for_the_team(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "WIN A PRIZE")
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "WIN A PRIZE")
    refused = bruno("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": True, "for_team": True})
    assert refused.status_code == 403 and "admin" in refused.json()["error"]["message"]
    assert bruno.conversation(BRUNO_NUMBER, remote).json()["section"] == "unmatched"

    assert ignore(alice, remote, True, for_team=True) == 204  # Alice is an admin
    for rep, number in ((alice, ALICE_NUMBER), (bruno, BRUNO_NUMBER)):
        assert rep.conversation(number, remote).json()["section"] == "ignored"
    # Bruno cannot hear, for himself, what the team ignores.
    refused = bruno("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": False})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "ignored_by_team"
    assert bruno.conversation(BRUNO_NUMBER, remote).json()["section"] == "ignored"
    assert ignore(alice, remote, False, for_team=True) == 204
    assert bruno.conversation(BRUNO_NUMBER, remote).json()["section"] == "unmatched"


def test_only_the_rep_who_received_a_number_or_an_admin_adds_it_to_a_record(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Private to Alice")
    history = bruno.ok("GET", "/api/unmatched/history", handle=f"phone:{remote}")
    assert (history["sms"], history["calls"], [r["name"] for r in history["reps"]]) == (1, 0, ["Alice Martin"])

    record = bruno.contact(last_name="Grabbed")
    refused = bruno("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{remote}"})
    assert refused.status_code == 403 and "Alice Martin" in refused.json()["error"]["message"]
    lead = {"kind": "lead", "last_name": "Grabbed too", "phones": [{"number": remote, "label": "mobile"}]}
    assert bruno("POST", "/api/records", lead).status_code == 403
    assert alice.conversation(ALICE_NUMBER, remote).json()["section"] == "unmatched"  # nothing moved
    assert bruno.ok("GET", f"/api/records/{record['id']}")["phones"] == []

    # Bruno's own unmatched number is his to add; Alice, an admin, may add anyone's.
    own = fresh_remote()
    receive(api_url, twilio_auth_token, own, BRUNO_NUMBER, "Hello Bruno")
    assert bruno("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{own}"}).status_code == 200
    assert alice("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{remote}"}).status_code == 200
    assert sorted(m["body"] for m in alice.record_sms(record["id"])) == ["Hello Bruno", "Private to Alice"]


def test_the_history_of_an_unknown_handle_is_empty_and_a_missing_handle_is_refused(bruno: Api) -> None:
    empty = bruno.ok("GET", "/api/unmatched/history", handle=f"phone:{fresh_remote()}")
    assert (empty["sms"], empty["calls"], empty["voicemails"], empty["reps"]) == (0, 0, 0, [])
    assert bruno("GET", "/api/unmatched/history").status_code == 400

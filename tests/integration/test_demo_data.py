"""The demo data as the product itself would have written it: the seeded SMS is a conversation,
the seeded calls are calls (a CallSid, a number, statuses, a summary) as the voice webhooks write them,
the seeded email an email sent from the dashboard (claimed by its Message-ID: the reader opens it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api_support import ALICE_NUMBER, Api

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import parse_iso, to_iso, utc_now
from commcenter.domain.facts import CallFacts, EmailFacts
from commcenter.domain.ids import stable_id
from commcenter.domain.sms import conversation_id
from commcenter_local.demo_data import DEMO_DISCOVERY_CALL_SID, DEMO_MISSED_CALL_SID, seed_demo_data

HELENE, HELENE_NUMBER = "lead-helene", "+12025550143"
SEEDED_TEXT = "Thanks Alice! Can we move the demo to Thursday? 🙏"


def seeded_on_record(alice: Api) -> list[dict[str, object]]:
    return [m for m in alice.record_sms(HELENE) if m["body"] == SEEDED_TEXT]


def test_the_seeded_sms_is_in_the_reps_conversation_and_on_the_record(alice: Api) -> None:
    conversation = alice.conversation(ALICE_NUMBER, HELENE_NUMBER)
    assert conversation.status_code == 200, conversation.text
    listed = conversation.json()
    assert listed["section"] == "matched" and listed["record"]["id"] == HELENE

    on_record = seeded_on_record(alice)
    assert len(on_record) == 1
    message = on_record[0]
    assert message["direction"] == "inbound" and message["rep_id"] == "rep-alice"
    assert message["conversation_id"] == listed["id"]
    assert str(message["external_id"]).startswith("SM")  # a MessageSid, claimed like Twilio's
    messages = alice.messages(ALICE_NUMBER, HELENE_NUMBER)
    assert [m["id"] for m in messages if m["body"] == SEEDED_TEXT] == [message["id"]]
    # The conversation's row shows its newest message (another test may have texted since).
    assert listed["last_preview"] == messages[0]["summary"]
    assert listed["last_at"] == messages[0]["occurred_at"]

    # `commcenter dev` seeds on every start: nothing is written twice, nothing counted twice.
    unread = alice.counts()
    seed_demo_data()
    assert len(seeded_on_record(alice)) == 1
    assert len(alice.messages(ALICE_NUMBER, HELENE_NUMBER)) == len(messages)
    assert alice.counts() == unread


# ---------------------------------------------------------------- the seeded calls

SAM, SAM_NUMBER = "contact-sam", "+16175550100"
DEAL = "deal-acme"


def calls_on(alice: Api, record_id: str) -> list[dict[str, Any]]:
    return list(alice.ok("GET", f"/api/records/{record_id}/activities", type="call", limit=100)["items"])


def the_call(alice: Api, record_id: str, call_sid: str) -> dict[str, Any]:
    """The one call with this CallSid on the record's feed (other tests call these numbers too)."""
    (call,) = [c for c in calls_on(alice, record_id) if c["external_id"] == call_sid]
    return call


def listed(alice: Api, **params: Any) -> list[str]:
    """The CallSids of every row of the rep's Calls tab (`section`, or `missed`), every page."""
    sids: list[str] = []
    cursor = None
    while True:
        page = alice.ok("GET", "/api/calls", limit=100, **params, **({"cursor": cursor} if cursor else {}))
        sids += [row["call"]["data"].get("call_sid") for row in page["items"]]
        if not (cursor := page["next_cursor"]):
            return sids


def hours_ago(moment: str) -> float:
    return (utc_now() - parse_iso(moment)).total_seconds() / 3600


def test_the_seeded_calls_are_calls_as_the_voice_webhooks_write_them(alice: Api) -> None:
    discovery = the_call(alice, HELENE, DEMO_DISCOVERY_CALL_SID)
    facts = discovery["data"]
    assert discovery["direction"] == "outbound" and discovery["rep_id"] == "rep-alice"
    assert facts["call_sid"] == DEMO_DISCOVERY_CALL_SID
    assert (facts["from"], facts["to"], facts["remote"]) == (ALICE_NUMBER, HELENE_NUMBER, HELENE_NUMBER)
    assert facts["status"] == "completed" and facts["duration"] == 754
    assert 23 < hours_ago(discovery["occurred_at"]) < 25  # a day ago, as the demo's history says
    assert facts["started_at"] == discovery["occurred_at"] and facts["answered_at"]
    assert (parse_iso(facts["ended_at"]) - parse_iso(facts["started_at"])).total_seconds() == 754
    assert not facts.get("missed")
    # Summarised by Alice and filed under the deal it was about (the notes are hers to edit).
    summary = facts["summary"]
    assert (summary["outcome"], summary["subject"], summary["deal_id"]) == ("Connected", "Discovery call", DEAL)
    assert summary["by"] == "rep-alice"
    on_deal = [c for c in calls_on(alice, DEAL) if c["data"].get("call_sid") == DEMO_DISCOVERY_CALL_SID]
    assert len(on_deal) == 1

    missed = the_call(alice, SAM, DEMO_MISSED_CALL_SID)
    facts = missed["data"]
    assert missed["direction"] == "inbound" and missed["rep_id"] == "rep-alice"
    assert (facts["from"], facts["to"], facts["remote"]) == (SAM_NUMBER, ALICE_NUMBER, SAM_NUMBER)
    assert facts["status"] == "no-answer" and facts["duration"] == 0
    assert facts["missed"] is True and not facts.get("voicemail") and not facts.get("answered_by")
    assert 49 < hours_ago(missed["occurred_at"]) < 51

    # Every call of the demo is one with a CallSid: none is a bare activity beside it.
    for record_id in (HELENE, SAM):
        assert all(c["data"].get("call_sid") for c in calls_on(alice, record_id))
    # Alice's Calls tab lists each once, and the missed calls Sam's only.
    matched = listed(alice, section="matched")
    assert matched.count(DEMO_DISCOVERY_CALL_SID) == 1 and matched.count(DEMO_MISSED_CALL_SID) == 1
    missed_only = listed(alice, missed="true")
    assert missed_only.count(DEMO_MISSED_CALL_SID) == 1 and DEMO_DISCOVERY_CALL_SID not in missed_only


def test_the_seeded_calls_are_in_call_conversations_of_alices_folders(alice: Api) -> None:
    """Each seeded call is in its conversation with the other party's number (channel "call"),
    on their record, as the voice webhooks write a call: the discovery call Alice placed (read, its
    length said) and the call from Sam nobody answered (said missed)."""
    for record_id, number, call_sid in (
        (HELENE, HELENE_NUMBER, DEMO_DISCOVERY_CALL_SID),
        (SAM, SAM_NUMBER, DEMO_MISSED_CALL_SID),
    ):
        state = conversations_data.get(conversation_id(ALICE_NUMBER, number, "call"))
        assert state is not None and (state.channel, state.section, state.record_id) == ("call", "matched", record_id)
        messages = alice.ok("GET", f"/api/sms/conversations/{state.id}/messages", limit=100)["items"]
        assert [m["external_id"] for m in messages].count(call_sid) == 1
        assert all(m["type"] == "call" for m in messages)
    counts = alice.ok("GET", "/api/folders/counts")
    seed_demo_data()
    assert alice.ok("GET", "/api/folders/counts") == counts


def test_seeding_again_writes_and_counts_no_call_twice(alice: Api) -> None:
    before = {record_id: calls_on(alice, record_id) for record_id in (HELENE, SAM, DEAL)}
    counts = alice.ok("GET", "/api/center/counts")["calls"]
    seed_demo_data()
    assert {record_id: calls_on(alice, record_id) for record_id in before} == before
    assert alice.ok("GET", "/api/center/counts")["calls"] == counts
    assert listed(alice, missed="true").count(DEMO_MISSED_CALL_SID) == 1


def test_a_call_seeded_bare_by_an_earlier_version_gives_way_to_the_call(alice: Api) -> None:
    """A data folder seeded before the demo's calls were calls holds them as bare activities
    (`demo-{index}`, no CallSid): seeding again leaves the call, not both."""
    at = utc_now() - timedelta(hours=50)
    bare = Activity(
        id=stable_id(at, "demo", "4"),
        record_id=SAM,
        handle=None,
        type="call",
        occurred_at=to_iso(at),
        rep_id="rep-alice",
        direction="inbound",
        summary="Missed call from Sam Porter",
        body="Missed call from Sam Porter",
        external_id="demo-4",
        data=CallFacts(status="no-answer", duration=0, missed=True),
    )
    activities_data.put(bare)
    assert any(c["external_id"] == "demo-4" for c in calls_on(alice, SAM))
    counts = alice.ok("GET", "/api/center/counts")["calls"]
    seed_demo_data()
    assert [c["external_id"] for c in calls_on(alice, SAM) if c["rep_id"] == "rep-alice"] == [DEMO_MISSED_CALL_SID]
    assert listed(alice, missed="true").count(DEMO_MISSED_CALL_SID) == 1
    assert alice.ok("GET", "/api/center/counts")["calls"] == counts


# ---------------------------------------------------------------- the seeded email

PROPOSAL = "Pilot proposal for Acme Corp"
EMAIL_TABS = ("inbox", "sent", "colleagues", "archived")


def emails_in(alice: Api, tab: str) -> list[dict[str, Any]]:
    return list(alice.ok("GET", "/api/emails", tab=tab, limit=100)["items"])


def test_every_email_in_the_demos_tabs_opens_in_the_reader(alice: Api) -> None:
    opened: list[str] = []
    for tab in EMAIL_TABS:
        for row in emails_in(alice, tab):
            email = alice("GET", f"/api/emails/{row['id']}")
            assert email.status_code == 200, (tab, row["subject"], email.text)
            assert email.json()["subject"] == row["subject"]
            opened.append(row["subject"])
    assert PROPOSAL in opened


def test_the_seeded_email_was_sent_from_the_dashboard_and_opened_twice_through_its_pixel(alice: Api) -> None:
    (row,) = [row for row in emails_in(alice, "sent") if row["subject"] == PROPOSAL]
    assert (row["send_status"], row["opens"], row["record"]["id"]) == ("sent", 2, HELENE)
    email = alice.ok("GET", f"/api/emails/{row['id']}")
    # Opened in Gmail (through Google's image proxy), then in a browser: both count.
    assert [fetch["kind"] for fetch in email["open_log"]] == ["proxy", "open"]
    assert email["to"] == [{"address": "helene@acme.example", "name": "Hélène Durand"}]
    # On Hélène's page, the same email, once; seeding again writes nothing twice.
    feed = alice.ok("GET", f"/api/records/{HELENE}/activities", type="email", limit=100)["items"]
    assert [a["data"]["key"] for a in feed if a["summary"] == PROPOSAL] == [row["id"]]
    seed_demo_data()
    assert [r["id"] for r in emails_in(alice, "sent") if r["subject"] == PROPOSAL] == [row["id"]]
    assert alice.ok("GET", f"/api/emails/{row['id']}")["opens"] == 2


def test_an_email_seeded_bare_by_an_earlier_version_gives_way_to_the_email(alice: Api) -> None:
    """A data folder seeded before the demo's email was an email holds it as a bare activity
    (`demo-3`, no Message-ID, no claim: the reader cannot open it): seeding again leaves the
    email, not both."""
    at = utc_now() - timedelta(hours=3)
    bare = Activity(
        id=stable_id(at, "demo", "3"),
        record_id=HELENE,
        handle=None,
        type="email",
        occurred_at=to_iso(at),
        rep_id="rep-alice",
        direction="outbound",
        summary=PROPOSAL,
        body=f"{PROPOSAL}\n\nHi Hélène, please find the proposal attached.",
        external_id="demo-3",
        data=EmailFacts(subject=PROPOSAL, opens=2),
    )
    activities_data.put(bare)
    assert [r["subject"] for r in emails_in(alice, "sent")].count(PROPOSAL) == 2
    seed_demo_data()
    rows = [r for r in emails_in(alice, "sent") if r["subject"] == PROPOSAL]
    assert len(rows) == 1 and alice("GET", f"/api/emails/{rows[0]['id']}").status_code == 200

"""The demo data as the product itself would have written it: the seeded SMS is a conversation."""

from __future__ import annotations

from api_support import ALICE_NUMBER, Api

from commcenter_local.demo_data import seed_demo_data

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

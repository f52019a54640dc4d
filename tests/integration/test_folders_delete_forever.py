"""Deleting conversations for good from Trash (I3) through the local gateway: the conversation, its
messages, its counters and its reminders go; its messages' claims stay (a retried webhook is still
a duplicate); the customer's card goes too when it was named, no conversation with the customer is
left and the rep may delete it, else it stays and the answer says why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from api_support import ALICE_NUMBER, BRUNO_NUMBER, Api, fresh_remote, receive
from test_call_conversations import call_conversation, caller, end, ring
from test_folders import counted, summed

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import records as records_data
from commcenter.data import reps as reps_data
from commcenter.domain.folders import FolderActionInput
from commcenter.domain.sms import conversation_id
from commcenter.services import delete_forever as delete_forever_service
from commcenter.services import folders
from commcenter.services.call_log import find_call
from commcenter_local.simulate import new_sid

ALICE_ID, BRUNO_ID = "rep-alice", "rep-bruno"
PREVIEW = "/api/folders/delete-forever/preview"


def delete_forever(api: Api, ids: list[str], records: list[str] | None = None) -> Any:
    body: dict[str, Any] = {"action": "delete_forever", "ids": ids}
    if records is not None:
        body["delete_records"] = records
    return api.ok("POST", "/api/folders/actions", body)


def trash(api: Api, ids: list[str]) -> None:
    api.ok("POST", "/api/folders/actions", {"action": "trash", "ids": ids})


def messages_of(conversation: str) -> list[str]:
    return [message.id for message in activities_data.conversation_history(conversation)]


def test_deleting_a_customers_last_conversation_for_good_deletes_the_card_named(
    bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    before = counted(BRUNO_ID)
    contact = bruno.contact(remote, last_name="Durand")  # Bruno's own: he may delete it
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Please forget me", sid="SMdeleteforever0001")
    conversation = conversation_id(BRUNO_NUMBER, remote)
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "And my number")
    day = (date.today() + timedelta(days=10)).isoformat()
    bruno.ok("POST", "/api/folders/actions", {"action": "follow_up", "ids": [conversation], "day": day})
    assert bruno.ok("GET", "/api/reminders", conversation_id=conversation)["items"]
    trash(bruno, [conversation])
    assert len(messages_of(conversation)) == 2

    preview = bruno.ok("POST", PREVIEW, {"ids": [conversation]})
    assert preview == {
        "conversations": 1,
        "records": [
            {
                "id": contact["id"],
                "display_name": "Sam Durand",
                "kind": "contact",
                "may_delete": True,
                "other_conversations": 0,
                "reason": None,
            }
        ],
    }
    assert conversations_data.get(conversation) is not None  # the preview changes nothing

    answer = delete_forever(bruno, [conversation], [contact["id"]])
    assert answer == {"changed": 1, "records_deleted": [contact["id"]], "records_kept": [], "unfinished": []}
    assert conversations_data.get(conversation) is None
    assert messages_of(conversation) == []
    assert bruno.ok("GET", "/api/reminders", conversation_id=conversation)["items"] == []
    assert counted(BRUNO_ID) == before == summed(BRUNO_ID)  # the counters back where they were
    # The card is in the record trash (an admin may restore it), no longer among the records.
    assert records_data.get_trashed(contact["id"]) is not None
    assert bruno("GET", f"/api/records/{contact['id']}").status_code == 404

    # Twilio retrying the first message's webhook stores nothing: its claim stayed.
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Please forget me", sid="SMdeleteforever0001")
    assert conversations_data.get(conversation) is None
    assert counted(BRUNO_ID) == before

    # Deleting it again: nothing left to delete.
    assert bruno("POST", "/api/folders/actions", {"action": "delete_forever", "ids": [conversation]}).status_code == 404


def test_a_rep_who_may_not_delete_the_card_keeps_it(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    contact = alice.contact(remote, last_name="Kept")  # Alice's: Bruno, a rep, may not delete it
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Hello Bruno")
    conversation = conversation_id(BRUNO_NUMBER, remote)
    trash(bruno, [conversation])

    (card,) = bruno.ok("POST", PREVIEW, {"ids": [conversation]})["records"]
    assert (card["id"], card["may_delete"], card["other_conversations"]) == (contact["id"], False, 0)
    assert card["reason"] == "only the record's owner or an admin can delete it"

    answer = delete_forever(bruno, [conversation], [contact["id"]])
    assert answer["changed"] == 1 and answer["records_deleted"] == []
    assert answer["records_kept"] == [
        {"id": contact["id"], "reason": "not_permitted", "message": "only the record's owner or an admin can delete it"}
    ]
    assert conversations_data.get(conversation) is None
    assert alice.ok("GET", f"/api/records/{contact['id']}")["id"] == contact["id"]


def test_a_card_with_a_conversation_left_stays(alice: Api, bruno: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    contact = bruno.contact(remote, last_name="Twice")
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Hello Bruno")
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Hello Alice")  # Alice's conversation stays
    mine = conversation_id(BRUNO_NUMBER, remote)
    trash(bruno, [mine])

    (card,) = bruno.ok("POST", PREVIEW, {"ids": [mine]})["records"]
    assert (card["may_delete"], card["other_conversations"]) == (True, 1)
    assert card["reason"] == "other conversations with this customer remain"

    answer = delete_forever(bruno, [mine], [contact["id"]])
    assert answer["changed"] == 1 and answer["records_deleted"] == []
    assert [kept["reason"] for kept in answer["records_kept"]] == ["other_conversations"]
    assert bruno.ok("GET", f"/api/records/{contact['id']}")["id"] == contact["id"]
    assert conversations_data.get(conversation_id(ALICE_NUMBER, remote)) is not None


def test_only_conversations_in_trash_are_deleted_and_bad_input_changes_nothing(
    bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    in_inbox, in_trash = fresh_remote(), fresh_remote()
    receive(api_url, twilio_auth_token, in_inbox, BRUNO_NUMBER, "Still here")
    receive(api_url, twilio_auth_token, in_trash, BRUNO_NUMBER, "Trashed")
    inbox_id, trash_id = conversation_id(BRUNO_NUMBER, in_inbox), conversation_id(BRUNO_NUMBER, in_trash)
    trash(bruno, [trash_id])
    before = counted(BRUNO_ID)

    refusals = [
        (409, {"action": "delete_forever", "ids": [trash_id, inbox_id]}),  # one not in Trash stops all
        (409, {"action": "delete_forever", "all": True, "folder": "inbox"}),
        (400, {"action": "delete_forever", "ids": [trash_id], "delete_records": ["someone-else"]}),
        (400, {"action": "archive", "ids": [inbox_id], "delete_records": ["someone-else"]}),
    ]
    for status, body in refusals:
        answer = bruno("POST", "/api/folders/actions", body)
        assert answer.status_code == status, (body, answer.text)
    assert bruno("POST", PREVIEW, {"ids": [inbox_id]}).status_code == 409
    assert bruno("POST", PREVIEW, {"ids": [trash_id], "folder": "trash"}).status_code == 400
    assert bruno("POST", PREVIEW, {"ids": []}).status_code == 400
    assert conversations_data.get(inbox_id) is not None and conversations_data.get(trash_id) is not None
    assert len(messages_of(trash_id)) == 1
    assert counted(BRUNO_ID) == before

    # All of Trash, as the preview counts it.
    preview = bruno.ok("POST", PREVIEW, {"all": True, "source": "sms"})
    assert preview["conversations"] >= 1
    everything = {"action": "delete_forever", "all": True, "folder": "trash", "source": "sms"}
    assert bruno.ok("POST", "/api/folders/actions", everything)["changed"] == preview["conversations"]
    assert conversations_data.get(trash_id) is None and conversations_data.get(inbox_id) is not None
    assert bruno.ok("GET", "/api/folders/counts")["trash"]["by_source"]["sms"]["total"] == 0
    assert counted(BRUNO_ID) == summed(BRUNO_ID)


def test_a_deletion_stopped_halfway_leaves_the_conversation_in_trash_to_delete_again(
    bruno: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "First")
    receive(api_url, twilio_auth_token, remote, BRUNO_NUMBER, "Second")
    conversation = conversation_id(BRUNO_NUMBER, remote)
    trash(bruno, [conversation])
    rep = reps_data.get(BRUNO_ID)
    assert rep is not None

    def crash(*_: object) -> bool:
        raise RuntimeError("the function stopped")

    with monkeypatch.context() as patched:
        patched.setattr(conversations_data, "delete_with_counts", crash)
        with pytest.raises(RuntimeError):
            folders.act_on_conversations(rep, FolderActionInput(action="delete_forever", ids=[conversation]))
    state = conversations_data.get(conversation)
    assert state is not None and state.folder == "trash" and messages_of(conversation) == []
    assert conversation in [row["id"] for row in bruno.ok("GET", "/api/folders/trash", limit=100)["items"]]

    assert delete_forever(bruno, [conversation])["changed"] == 1
    assert conversations_data.get(conversation) is None
    assert counted(BRUNO_ID) == summed(BRUNO_ID)


def test_conversations_the_requests_time_did_not_reach_stay_in_trash_for_the_next(
    bruno: Api, api_url: str, twilio_auth_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger, customer = fresh_remote(), fresh_remote()
    contact = bruno.contact(customer, last_name="Later")
    receive(api_url, twilio_auth_token, stranger, BRUNO_NUMBER, "First in line")
    receive(api_url, twilio_auth_token, customer, BRUNO_NUMBER, "Second in line")
    first, second = conversation_id(BRUNO_NUMBER, stranger), conversation_id(BRUNO_NUMBER, customer)
    trash(bruno, [first, second])
    rep = reps_data.get(BRUNO_ID)
    assert rep is not None

    monkeypatch.setattr(delete_forever_service, "TIME_BUDGET_S", -1.0)  # spent once the first is deleted
    change = FolderActionInput(action="delete_forever", ids=[first, second], delete_records=[contact["id"]])
    answer = folders.act_on_conversations(rep, change)
    assert (answer.changed, answer.unfinished, answer.records_deleted) == (1, [second], [])
    assert [(kept.id, kept.reason) for kept in answer.records_kept] == [(contact["id"], "other_conversations")]
    assert conversations_data.get(first) is None
    assert (conversations_data.get(second) or pytest.fail("gone")).folder == "trash"
    monkeypatch.undo()

    again = delete_forever(bruno, [second], [contact["id"]])
    assert again == {"changed": 1, "records_deleted": [contact["id"]], "records_kept": [], "unfinished": []}
    assert counted(BRUNO_ID) == summed(BRUNO_ID)


def test_a_call_conversation_deleted_for_good_takes_its_calls_and_a_retried_webhook_brings_nothing_back(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote, sid = caller(), new_sid("CA")
    before = counted(ALICE_ID)
    missed_before = alice.ok("GET", "/api/center/counts")["calls"]
    ring(api_url, twilio_auth_token, remote, sid)
    end(api_url, twilio_auth_token, remote, sid, "no-answer", 0)
    conversation = call_conversation(remote).id
    assert alice.ok("GET", "/api/center/counts")["calls"] != missed_before  # a missed call counted
    trash(alice, [conversation])

    assert delete_forever(alice, [conversation])["changed"] == 1
    assert conversations_data.get(conversation) is None and messages_of(conversation) == []
    assert find_call(sid) is None
    assert counted(ALICE_ID) == before
    assert alice.ok("GET", "/api/center/counts")["calls"] == missed_before

    # A late status callback of the call writes nothing again: the CallSid's claim stayed.
    end(api_url, twilio_auth_token, remote, sid, "no-answer", 0)
    assert conversations_data.get(conversation) is None and messages_of(conversation) == []
    assert counted(ALICE_ID) == before

"""The conversation page's API (I4): GET /api/conversations/{id}, one conversation of the rep's
folders with the card of its customer, against DynamoDB Local through the local gateway."""

from __future__ import annotations

from typing import Any

from api_support import ALICE_NUMBER, Api, fresh_remote, receive

from commcenter.domain.sms import conversation_id


def conversation_page(api: Api, rep_number: str, remote: str) -> Any:
    return api("GET", f"/api/conversations/{conversation_id(rep_number, remote)}")


def test_a_matched_sms_conversation_comes_with_its_customers_card(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    lead = alice.ok(
        "POST",
        "/api/records",
        {
            "kind": "lead",
            "first_name": "Hélène",
            "last_name": "Durand",
            "company_name": "Durand Optique",
            "title": "Buyer",
            "phones": [{"number": remote, "label": "mobile"}],
            "emails": [{"address": "helene@durand-optique.example", "label": "work"}],
        },
    )
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Are the frames in stock?")

    answer = conversation_page(alice, ALICE_NUMBER, remote)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    conversation = page["conversation"]
    assert conversation["id"] == conversation_id(ALICE_NUMBER, remote)
    assert (conversation["channel"], conversation["folder"], conversation["section"]) == ("sms", "inbox", "matched")
    assert conversation["rep_number"] == ALICE_NUMBER
    assert conversation["handle"] == f"phone:{remote}"
    assert conversation["last_preview"] == "Are the frames in stock?"
    assert conversation["unread"] == 1 and conversation["opted_out"] is False
    assert conversation["record"]["id"] == lead["id"]
    card = page["card"]
    assert card["id"] == lead["id"] and card["kind"] == "lead"
    assert card["display_name"] == "Hélène Durand"
    assert (card["company_name"], card["title"], card["status"]) == ("Durand Optique", "Buyer", "new")
    assert card["phones"] == [{"number": remote, "label": "mobile"}]
    assert card["emails"] == [{"address": "helene@durand-optique.example", "label": "work"}]


def test_an_unmatched_conversation_has_no_card_and_says_when_the_number_opted_out(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Who is this?")
    page = conversation_page(alice, ALICE_NUMBER, remote).json()
    assert page["card"] is None
    assert page["conversation"]["section"] == "unmatched" and page["conversation"]["record"] is None
    assert page["conversation"]["opted_out"] is False

    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "STOP")
    assert conversation_page(alice, ALICE_NUMBER, remote).json()["conversation"]["opted_out"] is True


def test_another_reps_conversation_or_none_is_not_found(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "For Alice only")
    assert conversation_page(alice, ALICE_NUMBER, remote).status_code == 200
    answer = conversation_page(bruno, ALICE_NUMBER, remote)
    assert answer.status_code == 404, answer.text
    assert "For Alice only" not in answer.text
    assert bruno("GET", "/api/conversations/sms-1-2").status_code == 404
    assert alice("GET", "/api/conversations/no%20such%20id").status_code == 404


def test_a_conversation_of_an_ignored_number_is_in_no_folder(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Unwanted")
    alice.ok("POST", "/api/unmatched/ignore", {"handle": f"phone:{remote}", "ignored": True})
    assert conversation_page(alice, ALICE_NUMBER, remote).status_code == 404


def test_an_assigned_conversation_is_the_assignees_with_who_gave_it(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Who handles billing?")
    bruno_id = bruno.ok("GET", "/api/me")["id"]
    ids = [conversation_id(ALICE_NUMBER, remote)]
    alice.ok("POST", "/api/folders/actions", {"action": "assign", "ids": ids, "to": bruno_id})

    page = conversation_page(bruno, ALICE_NUMBER, remote).json()["conversation"]
    assert page["owner_id"] == bruno_id and page["folder"] == "inbox"
    assert page["assigned_by"] == alice.ok("GET", "/api/me")["id"] and page["assigned_at"]
    assert page["rep_number"] == ALICE_NUMBER  # a reply still goes out from the conversation's own number
    assert conversation_page(alice, ALICE_NUMBER, remote).status_code == 404

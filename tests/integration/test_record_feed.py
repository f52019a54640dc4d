"""A record's activity feed (R4, A3): filtered by rep; its tasks completed and reopened."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import ALICE, ALICE_NUMBER, BRUNO, Api, fresh_remote

from commcenter.data import reps as reps_data
from commcenter.domain.calls import Presence
from commcenter.services.reps import rep_by_email
from commcenter_local.simulate import simulate_call

DUE = "2026-12-01T09:00:00.000Z"


def new_lead(alice: Api) -> dict[str, Any]:
    return dict(
        alice.ok("POST", "/api/records", {"kind": "lead", "first_name": "Feed", "last_name": uuid.uuid4().hex[:8]})
    )


def feed_pages(api: Api, record_id: str, **params: str) -> list[list[str]]:
    """Every page of the feed with `params`, each as its items' bodies."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = api.ok("GET", f"/api/records/{record_id}/activities", **params, **({"cursor": cursor} if cursor else {}))
        pages.append([item["body"] for item in page["items"]])
        cursor = page["next_cursor"]
        if not cursor:
            return pages


def test_the_feed_filtered_by_rep_pages_through_that_reps_activities_only(alice: Api, bruno: Api) -> None:
    lead = new_lead(alice)
    path = f"/api/records/{lead['id']}/notes"
    for index in range(9):
        (bruno if index % 3 == 1 else alice).ok("POST", path, {"body": f"note {index}"})

    brunos = feed_pages(alice, lead["id"], rep="rep-bruno", limit="2")
    assert [body for page in brunos for body in page] == ["note 7", "note 4", "note 1"]
    assert all(len(page) <= 2 for page in brunos)
    alices = feed_pages(bruno, lead["id"], rep="rep-alice", type="note", limit="4")
    assert [body for page in alices for body in page] == [f"note {i}" for i in (8, 6, 5, 3, 2, 0)]
    everyone = feed_pages(alice, lead["id"], limit="4")
    assert [body for page in everyone for body in page] == [f"note {i}" for i in reversed(range(9))]
    assert feed_pages(alice, lead["id"], rep="rep-chloe") == [[]]


def test_a_rep_filter_naming_no_rep_of_the_team_is_refused(alice: Api) -> None:
    lead = new_lead(alice)
    path = f"/api/records/{lead['id']}/activities"
    for rep in ("rep-nobody", "rep-alice#2026", "rep-"):
        refused = alice("GET", path, rep=rep)
        assert refused.status_code == 400, (rep, refused.text)
        assert "rep" in refused.json()["error"]["fields"]
    # A page cursor of one rep's feed does not page another's.
    for index in range(3):
        alice.ok("POST", f"/api/records/{lead['id']}/notes", {"body": f"note {index}"})
    cursor = alice.ok("GET", path, rep="rep-alice", limit="1")["next_cursor"]
    assert cursor
    assert alice("GET", path, rep="rep-bruno", cursor=cursor).status_code == 400
    assert alice("GET", path, cursor=cursor).status_code == 400


@pytest.fixture
def offline_after() -> Iterator[None]:
    """The demo reps' softphones offline again after the test (a call rang Alice's browser)."""
    yield
    for email in (ALICE, BRUNO):
        rep = rep_by_email(email)
        reps_data.save_presence(rep.id, Presence(online=False, on_call=False, updated_at="2026-01-01T00:00:00.000Z"))


def follow_up_task(alice: Api, api_url: str, twilio_auth_token: str) -> tuple[str, str, dict[str, Any]]:
    """A contact, a call with them Alice answered, and the follow-up task its summary asked for:
    (the contact's id, the summary's path, the summary)."""
    remote = fresh_remote()
    contact = alice.contact(remote, last_name=f"Tasked{uuid.uuid4().hex[:6]}")
    alice.ok("POST", "/api/voice/presence", {"online": True})
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="answered")
    summary = {
        "outcome": "Connected",
        "notes": "Wants a quote.",
        "deal_id": None,
        "subject": "",
        "follow_up": {"title": "Send the quote", "due_at": DUE},
    }
    path = f"/api/calls/{call.call_sid}/summary"
    alice.ok("PUT", path, summary)
    return contact["id"], path, summary


def tasks_of(api: Api, record_id: str) -> list[dict[str, Any]]:
    return list(api.ok("GET", f"/api/records/{record_id}/activities", type="task")["items"])


def mark(api: Api, record_id: str, task: dict[str, Any], **flags: Any) -> Any:
    body = {"occurred_at": task["occurred_at"], **flags}
    return api("PATCH", f"/api/records/{record_id}/activities/{task['id']}", body)


@pytest.mark.usefixtures("offline_after")
def test_a_task_is_completed_and_reopened_and_a_completion_is_never_written_over(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    record_id, _, _ = follow_up_task(alice, api_url, twilio_auth_token)
    (task,) = tasks_of(alice, record_id)
    assert task["data"]["due_at"] == DUE and task["data"]["done"] is False

    completed = mark(bruno, record_id, task, done=True)
    assert completed.status_code == 200, completed.text
    done = completed.json()["data"]
    assert done["done"] is True and done["done_by"] == "rep-bruno" and done["done_at"]
    assert tasks_of(alice, record_id)[0]["data"] == done

    # Alice, who still sees it open, completes it too: Bruno's completion stays as it was.
    again = mark(alice, record_id, task, done=True)
    assert again.status_code == 200 and again.json()["data"] == done

    reopened = mark(alice, record_id, task, done=False)
    assert reopened.status_code == 200, reopened.text
    assert {k: reopened.json()["data"][k] for k in ("done", "done_by", "done_at")} == {
        "done": False,
        "done_by": None,
        "done_at": None,
    }
    assert tasks_of(bruno, record_id)[0]["data"]["done"] is False
    assert mark(bruno, record_id, task, done=False).json()["data"]["done"] is False

    note = alice.ok("POST", f"/api/records/{record_id}/notes", {"body": "not a task"})
    refusals = [
        (mark(alice, record_id, note, done=True), 400),
        (mark(alice, record_id, {**task, "id": "01JZZZZZZZZZZZZZZZZZZZZZZZ"}, done=True), 404),
        (mark(alice, record_id, task, done="yes"), 400),
        (mark(alice, record_id, task), 400),
    ]
    assert [r.status_code for r, _ in refusals] == [expected for _, expected in refusals]
    assert tasks_of(alice, record_id)[0]["data"]["done"] is False
    notes = alice.ok("GET", f"/api/records/{record_id}/activities", type="note")["items"]
    assert [n["data"] for n in notes] == [{"channel": "note"}]


@pytest.mark.usefixtures("offline_after")
def test_editing_the_calls_summary_keeps_its_tasks_completion_and_marks(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    record_id, path, summary = follow_up_task(alice, api_url, twilio_auth_token)
    (task,) = tasks_of(alice, record_id)
    assert mark(bruno, record_id, task, done=True, starred=True).status_code == 200

    later = "2026-12-04T15:30:00.000Z"
    alice.ok("PUT", path, {**summary, "follow_up": {"title": "Send the revised quote", "due_at": later}})
    (edited,) = tasks_of(alice, record_id)
    assert edited["summary"] == "Send the revised quote" and edited["data"]["due_at"] == later
    assert edited["data"]["done"] is True and edited["data"]["done_by"] == "rep-bruno" and edited["starred"] is True

    # Taken out of the summary, the follow-up's task goes, done or not.
    alice.ok("PUT", path, {**summary, "follow_up": None})
    assert tasks_of(alice, record_id) == []

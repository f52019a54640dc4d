"""A task's due date from a call summary (C8) reminds its rep: the summary's follow-up task gets a
`task_due` reminder, moved when its due date changes, gone when the task is completed or taken
out of the summary, set again when the task is reopened, never again once the rep cancelled it
(for that date and title); a due date already past asks for none."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from api_support import ALICE, ALICE_NUMBER, BRUNO, Api, fresh_remote

from commcenter.data import reminders as reminders_data
from commcenter.data import reps as reps_data
from commcenter.domain.calls import Presence
from commcenter.services.reps import rep_by_email
from commcenter_local.simulate import simulate_call


@pytest.fixture
def offline_after() -> Iterator[None]:
    """The demo reps' softphones offline again after the test (a call rang Alice's browser)."""
    yield
    for email in (ALICE, BRUNO):
        rep = rep_by_email(email)
        reps_data.save_presence(rep.id, Presence(online=False, on_call=False, updated_at="2026-01-01T00:00:00.000Z"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def called(alice: Api, api_url: str, twilio_auth_token: str) -> tuple[str, str]:
    """A contact Alice answered a call from: (their record, the call's summary path)."""
    remote = fresh_remote()
    contact = alice.contact(remote, last_name=f"Due{uuid.uuid4().hex[:6]}")
    alice.ok("POST", "/api/voice/presence", {"online": True})
    call = simulate_call(api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="answered")
    return contact["id"], f"/api/calls/{call.call_sid}/summary"


def summary(title: str | None, due: datetime | None = None) -> dict[str, Any]:
    follow_up = {"title": title, "due_at": iso(due)} if title and due else None
    return {"outcome": "Connected", "notes": "Wants a quote.", "deal_id": None, "subject": "", "follow_up": follow_up}


def task_reminders(api: Api, record_id: str) -> list[dict[str, Any]]:
    listed = api.ok("GET", "/api/reminders", record_id=record_id)["items"]
    return [reminder for reminder in listed if reminder["kind"] == "task_due"]


def the_task(api: Api, record_id: str) -> dict[str, Any]:
    (task,) = api.ok("GET", f"/api/records/{record_id}/activities", type="task")["items"]
    return dict(task)


def mark(api: Api, record_id: str, task: dict[str, Any], done: bool) -> None:
    api.ok(
        "PATCH", f"/api/records/{record_id}/activities/{task['id']}", {"occurred_at": task["occurred_at"], "done": done}
    )


@pytest.mark.usefixtures("offline_after")
def test_a_tasks_due_date_reminds_its_rep_and_the_reminder_follows_the_task(
    alice: Api, bruno: Api, api_url: str, twilio_auth_token: str
) -> None:
    record_id, path = called(alice, api_url, twilio_auth_token)
    zone = ZoneInfo(alice.ok("GET", "/api/me")["time_zone"])
    today = datetime.now(zone).date()
    # Due in the afternoon three days from now: reminded at 08:00 of that day.
    due = datetime.combine(today + timedelta(days=3), time(15, 0), tzinfo=zone)
    alice.ok("PUT", path, summary("Send the quote", due))
    task = the_task(alice, record_id)
    (reminder,) = task_reminders(alice, record_id)
    assert reminder["due_at"] == iso(datetime.combine(due.date(), time(8, 0), tzinfo=zone))
    assert reminder["rep_id"] == "rep-alice" and reminder["task_activity"] == task["id"]
    assert reminder["note"] == "Send the quote" and reminder["state"] == "pending"

    # The same summary saved again (a retry) asks for nothing more.
    alice.ok("PUT", path, summary("Send the quote", due))
    assert [r["id"] for r in task_reminders(alice, record_id)] == [reminder["id"]]

    # Moved to an early morning two days later: reminded at the due time itself, the first one cancelled.
    early = datetime.combine(today + timedelta(days=5), time(7, 15), tzinfo=zone)
    alice.ok("PUT", path, summary("Send the quote", early))
    (moved,) = task_reminders(alice, record_id)
    assert moved["due_at"] == iso(early) and moved["id"] != reminder["id"]
    first = reminders_data.get(reminder["id"])
    assert first is not None and first.state == "cancelled"
    assert task_reminders(bruno, record_id) == []  # Alice's reminder, not the team's

    # Completed by a teammate: no reminder. Reopened: one again, a new one (a new email).
    mark(bruno, record_id, the_task(alice, record_id), done=True)
    assert task_reminders(alice, record_id) == []
    mark(alice, record_id, the_task(alice, record_id), done=False)
    (reopened,) = task_reminders(alice, record_id)
    assert reopened["due_at"] == iso(early) and reopened["id"] != moved["id"]

    # Cancelled by Alice herself: saving the summary again, or closing and reopening the task,
    # does not set it again; a new date does.
    alice.ok("DELETE", f"/api/reminders/{reopened['id']}")
    alice.ok("PUT", path, summary("Send the quote", early))
    assert task_reminders(alice, record_id) == []
    mark(alice, record_id, the_task(alice, record_id), done=True)
    mark(alice, record_id, the_task(alice, record_id), done=False)
    assert task_reminders(alice, record_id) == []
    later = datetime.combine(today + timedelta(days=6), time(9, 0), tzinfo=zone)
    alice.ok("PUT", path, summary("Send the quote", later))
    (again,) = task_reminders(alice, record_id)
    assert again["due_at"] == iso(datetime.combine(later.date(), time(8, 0), tzinfo=zone))
    reopened = again

    # Taken out of the summary, the task goes and so does its reminder.
    alice.ok("PUT", path, summary(None))
    assert task_reminders(alice, record_id) == []
    gone = reminders_data.get(reopened["id"])
    assert gone is not None and gone.state == "cancelled"


@pytest.mark.usefixtures("offline_after")
def test_a_task_due_in_the_past_asks_for_no_reminder(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    record_id, path = called(alice, api_url, twilio_auth_token)
    alice.ok("PUT", path, summary("Send the quote", datetime.now(UTC) - timedelta(hours=2)))
    assert the_task(alice, record_id)["data"]["done"] is False
    assert task_reminders(alice, record_id) == []

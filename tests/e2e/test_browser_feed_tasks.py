"""Tasks in a record's feed: their due date (overdue highlighted), Complete and Reopen."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from e2e_support import Api, CallFrom, create_record, free_phone, screenshot, tag
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

BRUNO = "bruno@northwind.example"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def follow_up(api: Api, call_sid: str, title: str, due: datetime) -> None:
    summary = {"outcome": "Connected", "notes": "", "follow_up": {"title": title, "due_at": iso(due)}}
    saved = api("PUT", f"/api/calls/{call_sid}/summary", summary)
    assert saved.status_code == 200, saved.text


def task_item(page: Page, title: str) -> Locator:
    feed = page.get_by_role("region", name="Activity").get_by_role("list", name="Activities")
    # The task itself: the call whose summary made it names its follow-up too.
    return feed.locator(':scope > li[data-type="task"]').filter(has_text=title)


def test_tasks_show_when_they_are_due_and_are_completed_and_reopened(
    signed_in: Page, api: Api, api_url: str, call_from: CallFrom, auth_headers: Callable[[str], dict[str, str]]
) -> None:
    number = free_phone(api)
    contact = create_record(
        api,
        kind="contact",
        first_name="Tess",
        last_name=f"Tasks{tag()}",
        phones=[{"number": number, "label": "mobile"}],
    )
    now = datetime.now(UTC)
    follow_up(api, call_from(number, "answered"), "Send the contract", now - timedelta(days=1))
    follow_up(api, call_from(number, "answered"), "Book the demo", now + timedelta(days=3))

    page = signed_in
    page.goto(f"/records/{contact['id']}")
    feed = page.get_by_role("region", name="Activity")
    feed.get_by_role("group", name="Filter by type").get_by_role("button", name="Tasks").click()
    expect(feed.get_by_role("list", name="Activities").locator(":scope > li")).to_have_count(2)
    overdue, upcoming = task_item(page, "Send the contract"), task_item(page, "Book the demo")
    expect(overdue).to_contain_text(re.compile(rf"Due .*{(now - timedelta(days=1)).year}"))
    expect(overdue.get_by_text("Overdue", exact=True)).to_be_visible()
    expect(upcoming).to_contain_text("Due ")
    expect(upcoming.get_by_text("Overdue", exact=True)).to_have_count(0)
    screenshot(page, "feed-tasks")

    overdue.get_by_role("button", name="Complete task: Send the contract").click()
    expect(overdue.get_by_role("button", name="Reopen task: Send the contract")).to_be_visible()
    expect(overdue).to_contain_text("Completed by Alice Martin")
    expect(overdue.get_by_text("Overdue", exact=True)).to_have_count(0)
    stored = api("GET", f"/api/records/{contact['id']}/activities", type="task").json()["items"]
    done = {item["summary"]: item["data"] for item in stored}
    assert done["Send the contract"]["done"] is True and done["Send the contract"]["done_by"] == "rep-alice"
    assert done["Book the demo"]["done"] is False
    screenshot(page, "feed-task-done")

    # Bruno completes the other one meanwhile; Alice's page still shows it open. Her Complete
    # keeps his completion, and her page now says who completed it.
    (book,) = [item for item in stored if item["summary"] == "Book the demo"]
    by_bruno = requests.patch(
        f"{api_url}/api/records/{contact['id']}/activities/{book['id']}",
        json={"occurred_at": book["occurred_at"], "done": True},
        headers=auth_headers(BRUNO),
        timeout=30,
    )
    assert by_bruno.status_code == 200, by_bruno.text
    upcoming.get_by_role("button", name="Complete task: Book the demo").click()
    expect(upcoming).to_contain_text("Completed by Bruno Costa")

    page.reload()
    feed.get_by_role("group", name="Filter by type").get_by_role("button", name="Tasks").click()
    expect(task_item(page, "Send the contract")).to_contain_text("Completed by Alice Martin")
    task_item(page, "Send the contract").get_by_role("button", name="Reopen task: Send the contract").click()
    reopened = task_item(page, "Send the contract")
    expect(reopened.get_by_role("button", name="Complete task: Send the contract")).to_be_visible()
    expect(reopened.get_by_text("Overdue", exact=True)).to_be_visible()
    items: list[dict[str, Any]] = api("GET", f"/api/records/{contact['id']}/activities", type="task").json()["items"]
    assert {item["summary"]: item["data"]["done"] for item in items} == {
        "Send the contract": False,
        "Book the demo": True,
    }

"""A record's feed filtered by rep (A3), beside the type filter."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from e2e_support import Api, create_record, screenshot, tag
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BRUNO = "bruno@northwind.example"


def test_the_feed_shows_the_whole_teams_activities_or_one_reps(
    signed_in: Page, api: Api, api_url: str, auth_headers: Callable[[str], dict[str, str]]
) -> None:
    lead = create_record(api, first_name="Rita", last_name=f"Reps{tag()}")
    notes = f"/api/records/{lead['id']}/notes"
    for body in ("Alice: first call booked", "Alice: sent the pricing"):
        assert api("POST", notes, {"body": body}).status_code == 201
    by_bruno = requests.post(
        api_url + notes, json={"body": "Bruno: met them at the fair"}, headers=auth_headers(BRUNO), timeout=30
    )
    assert by_bruno.status_code == 201, by_bruno.text

    page = signed_in
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("region", name="Activity")
    items = feed.get_by_role("list", name="Activities").locator(":scope > li")
    expect(items).to_have_count(3)
    reps = feed.get_by_label("Filter by rep")
    expect(reps).to_have_value("")

    reps.select_option(label="Bruno Costa")
    expect(items).to_have_count(1)
    expect(items.nth(0)).to_contain_text("Bruno: met them at the fair")
    expect(items.nth(0)).to_contain_text("Bruno Costa")
    screenshot(page, "feed-by-rep")

    reps.select_option(label="Me (Alice Martin)")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Alice: sent the pricing")
    expect(items.nth(1)).to_contain_text("Alice: first call booked")
    # With the type filter too: Alice's notes, and none of her calls.
    types = feed.get_by_role("group", name="Filter by type")
    types.get_by_role("button", name="Calls").click()
    expect(feed.get_by_role("heading", name="Nothing matches this filter")).to_be_visible()
    types.get_by_role("button", name="Notes").click()
    expect(items).to_have_count(2)

    # A note written while another rep's activities are shown lifts the filter that would hide it.
    reps.select_option(label="Bruno Costa")
    expect(items).to_have_count(1)
    feed.get_by_label("Add a note").fill("Alice: follow-up sent")
    feed.get_by_role("button", name="Add note").click()
    expect(reps).to_have_value("")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("Alice: follow-up sent")

    reps.select_option(label="Whole team")
    expect(items).to_have_count(4)

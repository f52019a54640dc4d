"""A record's activity feed: notes added in the page, the type filter, deals' details."""

from __future__ import annotations

import re

import pytest
from e2e_support import Api, create_record, screenshot, tag
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_notes_appear_newest_first_and_the_type_filter_works(signed_in: Page, api: Api) -> None:
    lead = create_record(api, first_name="Felix", last_name=f"Feed{tag()}")
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("region", name="Activity")
    expect(feed.get_by_role("heading", name="No activity yet")).to_be_visible()

    for text in ("Called, left a voicemail", "Wants a demo on Tuesday\nwith their CTO"):
        feed.get_by_label("Add a note").fill(text)
        feed.get_by_role("button", name="Add note").click()
        expect(feed.get_by_label("Add a note")).to_have_value("")
    items = feed.get_by_role("list", name="Activities").get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Wants a demo on Tuesday")
    expect(items.nth(0)).to_contain_text("with their CTO")
    expect(items.nth(0)).to_contain_text("Alice")
    # Relative time on screen, the exact date on hover.
    expect(items.nth(0).locator("time")).to_have_text("just now")
    expect(items.nth(0).locator("time")).to_have_attribute("title", re.compile(r"\b20\d\d\b"))
    expect(items.nth(1)).to_contain_text("Called, left a voicemail")
    screenshot(page, "record-feed")

    # The notes are on the record for everyone, not only in this page.
    stored = api("GET", f"/api/records/{lead['id']}/activities").json()["items"]
    assert [a["summary"] for a in stored] == ["Wants a demo on Tuesday", "Called, left a voicemail"]

    filters = feed.get_by_role("group", name="Filter by type")
    filters.get_by_role("button", name="Calls").click()
    expect(filters.get_by_role("button", name="Calls")).to_have_attribute("aria-pressed", "true")
    expect(feed.get_by_role("heading", name="Nothing matches this filter")).to_be_visible()
    filters.get_by_role("button", name="Notes").click()
    expect(items).to_have_count(2)
    feed.get_by_role("button", name="Starred").click()
    expect(feed.get_by_role("heading", name="Nothing matches this filter")).to_be_visible()
    feed.get_by_role("button", name="Starred").click()
    filters.get_by_role("button", name="All", exact=True).click()
    expect(items).to_have_count(2)
    page.reload()
    expect(feed.get_by_role("list", name="Activities").get_by_role("listitem")).to_have_count(2)


def test_deal_page_shows_amount_stage_close_date_and_contacts(signed_in: Page, api: Api) -> None:
    contact = create_record(api, kind="contact", first_name="Carla", last_name=f"Linked{tag()}")
    deal = create_record(
        api,
        kind="deal",
        name=f"Fleet renewal {tag()}",
        amount="48000",
        currency="EUR",
        stage="open",
        expected_close="2026-12-31",
        contact_ids=[contact["id"]],
    )
    page = signed_in
    page.goto(f"/records/{deal['id']}")
    details = page.get_by_role("region", name="Details")
    expect(details).to_contain_text("€48,000.00")
    expect(details).to_contain_text("Dec 31, 2026")
    expect(details.get_by_text("Open", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals")).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "deal-page")
    details.get_by_role("link", name=contact["display_name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(contact["display_name"])

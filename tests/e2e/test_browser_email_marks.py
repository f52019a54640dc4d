"""Star and thread (A1, A2) on emails in the dashboard: from the email reader and from the
record's feed, and the feed filtered by type, starred, thread and rep (A3), the filter kept in
the page's address; on a 360 px phone too. Mail synced from the local Dovecot by the real poll."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from e2e_mailbox import Mailbox
from e2e_support import create_record, screenshot
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser


def lead_who_wrote(mailbox: Mailbox, *subjects: str) -> str:
    """A lead who sent the rep these emails (oldest first), synced; the lead's id."""
    address = f"marc-{uuid.uuid4().hex[:6]}@acme.example"
    lead = create_record(
        mailbox.api, kind="lead", first_name="Marc", last_name="Starred", emails=[{"address": address}]
    )
    for n, subject in enumerate(subjects):
        mailbox.receive(address, subject, days_ago=len(subjects) - n)
    mailbox.poll()
    assert mailbox.api("POST", f"/api/records/{lead['id']}/notes", {"body": "Called about the seats"}).ok
    return str(lead["id"])


def feed_items(page: Page) -> Locator:
    return page.get_by_role("region", name="Activity").get_by_role("list", name="Activities").locator(":scope > li")


def item(page: Page, text: str) -> Locator:
    return feed_items(page).filter(has_text=text)


def mark_filter(page: Page, name: str) -> Locator:
    """The feed's Starred or Thread filter."""
    marks = page.get_by_role("region", name="Activity").get_by_role("group", name="Filter by mark")
    return marks.get_by_role("button", name=name, exact=True)


def address(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_an_email_starred_in_the_reader_is_in_its_records_starred_feed(page: Page, mailbox: Mailbox) -> None:
    lead_id = lead_who_wrote(mailbox, "Seats for the pilot", "Signed order form")

    page.goto("/center/email")
    inbox = page.get_by_role("region", name="Inbox", exact=True)
    inbox.get_by_test_id("email-row").filter(has_text="Seats for the pilot").click()
    reader = page.get_by_role("region", name="Email")
    expect(reader.get_by_role("heading", name="Seats for the pilot")).to_be_visible()
    star = reader.get_by_role("button", name="Star Email")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    screenshot(page, "email-reader-starred")

    # The record's feed, starred only: the email, not the other email nor the note.
    reader.get_by_role("link", name="Marc Starred").click()
    feed = page.get_by_role("region", name="Activity")
    expect(feed_items(page)).to_have_count(3)
    mark_filter(page, "Starred").click()
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first).to_contain_text("Seats for the pilot")
    expect(feed_items(page).first.get_by_role("button", name="Star Email")).to_have_attribute("aria-pressed", "true")
    assert address(page) == {"starred": ["true"]}

    # The other email threaded from the feed; thread and type filters, kept across a reload.
    mark_filter(page, "Starred").click()
    expect(feed_items(page)).to_have_count(3)
    item(page, "Signed order form").get_by_role("button", name="Email in thread").click()
    expect(item(page, "Signed order form").get_by_role("button", name="Email in thread")).to_have_attribute(
        "aria-pressed", "true"
    )
    feed.get_by_role("group", name="Filter by type").get_by_role("button", name="Email").click()
    mark_filter(page, "Thread").click()
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first).to_contain_text("Signed order form")
    assert address(page) == {"type": ["email"], "thread": ["main"]}
    page.reload()
    expect(feed_items(page)).to_have_count(1)
    expect(mark_filter(page, "Thread")).to_have_attribute("aria-pressed", "true")

    # The reader shows the mark set from the feed; taking it out of the thread keeps it in the feed.
    item(page, "Signed order form").get_by_role("link", name="Open email").click()
    reader = page.get_by_role("region", name="Email")
    in_thread = reader.get_by_role("button", name="Email in thread")
    expect(in_thread).to_have_attribute("aria-pressed", "true")
    in_thread.click()
    expect(in_thread).to_have_attribute("aria-pressed", "false")
    page.goto(f"/records/{lead_id}?type=email")
    expect(feed_items(page)).to_have_count(2)
    page.goto(f"/records/{lead_id}?type=email&thread=main")
    expect(page.get_by_role("heading", name="Nothing matches this filter")).to_be_visible()


def test_the_feeds_filters_on_a_360_px_phone(page: Page, mailbox: Mailbox) -> None:
    lead_id = lead_who_wrote(mailbox, "Quote for 20 seats")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"/records/{lead_id}")
    feed = page.get_by_role("region", name="Activity")
    expect(feed_items(page)).to_have_count(2)

    item(page, "Quote for 20 seats").get_by_role("button", name="Star Email").click()
    feed.get_by_role("group", name="Filter by type").get_by_role("button", name="Email").click()
    mark_filter(page, "Starred").click()
    reps = feed.get_by_label("Filter by rep")
    options = reps.locator("option").all_inner_texts()
    assert options[:2] == ["Whole team", f"Me ({mailbox.rep.name})"] and "Bruno Costa" in options
    reps.select_option(label=f"Me ({mailbox.rep.name})")
    expect(feed_items(page)).to_have_count(1)
    expect(feed_items(page).first).to_contain_text("Quote for 20 seats")
    assert address(page) == {"type": ["email"], "starred": ["true"], "rep": [mailbox.rep.id]}
    # Another rep's starred emails: none.
    reps.select_option(label="Bruno Costa")
    expect(feed.get_by_role("heading", name="Nothing matches this filter")).to_be_visible()
    reps.select_option(label=f"Me ({mailbox.rep.name})")
    expect(feed_items(page)).to_have_count(1)

    # Everything fits the phone's width; each chip is a thumb's size.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for chip in (
        mark_filter(page, "Starred"),
        mark_filter(page, "Thread"),
        feed.get_by_role("group", name="Filter by type").get_by_role("button", name="Email"),
    ):
        box = chip.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    screenshot(page, "feed-filters-phone")

    # The reader on the phone: the star beside the subject, still within the screen.
    item(page, "Quote for 20 seats").get_by_role("link", name="Open email").click()
    star = page.get_by_role("region", name="Email").get_by_role("button", name="Star Email")
    expect(star).to_have_attribute("aria-pressed", "true")
    box = star.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "email-reader-starred-phone")

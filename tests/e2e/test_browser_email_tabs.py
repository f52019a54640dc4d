"""The Email tabs in Chromium, with mail synced from a real Dovecot: Inbox and its unread count,
bulk read and archive, search by sender and by subject, an email opened in the reader (a hostile one: nothing
runs, nothing is fetched from another origin until the rep shows its images), the lead's page
from there, and read state reaching the mail server after a poll."""

from __future__ import annotations

import re
import uuid

import pytest
from e2e_mailbox import Mailbox
from e2e_support import create_record, screenshot
from playwright.sync_api import Locator, Page, Route, expect

pytestmark = pytest.mark.browser

PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
HOSTILE_HTML = """
<p onclick="new Image().src='https://evil.example/onclick'">Our offer, see below.</p>
<script>new Image().src = 'https://evil.example/script';</script>
<img src="https://tracker.example/pixel.png" alt="logo">
<img src="x" onerror="new Image().src='https://evil.example/onerror'">
<a href="javascript:new Image().src='https://evil.example/link'">Click me</a>
"""


def rows(list_region: Locator) -> Locator:
    return list_region.get_by_test_id("email-row")


def test_a_rep_reads_selects_marks_and_archives_their_inbox(page: Page, mailbox: Mailbox) -> None:
    known = f"helene-{uuid.uuid4().hex[:6]}@acme.example"
    create_record(mailbox.api, kind="lead", first_name="Hélène", last_name="Inbox", emails=[{"address": known}])
    for n, subject in enumerate(["Seats", "Pricing", "Contract"]):
        mailbox.receive(known, subject, days_ago=3 - n)
    mailbox.poll()

    page.goto("/center/email")
    inbox = page.get_by_role("region", name="Inbox", exact=True)
    expect(rows(inbox)).to_have_count(3)
    expect(rows(inbox).first).to_contain_text("Contract")
    expect(rows(inbox).first).to_contain_text("Hélène Inbox")
    expect(page.get_by_role("button", name="Inbox (3)")).to_be_visible()
    expect(inbox.locator(".email-row.unread")).to_have_count(3)

    # Two selected, marked read: the list and the count follow; the server at the next poll.
    inbox.get_by_label("Select Seats").check()
    inbox.get_by_label("Select Pricing").check()
    bulk = page.get_by_role("toolbar", name="Selected emails")
    expect(bulk).to_contain_text("2 selected")
    bulk.get_by_role("button", name="Mark read").click()
    expect(inbox.locator(".email-row.unread")).to_have_count(1)
    expect(page.get_by_role("button", name="Inbox (1)")).to_be_visible()
    assert mailbox.server_seen() == {"Seats": False, "Pricing": False, "Contract": False}
    mailbox.poll()
    assert mailbox.server_seen() == {"Seats": True, "Pricing": True, "Contract": False}

    # All of them unread again, then one archived.
    inbox.get_by_label("Select all").check()
    page.get_by_role("toolbar", name="Selected emails").get_by_role("button", name="Mark unread").click()
    expect(inbox.locator(".email-row.unread")).to_have_count(3)
    inbox.get_by_label("Select Pricing").check()
    page.get_by_role("toolbar", name="Selected emails").get_by_role("button", name="Archive").click()
    expect(rows(inbox)).to_have_count(2)
    page.get_by_role("button", name="Archived").click()
    archived = page.get_by_role("region", name="Archived", exact=True)
    expect(rows(archived)).to_have_count(1)
    expect(rows(archived)).to_contain_text("Pricing")
    screenshot(page, "email-archived")
    archived.get_by_label("Select Pricing").check()
    page.get_by_role("toolbar", name="Selected emails").get_by_role("button", name="Unarchive").click()
    expect(archived.get_by_text("No archived emails")).to_be_visible()

    # Search by sender (an address), then by subject (words) in the same box.
    page.get_by_role("button", name="Inbox", exact=False).first.click()
    inbox = page.get_by_role("region", name="Inbox", exact=True)
    box = inbox.get_by_label("Search by sender or subject")
    box.fill("nobody@acme.example")
    inbox.get_by_role("button", name="Search").click()
    expect(inbox.get_by_text("No emails found")).to_be_visible()
    box.fill(known)
    inbox.get_by_role("button", name="Search").click()
    expect(rows(inbox)).to_have_count(3)
    box.fill("PRICI")
    inbox.get_by_role("button", name="Search").click()
    expect(rows(inbox)).to_have_count(1)
    expect(rows(inbox)).to_contain_text("Pricing")
    box.fill("quote")
    inbox.get_by_role("button", name="Search").click()
    expect(inbox.get_by_text('No email in Inbox has "quote" in its subject.')).to_be_visible()


def test_a_hostile_email_runs_nothing_and_fetches_nothing_until_its_images_are_shown(
    page: Page, mailbox: Mailbox
) -> None:
    known = f"newsletter-{uuid.uuid4().hex[:6]}@acme.example"
    lead = create_record(mailbox.api, kind="lead", first_name="News", last_name="Letter", emails=[{"address": known}])
    mailbox.receive(known, "Offer inside", days_ago=1, html=HOSTILE_HTML)
    mailbox.poll()
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url) if ".example/" in request.url else None)

    def pixel(route: Route) -> None:
        route.fulfill(status=200, content_type="image/png", body=PIXEL)

    page.route("https://tracker.example/**", pixel)
    page.route("https://evil.example/**", pixel)

    page.goto("/center/email")
    inbox = page.get_by_role("region", name="Inbox", exact=True)
    inbox.get_by_role("button", name="Offer inside").click()
    reader = page.get_by_role("region", name="Email", exact=True)
    expect(reader.get_by_role("heading", name="Offer inside")).to_be_visible()
    expect(reader.get_by_test_id("email-from")).to_have_text(known)
    frame_element = reader.locator("iframe.email-frame")
    assert frame_element.get_attribute("sandbox") == "allow-popups allow-popups-to-escape-sandbox"
    frame = frame_element.content_frame
    expect(frame.get_by_text("Our offer, see below.")).to_be_visible()
    for text in ("Our offer, see below.", "Click me"):
        frame.get_by_text(text).click()
    frame.locator("img").first.hover()
    page.wait_for_timeout(300)
    assert foreign == []
    # Opening it read it.
    expect(inbox.locator(".email-row.unread")).to_have_count(0)

    reader.get_by_role("button", name="Show images").click()
    expect(frame.locator("img[alt=logo]")).to_have_attribute("src", "https://tracker.example/pixel.png")
    page.wait_for_timeout(300)
    assert foreign == ["https://tracker.example/pixel.png"]  # the image, and nothing of the sender's code
    screenshot(page, "email-reader")
    # On a phone the email is read above its list, and nothing scrolls sideways.
    for width in (360, 390, 768):
        page.set_viewport_size({"width": width, "height": 800})
        expect(reader.get_by_role("heading", name="Offer inside")).to_be_in_viewport()
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), width
    screenshot(page, "email-reader-phone")
    page.set_viewport_size({"width": 1440, "height": 900})

    reader.get_by_role("link", name="News Letter").click()
    expect(page).to_have_url(re.compile(f"/records/{lead['id']}$"))
    feed = page.get_by_role("region", name="Activity")
    email = feed.locator(".activity-email")
    expect(email).to_contain_text("Offer inside")
    expect(email).to_contain_text("Incoming email")
    # From the record's feed, the email opens whole in the Email tab's reader.
    email.get_by_role("link", name="Open email").click()
    expect(page).to_have_url(re.compile(r"/center/email\?open=[0-9a-f]{64}$"))
    expect(
        page.get_by_role("region", name="Email", exact=True).get_by_role("heading", name="Offer inside")
    ).to_be_visible()

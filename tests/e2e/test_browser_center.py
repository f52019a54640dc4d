"""The communication center: each channel tab, its sections and their counts."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from e2e_support import Api, screenshot, sms_counts
from playwright.sync_api import Page, expect

Headers = Callable[[str], dict[str, str]]

pytestmark = pytest.mark.browser


def test_email_tab_sections(signed_in: Page) -> None:
    page = signed_in
    expect(page).to_have_url(re.compile(r"/center/email$"))
    expect(page.get_by_role("tab", name="Email")).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel")
    expect(panel.get_by_role("heading", name="No emails yet")).to_be_visible()
    expect(panel).to_contain_text("alice@northwind.example")
    screenshot(page, "center-email")

    for section, heading in [
        ("Suggested people", "No suggested people"),
        ("Colleagues", "No emails with colleagues"),
        ("Archived", "No archived emails"),
    ]:
        panel.get_by_role("button", name=section).click()
        expect(panel.get_by_role("button", name=section)).to_have_attribute("aria-pressed", "true")
        expect(panel.get_by_role("heading", name=heading)).to_be_visible()
    # The demo's proposal to Hélène, opened twice.
    panel.get_by_role("button", name="Sent").click()
    sent = panel.get_by_role("region", name="Sent", exact=True).get_by_test_id("email-row")
    expect(sent.filter(has_text="Pilot proposal for Acme Corp")).to_contain_text("Opened 2×")


def test_calls_tab_is_reached_from_the_keyboard(signed_in: Page) -> None:
    page = signed_in
    # The keyboard moves between channel tabs.
    page.get_by_role("tab", name="Email").focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"/center/calls$"))
    expect(page.get_by_role("tab", name="Calls")).to_be_focused()
    expect(page).to_have_title("Calls · Communication center · Commcenter")
    panel = page.get_by_role("tabpanel")
    matched = panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$"))
    expect(matched).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_role("region", name="Matched calls")).to_be_visible()
    screenshot(page, "center-calls")
    panel.get_by_role("button", name=re.compile(r"^Unmatched \(\d+\)$")).click()
    expect(panel.get_by_role("region", name="Unmatched calls")).to_be_visible()
    panel.get_by_label("Show only missed calls").check()
    expect(panel.get_by_role("region", name="Missed calls")).to_be_visible()


def test_sms_tab_counts_unread_messages(signed_in: Page, api: Api) -> None:
    page = signed_in
    counts = sms_counts(api)
    page.get_by_role("tab", name="SMS").click()
    expect(page).to_have_url(re.compile(r"/center/sms$"))
    panel = page.get_by_role("tabpanel")
    matched = panel.get_by_role("button", name=f"Matched ({counts['matched']})", exact=True)
    expect(matched).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_role("region", name="Matched conversations")).to_be_visible()
    panel.get_by_role("button", name=f"Unmatched ({counts['unmatched']})", exact=True).click()
    expect(panel.get_by_role("region", name="Unmatched conversations")).to_be_visible()
    expect(panel.get_by_label("Show ignored numbers")).not_to_be_checked()
    screenshot(page, "center-sms")


def test_sms_tab_of_a_voice_only_rep_explains_why_it_is_empty(page: Page, auth_headers: Headers) -> None:
    token = auth_headers("chloe@northwind.example")["Authorization"].removeprefix("Bearer ")
    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text("Chlo")
    page.get_by_role("tab", name="SMS").click()
    panel = page.get_by_role("tabpanel")
    expect(panel.get_by_role("heading", name="Your number cannot send SMS")).to_be_visible()
    expect(panel).to_contain_text("+1 (415) 555-0103 is a voice-only number")
    expect(panel.get_by_role("button", name="New SMS")).to_have_count(0)


def test_navigation_reaches_every_section(signed_in: Page) -> None:
    page = signed_in
    nav = page.get_by_role("navigation", name="Main")
    for label, path in [("Leads", "/leads"), ("Contacts", "/contacts"), ("Deals", "/deals")]:
        nav.get_by_role("link", name=label).click()
        expect(page).to_have_url(re.compile(f"{path}$"))
        expect(page.get_by_role("heading", name=label, level=1)).to_be_visible()
        expect(nav.get_by_role("link", name=label)).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Communication center").click()
    expect(page.get_by_role("heading", name="Communication center")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/deals$"))

"""The demo's calls as a first user meets them: calls like any other, in the seeded rep's Calls tab
with the number under the name, and summarised (or their summary edited) from there or the feed."""

from __future__ import annotations

import pytest
from e2e_support import Api, calls_center, format_phone, screenshot, tag
from playwright.sync_api import Locator, Page, expect

from commcenter_local.demo_data import DEMO_DISCOVERY_CALL_SID, DEMO_MISSED_CALL_SID

pytestmark = pytest.mark.browser

HELENE, HELENE_NUMBER = "Hélène Durand", "+12025550143"
SAM, SAM_NUMBER = "Sam Porter", "+16175550100"


def listed_call(page: Page, region: Locator, call_sid: str) -> Locator:
    """The call's row, a few pages down if need be: other tests' calls are newer than the demo's."""
    row = region.locator(f"[data-call='{call_sid}']")
    more = page.get_by_role("tabpanel").get_by_role("button", name="Load more")
    expect(more.or_(row).first).to_be_visible()
    while not row.count() and more.count():
        more.click()
        expect(more.or_(row).first).to_be_visible()
    expect(row).to_have_count(1)
    return row


def test_the_seeded_missed_call_is_listed_with_its_number_and_summarised(signed_in: Page, api: Api) -> None:
    page = signed_in
    panel = calls_center(page)
    matched = panel.get_by_role("region", name="Matched calls")
    row = listed_call(page, matched, DEMO_MISSED_CALL_SID)
    head = row.get_by_role("button", name=SAM)
    expect(head).to_contain_text(format_phone(SAM_NUMBER))
    expect(head).to_contain_text("Missed call")
    expect(listed_call(page, matched, DEMO_DISCOVERY_CALL_SID)).to_contain_text(format_phone(HELENE_NUMBER))

    panel.get_by_label("Show only missed calls").check()
    missed = panel.get_by_role("region", name="Missed calls")
    row = listed_call(page, missed, DEMO_MISSED_CALL_SID)
    row.get_by_role("button", name=SAM).click()
    details = row.get_by_role("region", name=f"Call with {SAM}")
    details.get_by_role("button", name="Summarise call").click()
    form = page.get_by_role("dialog", name="Summarise call").get_by_role("form", name="Call summary")
    expect(form).to_contain_text(f"Call from {SAM}")
    marker = tag()
    form.get_by_label("Outcome").select_option("Call back later")
    form.get_by_label("Notes").fill(f"Wants to talk about the renewal's next term {marker}")
    with page.expect_response(f"**/api/calls/{DEMO_MISSED_CALL_SID}/summary") as saved:
        form.get_by_role("button", name="Save summary").click()
    assert saved.value.status == 200
    summary = details.get_by_role("group", name="Call summary")
    expect(summary).to_contain_text("Outcome Call back later")
    expect(summary).to_contain_text(f"Wants to talk about the renewal's next term {marker}")
    expect(details.get_by_role("button", name="Edit summary")).to_be_visible()

    stored = api("GET", "/api/records/contact-sam/activities", type="call").json()["items"]
    (call,) = [c for c in stored if c["external_id"] == DEMO_MISSED_CALL_SID]
    assert call["data"]["summary"]["notes"] == f"Wants to talk about the renewal's next term {marker}"


def test_the_seeded_discovery_call_shows_its_summary_on_the_feed_and_is_edited_there(signed_in: Page) -> None:
    page = signed_in
    page.goto("/records/lead-helene")
    feed = page.get_by_role("list", name="Activities")
    entry = feed.locator("[data-type=call]").filter(has_text="Discovery call")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(f"Call to {HELENE}")
    summary = entry.get_by_role("group", name="Call summary")
    expect(summary).to_contain_text("Outcome Connected · Discovery call")
    expect(summary.get_by_role("link", name="Acme — 200 seats")).to_be_visible()
    screenshot(page, "record-demo-call", full_page=False)

    entry.get_by_role("button", name="Edit summary").click()
    form = page.get_by_role("dialog", name="Edit summary").get_by_role("form", name="Call summary")
    expect(form).to_contain_text("Lasted 12:34")
    expect(form.get_by_label("Outcome")).to_have_value("Connected")
    marker = tag()
    form.get_by_label("Notes").fill(f"Budget approved for Q1; pilot with 20 seats first {marker}")
    with page.expect_response(f"**/api/calls/{DEMO_DISCOVERY_CALL_SID}/summary") as saved:
        form.get_by_role("button", name="Save summary").click()
    assert saved.value.status == 200
    expect(form).to_be_hidden()
    expect(summary).to_contain_text(f"pilot with 20 seats first {marker}")

    # Filed under the deal: one row there too, with the notes as edited.
    summary.get_by_role("link", name="Acme — 200 seats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme — 200 seats")
    on_deal = feed.locator("[data-type=call]")
    expect(on_deal).to_have_count(1)
    expect(on_deal).to_contain_text(f"pilot with 20 seats first {marker}")

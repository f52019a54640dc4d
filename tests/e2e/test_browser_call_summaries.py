"""Call summaries (C8) in the dashboard beyond the softphone: any call of the rep's, answered in
the browser, on the forwarding number or missed, is summarised from its Calls-tab row or its feed
entry, and its saved summary edited there later; a call filed under a deal is one row in every
list; calls and the opt-out refusal name people, or numbers as people write them.

Calls reach the stack through `commcenter_local.simulate.simulate_call` (the softphone's own
summary after a browser call is tested in test_browser_softphone.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from e2e_support import (
    REP_NUMBER,
    Api,
    CallFrom,
    call_rows,
    calling_lead,
    calls_center,
    create_record,
    fictional_caller,
    screenshot,
    tag,
)
from playwright.sync_api import Locator, Page, expect

from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser


def national(e164: str) -> str:
    """A US number as the API writes it for a US team: (646) 555-0123."""
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


def calls_of(api: Api, record_id: str) -> list[dict[str, Any]]:
    response = api("GET", f"/api/records/{record_id}/activities", type="call")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def fits(page: Page, locator: Locator) -> None:
    """`locator` lies within the viewport's width: nothing of it is cut off at the sides."""
    box = locator.bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


def test_a_missed_call_is_summarised_from_the_calls_tab_and_edited_later_on_a_phone(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    number = fictional_caller(api)
    lead = calling_lead(api, f"Missed{marker}", number)
    sid = call_from(number, "no-answer")  # neither the browser nor the forwarding number: missed
    page = signed_in
    matched = calls_center(page).get_by_role("region", name="Matched calls")
    call_rows(matched, lead["display_name"]).click()
    details = matched.get_by_role("region", name=f"Call with {lead['display_name']}")
    expect(details.get_by_role("group", name="Call summary")).to_have_count(0)

    details.get_by_role("button", name="Summarise call").click()
    dialog = page.get_by_role("dialog", name="Summarise call")
    form = dialog.get_by_role("form", name="Call summary")
    expect(form).to_contain_text(f"Call from {lead['display_name']}")
    expect(form).to_contain_text("Missed")
    expect(form.get_by_label("Notes")).to_have_value("")
    form.get_by_label("Outcome").select_option("Left voicemail")
    form.get_by_label("Notes").fill(f"Left a message about the demo {marker}")
    form.get_by_label("Add a follow-up task").check()
    form.get_by_label("Task", exact=True).fill("Call Carla again")
    form.get_by_label("Due date").fill("2026-12-01")
    form.get_by_label("Time").fill("09:30")
    with page.expect_response(f"**/api/calls/{sid}/summary") as saved:
        form.get_by_role("button", name="Save summary").click()
    assert saved.value.status == 200
    expect(dialog).to_be_hidden()
    summary = details.get_by_role("group", name="Call summary")
    expect(summary).to_contain_text("Outcome Left voicemail")
    expect(summary).to_contain_text(f"Left a message about the demo {marker}")
    expect(summary).to_contain_text("Follow-up: Call Carla again, due Dec 1, 2026, 9:30 AM")
    expect(details.get_by_role("button", name="Summarise call")).to_have_count(0)

    # Later, from a phone: the form starts from what was saved, and fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    details.get_by_role("button", name="Edit summary").click()
    dialog = page.get_by_role("dialog", name="Edit summary")
    form = dialog.get_by_role("form", name="Call summary")
    expect(form.get_by_label("Outcome")).to_have_value("Left voicemail")
    expect(form.get_by_label("Notes")).to_have_value(f"Left a message about the demo {marker}")
    expect(form.get_by_label("Add a follow-up task")).to_be_checked()
    expect(form.get_by_label("Task", exact=True)).to_have_value("Call Carla again")
    expect(form.get_by_label("Due date")).to_have_value("2026-12-01")
    expect(form.get_by_label("Time")).to_have_value("09:30")
    fits(page, dialog)
    screenshot(page, "calls-summary-edit-phone", full_page=False)
    form.get_by_label("Notes").fill(f"She called back: demo on Friday {marker}")
    form.get_by_role("button", name="Save summary").scroll_into_view_if_needed()
    fits(page, form.get_by_role("button", name="Save summary"))
    form.get_by_role("button", name="Save summary").click()
    expect(dialog).to_be_hidden()
    expect(summary).to_contain_text(f"She called back: demo on Friday {marker}")
    expect(summary).not_to_contain_text("Left a message")

    (stored,) = calls_of(api, lead["id"])
    assert stored["data"]["missed"] is True
    assert stored["data"]["summary"]["notes"] == f"She called back: demo on Friday {marker}"
    assert stored["data"]["summary"]["follow_up"]["title"] == "Call Carla again"


def sign_in_as(page: Page, token: str, name: str) -> None:
    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(name)


def test_a_forwarded_call_is_summarised_from_the_record_s_feed_by_its_rep_only(
    page: Page, token: str, auth_headers: Callable[[str], dict[str, str]], api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    number = fictional_caller(api)
    phones = [{"number": number, "label": "mobile"}]
    contact = create_record(api, kind="contact", first_name="Carla", last_name=f"Feed{marker}", phones=phones)
    deal = create_record(api, kind="deal", name=f"Fleet renewal {marker}", contact_ids=[contact["id"]])
    call_from(number, "answered")  # the rep is offline: answered on the forwarding number
    sign_in_as(page, token, "Alice")
    page.goto(f"/records/{contact['id']}")
    feed = page.get_by_role("list", name="Activities")
    entry = feed.locator("[data-type=call]")
    # Titled by the person, on their own record: not by the number the call came from.
    expect(entry).to_contain_text(f"Call from {contact['display_name']}")
    expect(entry).not_to_contain_text(number)

    entry.get_by_role("button", name="Summarise call").click()
    form = page.get_by_role("dialog", name="Summarise call").get_by_role("form", name="Call summary")
    expect(form).to_contain_text(re.compile(r"Lasted \d+:\d\d"))
    form.get_by_label("Deal (optional)").fill(f"renewal {marker[:5]}")
    form.get_by_role("list", name="Matching deals").get_by_role("button").first.click()
    form.get_by_label("Subject").fill("Fleet size")
    form.get_by_label("Notes").fill(f"Wants twelve vans {marker}")
    form.get_by_label("Add a follow-up task").check()
    form.get_by_label("Task", exact=True).fill(f"Send the van quote {marker}")
    form.get_by_label("Due date").fill("2026-12-02")
    form.get_by_role("button", name="Save summary").click()
    expect(form).to_be_hidden()
    summary = entry.get_by_role("group", name="Call summary")
    expect(summary).to_contain_text("Outcome Connected · Fleet size")
    expect(summary.get_by_role("link", name=deal["display_name"])).to_be_visible()
    expect(feed.locator("[data-type=task]")).to_contain_text(f"Send the van quote {marker}")  # the feed read again
    expect(entry.get_by_role("button", name="Edit summary")).to_be_visible()

    # Bruno sees the call and its summary, but it is Alice's to summarise.
    bruno = auth_headers("bruno@northwind.example")["Authorization"].removeprefix("Bearer ")
    sign_in_as(page, bruno, "Bruno")
    page.goto(f"/records/{contact['id']}")
    expect(summary).to_contain_text(f"Wants twelve vans {marker}")
    expect(entry.get_by_role("button", name=re.compile("summar", re.IGNORECASE))).to_have_count(0)


def test_a_call_filed_under_a_deal_is_one_row_with_its_notes_once(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    number = fictional_caller(api)
    phones = [{"number": number, "label": "mobile"}]
    contact = create_record(api, kind="contact", first_name="Carla", last_name=f"Once{marker}", phones=phones)
    deal = create_record(api, kind="deal", name=f"Single row {marker}", contact_ids=[contact["id"]])
    sid = call_from(number, "voicemail")
    notes = f"Wants a pilot {marker}"
    summary = {"outcome": "Left voicemail", "notes": notes, "deal_id": deal["id"], "subject": "Pilot"}
    assert api("PUT", f"/api/calls/{sid}/summary", summary).status_code == 200

    page = signed_in
    page.goto(f"/records/{deal['id']}")
    feed = page.get_by_role("list", name="Activities")
    entry = feed.locator("[data-type=call]")
    expect(entry).to_have_count(1)
    expect(entry.get_by_text(notes)).to_have_count(1)
    expect(entry).to_contain_text("Outcome Left voicemail · Pilot")
    expect(entry).to_contain_text(f"Call from {contact['display_name']}")
    screenshot(page, "deal-feed-call")
    page.goto(f"/records/{contact['id']}")
    expect(feed.locator("[data-type=call]").get_by_text(notes)).to_have_count(1)

    panel = calls_center(page)
    matched = panel.get_by_role("region", name="Matched calls")
    expect(call_rows(matched, contact["display_name"])).to_have_count(1)
    expect(matched.locator(f"[data-call='{sid}']")).to_have_count(1)
    panel.get_by_label("Show only missed calls").check()
    missed = panel.get_by_role("region", name="Missed calls")
    expect(call_rows(missed, contact["display_name"])).to_have_count(1)
    expect(missed.locator(f"[data-call='{sid}']")).to_have_count(1)


def test_the_opt_out_refusal_names_the_numbers_as_people_write_them(
    signed_in: Page, api: Api, api_url: str, twilio_auth_token: str
) -> None:
    marker = tag()
    number = fictional_caller(api)
    lead = calling_lead(api, f"Stopped{marker}", number)
    incoming_sms(api_url, twilio_auth_token, from_number=number, to_number=REP_NUMBER, body="STOP").raise_for_status()
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    activity = page.get_by_role("region", name="Activity")
    activity.get_by_role("group", name="Write").get_by_role("button", name="SMS").click()
    activity.get_by_label(f"SMS to {lead['display_name']}").fill(f"Still there? {marker}")
    activity.get_by_role("button", name="Send SMS").click()
    refusal = activity.get_by_role("alert")
    expect(refusal).to_contain_text(f"{national(number)} opted out of the team's texts (replied STOP to (415) 555-0101")
    expect(refusal).not_to_contain_text(number)

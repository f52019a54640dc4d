"""The center's view is in its URL: the section (Matched, Unmatched, ignored numbers, missed calls),
the status filter and the conversation or call open in it. A reload keeps it, Back and Forward
step through it, and a link to it opens the same view."""

from __future__ import annotations

import re

import pytest
from e2e_support import REP_NUMBER, Api, CallFrom, call_rows, calling_lead, fictional_caller, free_phone, tag
from playwright.sync_api import Page, expect

from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser


def test_the_sms_section_filter_and_open_conversation_survive_a_reload_and_go_back(
    signed_in: Page, api: Api, api_url: str, twilio_auth_token: str, token: str
) -> None:
    marker = tag()
    sent = incoming_sms(
        api_url, twilio_auth_token, from_number=free_phone(api), to_number=REP_NUMBER, body=f"Who is this {marker}"
    )
    assert sent.status_code == 200, sent.text
    page = signed_in
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    unmatched = panel.get_by_role("button", name=re.compile(r"^Unmatched \(\d+\)$"))
    row = panel.get_by_role("button", name=re.compile(marker))

    panel.get_by_label("Status").select_option("working")
    expect(page).to_have_url(re.compile(r"/center/sms\?status=working$"))
    unmatched.click()
    expect(page).to_have_url(re.compile(r"/center/sms\?section=unmatched$"))
    row.click()
    expect(page).to_have_url(re.compile(r"/center/sms\?section=unmatched&open=sms-\d+-\d+$"))

    page.reload()
    expect(unmatched).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_role("region", name="Unmatched conversations")).to_be_visible()
    expect(row).to_have_attribute("aria-expanded", "true")
    expect(panel.get_by_role("list", name="Messages")).to_contain_text(f"Who is this {marker}")
    link = page.url

    page.go_back()  # the conversation closes, the section stays
    expect(row).to_have_attribute("aria-expanded", "false")
    expect(unmatched).to_have_attribute("aria-pressed", "true")
    page.go_back()  # Matched, filtered as it was
    expect(panel.get_by_role("region", name="Matched conversations")).to_be_visible()
    expect(panel.get_by_label("Status")).to_have_value("working")
    page.go_forward()
    page.go_forward()
    expect(row).to_have_attribute("aria-expanded", "true")

    # The link, opened in a tab of its own (signing in there), shows the same view.
    other = page.context.new_page()
    other.goto(f"{link}#token={token}")
    other_panel = other.get_by_role("tabpanel")
    expect(other_panel.get_by_role("button", name=re.compile(r"^Unmatched \(\d+\)$"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(other_panel.get_by_role("button", name=re.compile(marker))).to_have_attribute("aria-expanded", "true")
    other.close()


def test_the_missed_calls_and_the_open_call_survive_a_reload_and_go_back(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    lead = calling_lead(api, f"Linked{tag()}", fictional_caller(api))
    call_from(lead["phones"][0]["number"], "no-answer")
    page = signed_in
    page.goto("/center/calls")
    panel = page.get_by_role("tabpanel")
    missed_only = panel.get_by_label("Show only missed calls")
    row = call_rows(panel, lead["display_name"])

    missed_only.check()
    expect(page).to_have_url(re.compile(r"/center/calls\?missed=1$"))
    row.click()
    expect(page).to_have_url(re.compile(r"/center/calls\?missed=1&open=\w+$"))

    page.reload()
    expect(missed_only).to_be_checked()
    expect(panel.get_by_role("region", name="Missed calls")).to_be_visible()
    expect(row).to_have_attribute("aria-expanded", "true")

    page.go_back()
    expect(row).to_have_attribute("aria-expanded", "false")
    expect(missed_only).to_be_checked()
    page.go_back()
    expect(missed_only).not_to_be_checked()
    expect(panel.get_by_role("region", name="Matched calls")).to_be_visible()

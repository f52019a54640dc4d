"""The center's Calls tab in the dashboard: sections, missed counts, unmatched callers, recordings.

Calls reach the stack through `commcenter_local.simulate.simulate_call`: the signed webhooks
Twilio would send for a call to the rep's number (the rep is offline, so it goes to the
forwarding number, then voicemail). The softphone's own tests are in test_browser_softphone.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from e2e_support import (
    Api,
    CallFrom,
    call_counts,
    call_rows,
    calling_lead,
    calls_center,
    fictional_caller,
    format_phone,
    screenshot,
    sms_counts,
    tag,
)
from playwright.sync_api import Locator, Page, Request, expect

from commcenter_local.twilio_stand_in import TwilioStandIn

pytestmark = pytest.mark.browser


def is_seen(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/calls/seen")


# ---------------------------------------------------------------- the Calls tab


def test_missed_calls_are_counted_in_brackets_until_the_tab_is_seen(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    assert api("POST", "/api/calls/seen").status_code == 204
    marker = tag()
    known, stranger = fictional_caller(api), fictional_caller(api)
    lead = calling_lead(api, f"Counted{marker}", known, status="working")
    call_from(known, "no-answer")  # forwarding did not answer either: voicemail, missed
    call_from(known, "answered")  # answered at the forwarding number
    call_from(stranger, "busy")
    assert call_counts(api) == {"matched": 1, "unmatched": 1}

    page = signed_in
    with page.expect_request(is_seen) as seen:
        panel = calls_center(page)
        expect(panel.get_by_role("button", name="Matched (1)", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(panel.get_by_role("button", name="Unmatched (1)", exact=True)).to_be_visible()
    assert seen.value.response() is not None and seen.value.response().status == 204  # type: ignore[union-attr]

    matched = panel.get_by_role("region", name="Matched calls")
    rows = call_rows(matched, lead["display_name"])
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Incoming call · 0:47")  # newest first
    expect(rows.nth(0)).not_to_contain_text("Missed")
    expect(rows.nth(1)).to_contain_text("Missed call")
    expect(rows.nth(1)).to_contain_text("Voicemail")
    expect(rows.nth(1)).to_contain_text("Working")
    expect(rows.nth(1).get_by_text("Voicemail recorded")).to_be_attached()
    expect(rows.nth(1)).to_contain_text(format_phone(known))
    screenshot(page, "calls-matched")

    # Seen: the API counts from zero again, and so do the brackets on the next visit.
    assert call_counts(api) == {"matched": 0, "unmatched": 0}
    page.reload()
    expect(panel.get_by_role("button", name="Matched (0)", exact=True)).to_be_visible()
    expect(panel.get_by_role("button", name="Unmatched (0)", exact=True)).to_be_visible()

    # A row expands from the keyboard into the call's facts.
    rows.nth(0).focus()
    page.keyboard.press("Enter")
    expect(rows.nth(0)).to_have_attribute("aria-expanded", "true")
    details = matched.get_by_role("region", name=f"Call with {lead['display_name']}")
    expect(details).to_contain_text(f"From{format_phone(known)}")
    expect(details).to_contain_text("Answered byYour forwarding number")
    expect(details).to_contain_text("Duration0:47")
    details.get_by_role("link", name="Open lead").click()
    expect(page).to_have_url(re.compile(f"/records/{lead['id']}$"))


def test_show_only_missed_calls_across_sections_and_filter_matched_by_status(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    known, stranger = fictional_caller(api), fictional_caller(api)
    lead = calling_lead(api, f"Status{marker}", known, status="qualified")
    call_from(known, "voicemail")
    call_from(stranger, "no-answer")
    call_from(known, "answered")

    page = signed_in
    panel = calls_center(page)
    matched = panel.get_by_role("region", name="Matched calls")
    expect(call_rows(matched, lead["display_name"])).to_have_count(2)
    status = panel.get_by_label("Status")
    status.select_option("qualified")
    expect(call_rows(matched, lead["display_name"])).to_have_count(2)
    status.select_option("unqualified")
    expect(call_rows(matched, lead["display_name"])).to_have_count(0)
    status.select_option("")

    panel.get_by_label("Show only missed calls").check()
    missed = panel.get_by_role("region", name="Missed calls")
    expect(call_rows(missed, lead["display_name"])).to_have_count(1)  # the answered call is not there
    expect(call_rows(missed, format_phone(stranger))).to_have_count(1)  # nor only Matched
    expect(call_rows(missed, lead["display_name"])).to_contain_text("Missed call")
    expect(panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$"))).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(panel.get_by_label("Status")).to_have_count(0)
    screenshot(page, "calls-missed-only")

    # An unknown caller's missed call offers what Unmatched offers.
    call_rows(missed, format_phone(stranger)).click()
    details = missed.get_by_role("region", name=f"Call with {format_phone(stranger)}")
    expect(details.get_by_role("button", name="Add to CRM")).to_be_visible()
    expect(details).to_contain_text("Answered byVoicemail")
    expect(details).to_contain_text("not copied here yet")  # no Twilio account: the recording stays there

    panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$")).click()
    expect(panel.get_by_label("Show only missed calls")).not_to_be_checked()
    expect(call_rows(panel.get_by_role("region", name="Matched calls"), lead["display_name"])).to_have_count(2)


def unmatched_calls(page: Page) -> tuple[Locator, Locator]:
    panel = calls_center(page)
    panel.get_by_role("button", name=re.compile(r"^Unmatched \(\d+\)$")).click()
    return panel, panel.get_by_role("region", name="Unmatched calls")


def test_unmatched_caller_added_to_the_crm_takes_its_calls_to_matched(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    stranger = fictional_caller(api)
    call_from(stranger, "busy")
    call_from(stranger, "answered")
    page = signed_in
    panel, unmatched = unmatched_calls(page)
    rows = call_rows(unmatched, format_phone(stranger))
    expect(rows).to_have_count(2)
    rows.first.click()
    details = unmatched.get_by_role("region", name=f"Call with {format_phone(stranger)}")
    screenshot(page, "calls-unmatched")
    details.get_by_role("button", name="Add to CRM").click()
    dialog = page.get_by_role("dialog", name="Add to CRM")
    expect(dialog.get_by_label("Mobile phone")).to_have_value(stranger)
    dialog.get_by_label("First name").fill("Ivan")
    dialog.get_by_label("Last name").fill(f"Caller{marker}")
    dialog.get_by_role("button", name="Add lead").click()
    expect(dialog).to_be_hidden()

    name = f"Ivan Caller{marker}"
    notice = panel.get_by_role("status")
    expect(notice).to_contain_text(f"was added as a lead: {name}. Its calls are now under Matched.")
    expect(notice).to_be_focused()
    expect(rows).to_have_count(0)  # both calls left
    panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$")).click()
    expect(call_rows(panel.get_by_role("region", name="Matched calls"), name)).to_have_count(2)
    hits = api("GET", "/api/search", q=f"Caller{marker}").json()["items"]
    assert [hit["display_name"] for hit in hits] == [name]
    calls = api("GET", f"/api/records/{hits[0]['id']}/activities", type="call").json()["items"]
    assert len(calls) == 2


def test_unmatched_caller_added_to_an_existing_record(signed_in: Page, api: Api, call_from: CallFrom) -> None:
    marker = tag()
    own, stranger = fictional_caller(api), fictional_caller(api)
    lead = calling_lead(api, f"Existing{marker}", own)
    call_from(stranger, "no-answer")
    page = signed_in
    panel, unmatched = unmatched_calls(page)
    call_rows(unmatched, format_phone(stranger)).click()
    details = unmatched.get_by_role("region", name=f"Call with {format_phone(stranger)}")
    details.get_by_role("button", name="Add to existing").click()
    dialog = page.get_by_role("dialog", name="Add to an existing record")
    dialog.get_by_label(re.compile("Which lead or contact")).fill(f"Existing{marker}")
    dialog.get_by_role("button", name=re.compile(lead["display_name"])).click()
    dialog.get_by_role("button", name="Add number").click()
    expect(dialog).to_be_hidden()
    expect(panel.get_by_role("status")).to_contain_text(f"was added to {lead['display_name']}")
    expect(call_rows(unmatched, format_phone(stranger))).to_have_count(0)
    record = api("GET", f"/api/records/{lead['id']}").json()
    assert {phone["number"] for phone in record["phones"]} == {own, stranger}
    assert len(api("GET", f"/api/records/{lead['id']}/activities", type="call").json()["items"]) == 1


def test_ignored_callers_leave_unmatched_and_come_back(signed_in: Page, api: Api, call_from: CallFrom) -> None:
    stranger = fictional_caller(api)
    call_from(stranger, "no-answer")
    page = signed_in
    panel, unmatched = unmatched_calls(page)
    call_rows(unmatched, format_phone(stranger)).click()
    # The admin ignores the caller for the whole team (a rep's Ignore is for their own lists).
    unmatched.get_by_role("region", name=f"Call with {format_phone(stranger)}").get_by_role(
        "button", name="Ignore for the team"
    ).click()
    expect(call_rows(unmatched, format_phone(stranger))).to_have_count(0)
    expect(panel.get_by_role("status")).to_contain_text(f"{format_phone(stranger)} is ignored for the whole team.")

    panel.get_by_label("Show ignored numbers").check()
    ignored = panel.get_by_role("region", name="Ignored numbers")
    call_rows(ignored, format_phone(stranger)).click()
    screenshot(page, "calls-ignored")
    ignored.get_by_role("button", name="Stop ignoring").click()
    expect(call_rows(ignored, format_phone(stranger))).to_have_count(0)
    expect(panel.get_by_role("status")).to_contain_text("is back under Unmatched")
    panel.get_by_label("Show ignored numbers").uncheck()
    expect(call_rows(panel.get_by_role("region", name="Unmatched calls"), format_phone(stranger))).to_have_count(1)


# ---------------------------------------------------------------- the tab's label


def test_the_calls_tab_names_the_missed_calls_not_seen_until_they_are_seen(
    page: Page, token: str, api: Api, call_from: CallFrom
) -> None:
    assert api("POST", "/api/calls/seen").status_code == 204
    call_from(fictional_caller(api), "no-answer")
    call_from(fictional_caller(api), "busy")
    page.clock.install()
    page.goto(f"/#token={token}")
    calls_tab = page.get_by_role("tab", name=re.compile("^Calls"))
    expect(page.get_by_role("tab", name="Email")).to_have_attribute("aria-selected", "true")
    expect(calls_tab).to_have_accessible_name("Calls (2)")
    expect(calls_tab.get_by_title("2 missed calls not seen yet")).to_have_text("(2)")
    unread = sum(sms_counts(api).values())
    expect(page.get_by_role("tab", name=re.compile("^SMS"))).to_have_accessible_name(
        f"SMS ({unread})" if unread else "SMS"
    )
    screenshot(page, "center-tab-counts", full_page=False)

    # A call missed while the rep reads email shows within the next refresh.
    call_from(fictional_caller(api), "no-answer")
    page.clock.fast_forward("00:16")
    expect(calls_tab).to_have_accessible_name("Calls (3)")

    # Shown: the brackets keep what was new on arrival; from the next refresh nothing is.
    with page.expect_response(lambda response: is_seen(response.request)) as seen:
        calls_tab.click()
    assert seen.value.status == 204
    expect(calls_tab).to_have_accessible_name("Calls (3)")
    page.clock.fast_forward("00:16")
    expect(calls_tab).to_have_accessible_name("Calls")
    expect(page.get_by_role("tabpanel").get_by_role("button", name="Unmatched (0)", exact=True)).to_be_visible()


# ---------------------------------------------------------------- recordings


def is_recording_deletion(request: Request) -> bool:
    return request.method == "DELETE" and request.url.endswith("/recording")


def test_a_voicemail_is_deleted_after_a_confirmation_and_its_player_goes(
    signed_in: Page, api: Api, call_from: CallFrom, twilio_api: TwilioStandIn
) -> None:
    number = fictional_caller(api)
    lead = calling_lead(api, f"Recorded{tag()}", number)
    sid = call_from(number, "voicemail")
    page = signed_in
    deletions: list[str] = []
    page.on("request", lambda request: deletions.append(request.url) if is_recording_deletion(request) else None)
    matched = calls_center(page).get_by_role("region", name="Matched calls")
    row = call_rows(matched, lead["display_name"])
    expect(row.get_by_text("Voicemail recorded")).to_be_attached()
    row.click()
    details = matched.get_by_role("region", name=f"Call with {lead['display_name']}")
    with page.expect_response(f"**/api/calls/{sid}/recording") as link:
        details.get_by_role("button", name="Play voicemail").click()
    assert link.value.status == 200
    player = details.get_by_label("Voicemail", exact=True)
    expect(player).to_be_visible()

    # Asked first; Cancel keeps it.
    details.get_by_role("button", name="Delete voicemail").click()
    dialog = page.get_by_role("dialog", name="Delete this voicemail?")
    expect(dialog).to_contain_text(f"The voicemail of the call with {lead['display_name']} will be deleted")
    screenshot(page, "calls-delete-voicemail", full_page=False)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(player).to_be_visible()
    assert deletions == []

    details.get_by_role("button", name="Delete voicemail").click()
    with page.expect_response(lambda response: is_recording_deletion(response.request)) as deleted:
        dialog.get_by_role("button", name="Delete voicemail").click()
    assert deleted.value.status == 200
    assert deletions == [deleted.value.url] and deleted.value.url.endswith(f"/api/calls/{sid}/recording")
    expect(dialog).to_be_hidden()
    expect(player).to_have_count(0)
    expect(details.get_by_role("button", name=re.compile("voicemail$"))).to_have_count(0)
    expect(details).to_contain_text("The voicemail was deleted.")
    expect(row.get_by_text("Voicemail recorded")).to_have_count(0)
    assert api("GET", f"/api/calls/{sid}/recording").status_code == 404  # gone from the bucket


def sign_in_as(page: Page, token: str, name: str) -> None:
    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(name)


def test_in_a_record_s_feed_the_call_s_rep_or_an_admin_deletes_its_recording(
    page: Page,
    token: str,
    auth_headers: Callable[[str], dict[str, str]],
    api: Api,
    call_from: CallFrom,
    twilio_api: TwilioStandIn,
) -> None:
    number = fictional_caller(api)
    lead = calling_lead(api, f"Feed{tag()}", number)
    sid = call_from(number, "voicemail")  # a call to Alice, an admin

    # Bruno, a rep, may listen to it but not delete it: it is not his call.
    sign_in_as(page, auth_headers("bruno@northwind.example")["Authorization"].removeprefix("Bearer "), "Bruno")
    page.goto(f"/records/{lead['id']}")
    call = page.get_by_role("list", name="Activities").locator("[data-type=call]")
    expect(call.get_by_role("button", name="Play voicemail")).to_be_visible()
    expect(call.get_by_role("button", name="Delete voicemail")).to_have_count(0)

    # Alice, whose call it was, may.
    sign_in_as(page, token, "Alice")
    page.goto(f"/records/{lead['id']}")
    call.get_by_role("button", name="Play voicemail").click()
    expect(call.get_by_label("Voicemail", exact=True)).to_be_visible()
    call.get_by_role("button", name="Delete voicemail").click()
    dialog = page.get_by_role("dialog", name="Delete this voicemail?")
    expect(dialog).to_contain_text(f"the call with {lead['display_name']}")
    with page.expect_response(lambda response: is_recording_deletion(response.request)) as deleted:
        dialog.get_by_role("button", name="Delete voicemail").click()
    assert deleted.value.status == 200 and deleted.value.url.endswith(f"/api/calls/{sid}/recording")
    expect(call.get_by_label("Voicemail", exact=True)).to_have_count(0)
    expect(call).to_contain_text("The voicemail was deleted.")
    page.reload()  # the feed reads it from the API again
    expect(call).to_contain_text("The voicemail was deleted.")
    expect(call.get_by_role("button", name="Play voicemail")).to_have_count(0)

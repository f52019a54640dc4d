"""The dashboard on a phone: every page from 360 px wide, and the main flows at 390 x 844.

Reps read and answer SMS and missed calls from their phones. Here the browser is a phone's
(390 x 844 CSS pixels, touch, the mobile viewport rules): no page scrolls sideways or cuts a list at
the screen's edge, the sidebar is a menu that reaches every section, Phone and Sign out, and what
a rep taps in the main flows (read and reply to an SMS, triage an unmatched number, open a record,
fill a call summary) is at least 44 px high and wide, the size of a fingertip. So is every control
beside them, checked at 390 and 360 px: a message's details, a task's Complete and Reopen, a summary
from a feed, the feed's rep filter, the call scripts (Settings, during a call), the phone not set
up, and the center's view opened from its address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    Api,
    CallFrom,
    call_rows,
    calling_lead,
    create_record,
    fictional_caller,
    format_phone,
    free_phone,
    screenshot,
    tag,
)
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, ViewportSize, expect
from test_browser_sms import InboundSms, conversation_row, messages, sms_from, texting_lead  # noqa: F401 (a fixture)
from test_browser_softphone import Ring, VoiceDouble, go_online, ring, voice  # noqa: F401 (fixtures)

from commcenter_local.demo_data import DEMO_VOICEMAIL_CALL_SID

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
FINGER = 44  # px: the smallest target a fingertip hits reliably
NARROWEST = 360  # px: the narrowest phone the dashboard is made for
ROUTES_SOURCE = Path(__file__).resolve().parents[2] / "dashboard" / "src" / "routes.tsx"


@pytest.fixture
def context(browser: Browser, dashboard_url: str) -> Iterator[BrowserContext]:
    """A phone's browser (in place of the desktop one of conftest.py)."""
    context = browser.new_context(
        base_url=dashboard_url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    context.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield context
    context.close()


# What sticks out of the screen sideways: the page's own width, and every element whose box
# goes past the screen's edge (a table or a row cut off) unless it sits in a box that scrolls.
_OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  const outside = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || getComputedStyle(element).visibility === "hidden") continue;
    if ((box.right > width + 0.5 || box.left < -0.5) && !scrolls(element)) {
      const text = (element.textContent || "").trim().slice(0, 40);
      const where = `${Math.round(box.left)}..${Math.round(box.right)}`;
      outside.push(`${element.tagName.toLowerCase()}.${element.className} "${text}" ${where}`);
    }
  }
  return {
    innerWidth: window.innerWidth,
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    outside: outside.slice(0, 12),
  };
}"""

# The controls a rep taps, as rendered (not hidden): their size. Inline links in running text are
# left out (as WCAG's target size does); a checkbox or switch counts by its label, the target.
_TARGETS = """(min) => {
  const selector = [
    "button", "[role=button]", "[role=tab]", "a.btn", ".nav-link", ".row-link", ".breadcrumbs a",
    ".search-hit", ".picker-hit", "select", "textarea", "summary", "label.switch", "label.checkbox",
    "input:not([type=checkbox]):not([type=radio]):not([type=hidden])",
  ].join(",");
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === "hidden") continue;
    if (box.height < min - 0.5 || box.width < min - 0.5) {
      const name = (element.getAttribute("aria-label") || element.textContent || element.name || "").trim();
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${element.tagName.toLowerCase()}.${element.className} "${name.slice(0, 30)}" ${size}`);
    }
  }
  return small;
}"""


# Whether every animation that ends (a dialog opening, not a spinner) has ended: a dialog's sizes
# are measured once it stopped growing into place.
_SETTLED = """() => document.getAnimations().every(
  (a) => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity)"""


def settled(page: Page) -> None:
    page.wait_for_function(_SETTLED)


def assert_fits(page: Page, where: str) -> None:
    """Nothing scrolls sideways or sticks out of the screen, and the browser did not zoom out to fit."""
    settled(page)
    width = page.viewport_size["width"] if page.viewport_size else 0
    found: dict[str, Any] = page.evaluate(_OUTSIDE)
    assert found["innerWidth"] == width, f"{where}: the browser zoomed out to {found['innerWidth']} px"
    assert found["scrollWidth"] <= width, f"{where}: {found['scrollWidth']} px wide on a {width} px screen"
    assert found["outside"] == [], f"{where}: past the screen's edge: {found['outside']}"


def assert_fingertip_targets(page: Page, where: str) -> None:
    settled(page)
    small: list[str] = page.evaluate(_TARGETS, FINGER)
    assert small == [], f"{where}: smaller than {FINGER} px: {small}"


def assert_fits_phones(page: Page, where: str) -> None:
    """What is on screen fits and is fingertip-sized at 390 and at 360 px, the narrowest phone;
    the page is left at 390 x 844."""
    for width in (PHONE["width"], NARROWEST):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        assert_fits(page, f"{where} at {width} px")
        assert_fingertip_targets(page, f"{where} at {width} px")
    page.set_viewport_size(PHONE)


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}


def assert_on_screen(locator: Locator) -> None:
    """The element lies within the screen: what a rep must reach is not behind an edge."""
    shown = box(locator)
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= PHONE["width"] + 0.5, shown
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= PHONE["height"] + 0.5, shown


def assert_full_width(locator: Locator, margin: float = 20) -> None:
    """The element spans the screen, up to the page's side margins (one column)."""
    shown = box(locator)
    assert shown["x"] <= margin and shown["x"] + shown["width"] >= PHONE["width"] - margin, shown


# ---------------------------------------------------------------- every page


# The paths of routes.tsx, with the pages the test opens for them: a new route fails here until
# it is given its page below.
ROUTE_PATTERNS = {
    "/",
    "/center",
    "/center/:tab",
    "/folders",
    "/folders/:view",
    "/leads",
    "/contacts",
    "/deals",
    "/settings",
    "/settings/mailbox/connected",
    "/trash",
    "/records/:id",
}


def route_patterns() -> set[str]:
    source = ROUTES_SOURCE.read_text()
    literals = re.findall(r'(?:pathname === |matchPath\(|: )"(/[^"]*)"', source)
    return set(literals)


def seeded(api: Api, query: str) -> str:
    """The id of the demo data's record found by `query`."""
    hits = api("GET", "/api/search", q=query).json()["items"]
    assert hits, f"no demo record for {query}"
    return str(hits[0]["id"])


def every_page(api: Api) -> list[tuple[str, str]]:
    """Each page of the dashboard: its path, and a heading that says it has loaded."""
    return [
        ("/center/email", "Communication center"),
        ("/center/calls", "Communication center"),
        ("/center/sms", "Communication center"),
        ("/folders/inbox", "Folders"),
        ("/folders/archived?source=sms", "Folders"),
        ("/leads", "Leads"),
        ("/leads?order=name", "Leads"),
        ("/contacts", "Contacts"),
        ("/deals", "Deals"),
        ("/settings", "Settings"),
        ("/settings/mailbox/connected", "Settings"),  # back from a provider's sign-in (here without its answer)
        ("/trash", "Trash"),
        (f"/records/{seeded(api, 'Durand')}", "Hélène Durand"),
        (f"/records/{seeded(api, 'Porter')}", "Sam Porter"),
        (f"/records/{seeded(api, '200 seats')}", "Acme — 200 seats"),
        ("/no-such-page", "This page does not exist"),
        ("/sign-in", "Sign in to Commcenter"),
    ]


@pytest.mark.parametrize("width", [360, 390, 768])
def test_no_page_scrolls_sideways_from_360_px_up(signed_in: Page, api: Api, width: int) -> None:
    """At 360 and 390 px (phones) and 768 px (a tablet held upright), every page fits the screen;
    on phones, what can be tapped is a fingertip's size."""
    assert route_patterns() == ROUTE_PATTERNS, "a route of routes.tsx is not opened here: add its page"
    page = signed_in
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    for path, heading in every_page(api):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.locator("[aria-busy=true]")).to_have_count(0)
        assert_fits(page, f"{path} at {width} px")
        if width < 720:
            assert_fingertip_targets(page, f"{path} at {width} px")


def test_the_menu_reaches_every_section_the_phone_and_sign_out(signed_in: Page) -> None:
    page = signed_in
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()  # the sidebar gives its width to the page
    expect(menu).to_have_attribute("aria-expanded", "false")
    phone = page.get_by_role("button", name=re.compile(r"^Phone"))
    assert_on_screen(phone)  # in the top bar, always
    assert_fingertip_targets(page, "the top bar")

    # Open: the sections over the page, the focus on the first; Escape closes and gives it back.
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Communication center")).to_be_focused()
    for section in ("Leads", "Contacts", "Deals", "Trash", "Settings"):
        assert_on_screen(nav.get_by_role("link", name=section))
    sign_out = nav.get_by_role("button", name="Sign out")
    assert_on_screen(sign_out)
    expect(nav).to_contain_text("alice@northwind.example")  # who is signed in, as the top bar says on desktop
    assert_fits(page, "the menu")
    assert_fingertip_targets(page, "the menu")
    screenshot(page, "phone-menu", full_page=False)
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    # A section opens under it, and the menu closes.
    menu.tap()
    nav.get_by_role("link", name="Leads").tap()
    expect(page).to_have_url(re.compile("/leads$"))
    expect(page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")

    # The page beside it closes it too, and so does the focus leaving it.
    menu.tap()
    expect(nav).to_be_visible()
    page.touchscreen.tap(PHONE["width"] - 10, PHONE["height"] // 2)
    expect(nav).to_be_hidden()
    menu.tap()
    expect(nav.get_by_role("link", name="Communication center")).to_be_focused()  # before it moves on
    sign_out.focus()
    page.keyboard.press("Tab")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")

    # The phone opens from the top bar; Sign out is in the menu.
    phone.tap()
    softphone = page.get_by_role("region", name="Phone")
    expect(softphone).to_be_visible()
    assert_on_screen(softphone)
    assert_fits(page, "the phone")
    assert_fingertip_targets(page, "the phone")
    softphone.get_by_role("button", name="Close the phone").tap()
    menu.tap()
    sign_out.tap()
    expect(page).to_have_url(re.compile("/sign-in$"))
    expect(page.get_by_role("heading", name="Sign in to Commcenter")).to_be_visible()
    assert_fits(page, "the sign-in page")


@pytest.mark.parametrize(
    ("tab", "requests", "region"),
    [("sms", "**/api/sms/conversations?*", "Matched conversations"), ("calls", "**/api/calls?*", "Matched calls")],
)
def test_the_center_s_loading_rows_span_the_list(signed_in: Page, tab: str, requests: str, region: str) -> None:
    """While a list loads, its placeholder rows are as wide as the list (not a 40 px column), on a
    phone and on a desktop."""
    page = signed_in
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route(requests, hold)
    for width in (PHONE["width"], 1280):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        page.goto(f"/center/{tab}")
        section = page.get_by_role("region", name=region)
        expect(section).to_have_attribute("aria-busy", "true")
        loading = section.locator(".skeleton-list")
        expect(loading).to_be_attached()
        listed, skeleton = box(section), box(loading)
        assert skeleton["width"] >= listed["width"] - 2, (width, skeleton, listed)
        line = box(loading.locator(".skeleton-line").first)
        assert line["width"] >= 0.3 * listed["width"], (width, line, listed)
        if width == PHONE["width"]:
            assert_fits(page, f"the {tab} list, loading")
        for route in held:
            route.abort()
        held.clear()
    page.unroute(requests)


# ---------------------------------------------------------------- the main flows at 390 x 844


def test_reading_and_answering_an_sms_on_a_phone(signed_in: Page, api: Api, sms_from: InboundSms) -> None:  # noqa: F811
    marker = tag()
    lead, number = texting_lead(api, "Nora", f"Pocket{marker}")
    other, other_number = texting_lead(api, "Owen", f"Pocket{marker}")
    sms_from(other_number, f"Any news? {marker}")
    sms_from(number, f"Can you call me back after lunch? {marker}")
    page = signed_in
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    listed = panel.get_by_role("region", name="Matched conversations")
    row = conversation_row(listed, lead["display_name"])
    expect(row).to_contain_text(f"Can you call me back after lunch? {marker}")

    # One column: the list spans the screen, each row its list, the message under the name.
    assert_full_width(listed)
    assert box(row)["width"] >= box(listed)["width"] - 2
    name, preview = box(row.locator(".sms-conv-name")), box(row.locator(".sms-conv-preview"))
    assert preview["y"] >= name["y"] + name["height"] - 1, (name, preview)
    assert_fits(page, "the SMS list")
    assert_fingertip_targets(page, "the SMS list")
    screenshot(page, "phone-center-sms")

    # Opened, the conversation has the screen: the other rows and the tabs step aside, and its
    # row, now a back control, leads back to the list.
    row.tap()
    expect(row).to_have_attribute("aria-expanded", "true")
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    expect(messages(conversation)).to_have_count(1)
    expect(conversation_row(listed, other["display_name"])).to_be_hidden()
    expect(page.get_by_role("tablist", name="Channels")).to_be_hidden()
    assert_full_width(conversation)
    assert box(row)["y"] < box(conversation)["y"]  # the back control heads the conversation
    reply = conversation.get_by_label(f"Reply to {lead['display_name']}")
    reply.fill("Sure, 2 pm works 👍")
    conversation.get_by_role("button", name="Send SMS").tap()
    expect(reply).to_have_value("")
    expect(messages(conversation)).to_have_count(2)
    expect(messages(conversation).nth(1)).to_contain_text("Sure, 2 pm works 👍")
    assert_fits(page, "a conversation")
    assert_fingertip_targets(page, "a conversation")
    screenshot(page, "phone-conversation", full_page=False)

    row.tap()
    expect(conversation).to_be_hidden()
    expect(conversation_row(listed, other["display_name"])).to_be_visible()
    expect(page.get_by_role("tablist", name="Channels")).to_be_visible()

    # The phone's own Back leads back to the list as well.
    row.tap()
    expect(conversation).to_be_visible()
    expect(conversation_row(listed, other["display_name"])).to_be_hidden()
    page.go_back()
    expect(conversation).to_be_hidden()
    expect(conversation_row(listed, other["display_name"])).to_be_visible()


def test_triaging_unmatched_numbers_on_a_phone(
    signed_in: Page,
    api: Api,
    sms_from: InboundSms,  # noqa: F811
    call_from: CallFrom,
) -> None:
    marker = tag()
    page = signed_in

    # An SMS from an unknown number: added to the CRM as a new lead, in a dialog that fits.
    stranger = free_phone(api)
    sms_from(stranger, f"Do you ship to Lisbon? {marker}")
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    panel.get_by_role("button", name=re.compile(r"^Unmatched")).tap()
    unmatched = panel.get_by_role("region", name="Unmatched conversations")
    conversation_row(unmatched, format_phone(stranger)).tap()
    conversation = unmatched.get_by_role("region", name=f"Conversation with {format_phone(stranger)}")
    assert_fits(page, "an unmatched conversation")
    assert_fingertip_targets(page, "an unmatched conversation")
    conversation.get_by_role("button", name="Add to CRM").tap()
    dialog = page.get_by_role("dialog", name="Add to CRM")
    expect(dialog.get_by_label("Mobile phone")).to_have_value(stranger)
    assert_on_screen(dialog)
    first, last = box(dialog.get_by_label("First name")), box(dialog.get_by_label("Last name"))
    assert last["y"] > first["y"], (first, last)  # one field a line
    assert_fits(page, "the Add to CRM dialog")
    assert_fingertip_targets(page, "the Add to CRM dialog")
    screenshot(page, "phone-add-to-crm", full_page=False)
    dialog.get_by_label("First name").fill("Inês")
    dialog.get_by_label("Last name").fill(f"Lisbon{marker}")
    dialog.get_by_role("button", name="Add lead").tap()
    expect(dialog).to_be_hidden()
    expect(panel.get_by_role("status")).to_contain_text(f"was added as a lead: Inês Lisbon{marker}")

    # A missed call from another unknown number: added to an existing record.
    lead = calling_lead(api, f"Known{marker}", fictional_caller(api))
    caller = fictional_caller(api)
    call_from(caller, "no-answer")
    page.goto("/center/calls")
    panel.get_by_role("button", name=re.compile(r"^Unmatched")).tap()
    calls = panel.get_by_role("region", name="Unmatched calls")
    call_rows(calls, format_phone(caller)).first.tap()
    details = calls.get_by_role("region", name=f"Call with {format_phone(caller)}")
    assert_full_width(details)
    assert_fits(page, "an unmatched call")
    assert_fingertip_targets(page, "an unmatched call")
    details.get_by_role("button", name="Add to existing").tap()
    dialog = page.get_by_role("dialog", name="Add to an existing record")
    dialog.get_by_label(re.compile("Which lead or contact")).fill(f"Known{marker}")
    hit = dialog.get_by_role("button", name=re.compile(lead["display_name"]))
    expect(hit).to_be_visible()
    assert_on_screen(dialog)
    assert_fits(page, "the Add to existing dialog")
    assert_fingertip_targets(page, "the Add to existing dialog")
    hit.tap()
    dialog.get_by_role("button", name="Add number").tap()
    expect(dialog).to_be_hidden()
    expect(panel.get_by_role("status")).to_contain_text(f"was added to {lead['display_name']}")
    record = api("GET", f"/api/records/{lead['id']}").json()
    assert caller in {phone["number"] for phone in record["phones"]}


def test_opening_a_record_on_a_phone(signed_in: Page, api: Api) -> None:
    marker = tag()
    lead = create_record(
        api,
        first_name="Paula",
        last_name=f"Pocket{marker}",
        company_name="Northwind Traders",
        title="Head of Purchasing",
        phones=[{"number": free_phone(api), "label": "mobile"}],
        emails=[{"address": f"paula.{marker}@example.com", "label": "work"}],
    )
    assert api("POST", f"/api/records/{lead['id']}/notes", {"body": f"Met at the fair {marker}"}).status_code == 201
    page = signed_in

    # Found from the top bar's search, whose results fit the screen.
    search = page.get_by_role("combobox", name=re.compile("Search"))
    search.tap()
    search.fill(f"Pocket{marker}")
    hit = page.get_by_role("option", name=re.compile(lead["display_name"]))
    expect(hit).to_be_visible()
    assert_on_screen(page.get_by_role("listbox"))
    assert_fits(page, "the search results")
    hit.tap()
    expect(page).to_have_url(re.compile(f"/records/{lead['id']}$"))

    # One column: the details, then the activity, each the screen's width.
    details = page.get_by_role("region", name="Details")
    feed = page.get_by_role("region", name="Activity")
    expect(feed.get_by_role("list", name="Activities")).to_contain_text(f"Met at the fair {marker}")
    assert_full_width(details)
    assert_full_width(feed)
    assert box(feed)["y"] >= box(details)["y"] + box(details)["height"]
    assert_fits(page, "a record")
    assert_fingertip_targets(page, "a record")
    screenshot(page, "phone-record")

    # Its form fits too: a field a line, scrolling inside the dialog.
    page.get_by_role("button", name="Edit").tap()
    dialog = page.get_by_role("dialog", name="Edit lead")
    assert_on_screen(dialog)
    first, last = box(dialog.get_by_label("First name")), box(dialog.get_by_label("Last name"))
    assert last["y"] > first["y"], (first, last)
    assert_fits(page, "the record's form")
    assert_fingertip_targets(page, "the record's form")
    dialog.get_by_role("button", name="Close").tap()
    expect(dialog).to_be_hidden()


def test_filling_a_call_summary_on_a_phone(
    signed_in: Page,
    api: Api,
    voice: VoiceDouble,  # noqa: F811
    ring: Ring,  # noqa: F811
) -> None:
    marker = tag()
    number = fictional_caller(api)
    lead = calling_lead(api, f"Pocket{marker}", number)
    page = signed_in
    _, panel = go_online(page)
    assert_full_width(panel, margin=0)  # the phone's whole width, at the bottom of the screen
    assert_on_screen(panel)
    call = ring(number)
    incoming = panel.get_by_role("alert", name="Incoming call")
    expect(incoming).to_contain_text(lead["display_name"])
    assert_fingertip_targets(page, "a ringing call")
    incoming.get_by_role("button", name="Accept").tap()
    expect(panel.get_by_role("timer", name="Call duration")).to_be_visible()
    panel.get_by_role("button", name="Keypad").tap()
    assert_on_screen(panel)
    assert_fits(page, "a call in progress")
    assert_fingertip_targets(page, "a call in progress")
    panel.get_by_label("Notes").fill(f"Wants the phone plan {marker}")
    panel.get_by_role("button", name="Hang up").tap()

    summary = panel.get_by_role("form", name="Call summary")
    expect(summary).to_contain_text(f"Call from {lead['display_name']}")
    summary.get_by_label("Outcome").select_option("Call back later")
    summary.get_by_label("Add a follow-up task").check()
    summary.get_by_label("Task", exact=True).fill("Send the plan")
    summary.get_by_label("Due date").fill("2026-12-01")
    summary.get_by_label("Time").fill("09:30")
    assert_on_screen(panel)
    assert_fits(page, "a call summary")
    assert_fingertip_targets(page, "a call summary")
    screenshot(page, "phone-call-summary", full_page=False)
    summary.get_by_role("button", name="Save summary").tap()
    expect(panel.get_by_role("status")).to_contain_text(f"The summary is saved on the call with {lead['display_name']}")
    (stored,) = api("GET", f"/api/records/{lead['id']}/activities", type="call").json()["items"]
    assert stored["data"]["call_sid"] == call.sid
    assert stored["data"]["summary"]["outcome"] == "Call back later"
    assert stored["data"]["summary"]["notes"] == f"Wants the phone plan {marker}"


def test_summarising_a_missed_call_from_the_calls_tab_on_a_phone(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    number = fictional_caller(api)
    lead = calling_lead(api, f"Pocket{marker}", number)
    sid = call_from(number, "no-answer")
    page = signed_in
    page.goto("/center/calls")
    matched = page.get_by_role("tabpanel").get_by_role("region", name="Matched calls")
    row = call_rows(matched, lead["display_name"])
    expect(row).to_contain_text("Missed call")
    assert_full_width(matched)
    assert_fits(page, "the Calls tab")
    assert_fingertip_targets(page, "the Calls tab")
    row.tap()
    details = matched.get_by_role("region", name=f"Call with {lead['display_name']}")
    assert_full_width(details)

    details.get_by_role("button", name="Summarise call").tap()
    dialog = page.get_by_role("dialog", name="Summarise call")
    form = dialog.get_by_role("form", name="Call summary")
    expect(form).to_contain_text(f"Call from {lead['display_name']}")
    form.get_by_label("Outcome").select_option("Left voicemail")
    form.get_by_label("Notes").fill(f"Left a message about the plan {marker}")
    form.get_by_label("Add a follow-up task").check()
    form.get_by_label("Task", exact=True).fill("Call back on Monday")
    form.get_by_label("Due date").fill("2026-12-07")
    assert_on_screen(dialog)
    assert_fits(page, "the call summary dialog")
    assert_fingertip_targets(page, "the call summary dialog")
    screenshot(page, "phone-calls-summary", full_page=False)
    with page.expect_response(f"**/api/calls/{sid}/summary") as saved:
        form.get_by_role("button", name="Save summary").tap()
    assert saved.value.status == 200
    expect(dialog).to_be_hidden()
    summary = details.get_by_role("group", name="Call summary")
    expect(summary).to_contain_text("Outcome Left voicemail")
    expect(summary).to_contain_text(f"Left a message about the plan {marker}")
    assert_fits(page, "a summarised call")
    assert_fingertip_targets(page, "a summarised call")


# ---------------------------------------------------------------- what else a rep taps on a phone


def test_a_message_s_details_and_its_copy_button_on_a_phone(
    signed_in: Page,
    api: Api,
    sms_from: InboundSms,  # noqa: F811
    dashboard_url: str,
) -> None:
    marker = tag()
    lead, number = texting_lead(api, "Dina", f"Pocket{marker}")
    sms_from(number, f"Which message is this? {marker}")
    page = signed_in
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=dashboard_url)
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    conversation_row(panel.get_by_role("region", name="Matched conversations"), lead["display_name"]).tap()
    conversation = panel.get_by_role("region", name=f"Conversation with {lead['display_name']}")
    message = messages(conversation).first
    message.get_by_text("Details", exact=True).tap()
    copy = message.get_by_role("button", name="Copy message ID")
    copy.scroll_into_view_if_needed()
    assert_on_screen(copy)
    assert_on_screen(message.get_by_text("Message ID", exact=True))
    assert_fits_phones(page, "a message's details")
    copy.tap()
    expect(message.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()").startswith("SM")
    screenshot(page, "phone-message-details", full_page=False)

    # The same details on the record's feed.
    page.goto(f"/records/{lead['id']}")
    item = page.get_by_role("region", name="Activity").get_by_role("list", name="Activities").locator("[data-type=sms]")
    item.get_by_text("Details", exact=True).tap()
    copy = item.get_by_role("button", name="Copy message ID")
    copy.scroll_into_view_if_needed()
    assert_on_screen(copy)
    assert_fits_phones(page, "a message's details on a record's feed")


def test_a_call_summarised_from_a_record_s_feed_its_task_completed_and_the_rep_filter_on_a_phone(
    signed_in: Page, api: Api, call_from: CallFrom
) -> None:
    marker = tag()
    number = fictional_caller(api)
    lead = calling_lead(api, f"Pocket{marker}", number)
    call_from(number, "answered")  # on the forwarding number
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    feed = page.get_by_role("region", name="Activity")
    items = feed.get_by_role("list", name="Activities")
    call = items.locator("[data-type=call]")
    call.get_by_role("button", name="Summarise call").tap()
    dialog = page.get_by_role("dialog", name="Summarise call")
    form = dialog.get_by_role("form", name="Call summary")
    form.get_by_label("Notes").fill(f"Wants a quote {marker}")
    form.get_by_label("Add a follow-up task").check()
    form.get_by_label("Task", exact=True).fill(f"Send the quote {marker}")
    form.get_by_label("Due date").fill("2026-12-03")
    assert_on_screen(dialog)
    assert_fits_phones(page, "the call summary dialog from a feed")
    form.get_by_role("button", name="Save summary").tap()
    expect(dialog).to_be_hidden()
    expect(call.get_by_role("button", name="Edit summary")).to_be_visible()

    # The follow-up task: its due date, Complete, then Reopen.
    task = items.locator("[data-type=task]")
    expect(task).to_contain_text(f"Send the quote {marker}")
    expect(task).to_contain_text("Due ")
    complete = task.get_by_role("button", name=f"Complete task: Send the quote {marker}")
    complete.scroll_into_view_if_needed()
    assert_on_screen(complete)
    assert_fits_phones(page, "a feed with a call summary and a task")
    complete.tap()
    reopen = task.get_by_role("button", name=f"Reopen task: Send the quote {marker}")
    expect(reopen).to_be_visible()
    expect(task).to_contain_text("Completed by Alice Martin")
    assert_on_screen(reopen)
    assert_fits_phones(page, "a completed task")
    screenshot(page, "phone-task", full_page=False)
    reopen.tap()
    expect(complete).to_be_visible()

    # Whose activities: the rep filter beside the type filter.
    rep = feed.get_by_label("Filter by rep")
    rep.scroll_into_view_if_needed()
    assert_on_screen(rep)
    rep.select_option(label="Me (Alice Martin)")
    expect(call).to_be_visible()
    assert_fits_phones(page, "a feed filtered by rep")


def assert_shows_whole(page: Page, field: Locator, where: str) -> None:
    """The text field shows all of its value, at 390 and at 360 px: none of it is cut off."""
    for width in (PHONE["width"], NARROWEST):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        cut = field.evaluate("el => el.scrollWidth > el.clientWidth")
        assert not cut, f"{where} at {width} px: {field.input_value()!r} is cut off in {box(field)['width']:.0f} px"
    page.set_viewport_size(PHONE)


def test_the_call_scripts_editor_and_reader_on_a_phone(
    signed_in: Page, auth_headers: Callable[[str], dict[str, str]], api: Api, team_scripts: None
) -> None:
    marker = tag()
    first = {"title": f"Discovery {marker}", "text": "1. Ask about their team size.\n2. Ask about their CRM."}
    assert api("PUT", "/api/settings/call-scripts", {"items": [first]}).status_code == 200
    page = signed_in
    page.goto("/settings")
    scripts = page.get_by_role("region", name="Call scripts")
    expect(scripts.get_by_label("Title of script 1")).to_have_value(first["title"])
    assert_fits_phones(page, "the call scripts editor")
    scripts.get_by_role("button", name="Add script").tap()
    expect(scripts.get_by_label("Title of script 2")).to_be_focused()
    scripts.get_by_label("Title of script 2").fill(f"Renewal {marker}")
    scripts.get_by_label("Text of script 2").fill("Thank them for the year; ask what to change.")
    scripts.get_by_role("button", name=f"Move “Renewal {marker}” up").tap()
    expect(scripts.get_by_label("Title of script 1")).to_have_value(f"Renewal {marker}")
    assert_fits_phones(page, "the call scripts editor with a script added")
    scripts.get_by_role("button", name="Save scripts").tap()
    expect(scripts.get_by_role("status")).to_have_text("Saved. The phone offers 2 scripts during calls.")
    scripts.get_by_label("Title of script 1").scroll_into_view_if_needed()
    assert_fits_phones(page, "the call scripts saved")
    for index in (1, 2):  # a title as long as these is read whole, beside the buttons that move it
        assert_shows_whole(page, scripts.get_by_label(f"Title of script {index}"), f"the title of script {index}")
    screenshot(page, "phone-settings-scripts", full_page=False)

    # A rep reads them there.
    bruno = auth_headers("bruno@northwind.example")["Authorization"].removeprefix("Bearer ")
    page.goto(f"/#token={bruno}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text("Bruno")
    page.goto("/settings")
    scripts.get_by_text(first["title"], exact=True).tap()
    expect(scripts).to_contain_text("Ask about their CRM.")
    assert_fits_phones(page, "the call scripts to read")


def test_a_call_script_picked_during_a_call_on_a_phone(
    signed_in: Page,
    api: Api,
    voice: VoiceDouble,  # noqa: F811
    ring: Ring,  # noqa: F811
    team_scripts: None,
) -> None:
    marker = tag()
    title = f"Discovery {marker}"
    text = "\n".join(f"{n}. Ask about their {topic}." for n, topic in enumerate(["team", "CRM", "budget"] * 4, 1))
    assert api("PUT", "/api/settings/call-scripts", {"items": [{"title": title, "text": text}]}).status_code == 200
    number = fictional_caller(api)
    lead = calling_lead(api, f"Pocket{marker}", number)
    page = signed_in
    _, panel = go_online(page)
    ring(number)
    incoming = panel.get_by_role("alert", name="Incoming call")
    expect(incoming).to_contain_text(lead["display_name"])
    incoming.get_by_role("button", name="Accept").tap()
    expect(panel.get_by_role("timer", name="Call duration")).to_be_visible()
    picker = panel.get_by_label("Script", exact=True)
    assert_on_screen(picker)
    picker.select_option(title)
    script = page.get_by_role("region", name=f"Script: {title}")
    expect(script).to_contain_text("1. Ask about their team.")
    panel.get_by_role("button", name="Keypad").tap()
    assert_on_screen(panel)
    assert_on_screen(panel.get_by_role("button", name="Hang up"))
    assert_fits_phones(page, "a call with a script")
    screenshot(page, "phone-call-script", full_page=False)
    notes = panel.get_by_label("Notes")  # under the script, within reach
    notes.fill(f"Asked about the team {marker}")
    assert_on_screen(notes)
    panel.get_by_role("button", name="Hang up").tap()
    expect(panel.get_by_role("form", name="Call summary")).to_be_visible()


def test_the_phone_not_set_up_on_a_phone(signed_in: Page) -> None:
    """Without Twilio credentials (the test stack has none) the phone says so and what to set."""
    page = signed_in
    phone = page.get_by_role("button", name=re.compile(r"^Phone"))
    expect(phone).to_contain_text("Not set up")
    phone.tap()
    panel = page.get_by_role("region", name="Phone")
    expect(panel.get_by_role("status")).to_contain_text("Browser calling is not set up")
    expect(panel.get_by_role("status").get_by_role("listitem")).to_have_count(4)
    assert_on_screen(panel)
    assert_fits_phones(page, "the phone, not set up")
    screenshot(page, "phone-not-set-up", full_page=False)

    # On a phone the top bar shows the Phone button's status as a mark, its words being for
    # screen readers: "not set up" is told apart from "offline" at a glance, before a tap.
    not_set_up = phone_mark(phone)
    page.route("**/api/voice/status", lambda route: route.fulfill(json={"configured": True, "missing": []}))
    page.reload()
    expect(phone).to_contain_text("Offline")
    assert phone_mark(phone) != not_set_up


def phone_mark(phone: Locator) -> list[str]:
    """How the Phone button's status mark looks: its fill and its outline."""
    script = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.borderTopStyle, s.borderTopColor] }"
    return list(phone.locator(".phone-dot").evaluate(script))


def listed(api: Api, path: str, wanted: Callable[[dict[str, Any]], bool], **params: str) -> dict[str, Any]:
    """The first item of the paged list at `path` that is `wanted`."""
    cursor: dict[str, str] = {}
    while True:
        found = api("GET", path, **params, **cursor).json()
        for item in found["items"]:
            if wanted(item):
                return dict(item)
        assert found["next_cursor"], f"not listed by {path}"
        cursor = {"cursor": found["next_cursor"]}


def test_the_center_s_view_from_its_address_on_a_phone(signed_in: Page, api: Api) -> None:
    """A link to a section, the missed calls, or an open conversation or call fits a phone."""
    helene = listed(api, "/api/sms/conversations", lambda item: item["remote_number"] == "+12025550143")
    marcus = listed(
        api, "/api/calls", lambda item: item["call"]["data"]["call_sid"] == DEMO_VOICEMAIL_CALL_SID, missed="true"
    )
    page = signed_in
    for path, shown in [
        ("/center/sms?section=unmatched", page.get_by_role("region", name="Unmatched conversations")),
        ("/center/calls?missed=1", page.get_by_role("region", name="Missed calls")),
        (f"/center/sms?open={helene['id']}", page.get_by_role("region", name="Conversation with Hélène Durand")),
        (
            f"/center/calls?missed=1&open={marcus['call']['id']}",
            page.get_by_role("region", name="Call with Marcus Reed"),
        ),
    ]:
        page.goto(path)
        expect(shown).to_be_visible()
        expect(page.locator("[aria-busy=true]")).to_have_count(0)
        assert_fits_phones(page, path)

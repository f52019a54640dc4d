"""Settings in the dashboard: a rep's own call settings (C9), and the team's call outcomes (admins).

Other browser tests rely on Alice's call settings of the demo data (forwarding number, voicemail
on, recording off) and on the team's outcomes: every test that changes them puts them back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from e2e_support import REP_NUMBER, Api, format_phone, screenshot, tag
from playwright.sync_api import Locator, Page, Request, expect

pytestmark = pytest.mark.browser

BRUNO_EMAIL = "bruno@northwind.example"
ALICE_FORWARDING = "+14155550199"
# Alice's call settings in the demo data, which the softphone and calls tests expect.
ALICE_CALL_SETTINGS: dict[str, object] = {
    "recording": False,
    "voicemail": True,
    "voicemail_greeting": "",
    "forwarding_number": ALICE_FORWARDING,
}


def call_settings_of(rep: dict[str, Any]) -> dict[str, Any]:
    """A rep's call settings as GET /api/me tells them, with the defaults of absent ones."""
    settings = rep["settings"]
    return {
        "recording": settings.get("recording", False),
        "voicemail": settings.get("voicemail", True),
        "voicemail_greeting": settings.get("voicemail_greeting", ""),
        "forwarding_number": rep["forwarding_number"],
    }


def me(api: Api) -> dict[str, Any]:
    response = api("GET", "/api/me")
    assert response.status_code == 200, response.text
    return dict(response.json())


def outcomes(api: Api) -> list[str]:
    response = api("GET", "/api/settings/call-outcomes")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


@pytest.fixture
def alice_call_settings(api: Api) -> Iterator[None]:
    """Alice's call settings as the demo data has them, during the test and after it."""
    assert api("PUT", "/api/me/call-settings", ALICE_CALL_SETTINGS).status_code == 200
    try:
        yield
    finally:
        restored = api("PUT", "/api/me/call-settings", ALICE_CALL_SETTINGS)
        assert restored.status_code == 200, restored.text


@pytest.fixture
def team_outcomes(api: Api) -> Iterator[list[str]]:
    """The team's call outcomes before the test, put back after it."""
    before = outcomes(api)
    try:
        yield before
    finally:
        restored = api("PUT", "/api/settings/call-outcomes", {"items": before})
        assert restored.status_code == 200, restored.text


def is_call_settings(request: Request) -> bool:
    return request.method == "PUT" and request.url.endswith("/api/me/call-settings")


def is_outcomes(request: Request) -> bool:
    return request.method == "PUT" and request.url.endswith("/api/settings/call-outcomes")


def save_call_settings(page: Page, calls: Locator) -> Any:
    """Presses Save; what the page sent the API."""
    with page.expect_request(is_call_settings) as sent:
        calls.get_by_role("button", name="Save call settings").click()
    return json.loads(sent.value.post_data or "")


def calls_section(page: Page) -> Locator:
    section = page.get_by_role("region", name="Calls", exact=True)
    expect(section.get_by_label("Forwarding number")).to_be_visible()  # loaded
    return section


def outcomes_section(page: Page) -> Locator:
    section = page.get_by_role("region", name="Call outcomes")
    expect(section.get_by_role("list")).to_be_visible()  # loaded
    return section


def expect_values(inputs: Locator, values: list[str]) -> None:
    """The text boxes hold these values, in this order."""
    expect(inputs).to_have_count(len(values))
    for index, value in enumerate(values):
        expect(inputs.nth(index)).to_have_value(value)


def sign_in_as(page: Page, token: str, name: str) -> None:
    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(name)


# ---------------------------------------------------------------- the rep's call settings


def test_a_rep_changes_their_call_settings_and_the_api_keeps_them(
    signed_in: Page, api: Api, alice_call_settings: None
) -> None:
    page = signed_in
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Settings")).to_have_attribute("aria-current", "page")
    calls = calls_section(page)
    expect(calls).to_contain_text(format_phone(REP_NUMBER))

    # What the API has, absent settings at their defaults.
    recording, voicemail = calls.get_by_label("Record my calls"), calls.get_by_label("Voicemail", exact=True)
    greeting, forwarding = calls.get_by_label("Voicemail greeting"), calls.get_by_label("Forwarding number")
    expect(recording).not_to_be_checked()
    expect(voicemail).to_be_checked()
    expect(greeting).to_have_value("")
    expect(greeting).to_have_accessible_description(re.compile("Leave it empty for the standard greeting"))
    expect(forwarding).to_have_value(ALICE_FORWARDING)
    expect(forwarding).to_have_accessible_description(
        "Rings when you are offline, don't answer, or send a call on. Leave it empty for none."
    )

    recording.check()
    greeting.fill("  Hi,  Alice here.  Leave a message! ")
    forwarding.fill("(415) 555-0188")
    assert save_call_settings(page, calls) == {
        "recording": True,
        "voicemail": True,
        "voicemail_greeting": "  Hi,  Alice here.  Leave a message! ",
        "forwarding_number": "(415) 555-0188",
    }
    saved = calls.get_by_role("status")
    expect(saved).to_have_text(
        f"Saved. Calls you don't take ring {format_phone('+14155550188')}, then go to voicemail."
    )
    expect(forwarding).to_have_value("+14155550188")  # as the API normalised it
    expect(greeting).to_have_value("Hi, Alice here. Leave a message!")
    assert call_settings_of(me(api)) == {
        "recording": True,
        "voicemail": True,
        "voicemail_greeting": "Hi, Alice here. Leave a message!",
        "forwarding_number": "+14155550188",
    }
    screenshot(page, "settings-calls-saved")

    # Any change takes the confirmation away until the next save.
    voicemail.uncheck()
    expect(saved).to_have_text("")
    expect(greeting).to_be_disabled()  # kept, but unused while voicemail is off
    forwarding.fill("")
    assert save_call_settings(page, calls) == {
        "recording": True,
        "voicemail": False,
        "voicemail_greeting": "Hi, Alice here. Leave a message!",
        "forwarding_number": None,
    }
    expect(saved).to_have_text(
        "Saved. No forwarding number: calls you don't take go to a message that you are unavailable."
    )
    assert call_settings_of(me(api)) == {
        "recording": True,
        "voicemail": False,
        "voicemail_greeting": "Hi, Alice here. Leave a message!",
        "forwarding_number": None,
    }

    # Read again from the API, the page shows what was saved.
    page.reload()
    calls = calls_section(page)
    expect(calls.get_by_label("Record my calls")).to_be_checked()
    expect(calls.get_by_label("Voicemail", exact=True)).not_to_be_checked()
    expect(calls.get_by_label("Voicemail greeting")).to_have_value("Hi, Alice here. Leave a message!")
    expect(calls.get_by_label("Forwarding number")).to_have_value("")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12", re.compile(r"^Not a (valid )?phone number: '12'$")),
        (REP_NUMBER, re.compile("your own Twilio number")),
    ],
)
def test_a_refused_forwarding_number_is_shown_at_its_field_and_changes_nothing(
    signed_in: Page, api: Api, alice_call_settings: None, number: str, message: re.Pattern[str]
) -> None:
    before = me(api)
    page = signed_in
    page.goto("/settings")
    calls = calls_section(page)
    forwarding = calls.get_by_label("Forwarding number")
    calls.get_by_label("Record my calls").check()  # saved with the number or not at all
    forwarding.fill(number)
    with page.expect_response(lambda response: is_call_settings(response.request)) as refused:
        calls.get_by_role("button", name="Save call settings").click()
    assert refused.value.status == 400

    expect(forwarding).to_have_attribute("aria-invalid", "true")
    expect(forwarding).to_have_accessible_description(message)
    expect(forwarding).to_be_focused()
    expect(calls.get_by_role("alert")).to_have_text(
        "The call settings were not changed: please correct the highlighted field."
    )
    expect(calls.get_by_role("status")).to_have_text("")
    expect(forwarding).to_have_value(number)  # as typed, to be put right
    assert me(api) == before
    screenshot(page, "settings-calls-refused")

    # Put right, it is saved and the error goes.
    forwarding.fill("+1 415 555 0177")
    calls.get_by_role("button", name="Save call settings").click()
    expect(calls.get_by_role("status")).to_contain_text("Saved.")
    expect(forwarding).not_to_have_attribute("aria-invalid", "true")
    expect(calls.get_by_role("alert")).to_have_count(0)
    expect(forwarding).to_have_value("+14155550177")
    assert call_settings_of(me(api))["forwarding_number"] == "+14155550177"
    assert call_settings_of(me(api))["recording"] is True


# ---------------------------------------------------------------- the team's call outcomes


def test_a_rep_reads_the_outcomes_an_admin_changes(
    page: Page,
    token: str,
    auth_headers: Callable[[str], dict[str, str]],
    api: Api,
    team_outcomes: list[str],
) -> None:
    assert len(team_outcomes) >= 3
    bruno_token = auth_headers(BRUNO_EMAIL)["Authorization"].removeprefix("Bearer ")

    # Bruno, a rep, reads the list and cannot change it.
    sign_in_as(page, bruno_token, "Bruno")
    page.goto("/settings")
    section = outcomes_section(page)
    expect(section.get_by_role("listitem")).to_have_text(team_outcomes)
    expect(section.get_by_role("textbox")).to_have_count(0)
    expect(section.get_by_role("button")).to_have_count(0)
    expect(section).to_contain_text("Only an admin can change the team's outcomes.")
    expect(calls_section(page).get_by_label("Forwarding number")).to_have_value("")  # his own settings

    # Alice, an admin, adds one, removes one and moves the new one up, from the keyboard.
    sign_in_as(page, token, "Alice")
    page.goto("/settings")
    section = outcomes_section(page)
    rows = section.get_by_role("list").get_by_role("textbox")
    expect(rows).to_have_count(len(team_outcomes))
    expect(section.get_by_role("textbox", name="Outcome 1")).to_have_value(team_outcomes[0])
    added = f"Demo booked {tag()}"
    new = section.get_by_label("New outcome")
    new.fill(added)
    new.press("Enter")
    expect(new).to_have_value("")
    expect(new).to_be_focused()
    expect(section.get_by_role("textbox", name=f"Outcome {len(team_outcomes) + 1}")).to_have_value(added)

    removed = team_outcomes[1]
    section.get_by_role("button", name=f"Remove “{removed}”").click()
    expect(rows).to_have_count(len(team_outcomes))
    expect(section.get_by_role("button", name=f"Remove “{team_outcomes[2]}”")).to_be_focused()

    up = section.get_by_role("button", name=f"Move “{added}” up")
    up.focus()
    page.keyboard.press("Enter")
    expect(up).to_be_focused()  # it moves with its row
    moved = re.compile(rf"“{added}” moved to position {len(team_outcomes) - 1} of")
    expect(section.get_by_text(moved)).to_be_attached()

    wanted = [item for item in team_outcomes if item != removed]
    wanted.insert(len(wanted) - 1, added)
    expect_values(rows, wanted)
    with page.expect_request(is_outcomes) as sent:
        section.get_by_role("button", name="Save outcomes").click()
    assert json.loads(sent.value.post_data or "") == {"items": wanted}
    expect(section.get_by_role("status")).to_have_text(f"Saved. Call summaries now offer these {len(wanted)} outcomes.")
    assert outcomes(api) == wanted
    screenshot(page, "settings-outcomes-saved")

    # Bruno sees the new list.
    sign_in_as(page, bruno_token, "Bruno")
    page.goto("/settings")
    expect(outcomes_section(page).get_by_role("listitem")).to_have_text(wanted)


def test_outcomes_are_cleaned_by_the_api_and_an_empty_list_is_refused_at_the_list(
    signed_in: Page, api: Api, team_outcomes: list[str]
) -> None:
    page = signed_in
    page.goto("/settings")
    section = outcomes_section(page)
    rows = section.get_by_role("list").get_by_role("textbox")

    # Every outcome blanked: the API refuses, nothing changes.
    for index in range(len(team_outcomes)):
        rows.nth(index).fill("  ")
    with page.expect_response(lambda response: is_outcomes(response.request)) as refused:
        section.get_by_role("button", name="Save outcomes").click()
    assert refused.value.status == 400
    first = section.get_by_role("textbox", name="Outcome 1")
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(first).to_have_accessible_description("At least one outcome is needed")
    expect(first).to_be_focused()
    assert outcomes(api) == team_outcomes

    # Undone, a repeat with spaces around it is dropped by the API, and the page shows its list.
    section.get_by_role("button", name="Undo changes").click()
    expect_values(rows, team_outcomes)
    section.get_by_label("New outcome").fill(f"  {team_outcomes[0]} ")
    section.get_by_role("button", name="Add outcome").click()
    section.get_by_role("button", name="Save outcomes").click()
    expect(section.get_by_role("status")).to_contain_text("Saved.")
    expect_values(rows, team_outcomes)
    expect(first).not_to_have_attribute("aria-invalid", "true")
    assert outcomes(api) == team_outcomes


# ---------------------------------------------------------------- the team's call scripts


def scripts_section(page: Page) -> Locator:
    section = page.get_by_role("region", name="Call scripts")
    expect(section.get_by_role("button", name="Add script").or_(section.get_by_role("list")).first).to_be_visible()
    return section


def test_a_repeated_script_title_is_refused_at_its_field_and_changes_nothing(
    signed_in: Page, api: Api, team_scripts: None
) -> None:
    page = signed_in
    page.goto("/settings")
    section = scripts_section(page)
    for n, (title, text) in enumerate([("Renewal", "Thank them for the year."), (" renewal ", "Ask for more.")], 1):
        section.get_by_role("button", name="Add script").click()
        section.get_by_label(f"Title of script {n}").fill(title)
        section.get_by_label(f"Text of script {n}").fill(text)
    with page.expect_response(lambda response: response.request.method == "PUT") as refused:
        section.get_by_role("button", name="Save scripts").click()
    assert refused.value.status == 400
    second = section.get_by_label("Title of script 2")
    expect(second).to_have_attribute("aria-invalid", "true")
    expect(second).to_have_accessible_description("Another script has this title")
    expect(second).to_be_focused()
    expect(section.get_by_label("Title of script 1")).not_to_have_attribute("aria-invalid", "true")
    assert api("GET", "/api/settings/call-scripts").json()["items"] == []  # nothing changed

    # Renamed, both are saved, in order.
    second.fill("Upsell")
    section.get_by_role("button", name="Save scripts").click()
    expect(section.get_by_role("status")).to_have_text("Saved. The phone offers 2 scripts during calls.")
    expect(second).not_to_have_attribute("aria-invalid", "true")
    assert [item["title"] for item in api("GET", "/api/settings/call-scripts").json()["items"]] == ["Renewal", "Upsell"]
    screenshot(page, "settings-scripts-saved")


def test_a_rep_reads_the_team_s_call_scripts_but_cannot_change_them(
    page: Page, auth_headers: Callable[[str], dict[str, str]], api: Api, team_scripts: None
) -> None:
    script = {"title": f"Cold call {tag()}", "text": "Hello, this is Bruno from Northwind.\nDo you have a minute?"}
    assert api("PUT", "/api/settings/call-scripts", {"items": [script]}).status_code == 200
    sign_in_as(page, auth_headers(BRUNO_EMAIL)["Authorization"].removeprefix("Bearer "), "Bruno")
    page.goto("/settings")
    section = scripts_section(page)
    expect(section.get_by_role("listitem")).to_have_count(1)
    expect(section.get_by_role("listitem")).to_contain_text(script["title"])
    section.get_by_text(script["title"]).click()  # unfolds its text
    expect(section.get_by_text("Do you have a minute?")).to_be_visible()
    expect(section.get_by_role("textbox")).to_have_count(0)
    expect(section.get_by_role("button", name="Add script")).to_have_count(0)
    expect(section).to_contain_text("Only an admin can change the team's scripts.")

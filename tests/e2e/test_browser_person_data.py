"""A person's data, on request, in the dashboard: an admin exports a lead's data as a zip, or
erases the lead everywhere after typing their name; a rep is offered neither."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from e2e_support import REP_NUMBER, Api, create_record, free_phone, screenshot, tag
from playwright.sync_api import Locator, Page, Route, expect

from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser

BRUNO_EMAIL = "bruno@northwind.example"  # a rep, not an admin


def person_with_history(api: Api, api_url: str, twilio_auth_token: str, marker: str) -> dict[str, Any]:
    """A lead with a number of its own, one SMS from that number and one note."""
    lead: dict[str, Any] = create_record(
        api, first_name="Petra", last_name=f"Person{marker}", phones=[{"number": free_phone(api), "label": "mobile"}]
    )
    texted = incoming_sms(
        api_url,
        twilio_auth_token,
        from_number=lead["phones"][0]["number"],
        to_number=REP_NUMBER,
        body=f"text {marker} from Petra",
    )
    assert texted.status_code == 200, texted.text
    noted = api("POST", f"/api/records/{lead['id']}/notes", {"body": f"note {marker} about Petra"})
    assert noted.status_code == 201, noted.text
    return lead


def details(page: Page) -> Locator:
    return page.get_by_role("region", name="Details")


def test_an_admin_exports_a_persons_data_as_a_zip(
    signed_in: Page, api: Api, api_url: str, twilio_auth_token: str
) -> None:
    marker = tag()
    lead = person_with_history(api, api_url, twilio_auth_token, marker)
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    export = details(page).get_by_role("button", name="Export data")

    # A refusal is shown beside the button, which can be pressed again.
    def refused(route: Route) -> None:
        body = {"error": {"code": "unavailable", "message": "the archive could not be made"}}
        route.fulfill(status=503, content_type="application/json", body=json.dumps(body))

    page.route("**/api/records/*/export", refused)
    export.click()
    expect(details(page).get_by_role("alert")).to_have_text("The archive could not be made")
    expect(export).to_have_accessible_description("The archive could not be made")
    expect(export).to_be_enabled()
    page.unroute("**/api/records/*/export")

    with page.expect_download() as started:
        export.click()
    download = started.value
    assert download.suggested_filename.startswith(f"person-{lead['id']}-")
    assert download.suggested_filename.endswith(".zip")
    expect(details(page).get_by_role("alert")).to_have_count(0)
    expect(export).to_have_text("Export data")

    with zipfile.ZipFile(download.path()) as archive:
        record = json.loads(archive.read("record.json"))
        activities = json.loads(archive.read("activities.json"))
    assert record["id"] == lead["id"]
    assert record["display_name"] == lead["display_name"]
    assert record["phones"][0]["number"] == lead["phones"][0]["number"]
    bodies = {(activity["type"], activity["body"]) for activity in activities}
    assert ("sms", f"text {marker} from Petra") in bodies
    assert ("note", f"note {marker} about Petra") in bodies


def test_an_admin_erases_a_person_after_typing_their_name(
    signed_in: Page, api: Api, api_url: str, twilio_auth_token: str
) -> None:
    marker = tag()
    lead = person_with_history(api, api_url, twilio_auth_token, marker)
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    details(page).get_by_role("button", name="Erase this person…").click()
    dialog = page.get_by_role("dialog", name=f"Erase {lead['display_name']}?")

    # It says what goes and what stays; the name field has the focus.
    for goes in (
        "every call, SMS, email, note and task on it",
        "the recordings and voicemails of its calls",
        "every rep's conversations with its numbers",
        "the exports of its data",
    ):
        expect(dialog).to_contain_text(goes)
    expect(dialog).to_contain_text("suppression entry")
    name = dialog.get_by_label(f"Type {lead['display_name']} to confirm")
    expect(name).to_be_focused()
    erase = dialog.get_by_role("button", name="Erase for good")
    screenshot(page, "person-erase-dialog", full_page=False)

    # Another name leaves the button disabled, and Enter does nothing.
    name.fill("Petra Someoneelse")
    expect(erase).to_be_disabled()
    name.press("Enter")
    expect(dialog).to_be_visible()

    # Renamed by a teammate meanwhile: the name typed is no longer theirs, and the API says so.
    name.fill(lead["display_name"].upper())
    expect(erase).to_be_enabled()
    renamed = api("PATCH", f"/api/records/{lead['id']}", {"last_name": f"Renamed{marker}", "version": lead["version"]})
    assert renamed.status_code == 200, renamed.text
    new_name = renamed.json()["display_name"]
    erase.click()
    expect(dialog.get_by_role("alert")).to_have_text(f"Type the person's name, {new_name}, to erase them")
    assert api("GET", f"/api/records/{lead['id']}").status_code == 200

    # The dialog now asks for their name as it is; typed and confirmed with the keyboard, the
    # person is gone, and the list says what went.
    name = dialog.get_by_label(f"Type {new_name} to confirm")
    expect(name).to_have_accessible_description(f"Type the person's name, {new_name}, to erase them")
    expect(erase).to_be_disabled()
    name.fill(new_name)
    name.press("Enter")
    expect(page).to_have_url(re.compile(r"/leads$"))
    notice = page.get_by_role("status").filter(has_text="was erased")
    expect(notice).to_contain_text(f"{new_name} was erased: 2 activities, 1 conversation, 0 recordings, 0 exports.")

    page.goto(f"/records/{lead['id']}")
    expect(page.get_by_role("heading", name="This record does not exist")).to_be_visible()
    assert api("GET", f"/api/records/{lead['id']}").status_code == 404
    for words in (marker, lead["phones"][0]["number"].removeprefix("+")):
        assert api("GET", "/api/search", q=words).json()["items"] == []


def test_the_actions_are_an_admins_and_only_for_a_person(
    page: Page, api: Api, auth_headers: Callable[[str], dict[str, str]]
) -> None:
    lead = create_record(api, first_name="Rita", last_name=f"Rep{tag()}")
    deal = create_record(api, kind="deal", name=f"Deal {tag()}")

    # Alice, an admin, has neither on a deal.
    alice_token = auth_headers("alice@northwind.example")["Authorization"].removeprefix("Bearer ")
    page.goto(f"/#token={alice_token}")
    expect(page.get_by_test_id("signed-in-rep")).to_be_visible()
    page.goto(f"/records/{deal['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(deal["display_name"])
    expect(details(page).get_by_text("Contacts")).to_be_visible()
    expect(page.get_by_role("button", name="Export data")).to_have_count(0)
    expect(page.get_by_role("button", name="Erase this person…")).to_have_count(0)

    # Bruno, a rep, has neither on a lead.
    page.goto(f"/#token={auth_headers(BRUNO_EMAIL)['Authorization'].removeprefix('Bearer ')}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text("Bruno")
    page.goto(f"/records/{lead['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(lead["display_name"])
    expect(details(page).get_by_text("Owner")).to_be_visible()
    expect(page.get_by_role("button", name="Export data")).to_have_count(0)
    expect(page.get_by_role("button", name="Erase this person…")).to_have_count(0)

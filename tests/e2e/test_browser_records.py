"""Leads list, create (with the API's field errors), edit (with conflicts) and delete."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import requests
from e2e_support import Api, create_record, fictional_phone, free_phone, screenshot, tag
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

BRUNO_EMAIL = "bruno@northwind.example"  # a rep, not an admin


def lead_rows(page: Page, marker: str) -> Locator:
    return page.get_by_role("region", name="Leads list").get_by_role("row").filter(has_text=marker)


def show_all(page: Page, marker: str, expected: int) -> None:
    """Clicks "Load more" until the `expected` rows carrying `marker` are on screen."""
    more = page.get_by_role("button", name="Load more")
    every_row = page.get_by_role("region", name="Leads list").get_by_role("row")
    for _ in range(50):
        if lead_rows(page, marker).count() >= expected or not more.is_visible():
            break
        shown = every_row.count()
        more.click()
        # A page adds rows; the last one also takes the button away, so wait on the rows.
        expect(every_row).not_to_have_count(shown)
    expect(lead_rows(page, marker)).to_have_count(expected)


def test_leads_list_newest_first_and_by_name(signed_in: Page, api: Api) -> None:
    marker = tag()
    for last_name in ("Charlie", "Alpha", "Bravo"):
        create_record(api, first_name=f"Aa{marker}", last_name=last_name, company_name="Orderly Inc")
    page = signed_in
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()

    expect(lead_rows(page, marker).first).to_be_visible()
    show_all(page, marker, 3)
    names = [row.get_by_role("link").inner_text() for row in lead_rows(page, marker).all()]
    assert names == [f"Aa{marker} Bravo", f"Aa{marker} Alpha", f"Aa{marker} Charlie"]
    expect(lead_rows(page, marker).first.get_by_text("New", exact=True)).to_be_visible()
    screenshot(page, "leads-list")

    page.get_by_role("button", name="Name A–Z").click()
    expect(page).to_have_url(re.compile(r"/leads\?order=name$"))
    expect(page.get_by_role("button", name="Name A–Z")).to_have_attribute("aria-pressed", "true")
    show_all(page, marker, 3)
    names = [row.get_by_role("link").inner_text() for row in lead_rows(page, marker).all()]
    assert names == [f"Aa{marker} Alpha", f"Aa{marker} Bravo", f"Aa{marker} Charlie"]


def test_load_more_brings_the_next_page(signed_in: Page, api: Api) -> None:
    marker = tag()
    oldest = create_record(api, first_name="Zz", last_name=f"Oldest{marker}")
    for index in range(25):
        create_record(api, first_name="Zz", last_name=f"Page{marker} {index:02d}")
    page = signed_in
    page.goto("/leads")
    expect(lead_rows(page, f"Page{marker}")).to_have_count(25)
    expect(lead_rows(page, f"Oldest{marker}")).to_have_count(0)

    page.get_by_role("button", name="Load more").click()
    expect(lead_rows(page, f"Oldest{marker}")).to_have_count(1)
    expect(lead_rows(page, f"Page{marker}")).to_have_count(25)
    link = lead_rows(page, f"Oldest{marker}").get_by_role("link")
    expect(link).to_have_attribute("href", f"/records/{oldest['id']}")


def test_invalid_email_shows_the_field_error_and_creates_nothing(signed_in: Page, api: Api) -> None:
    last_name = f"Invalid{tag()}"
    page = signed_in
    page.goto("/leads")
    page.get_by_role("button", name="New lead").first.click()
    dialog = page.get_by_role("dialog", name="New lead")
    dialog.get_by_label("First name").fill("Ines")
    dialog.get_by_label("Last name").fill(last_name)
    dialog.get_by_label("Email", exact=True).fill("ines-at-nowhere")
    dialog.get_by_role("button", name="Create lead").click()

    email = dialog.get_by_label("Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = (email.get_attribute("aria-describedby") or "").split()[-1]
    expect(page.locator(f"#{error_id}")).to_be_visible()
    expect(dialog.get_by_role("alert")).to_contain_text("correct the highlighted fields")
    expect(dialog.get_by_label("Last name")).not_to_have_attribute("aria-invalid", "true")
    screenshot(page, "new-lead-field-error", full_page=False)
    assert api("GET", "/api/search", q=last_name).json()["items"] == []


def test_create_a_lead_lands_on_its_page_then_edit_it(signed_in: Page, api: Api) -> None:
    last_name = f"Created{tag()}"
    phone = free_phone(api)
    page = signed_in
    page.goto("/leads")
    page.get_by_role("button", name="New lead").first.click()
    dialog = page.get_by_role("dialog", name="New lead")
    dialog.get_by_label("First name").fill("Nora")
    dialog.get_by_label("Last name").fill(last_name)
    dialog.get_by_label("Company", exact=True).fill("Northwind Traders")
    dialog.get_by_label("Email", exact=True).fill(f"nora.{last_name.lower()}@northwind.example")
    dialog.get_by_label("Phone", exact=True).fill(phone)
    dialog.get_by_label("City").fill("Lyon")
    dialog.get_by_role("button", name="Create lead").click()

    expect(page).to_have_url(re.compile(r"/records/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Nora {last_name}")
    details = page.get_by_role("region", name="Details")
    expect(details.get_by_role("link", name=re.compile(r"nora\."))).to_have_attribute(
        "href", f"mailto:nora.{last_name.lower()}@northwind.example"
    )
    expect(details.locator("a[href^='tel:']")).to_have_attribute("href", f"tel:{phone}")
    expect(details).to_contain_text("Alice")  # the owner, by name
    record_id = page.url.rsplit("/", 1)[-1]
    assert api("GET", f"/api/records/{record_id}").json()["last_name"] == last_name
    screenshot(page, "record-page")

    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit lead")
    dialog.get_by_label("Title").fill("Head of Purchasing")
    dialog.get_by_label("Status").select_option("working")
    dialog.get_by_role("button", name="Save changes").click()

    expect(dialog).to_be_hidden()
    expect(details).to_contain_text("Head of Purchasing")
    expect(page.locator(".record-subtitle")).to_contain_text("Working")
    stored = api("GET", f"/api/records/{record_id}").json()
    assert (stored["title"], stored["status"], stored["version"]) == ("Head of Purchasing", "working", 2)


def test_editing_a_record_changed_by_someone_else_asks_to_reload(signed_in: Page, api: Api) -> None:
    lead = create_record(api, first_name="Omar", last_name=f"Conflict{tag()}")
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    page.get_by_role("button", name="Edit").click()
    # A teammate saves first.
    changed = api("PATCH", f"/api/records/{lead['id']}", {"version": 1, "title": "Changed elsewhere"})
    assert changed.status_code == 200, changed.text
    dialog = page.get_by_role("dialog", name="Edit lead")
    dialog.get_by_label("Title").fill("Mine")
    dialog.get_by_role("button", name="Save changes").click()

    banner = page.get_by_role("alert").filter(has_text="changed by someone else")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Reload").click()
    expect(banner).to_be_hidden()
    expect(page.get_by_role("region", name="Details")).to_contain_text("Changed elsewhere")
    assert api("GET", f"/api/records/{lead['id']}").json()["title"] == "Changed elsewhere"


def test_delete_asks_for_confirmation_then_moves_the_record_to_the_trash(signed_in: Page, api: Api) -> None:
    lead = create_record(api, first_name="Dora", last_name=f"Deleted{tag()}")
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    page.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name="Delete this lead?")
    expect(confirm).to_contain_text(lead["display_name"])
    expect(confirm).to_contain_text("goes to the trash for 30 days")
    expect(confirm).to_contain_text("An admin can restore it")
    screenshot(page, "delete-confirmation", full_page=False)

    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert api("GET", f"/api/records/{lead['id']}").status_code == 200

    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete this lead?").get_by_role("button", name="Delete lead").click()
    expect(page).to_have_url(re.compile(r"/leads$"))
    assert api("GET", f"/api/records/{lead['id']}").status_code == 404
    page.goto(f"/records/{lead['id']}")
    expect(page.get_by_role("heading", name="This record does not exist")).to_be_visible()

    # The admin finds it first in the trash, and restores it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash").click()
    expect(page).to_have_url(re.compile(r"/trash$"))
    rows = page.get_by_role("region", name="Deleted records").get_by_role("row")
    expect(rows.nth(1)).to_contain_text(lead["display_name"])  # the newest deletion, under the header row
    expect(rows.nth(1)).to_contain_text("Alice")  # who deleted it
    screenshot(page, "trash")
    rows.nth(1).get_by_role("button", name=f"Restore {lead['display_name']}").click()
    expect(page.get_by_role("status").filter(has_text="is back")).to_be_visible()
    expect(rows.filter(has_text=lead["display_name"])).to_have_count(0)
    assert api("GET", f"/api/records/{lead['id']}").status_code == 200
    page.get_by_role("status").get_by_role("link", name=lead["display_name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lead["display_name"])


def test_an_admin_deletes_a_record_forever_from_the_trash(signed_in: Page, api: Api) -> None:
    lead = create_record(api, first_name="Fern", last_name=f"Forever{tag()}")
    assert api("POST", f"/api/records/{lead['id']}/notes", {"body": "goes with it"}).status_code == 201
    assert api("DELETE", f"/api/records/{lead['id']}").status_code == 204
    page = signed_in
    page.goto("/trash")
    row = page.get_by_role("region", name="Deleted records").get_by_role("row").filter(has_text=lead["display_name"])
    row.get_by_role("button", name=f"Delete {lead['display_name']} forever").click()
    confirm = page.get_by_role("dialog", name=f"Delete {lead['display_name']} forever?")
    expect(confirm).to_contain_text("whole history (calls, SMS, emails, notes) will be erased")
    expect(confirm).to_contain_text("cannot be undone")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()  # Enter never destroys
    confirm.get_by_role("button", name="Cancel").click()
    expect(row).to_have_count(1)

    row.get_by_role("button", name=f"Delete {lead['display_name']} forever").click()
    page.get_by_role("dialog", name=f"Delete {lead['display_name']} forever?").get_by_role(
        "button", name="Delete forever"
    ).click()
    expect(row).to_have_count(0)
    assert lead["id"] not in [item["id"] for item in api("GET", "/api/trash", limit="100").json()["items"]]
    assert api("POST", f"/api/trash/{lead['id']}/restore").status_code == 404


def test_a_restore_the_api_refuses_says_why_on_its_row(signed_in: Page, api: Api) -> None:
    number = free_phone(api)
    first = create_record(api, first_name="Gus", last_name=f"Gone{tag()}", phones=[{"number": number}])
    assert api("DELETE", f"/api/records/{first['id']}").status_code == 204
    taker = create_record(api, first_name="Hal", last_name=f"Holder{tag()}", phones=[{"number": number}])
    page = signed_in
    page.goto("/trash")
    row = page.get_by_role("region", name="Deleted records").get_by_role("row").filter(has_text=first["display_name"])
    restore = row.get_by_role("button", name=f"Restore {first['display_name']}")
    restore.click()
    expect(row.get_by_role("alert")).to_contain_text(f"already belongs to {taker['display_name']}")
    expect(restore).to_have_accessible_description(re.compile(f"already belongs to {taker['display_name']}"))
    assert api("GET", f"/api/records/{first['id']}").status_code == 404


def test_a_rep_deletes_and_reassigns_only_what_they_own(
    page: Page, api: Api, api_url: str, auth_headers: Callable[[str], dict[str, str]]
) -> None:
    alices = create_record(api, first_name="Ada", last_name=f"Alices{tag()}")
    bruno_headers = auth_headers(BRUNO_EMAIL)
    made = requests.post(
        f"{api_url}/api/records",
        json={"kind": "lead", "first_name": "Ben", "last_name": f"Brunos{tag()}"},
        headers=bruno_headers,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    brunos = made.json()
    page.goto(f"/#token={bruno_headers['Authorization'].removeprefix('Bearer ')}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text("Bruno")

    # Alice's lead: Bruno edits it, but neither deletes it nor gives it to someone else.
    page.goto(f"/records/{alices['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(alices["display_name"])
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit lead")
    owner = dialog.get_by_label("Owner")
    expect(owner).to_be_disabled()
    expect(owner).to_have_accessible_description("Only the owner or an admin can give it to another rep.")
    dialog.get_by_label("Title").fill("Buyer")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    stored = api("GET", f"/api/records/{alices['id']}").json()
    assert (stored["title"], stored["owner_id"]) == ("Buyer", "rep-alice")

    # His own: both.
    page.goto(f"/records/{brunos['id']}")
    expect(page.get_by_role("button", name="Delete")).to_be_visible()
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("dialog", name="Edit lead").get_by_label("Owner")).to_be_enabled()

    # The trash is the admins'.
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash")).to_have_count(0)
    page.goto("/trash")
    expect(page.get_by_role("heading", name="Only an admin can open the trash")).to_be_visible()


def test_a_number_owned_by_another_record_is_refused_in_the_form(signed_in: Page, api: Api) -> None:
    owner = create_record(api, first_name="Olga", last_name=f"Owner{tag()}", phones=[{"number": fictional_phone()}])
    lead = create_record(api, first_name="Tim", last_name=f"Taker{tag()}")
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit lead")
    dialog.get_by_label("Phone", exact=True).fill(owner["phones"][0]["number"])
    dialog.get_by_role("button", name="Save changes").click()

    expect(dialog.get_by_role("alert")).to_contain_text(f"already belongs to {owner['display_name']}")
    expect(page.get_by_text("changed by someone else")).to_have_count(0)
    assert api("GET", f"/api/records/{lead['id']}").json()["phones"] == []

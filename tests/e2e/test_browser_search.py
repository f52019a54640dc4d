"""Global search: accent-insensitive name prefixes, phone digits, keyboard navigation."""

from __future__ import annotations

import re

import pytest
from e2e_support import Api, create_record, fictional_phone, format_phone, screenshot, tag
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_name_prefix_without_accents_finds_the_record(signed_in: Page, api: Api) -> None:
    last_name = f"Ebrard{tag()}"
    lead = create_record(api, first_name="Hélène", last_name=last_name, company_name="Société Générale")
    page = signed_in
    box = page.get_by_role("combobox", name="Search leads, contacts and deals")

    box.fill("hel")
    results = page.get_by_role("listbox", name="Search results")
    expect(results.get_by_role("option").filter(has_text="Hélène").first).to_be_visible()

    box.fill(f"hel {last_name.lower()}")
    expect(results.get_by_role("option")).to_have_count(1)
    expect(results.get_by_role("option")).to_contain_text(f"Hélène {last_name}")
    screenshot(page, "search")
    box.press("Enter")
    expect(page).to_have_url(re.compile(f"/records/{lead['id']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hélène {last_name}")
    expect(box).to_have_value("")


def test_phone_digits_find_the_record_and_arrows_choose(signed_in: Page, api: Api) -> None:
    marker = tag()
    first, second = (
        create_record(api, first_name=name, last_name=f"Phone{marker}", phones=[{"number": fictional_phone()}])
        for name in ("Pia", "Quinn")
    )
    page = signed_in
    box = page.get_by_role("combobox", name="Search leads, contacts and deals")
    national = first["phones"][0]["number"].removeprefix("+1")

    box.fill(f"({national[:3]}) {national[3:6]}-{national[6:]}")
    options = page.get_by_role("listbox", name="Search results").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options).to_contain_text(first["display_name"])

    box.fill(f"phone{marker}")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "search-hit-1")
    box.press("Enter")
    expect(page).to_have_url(re.compile(f"/records/{second['id']}$"))


def test_the_last_four_digits_of_a_number_find_the_person(signed_in: Page, api: Api) -> None:
    """As in a phone book: "0143" finds Hélène Durand (+1 202 555 0143), and so does the number
    typed as it is written down; three digits are not enough."""
    page = signed_in
    box = page.get_by_role("combobox", name="Search leads, contacts and deals")
    options = page.get_by_role("listbox", name="Search results").get_by_role("option")
    helene = options.filter(has_text="Hélène Durand")

    box.fill("0143")
    expect(helene).to_be_visible()
    expect(helene).to_contain_text("+1 (202) 555-0143")  # where it matched
    screenshot(page, "search-by-last-digits")
    box.fill("555-0143")
    expect(helene).to_be_visible()
    box.fill("143")  # the last results stay until the new ones come: then she is gone
    expect(helene).to_have_count(0)
    box.fill("0143")
    helene.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hélène Durand")


def test_one_character_does_not_search_and_escape_closes(signed_in: Page) -> None:
    page = signed_in
    box = page.get_by_role("combobox", name="Search leads, contacts and deals")
    box.fill("h")
    expect(page.get_by_role("listbox", name="Search results")).to_have_count(0)
    box.fill(f"zz{tag()}")
    expect(page.get_by_text("No lead, contact or deal matches")).to_be_visible()
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")


def test_a_hit_its_name_does_not_explain_says_where_it_matched(signed_in: Page, api: Api) -> None:
    marker = tag()
    street = f"8 Rue Vaugirard{marker.capitalize()}"
    lead = create_record(
        api,
        first_name="Yves",
        last_name=f"Adresse{marker}",
        company_name="Atelier Nord",
        phones=[{"number": fictional_phone(), "label": "mobile"}],
        address={"line1": street, "city": "Lyon", "postal_code": "69002"},
    )
    number = lead["phones"][0]["number"]  # another one if that one was taken
    page = signed_in
    box = page.get_by_role("combobox", name="Search leads, contacts and deals")
    options = page.get_by_role("listbox", name="Search results").get_by_role("option")

    box.fill(f"vaugirard{marker}")  # a street word
    expect(options).to_have_count(1)
    expect(options).to_contain_text(f"Atelier Nord · Address: {street}, 69002 Lyon")
    screenshot(page, "search-by-address")

    box.fill(number.removeprefix("+"))  # the number's digits
    expect(options.filter(has_text=lead["display_name"])).to_contain_text(f"Mobile {format_phone(number)}")

    box.fill(f"adresse{marker}")  # the name says it all: only the company follows
    expect(options).to_have_count(1)
    expect(options.locator(".search-hit-meta")).to_have_text("Atelier Nord")

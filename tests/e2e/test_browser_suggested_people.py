"""Suggested people in Chromium, on mail synced from a real Dovecot: strangers grouped by sender
with the company their domain names; one added as a contact with that company (their emails on
the record, later mail in Inbox), two ignored in bulk (under Ignored, later mail too); the list at
phone widths."""

from __future__ import annotations

import uuid

import pytest
from e2e_mailbox import Mailbox
from e2e_support import create_record, screenshot
from playwright.sync_api import Locator, Page, expect

from commcenter.data import activities as activities_data

pytestmark = pytest.mark.browser


def people(page: Page) -> Locator:
    return page.get_by_role("region", name="Suggested people").get_by_test_id("suggested-person")


def tab(mailbox: Mailbox, name: str) -> list[str]:
    emails, _ = activities_data.center_page(mailbox.rep.id, "email", name, 50, None)
    return [email.summary for email in emails]


def test_a_rep_adds_one_sender_as_a_contact_with_the_suggested_company_and_ignores_two(
    page: Page, mailbox: Mailbox
) -> None:
    word = f"globex{uuid.uuid4().hex[:6]}"
    company = create_record(mailbox.api, kind="contact", is_company=True, company_name=f"{word.capitalize()} Corp")
    ann, spam, junk = f"ann@{word}.example", f"offers-{uuid.uuid4().hex[:6]}@gmail.com", f"news@junk{word}.example"
    mailbox.receive(f"Ann Lee <{ann}>", "Seats for next year", days_ago=3)
    mailbox.receive(f"Ann Lee <{ann}>", "About the quote", days_ago=2)
    mailbox.receive(f"Offers <{spam}>", "Win a cruise", days_ago=1.5)
    mailbox.receive(junk, "Weekly news", days_ago=1)
    mailbox.poll()

    page.goto("/center/email?section=suggested")
    region = page.get_by_role("region", name="Suggested people")
    expect(people(page)).to_have_count(3)
    row = people(page).filter(has_text=ann)
    expect(row).to_contain_text("Ann Lee")
    expect(row).to_contain_text("2 emails")
    expect(row).to_contain_text("About the quote")
    expect(row.get_by_test_id("suggested-company")).to_have_text(f"{word.capitalize()} Corp")
    expect(people(page).filter(has_text=spam).get_by_test_id("suggested-company")).to_have_count(0)
    screenshot(page, "suggested-people")

    # Ann, as a contact with the suggested company: the same Add to CRM as for a number.
    row.get_by_role("button", name="Add to CRM").click()
    dialog = page.get_by_role("dialog", name="Add to CRM")
    expect(dialog.get_by_label("First name")).to_have_value("Ann")
    expect(dialog.get_by_label("Last name")).to_have_value("Lee")
    expect(dialog.get_by_label("Company")).to_have_value(f"{word.capitalize()} Corp")
    expect(dialog.get_by_label("Email")).to_have_value(ann)
    dialog.get_by_label("Add as").select_option("contact")
    dialog.get_by_role("button", name="Add contact").click()
    expect(region.get_by_role("status")).to_contain_text(f"{ann} was added as Ann Lee")
    expect(people(page)).to_have_count(2)
    found = mailbox.api("GET", "/api/search", q=ann).json()["items"]
    [contact] = [hit for hit in found if hit["id"] != company["id"]]
    assert (contact["kind"], contact["display_name"], contact["company_name"]) == (
        "contact",
        "Ann Lee",
        f"{word.capitalize()} Corp",
    )
    assert sorted(tab(mailbox, "inbox")) == ["About the quote", "Seats for next year"]

    # The two others ignored at once.
    region.get_by_label("Select all").check()
    bulk = page.get_by_role("toolbar", name="Selected people")
    expect(bulk).to_contain_text("2 selected")
    bulk.get_by_role("button", name="Ignore", exact=True).click()
    expect(region.get_by_role("status")).to_contain_text("2 people were ignored")
    expect(region.get_by_text("No suggested people")).to_be_visible()
    assert sorted(tab(mailbox, "ignored")) == ["Weekly news", "Win a cruise"]

    # Later mail follows what they became.
    mailbox.receive(f"Ann Lee <{ann}>", "Signed", days_ago=0.5)
    mailbox.receive(junk, "More news", days_ago=0.4)
    mailbox.poll()
    page.reload()
    expect(region.get_by_text("No suggested people")).to_be_visible()
    assert "Signed" in tab(mailbox, "inbox") and "More news" in tab(mailbox, "ignored")


@pytest.mark.parametrize("width", [360, 390, 768])
def test_suggested_people_fit_a_phone(page: Page, mailbox: Mailbox, width: int) -> None:
    word = f"initech{uuid.uuid4().hex[:6]}"
    create_record(mailbox.api, kind="contact", is_company=True, company_name=f"{word.capitalize()} Worldwide Holdings")
    mailbox.receive(
        f"Bartholomew Longname-Fairweather <bartholomew.longname-fairweather@{word}.example>",
        "A subject long enough to need cutting on the narrowest phone screens there are",
        days_ago=1,
    )
    mailbox.poll()
    page.set_viewport_size({"width": width, "height": 800})

    page.goto("/center/email?section=suggested")
    expect(people(page)).to_have_count(1)
    page.get_by_role("region", name="Suggested people").get_by_label("Select all").check()
    expect(page.get_by_role("toolbar", name="Selected people")).to_be_visible()

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    for button in people(page).first.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    screenshot(page, f"suggested-people-{width}")

"""Assignment (I3) in the dashboard: a rep gives a conversation to a teammate from the bulk bar's
Assign picker; it leaves their Inbox and its count, and lands in the teammate's Inbox with a note
of who gave it. Two reps of their own, each with a Twilio number; the SMS posted as Twilio posts it."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from commcenter.data import reps as reps_data
from commcenter.domain.reps import Rep
from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser


def new_rep(first_name: str) -> Rep:
    """A rep of the team with a Twilio number of their own (a fictional range no other test uses)."""
    tag = uuid.uuid4().hex[:8]
    rep = Rep(
        id=f"rep-{tag}",
        name=f"{first_name} {tag}",
        email=f"{first_name.lower()}-{tag}@commcenter.test",
        twilio_number=f"+1406555{random.randrange(1000, 9999)}",
    )
    reps_data.create(rep)
    return rep


def rows(page: Page) -> Locator:
    return page.get_by_test_id("folder-row")


def inbox_count(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Folders").locator('[data-folder="inbox"]')


def sign_in(page: Page, dev_token: Callable[[str], str], rep: Rep) -> None:
    page.goto(f"/#token={dev_token(rep.email)}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(rep.name)


def test_a_conversation_assigned_from_the_bar_lands_in_the_teammates_inbox_with_a_note(
    page: Page, api_url: str, twilio_auth_token: str, dev_token: Callable[[str], str]
) -> None:
    erin, farid = new_rep("Erin"), new_rep("Farid")
    assert erin.twilio_number
    for body in ("Who handles invoices?", "Is anyone there?"):
        sender = f"+1307555{random.randrange(1000, 9999)}"
        response = incoming_sms(api_url, twilio_auth_token, from_number=sender, to_number=erin.twilio_number, body=body)
        assert response.status_code == 200, response.text

    sign_in(page, dev_token, erin)
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(2)
    expect(inbox_count(page)).to_have_text(re.compile(r"Inbox\s*2$"))
    rows(page).filter(has_text="Who handles invoices?").get_by_role("checkbox").check()
    bar = page.get_by_role("toolbar", name="Selected conversations")
    bar.get_by_role("button", name="Assign").click()
    picker = bar.get_by_role("group", name="Assign to")
    # The team's reps, the signed-in rep left out.
    expect(picker.get_by_role("button", name=farid.name)).to_be_visible()
    expect(picker.get_by_role("button", name=erin.name)).to_have_count(0)
    picker.get_by_role("button", name=farid.name).click()

    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Is anyone there?")
    expect(inbox_count(page)).to_have_text(re.compile(r"Inbox\s*1$"))

    sign_in(page, dev_token, farid)
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(1)
    row = rows(page).first
    expect(row).to_contain_text("Who handles invoices?")
    note = row.locator(".folder-row-assigned")
    expect(note).to_have_text(f"Assigned by {erin.name}")
    expect(note).to_have_attribute("title", re.compile(rf"^Assigned to you by {erin.name}, "))
    expect(inbox_count(page)).to_have_text(re.compile(r"Inbox\s*1$"))

"""Folders (C4) in the dashboard: the folder sidebar and its counts, an SMS and an email
conversation of one rep listed together, bulk actions, the source filter, the keyboard, the address
restored on reload, and the phone's layout at 360 px. A rep of their own with a Twilio number and a
mailbox on the local Dovecot, SMS posted as Twilio posts them, mail synced by the real poll."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from e2e_mailbox import Mailbox, signed_in_mailbox
from playwright.sync_api import Locator, Page, expect

from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints
from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser

STRANGER = "nadia.stranger@prospect.example"


def rep_number() -> str:
    """A Twilio number for this test's rep alone (a fictional range no other test uses)."""
    return f"+1307555{random.randrange(1000, 9999)}"


@pytest.fixture
def mailbox(
    page: Page,
    api_url: str,
    dev_token: Callable[[str], str],
    mail_servers: tuple[LocalMailServers, MailServerEndpoints],
) -> Iterator[Mailbox]:
    with signed_in_mailbox(page, api_url, dev_token, mail_servers, twilio_number=rep_number()) as box:
        yield box


@pytest.fixture
def two_conversations(mailbox: Mailbox, api_url: str, twilio_auth_token: str) -> Mailbox:
    """The rep has an email conversation (a stranger's mail, older) and an SMS one (newer)."""
    mailbox.receive(STRANGER, "Pricing for twelve seats", days_ago=1)
    mailbox.poll()
    assert mailbox.rep.twilio_number
    response = incoming_sms(
        api_url,
        twilio_auth_token,
        from_number="+13075550199",
        to_number=mailbox.rep.twilio_number,
        body="Can we talk tomorrow?",
    )
    assert response.status_code == 200, response.text
    return mailbox


def rows(page: Page) -> Locator:
    return page.get_by_test_id("folder-row")


def count(page: Page, folder: str) -> Locator:
    return page.get_by_role("navigation", name="Folders").locator(f'[data-folder="{folder}"]')


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_an_sms_and_an_email_are_in_the_inbox_and_one_archived_moves_the_counts(
    page: Page, two_conversations: Mailbox
) -> None:
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(2)
    # Newest first: the SMS, then the email, each with its channel, the handle and the last message.
    expect(rows(page).nth(0)).to_have_attribute("data-channel", "sms")
    expect(rows(page).nth(0)).to_contain_text("Can we talk tomorrow?")
    expect(rows(page).nth(1)).to_have_attribute("data-channel", "email")
    expect(rows(page).nth(1)).to_contain_text(STRANGER)
    # Inbox shows its unread beside it; Archived has nothing yet.
    expect(count(page, "inbox")).to_have_text(re.compile(r"Inbox\s*2$"))
    expect(count(page, "archived")).to_have_text("Archived")

    rows(page).filter(has_text=STRANGER).get_by_role("checkbox").check()
    toolbar = page.get_by_role("toolbar", name="Selected conversations")
    expect(toolbar).to_contain_text("1 selected")
    toolbar.get_by_role("button", name="Archive").click()

    expect(rows(page)).to_have_count(1)
    expect(count(page, "inbox")).to_have_text(re.compile(r"Inbox\s*1$"))
    expect(count(page, "archived")).to_have_text(re.compile(r"Archived\s*1$"))
    count(page, "archived").click()
    expect(page).to_have_url(re.compile(r"/folders/archived$"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(STRANGER)

    # Back in the Archive view, it goes back to the Inbox by the bar too.
    rows(page).first.get_by_role("checkbox").check()
    page.get_by_role("toolbar", name="Selected conversations").get_by_role("button", name="Move to Inbox").click()
    expect(page.get_by_text("Nothing here")).to_be_visible()
    expect(count(page, "inbox")).to_have_text(re.compile(r"Inbox\s*2$"))


def test_the_source_filter_and_the_open_conversation_survive_a_reload(page: Page, two_conversations: Mailbox) -> None:
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(2)
    page.get_by_role("group", name="Source").get_by_role("button", name="SMS").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-channel", "sms")
    assert query(page) == {"source": ["sms"]}

    rows(page).first.locator(".folder-row-open").click()
    conversation = page.get_by_role("region", name="Open conversation")
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text("Can we talk tomorrow?")
    assert query(page)["source"] == ["sms"] and query(page)["open"]

    page.reload()
    expect(page.get_by_role("group", name="Source").get_by_role("button", name="SMS")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(rows(page)).to_have_count(1)
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text("Can we talk tomorrow?")

    page.go_back()
    expect(conversation).to_have_count(0)
    expect(rows(page)).to_have_count(1)
    page.get_by_role("group", name="Source").get_by_role("button", name="Email").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(STRANGER)
    rows(page).first.locator(".folder-row-open").click()
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text("Pricing for twelve seats")


def test_j_k_x_and_e_on_the_keyboard(page: Page, two_conversations: Mailbox) -> None:
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(2)
    page.keyboard.press("j")
    expect(rows(page).nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("j")
    expect(rows(page).nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("k")
    expect(rows(page).nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("x")
    expect(rows(page).nth(0).get_by_role("checkbox")).to_be_checked()
    page.keyboard.press("x")
    expect(rows(page).nth(0).get_by_role("checkbox")).not_to_be_checked()
    # r goes to the open SMS conversation's reply box.
    rows(page).nth(0).locator(".folder-row-open").click()
    reply = page.get_by_role("region", name="Open conversation").get_by_role("textbox", name=re.compile("^Reply to"))
    expect(reply).to_be_visible()
    page.keyboard.press("r")
    expect(reply).to_be_focused()
    page.keyboard.type("r")  # typed into the box, not taken as a key
    expect(reply).to_have_value("r")
    reply.blur()
    page.keyboard.press("e")  # archives the SMS conversation, and the next one opens in its place
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-channel", "email")
    expect(page.get_by_role("region", name="Open conversation")).to_have_attribute("data-channel", "email")
    assert query(page)["open"] == [rows(page).first.get_attribute("data-row")]
    expect(count(page, "archived")).to_have_text(re.compile(r"Archived\s*1$"))


def test_deleted_conversations_wait_in_trash_and_go_back_to_the_inbox(page: Page, two_conversations: Mailbox) -> None:
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(2)
    page.get_by_role("checkbox", name="Select all").check()
    toolbar = page.get_by_role("toolbar", name="Selected conversations")
    expect(toolbar).to_contain_text("2 selected")
    toolbar.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Nothing here")).to_be_visible()
    expect(count(page, "trash")).to_have_text(re.compile(r"Trash\s*2$"))

    count(page, "trash").click()
    expect(rows(page)).to_have_count(2)
    rows(page).filter(has_text=STRANGER).get_by_role("checkbox").check()
    actions = page.get_by_role("toolbar", name="Selected conversations").get_by_role("button")
    expect(actions).to_have_text(["Move to Inbox", "Delete forever"])
    actions.first.click()
    expect(rows(page)).to_have_count(1)
    expect(count(page, "trash")).to_have_text(re.compile(r"Trash\s*1$"))
    expect(count(page, "inbox")).to_have_text(re.compile(r"Inbox\s*1$"))


def test_on_a_360_px_phone_the_folders_are_a_picker_and_nothing_scrolls_sideways(
    page: Page, two_conversations: Mailbox
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_role("navigation", name="Folders")).to_be_hidden()
    picker = page.get_by_role("combobox", name="Folder")
    expect(picker).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for target in [picker, rows(page).first.get_by_role("checkbox"), rows(page).first.locator(".folder-row-open")]:
        box = target.bounding_box()
        assert box and box["height"] >= 44, box
    rows(page).first.get_by_role("checkbox").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    picker.select_option("archived")
    expect(page).to_have_url(re.compile(r"/folders/archived$"))
    expect(page.get_by_text("Nothing here")).to_be_visible()

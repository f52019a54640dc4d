"""Delete forever in Trash (I3) in the dashboard: the bar's confirmation names how many
conversations go and the customers' cards that would be left without one, the rep ticks the card
they may delete (the other's checkbox disabled, with why), and the answer says what went. A rep of
their own with a Twilio number, SMS posted as Twilio posts them."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from e2e_support import Api, free_phone, screenshot
from playwright.sync_api import Locator, Page, expect

from commcenter.data import reps as reps_data
from commcenter.domain.reps import Rep
from commcenter_local.simulate import incoming_sms

pytestmark = pytest.mark.browser


def rows(page: Page) -> Locator:
    return page.get_by_test_id("folder-row")


def count(page: Page, folder: str) -> Locator:
    return page.get_by_role("navigation", name="Folders").locator(f'[data-folder="{folder}"]')


def test_deleting_for_good_names_the_cards_and_deletes_the_one_ticked(
    page: Page, api: Api, api_url: str, dev_token: Callable[[str], str], twilio_auth_token: str
) -> None:
    user = f"dora-{uuid.uuid4().hex[:8]}"
    twilio_number = f"+1307555{random.randrange(1000, 9999)}"
    rep = Rep(id=f"rep-{user}", name=f"Dora {user}", email=f"{user}@commcenter.test", twilio_number=twilio_number)
    reps_data.create(rep)
    token = dev_token(rep.email)

    def as_rep(method: str, path: str, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return requests.request(method, api_url + path, json=body, headers=headers, timeout=30)

    own_number, other_number = free_phone(api), free_phone(api)
    own = as_rep(
        "POST",
        "/api/records",
        {
            "kind": "lead",
            "first_name": "Hélène",
            "last_name": "Durand",
            "phones": [{"number": own_number, "label": "mobile"}],
        },
    ).json()
    # A colleague's contact: this rep may not delete the card.
    theirs = api(
        "POST",
        "/api/records",
        {
            "kind": "contact",
            "first_name": "Marc",
            "last_name": "Keeper",
            "phones": [{"number": other_number, "label": "mobile"}],
        },
    ).json()
    for number, body in ((own_number, "Please forget me"), (other_number, "Hello there")):
        answer = incoming_sms(api_url, twilio_auth_token, from_number=number, to_number=twilio_number, body=body)
        assert answer.status_code == 200, answer.text

    page.goto(f"/#token={token}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(rep.name)
    page.goto("/folders/inbox")
    expect(rows(page)).to_have_count(2)
    page.get_by_role("checkbox", name="Select all").check()
    page.get_by_role("toolbar", name="Selected conversations").get_by_role("button", name="Delete", exact=True).click()
    expect(count(page, "trash")).to_have_text(re.compile(r"Trash\s*2$"))

    count(page, "trash").click()
    expect(rows(page)).to_have_count(2)
    page.get_by_role("checkbox", name="Select all").check()
    actions = page.get_by_role("toolbar", name="Selected conversations").get_by_role("button")
    expect(actions).to_have_text(["Move to Inbox", "Delete forever"])
    actions.filter(has_text="Delete forever").click()

    dialog = page.get_by_role("dialog", name="Delete forever")
    expect(dialog).to_contain_text("Delete 2 conversations for good?")
    mine = dialog.get_by_role("checkbox", name="Also delete the card of Hélène Durand (lead)")
    other = dialog.get_by_role("checkbox", name="Also delete the card of Marc Keeper (contact)")
    expect(mine).to_be_enabled()
    expect(mine).not_to_be_checked()  # a card goes only when the rep says so
    expect(other).to_be_disabled()
    expect(dialog).to_contain_text("It stays: only the record's owner or an admin can delete it.")
    mine.check()
    screenshot(page, "folders-delete-forever", full_page=False)
    # On the narrowest phone the confirmation fits, nothing to scroll sideways.
    wide = page.viewport_size
    assert wide is not None
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    screenshot(page, "folders-delete-forever-phone", full_page=False)
    page.set_viewport_size(wide)
    dialog.get_by_role("button", name="Delete forever").click()

    expect(page.get_by_test_id("toast")).to_have_text(
        "2 conversations deleted for good. The card of Hélène Durand went to the trash."
    )
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Nothing here")).to_be_visible()
    expect(count(page, "trash")).to_have_text("Trash")  # no count left
    assert as_rep("GET", f"/api/records/{own['id']}").status_code == 404  # in the record trash
    assert api("GET", f"/api/records/{theirs['id']}").status_code == 200  # kept

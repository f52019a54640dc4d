"""The demo's SMS as a first user meets it: in the seeded rep's SMS tab and on the record's feed."""

from __future__ import annotations

import re

import pytest
from e2e_support import Api
from playwright.sync_api import Page, expect

from commcenter.domain.sms import conversation_id

pytestmark = pytest.mark.browser

SEEDED_TEXT = "Thanks Alice! Can we move the demo to Thursday? 🙏"
HELENE = "Hélène Durand"


def test_the_seeded_sms_is_listed_in_the_sms_tab_and_on_the_record(signed_in: Page, api: Api) -> None:
    page = signed_in
    page.goto("/center/sms")
    panel = page.get_by_role("tabpanel")
    expect(panel.get_by_role("button", name=re.compile(r"^Matched \(\d+\)$"))).to_have_attribute("aria-pressed", "true")
    row = panel.get_by_role("button", name=re.compile(re.escape(HELENE)))
    # Other tests' conversations are newer: the seeded one may be a few pages down.
    more = panel.get_by_role("button", name="Load more")
    expect(more.or_(row).first).to_be_visible()
    while not row.count() and more.count():
        more.click()
        expect(more.or_(row).first).to_be_visible()
    expect(row).to_be_visible()
    listed = api("GET", f"/api/sms/conversations/{conversation_id('+14155550101', '+12025550143')}")
    assert listed.status_code == 200, listed.text
    expect(row).to_contain_text(listed.json()["last_preview"])  # the seeded text, unless a test texted since
    row.click()
    conversation = panel.get_by_role("region", name=f"Conversation with {HELENE}")
    expect(conversation.get_by_role("list", name="Messages")).to_contain_text(SEEDED_TEXT)

    conversation.get_by_role("link", name="Open lead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HELENE)
    feed = page.get_by_role("region", name="Activity")
    feed.get_by_role("group", name="Filter by type").get_by_role("button", name="SMS").click()
    items = feed.get_by_role("list", name="Activities").locator(":scope > li")
    expect(items.filter(has_text=SEEDED_TEXT)).to_have_count(1)

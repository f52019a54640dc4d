"""Signing in (URL token, pasted token), signing out, and a 401 sending the user back to sign-in."""

from __future__ import annotations

import re

import pytest
from e2e_support import screenshot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_token_in_url_signs_in_and_is_removed_from_the_address(page: Page, token: str) -> None:
    page.goto(f"/leads#token={token}")

    expect(page.get_by_test_id("signed-in-rep")).to_contain_text("alice@northwind.example")
    expect(page.get_by_role("heading", name="Leads", level=1)).to_be_visible()
    assert "token" not in page.url
    assert page.evaluate("sessionStorage.getItem('commcenter.token')") == token


def test_pasting_a_token_signs_in_and_returns_to_the_asked_page(page: Page, token: str) -> None:
    page.goto("/contacts")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    screenshot(page, "sign-in")

    page.get_by_label("Dev token").fill("not-a-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not accepted")
    expect(page).to_have_url(re.compile(r"/sign-in$"))

    page.get_by_label("Dev token").fill(f"  {token}\n")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/contacts$"))
    expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text("Alice")


def test_sign_out_forgets_the_token(signed_in: Page) -> None:
    page = signed_in
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    assert page.evaluate("sessionStorage.getItem('commcenter.token')") is None
    page.goto("/deals")
    expect(page).to_have_url(re.compile(r"/sign-in$"))


def test_a_401_from_the_api_sends_back_to_sign_in_then_to_the_page(signed_in: Page, token: str) -> None:
    page = signed_in
    deals = page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals")
    # The dashboard has loaded (its first requests carried the good token) before the session
    # ends: otherwise those first requests are what the 401 comes from, and no page is open yet.
    expect(deals).to_be_visible()
    # The session ends (expired or revoked token) while the dashboard is open.
    page.evaluate("sessionStorage.setItem('commcenter.token', 'expired-token')")
    deals.click()

    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("status")).to_contain_text("session has ended")
    page.get_by_label("Dev token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/deals$"))


def test_a_token_link_opened_in_a_running_tab_signs_in(page: Page, token: str) -> None:
    page.goto("/deals")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.evaluate("token => { window.location.hash = 'token=' + token }", token)
    expect(page).to_have_url(re.compile(r"/deals$"))
    expect(page.get_by_test_id("signed-in-rep")).to_be_visible()


def test_a_forged_token_in_the_url_is_refused(page: Page) -> None:
    page.goto("/center/calls#token=forged")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_label("Dev token")).to_be_visible()

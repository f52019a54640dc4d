"""`commcenter screenshots`: the README's pictures of the product, taken from a fresh local stack.

A stack of its own (an empty data folder in a temporary directory, free ports, the demo data),
Chromium at a desktop's size and at a phone's, the pages a newcomer sees first. What the pictures
show is what the code does today: run it again when the dashboard changes, and commit them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commcenter_local.dev_auth import issue_token
from commcenter_local.stack import ROOT, LocalStack, StackOptions

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (`make system-deps`)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
DEFAULT_OUT = ROOT / "docs" / "screenshots"


@dataclass(frozen=True)
class Screen:
    """A browser's viewport: a desktop's, or a phone's (touch, twice as many pixels)."""

    name: str
    width: int
    height: int
    phone: bool


DESKTOP = Screen("desktop", 1440, 900, phone=False)
PHONE = Screen("phone", 390, 844, phone=True)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "screenshots", help="take the README's screenshots (desktop and phone) from a fresh local stack"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder of the PNG files (docs/screenshots)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not CHROMIUM.exists():
        print("Chromium is missing: run `make system-deps`")
        return 1
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="commcenter-screenshots-") as data_dir:
        options = StackOptions(port=0, data_dir=Path(data_dir), schedules=False, local_twilio=True)
        with LocalStack(options) as stack:
            from commcenter_local.demo_data import DEMO_REPS, seed_demo_data

            # The functions' log lines and metrics would bury the list of pictures.
            with open(os.devnull, "w") as quiet, redirect_stdout(quiet):
                seed_demo_data()
                token = issue_token(DEMO_REPS[0].email, stack.data_dir)
                taken = take_screenshots(stack.dashboard_url, token, out)
    for path in taken:
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


def take_screenshots(dashboard_url: str, token: str, out: Path) -> list[Path]:
    # Imported here: Playwright is a development package, and only this command needs it.
    from playwright.sync_api import Page, expect, sync_playwright

    taken: list[Path] = []

    def shoot(page: Page, screen: Screen, name: str, *, full_page: bool = False) -> None:
        path = out / f"{screen.name}-{name}.png"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="initial")
        taken.append(path)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for screen in (DESKTOP, PHONE):
                context = browser.new_context(
                    base_url=dashboard_url,
                    viewport={"width": screen.width, "height": screen.height},
                    device_scale_factor=2 if screen.phone else 1,
                    is_mobile=screen.phone,
                    has_touch=screen.phone,
                    locale="en-US",
                    timezone_id="America/New_York",
                )
                context.set_default_timeout(20_000)
                expect.set_options(timeout=20_000)
                page = context.new_page()
                page.goto(f"/#token={token}")
                expect(page.get_by_test_id("signed-in-rep")).to_be_visible()

                # The communication center's SMS tab, then the demo's conversation opened in it.
                page.goto("/center/sms")
                conversations = page.get_by_role("region", name="Matched conversations")
                first = conversations.get_by_role("button").first
                expect(first).to_be_visible()
                shoot(page, screen, "center-sms")
                first.click()
                expect(first).to_have_attribute("aria-expanded", "true")
                conversation = page.get_by_role("region", name="Conversation with Hélène Durand")
                expect(conversation).to_contain_text("move the demo to Thursday")
                shoot(page, screen, "conversation")

                page.goto("/center/calls")
                expect(page.get_by_role("tabpanel")).to_contain_text("Marcus")
                shoot(page, screen, "calls")

                # Folders: the Inbox of every channel, the demo's SMS conversation open on its page.
                page.goto("/folders/inbox")
                row = page.locator('[data-testid="folder-row"][data-channel="sms"]').filter(has_text="Hélène Durand")
                row.locator(".folder-row-open").click()
                opened = page.get_by_role("region", name="Open conversation")
                expect(opened.get_by_role("list", name="Messages")).to_contain_text("move the demo to Thursday")
                shoot(page, screen, "folders")

                # A lead's page: details, deals and the feed of every channel.
                page.goto("/records/lead-helene")
                expect(page.get_by_role("heading", level=1)).to_contain_text("Hélène")
                expect(page.locator("main")).to_contain_text("Discovery call")
                shoot(page, screen, "record")

                if screen.phone:
                    page.get_by_role("button", name="Menu").click()
                    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
                    shoot(page, screen, "menu")
                context.close()
        finally:
            browser.close()
    return taken

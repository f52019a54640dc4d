"""Recordings play locally: the demo's voicemail, already in the local bucket, and a voicemail
the simulator leaves, copied from the local stand-in of Twilio's API. Chromium decodes them:
their duration is known once their metadata is loaded."""

from __future__ import annotations

import pytest
from e2e_support import Api, CallFrom, calling_lead, fictional_caller, screenshot, tag
from playwright.sync_api import Locator, Page, expect

from commcenter_local.twilio_stand_in import TwilioStandIn

pytestmark = pytest.mark.browser

# The seconds of speech in `voicemail.mp3` (about five): a file Chromium could not decode has no duration.
SPOKEN_SECONDS = 4.0


def seconds_of(player: Locator) -> float:
    """The audio element's duration once its metadata is loaded; an error when Chromium cannot
    decode what it was given, or has not loaded it within ten seconds."""
    duration: float = player.evaluate(
        """(audio) => new Promise((resolve, reject) => {
          const refuse = (why) => reject(new Error(why));
          if (audio.error) { refuse("cannot decode: " + audio.error.code); return; }
          if (audio.readyState >= 1) { resolve(audio.duration); return; }
          audio.addEventListener("loadedmetadata", () => resolve(audio.duration), { once: true });
          audio.addEventListener("error", () => refuse("cannot decode: " + audio.error?.code), { once: true });
          setTimeout(() => refuse("no metadata after 10 s"), 10000);
        })"""
    )
    return duration


def test_the_demo_voicemail_plays_on_the_callers_record(signed_in: Page) -> None:
    page = signed_in
    page.goto("/records/lead-marcus")
    call = page.get_by_role("list", name="Activities").locator("[data-type=call]").filter(has_text="Voicemail")
    call.get_by_role("button", name="Play voicemail").click()
    player = call.get_by_label("Voicemail", exact=True)
    expect(player).to_be_visible()
    assert seconds_of(player) > SPOKEN_SECONDS
    screenshot(page, "record-demo-voicemail", full_page=False)


def test_a_simulated_voicemail_copied_from_twilio_plays(
    signed_in: Page, api: Api, call_from: CallFrom, twilio_api: TwilioStandIn
) -> None:
    number = fictional_caller(api)
    lead = calling_lead(api, f"Heard{tag()}", number)
    call_from(number, "voicemail")
    page = signed_in
    page.goto(f"/records/{lead['id']}")
    call = page.get_by_role("list", name="Activities").locator("[data-type=call]")
    call.get_by_role("button", name="Play voicemail").click()
    player = call.get_by_label("Voicemail", exact=True)
    expect(player).to_be_visible()
    assert seconds_of(player) > SPOKEN_SECONDS

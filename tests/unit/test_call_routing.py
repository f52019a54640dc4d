"""Where an incoming call goes, and how call statuses order: the rules, without I/O."""

from __future__ import annotations

import pytest

from commcenter.domain.calls import (
    DEFAULT_GREETING,
    Route,
    VoiceSettings,
    call_status_rank,
    is_missed,
    route_after_dial,
    route_incoming,
)

WITH_FORWARDING = VoiceSettings.of("+14155550199", {})
NO_FORWARDING = VoiceSettings.of(None, {})
NO_VOICEMAIL = VoiceSettings.of(None, {"voicemail": False})


@pytest.mark.parametrize(
    ("online", "on_call", "settings", "expected"),
    [
        (True, False, WITH_FORWARDING, Route("ring_browser")),
        # Already on a call: busy, not away (C5), so no forwarding.
        (True, True, WITH_FORWARDING, Route("voicemail")),
        (False, False, WITH_FORWARDING, Route("forward", "+14155550199")),
        (False, False, NO_FORWARDING, Route("voicemail")),
        (False, False, NO_VOICEMAIL, Route("unavailable")),
        (True, True, NO_VOICEMAIL, Route("unavailable")),
    ],
)
def test_incoming_routes(online: bool, on_call: bool, settings: VoiceSettings, expected: Route) -> None:
    assert route_incoming(online=online, on_call=on_call, settings=settings) == expected


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed", "canceled"])
def test_after_an_unanswered_dial_the_next_fallback(status: str) -> None:
    assert route_after_dial("browser", status, WITH_FORWARDING) == Route("forward", "+14155550199")
    assert route_after_dial("forward", status, WITH_FORWARDING) == Route("voicemail")  # forwarding only once
    assert route_after_dial("browser", status, NO_VOICEMAIL) == Route("unavailable")


@pytest.mark.parametrize("status", ["no-answer", "busy", "canceled"])
def test_a_declined_call_skips_the_forwarding_number(status: str) -> None:
    assert route_after_dial("browser", status, WITH_FORWARDING, declined=True) == Route("voicemail")
    assert route_after_dial("browser", status, NO_VOICEMAIL, declined=True) == Route("unavailable")
    assert route_after_dial("browser", "completed", WITH_FORWARDING, declined=True) == Route("done")


def test_an_answered_dial_is_the_end() -> None:
    assert route_after_dial("browser", "completed", WITH_FORWARDING) == Route("done")
    assert route_after_dial("forward", "completed", NO_VOICEMAIL) == Route("done")


def test_settings_defaults_and_greeting() -> None:
    assert NO_FORWARDING.voicemail is True and NO_FORWARDING.recording is False
    assert NO_FORWARDING.greeting == DEFAULT_GREETING
    assert VoiceSettings.of(None, {"voicemail_greeting": "  "}).greeting == DEFAULT_GREETING
    assert VoiceSettings.of("", {"voicemail_greeting": "Hi, Dana here."}).greeting == "Hi, Dana here."


def test_status_ranks_and_missed() -> None:
    order = ["queued", "initiated", "ringing", "in-progress", "completed"]
    assert [call_status_rank(s) for s in order] == sorted(call_status_rank(s) for s in order)
    assert call_status_rank("no-answer") == call_status_rank("completed")
    assert call_status_rank("something-new") == -1
    assert is_missed("inbound", None) and not is_missed("inbound", "browser") and not is_missed("outbound", None)

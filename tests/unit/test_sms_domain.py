"""SMS rules: segments as carriers count them, opt-out keywords as Twilio reads them, status ranks."""

from __future__ import annotations

import re

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.sms import (
    STATUS_RANK,
    ConversationState,
    OptOut,
    conversation_id,
    count_segments,
    keyword_of,
    opt_out_of,
    opted_out_refusal,
    status_rank,
    unread_deltas,
    with_message,
)


@pytest.mark.parametrize(
    ("body", "segments", "encoding"),
    [
        ("", 1, "GSM-7"),
        ("a" * 160, 1, "GSM-7"),
        ("a" * 161, 2, "GSM-7"),
        ("a" * 306, 2, "GSM-7"),
        ("a" * 307, 3, "GSM-7"),
        ("€" * 80, 1, "GSM-7"),  # extension characters cost two septets
        ("€" * 81, 2, "GSM-7"),
        ("ç" * 70, 1, "UCS-2"),  # GSM-7 has Ç, not ç
        ("ć" * 70, 1, "UCS-2"),
        ("ć" * 71, 2, "UCS-2"),
        ("😀" * 35, 1, "UCS-2"),
        ("😀" * 36, 2, "UCS-2"),
        ("a" * 66 + "😀", 1, "UCS-2"),  # 68 UTF-16 units fit one SMS ...
        ("a" * 69 + "😀", 2, "UCS-2"),  # ... 71 need two
        ("a" * 66 + "😀" + "a" * 66, 3, "UCS-2"),  # the emoji does not fit in part one's 67th unit: 66|2+65|1
    ],
)
def test_segments(body: str, segments: int, encoding: str) -> None:
    counted = count_segments(body)
    assert (counted.segments, counted.encoding) == (segments, encoding)
    assert counted.characters == len(body)


@given(st.text(alphabet="abc€😀ć", max_size=400))
def test_more_text_never_needs_fewer_segments(body: str) -> None:
    before, after = count_segments(body), count_segments(body + "a")
    assert after.encoding == before.encoding
    assert after.segments >= before.segments


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("STOP", ("STOP", "opt_out")),
        ("  stop \n", ("STOP", "opt_out")),
        ("Unsubscribe", ("UNSUBSCRIBE", "opt_out")),
        ("optout", ("OPTOUT", "opt_out")),
        ("start", ("START", "opt_in")),
        ("Yes", ("YES", "opt_in")),
        ("UNSTOP", ("UNSTOP", "opt_in")),
        ("help", ("HELP", "help")),
        ("info", ("INFO", "help")),
        ("stop please", None),
        ("STOP!", None),
        ("", None),
    ],
)
def test_keywords(body: str, expected: tuple[str, str] | None) -> None:
    assert keyword_of(body) == expected


def test_status_ranks_never_let_a_late_callback_regress() -> None:
    order = ["pending", "sandbox", "queued", "sending", "sent", "delivered", "read"]
    assert [status_rank(s) for s in order] == sorted(status_rank(s) for s in order)
    assert status_rank("failed") < status_rank("delivered")
    assert status_rank("something-new") < min(STATUS_RANK.values())


def conversation() -> ConversationState:
    return ConversationState(
        id="c",
        rep_id="r",
        rep_number="+1",
        remote_number="+2",
        handle="phone:+2",
        record_id=None,
        section="unmatched",
        last_at="2026-11-25T10:00:00.000Z",
        last_preview="old",
        last_direction="inbound",
        unread=2,
    )


def test_a_late_message_counts_but_does_not_become_the_last_one() -> None:
    late = with_message(conversation(), at="2026-11-25T09:00:00.000Z", preview="late", direction="inbound")
    assert (late.unread, late.last_preview, late.last_at, late.version) == (3, "old", "2026-11-25T10:00:00.000Z", 1)
    reply = with_message(late, at="2026-11-25T11:00:00.000Z", preview="reply", direction="outbound")
    assert (reply.unread, reply.last_preview, reply.last_direction) == (0, "reply", "outbound")


def test_unread_counters_move_by_what_the_conversation_changes() -> None:
    before = conversation()  # unmatched, 2 unread
    after = with_message(before, at="2026-11-25T11:00:00.000Z", preview="new", direction="inbound")
    assert unread_deltas(None, before) == {"sms#unmatched#unread": 2}
    assert unread_deltas(before, after) == {"sms#unmatched#unread": 1}
    matched = msgspec.structs.replace(after, section="matched", record_id="R1")
    assert unread_deltas(after, matched) == {"sms#unmatched#unread": -3, "sms#matched#unread": 3}
    assert unread_deltas(matched, msgspec.structs.replace(matched, section="ignored")) == {"sms#matched#unread": -3}
    assert unread_deltas(before, None) == {"sms#unmatched#unread": -2}


def test_each_sender_has_its_own_conversation() -> None:
    assert conversation_id("+14155550101", "+13125550123") == "sms-14155550101-13125550123"
    alphanumeric = {conversation_id("+14155550101", s) for s in ("acme-bank", "acme bank", "acmebank", "acme_bank")}
    assert len(alphanumeric) == 4
    assert all(re.fullmatch(r"sms-14155550101-a[0-9a-f]{24}", c) for c in alphanumeric)
    assert conversation_id("+14155550102", "acme-bank") != conversation_id("+14155550101", "acme-bank")


@given(st.text(min_size=1, max_size=11))
def test_a_conversation_id_is_url_safe_whatever_the_sender(sender: str) -> None:
    assert re.fullmatch(r"sms-[0-9]+-[0-9a-f]+", conversation_id("+14155550101", sender))


def test_opt_out_keywords_become_the_team_opt_out_and_help_changes_nothing() -> None:
    at = "2026-11-25T10:00:00.000Z"
    stop = opt_out_of(" stop ", "+13125550123", "+14155550101", at)
    assert stop == OptOut(number="+13125550123", opted_out=True, keyword="STOP", team_number="+14155550101", at=at)
    assert opt_out_of("Unstop", "+13125550123", "+14155550102", at) == OptOut(
        number="+13125550123", opted_out=False, keyword="UNSTOP", team_number="+14155550102", at=at
    )
    assert opt_out_of("HELP", "+13125550123", "+14155550101", at) is None
    assert opt_out_of("stop please", "+13125550123", "+14155550101", at) is None
    refusal = opted_out_refusal(stop, "US")
    assert refusal.startswith("(312) 555-0123 opted out of the team's texts (replied STOP to (415) 555-0101 on ")
    assert "START" in refusal
    abroad = opted_out_refusal(msgspec.structs.replace(stop, number="+33612345678"), "US")
    assert abroad.startswith("+33 6 12 34 56 78 opted out")

"""SMS rules: segments as carriers count them, opt-out keywords as Twilio reads them, status ranks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.sms import (
    STATUS_RANK,
    ConversationState,
    conversation_id,
    count_segments,
    keyword_of,
    status_rank,
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


def test_conversation_ids_are_url_safe_and_one_per_pair() -> None:
    assert conversation_id("+14155550101", "+33612345678") == "sms-14155550101-33612345678"
    assert conversation_id("+14155550101", "VERIFY-ME") == "sms-14155550101-VERIFY_ME"


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
    late = with_message(conversation(), sid="SM1", at="2026-11-25T09:00:00.000Z", preview="late", direction="inbound")
    assert (late.unread, late.last_preview, late.last_at, late.version) == (3, "old", "2026-11-25T10:00:00.000Z", 1)
    reply = with_message(late, sid=None, at="2026-11-25T11:00:00.000Z", preview="reply", direction="outbound")
    assert (reply.unread, reply.last_preview, reply.last_direction) == (0, "reply", "outbound")


def test_only_the_last_few_messages_are_remembered_with_their_keys() -> None:
    state = conversation()
    for n in range(20):
        state = with_message(state, sid=f"SM{n}", at=state.last_at, preview="x", direction="inbound", key=f"k{n}")
    assert state.recent_messages == [f"SM{n} k{n}" for n in range(16, 20)]
    assert state.stored_key_of("SM19") == "k19" and state.stored_key_of("SM3") is None

"""Log lines never carry a whole phone number or email address: the one logger masks them."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.sms import conversation_id
from commcenter.observability import logger, mask_personal_data

E164_DIGITS = st.from_regex(r"[1-9][0-9]{6,14}", fullmatch=True)
HEX = "0123456789abcdef"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the one logger writes, as written."""
    handler = logger.registered_handler
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]


def test_numbers_and_addresses_keep_only_what_tells_them_apart() -> None:
    assert mask_personal_data("+14155550101") == "+1415***01"
    assert mask_personal_data("phone:+33612345678") == "phone:+3361***78"
    assert mask_personal_data("a call from +1 (415) 555-0101.") == "a call from +1415***01."
    assert mask_personal_data("email:ann.lee@example.com") == "email:a***@example.com"
    assert mask_personal_data("<Bruno.Costa@northwind.example>") == "<B***@northwind.example>"
    assert mask_personal_data("sms-14155550101-12025550143") == "sms-1415***01-1202***43"


BEFORE = st.sampled_from(["", "to ", "phone:", "STOP sent to ", '"'])
AFTER = st.sampled_from(["", ".", " ok", '"'])


@given(E164_DIGITS, BEFORE, AFTER)
def test_no_whole_number_survives(digits: str, before: str, after: str) -> None:
    masked = mask_personal_data(f"{before}+{digits}{after}")
    assert digits not in masked
    assert masked.startswith(before) and masked.endswith(after)
    hidden = len(digits) - len(masked.removeprefix(before).removesuffix(after).replace("***", "")) + 1
    assert hidden >= 5  # at least five digits of any number stay hidden
    assert mask_personal_data(masked) == masked  # masking twice changes nothing


@given(st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}", fullmatch=True), st.sampled_from(["example.com", "acme.co.uk"]))
def test_no_whole_address_survives(local: str, domain: str) -> None:
    masked = mask_personal_data(f"from {local}@{domain}:")
    assert masked == f"from {local[0]}***@{domain}:"


@given(st.text(alphabet=HEX, min_size=32, max_size=32), st.sampled_from(["SM", "MM", "CA", "RE", "AC"]))
def test_identifiers_are_left_alone(hex_digits: str, prefix: str) -> None:
    for identifier in (
        prefix + hex_digits,
        str(uuid.UUID(hex=hex_digits)),
        f"1-{hex_digits[:8]}-{hex_digits[8:]}",  # an X-Ray trace id
        "01J9ZK3R5Q8XW0000000000000",  # a ULID
        "2026-11-25T09:30:00.000Z#01J9ZK3R5Q8XW0000000000000",
        "2026-11-25 09:30:00,000+0000",
    ):
        assert mask_personal_data(identifier) == identifier


def test_the_logger_masks_messages_extra_keys_and_exceptions(log_lines: io.StringIO) -> None:
    remote, team = "+13125550123", "+14155550101"
    logger.warning(
        f"sending to {remote} was refused",
        extra={
            "to": remote,
            "detail": f"{remote} sent STOP to {team} on 2026-11-25",
            "handle": "email:helene.durand@acme.example",
            "conversation_id": conversation_id(team, remote),
        },
    )
    try:
        raise ValueError(f"not a valid phone number: {remote!r}")
    except ValueError:
        logger.exception("unhandled error")
    written = log_lines.getvalue()
    lines = [json.loads(line) for line in written.splitlines()]
    assert lines[0]["to"] == "+1312***23" and lines[0]["handle"] == "email:h***@acme.example"
    assert lines[0]["detail"] == "+1312***23 sent STOP to +1415***01 on 2026-11-25"
    assert lines[0]["conversation_id"] == "sms-1415***01-1312***23"
    assert "+1312***23" in lines[1]["exception"]
    for secret in ("3125550123", "4155550101", "helene.durand", "durand@"):
        assert secret not in written

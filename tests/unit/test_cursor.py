"""Page cursors are opaque, round-trip exactly, and a forged one, or another list's, is a clear 400."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from commcenter.data.base import decode_cursor, encode_cursor
from commcenter.errors import ValidationError

KEYS = frozenset({"owner", "sk"})


@given(st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=60))
def test_cursors_round_trip(owner: str, sk: str) -> None:
    key = {"owner": {"S": owner}, "sk": {"S": sk}}
    assert decode_cursor(encode_cursor(key), KEYS, partition=("owner", owner)) == key


def test_no_key_means_no_next_page() -> None:
    assert encode_cursor(None) is None
    assert decode_cursor(None, KEYS, partition=("owner", "rec#1")) is None


@pytest.mark.parametrize(
    "bad",
    [
        "not base64 at all!",
        "e30",  # {}
        encode_cursor({"owner": {"S": "x"}}),  # a key of another index
        encode_cursor({"owner": {"N": "1"}, "sk": {"S": "x"}}),
        "W10",  # []
    ],
)
def test_forged_cursors_are_refused(bad: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_cursor(bad, KEYS, partition=("owner", "x"))
    assert caught.value.fields == {"cursor": "malformed"}


@given(st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=60))
def test_a_cursor_of_another_partition_is_refused(owner: str, other: str, sk: str) -> None:
    """Another rep's list, another record's feed: the cursor is valid, but not of this list."""
    assume(other != owner)
    cursor = encode_cursor({"owner": {"S": other}, "sk": {"S": sk}})
    with pytest.raises(ValidationError) as caught:
        decode_cursor(cursor, KEYS, partition=("owner", owner))
    assert caught.value.fields == {"cursor": "another list's"}

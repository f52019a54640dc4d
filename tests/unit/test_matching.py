"""Matching a remote address to its record: every way of writing it finds the same record."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.handles import Handle, HandleState
from commcenter.errors import ValidationError
from commcenter.matching.match import match_contact, remote_handle

KNOWN = {
    Handle("phone", "+14155550142"): HandleState(Handle("phone", "+14155550142"), "lead-1", False, False),
    Handle("email", "ann@acme.example"): HandleState(Handle("email", "ann@acme.example"), "contact-2", False, False),
    Handle("phone", "+14155550143"): HandleState(Handle("phone", "+14155550143"), None, True, False),
}


def directory(handle: Handle) -> HandleState | None:
    return KNOWN.get(handle)


@given(
    st.sampled_from(["+1 415 555 0142", "(415) 555-0142", "415.555.0142", "14155550142", " +14155550142 "]),
)
def test_any_writing_of_a_known_number_matches_its_record(written: str) -> None:
    match = match_contact(written, "US", directory)
    assert match.matched and match.record_id == "lead-1"


@given(st.sampled_from(["ann@acme.example", "ANN@Acme.Example", "<ann@acme.example>", " Ann@ACME.example "]))
def test_any_casing_of_a_known_address_matches_its_record(written: str) -> None:
    assert match_contact(written, "US", directory).record_id == "contact-2"


@given(st.integers(min_value=0, max_value=99).filter(lambda n: n not in (42, 43)))
def test_unknown_numbers_are_unmatched_and_keyed_by_their_handle(n: int) -> None:
    match = match_contact(f"+1415555{n + 100:04d}"[:12], "US", directory)
    assert not match.matched
    assert match.handle.key.startswith("phone:+1415555")


def test_an_ignored_number_says_so() -> None:
    match = match_contact("+1 415 555 0143", "US", directory)
    assert not match.matched and match.ignored


@pytest.mark.parametrize("caller", ["anonymous", "Restricted", "client:alice", "sip:bob@pbx.example", "", "hello"])
def test_what_is_not_a_person_is_never_matched(caller: str) -> None:
    with pytest.raises(ValidationError):
        remote_handle(caller, "US")

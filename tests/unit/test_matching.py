"""The handle a remote address is kept under: every way of writing it gives the same handle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.handles import Handle
from commcenter.errors import ValidationError
from commcenter.matching.match import remote_handle, sender_handle


@given(
    st.sampled_from(["+1 415 555 0142", "(415) 555-0142", "415.555.0142", "14155550142", " +14155550142 "]),
)
def test_any_writing_of_a_number_gives_its_one_handle(written: str) -> None:
    assert remote_handle(written, "US") == Handle("phone", "+14155550142")


@given(st.sampled_from(["ann@acme.example", "ANN@Acme.Example", "<ann@acme.example>", " Ann@ACME.example "]))
def test_any_casing_of_an_address_gives_its_one_handle(written: str) -> None:
    assert remote_handle(written, "US") == Handle("email", "ann@acme.example")


@pytest.mark.parametrize("caller", ["anonymous", "Restricted", "client:alice", "sip:bob@pbx.example", "", "hello"])
def test_what_is_not_a_person_is_never_matched(caller: str) -> None:
    with pytest.raises(ValidationError):
        remote_handle(caller, "US")


@pytest.mark.parametrize(("sender", "kept_as"), [("Anonymous", "anonymous"), ("ACME", "acme"), ("  ", "unknown")])
def test_a_sender_that_is_not_a_person_is_kept_as_it_came(sender: str, kept_as: str) -> None:
    assert sender_handle(sender, "US") == Handle("phone", kept_as)

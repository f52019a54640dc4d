"""Normalising phone numbers and email addresses: the keys every match depends on."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commcenter.domain.handles import Handle, normalize_email, normalize_phone, phone_handle
from commcenter.errors import ValidationError

US_NUMBERS = st.integers(min_value=0, max_value=99).map(lambda n: f"+1415555{n:04d}")


@pytest.mark.parametrize(
    ("typed", "region", "expected"),
    [
        ("(415) 555-0101", "US", "+14155550101"),
        ("415.555.0101", "US", "+14155550101"),
        ("+1 415 555 0101", "FR", "+14155550101"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "US", "+33612345678"),
        ("0033612345678", "FR", "+33612345678"),
    ],
)
def test_phone_numbers_typed_by_people_become_e164(typed: str, region: str, expected: str) -> None:
    assert normalize_phone(typed, region) == expected


@pytest.mark.parametrize("bad", ["", "   ", "hello", "12", "+1 000 000 0000", "1" * 41, "anonymous", "client:alice"])
def test_what_is_not_a_phone_number_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        normalize_phone(bad, "US")


@given(US_NUMBERS, st.sampled_from(["{}", "  {}  ", "{} "]))
def test_normalising_is_idempotent_and_ignores_spacing(number: str, template: str) -> None:
    once = normalize_phone(template.format(number), "US")
    assert normalize_phone(once, "US") == once
    assert phonenumbers.is_valid_number(phonenumbers.parse(once))


@given(
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["({a}) {b}-{c}", "{a}-{b}-{c}", "{a} {b} {c}", "1{a}{b}{c}"]),
)
def test_every_way_of_writing_one_number_gives_one_handle(n: int, layout: str) -> None:
    written = layout.format(a="415", b="555", c=f"{n:04d}")
    assert phone_handle(written, "US") == Handle("phone", f"+1415555{n:04d}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ann@Example.COM", "ann@example.com"),
        ("  <ann@example.com> ", "ann@example.com"),
        ("ann+tag@sub.example.co.uk", "ann+tag@sub.example.co.uk"),
        ("léa@bücher.example", "léa@xn--bcher-kva.example"),
    ],
)
def test_email_addresses_are_folded_to_one_form(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "a b@example.com",
        "ann@-bad-.com",
        "ann@exa_mple.com",
    ],
)
def test_what_is_not_an_email_address_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        normalize_email(bad)


@settings(max_examples=200)
@given(
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,10}\.(com|org|example|fr)", fullmatch=True),
)
def test_email_normalisation_is_idempotent_and_case_blind(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    normal = normalize_email(address.upper())
    assert normal == normalize_email(normal) == address.lower()


@given(st.sampled_from(["phone", "email"]), st.text(min_size=1, max_size=30).filter(lambda s: ":" not in s))
def test_handle_keys_round_trip(kind: str, value: str) -> None:
    handle = Handle(kind, value)  # type: ignore[arg-type]
    assert Handle.from_key(handle.key) == handle


@pytest.mark.parametrize("bad", ["", "phone", "fax:+1", "phone:", "+14155550101"])
def test_malformed_handle_keys_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        Handle.from_key(bad)

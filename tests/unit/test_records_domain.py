"""What a valid record is, and the search terms it is found under."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.records import (
    MAX_ADDRESS_TERMS,
    Address,
    Email,
    Phone,
    Record,
    RecordInput,
    display_name,
    erase_after,
    finds,
    may_reassign_or_delete,
    record_handles,
    search_query_terms,
    search_terms,
    trash_cutoff,
    validate_fields,
)
from commcenter.domain.reps import Rep
from commcenter.domain.text import fold
from commcenter.errors import ValidationError


def lead(**changes: object) -> RecordInput:
    fields: dict[str, object] = {"kind": "lead", "first_name": "Hélène", "last_name": "Durand"}
    fields.update(changes)
    return RecordInput(**fields)  # type: ignore[arg-type]


def test_a_lead_is_normalised_and_gets_the_default_status() -> None:
    clean = validate_fields(
        "lead",
        lead(phones=[Phone(number="(202) 555-0143")], emails=[Email(address=" Helene@ACME.example ")]),
        "US",
    )
    assert clean.status == "new"
    assert [p.number for p in clean.phones] == ["+12025550143"]
    assert [e.address for e in clean.emails] == ["helene@acme.example"]


def test_every_problem_of_a_record_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_fields(
            "lead",
            lead(last_name="", status="won", phones=[Phone(number="nope")], emails=[Email(address="x@")]),
            "US",
        )
    assert set(caught.value.fields) == {"last_name", "status", "phones.0.number", "emails.0.address"}


def test_a_number_listed_twice_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_fields(
            "contact",
            lead(kind="contact", phones=[Phone(number="2025550143"), Phone(number="+1 202 555 0143")]),
            "US",
        )
    assert "phones.1.number" in caught.value.fields


def test_a_company_needs_a_company_name_not_a_last_name() -> None:
    company = RecordInput(kind="contact", is_company=True, company_name="Stark Industries")
    assert display_name("contact", validate_fields("contact", company, "US")) == "Stark Industries"
    with pytest.raises(ValidationError):
        validate_fields("contact", RecordInput(kind="contact", is_company=True), "US")


@pytest.mark.parametrize(("amount", "expected"), [("12000", "12000.00"), ("0.5", "0.50"), ("", ""), ("1e3", "1000.00")])
def test_deal_amounts_are_kept_as_exact_decimals(amount: str, expected: str) -> None:
    deal = validate_fields("deal", RecordInput(kind="deal", name="Pilot", amount=amount, currency="eur"), "US")
    assert deal.amount == expected
    assert deal.currency == "EUR"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"currency": "euro"}, "currency"),
        ({"expected_close": "31/12/2026"}, "expected_close"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_deal_fields_are_named(changes: dict[str, str], field: str) -> None:
    fields: dict[str, object] = {"kind": "deal", "name": "Pilot", **changes}
    with pytest.raises(ValidationError) as caught:
        validate_fields("deal", RecordInput(**fields), "US")  # type: ignore[arg-type]
    assert field in caught.value.fields


def test_search_terms_cover_names_company_email_and_phone_digits() -> None:
    clean = validate_fields(
        "lead",
        lead(
            company_name="Acme Corp",
            phones=[Phone(number="+12025550143")],
            emails=[Email(address="helene@acme.example")],
        ),
        "US",
    )
    terms = search_terms("lead", clean)
    assert {"helene", "durand", "helene durand", "acme", "corp", "acme corp"} <= terms
    assert {"helene@acme.example", "12025550143", "2025550143"} <= terms
    assert record_handles(clean) == {h for h in record_handles(clean)}
    assert {h.key for h in record_handles(clean)} == {"phone:+12025550143", "email:helene@acme.example"}


def test_search_terms_cover_the_address_capped() -> None:
    fields = lead(address=Address(line1="12 rue de l'Église", city="Saint-Étienne", postal_code="42 000"))
    terms = search_terms("lead", validate_fields("lead", fields, "FR"))
    assert {"12", "rue", "de", "eglise", "saint", "etienne", "42000"} <= terms
    long_street = lead(address=Address(line1=" ".join(f"word{i}" for i in range(40)), city="Lyon"))
    address_words = search_terms("lead", long_street) - search_terms("lead", lead())
    assert len(address_words) == MAX_ADDRESS_TERMS


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Hél", ["hel"]),
        ("helene  DUR", ["helene", "dur"]),
        ("(202) 555-01", ["20255501"]),
        ("+1 202 555", ["1202555"]),
        ("Helene@Acme", ["helene@acme"]),
    ],
)
def test_search_box_entries_become_folded_terms(typed: str, terms: list[str]) -> None:
    assert search_query_terms(typed) == terms


def helene_terms() -> set[str]:
    return search_terms("lead", validate_fields("lead", lead(phones=[Phone(number="+12025550143")]), "US"))


@pytest.mark.parametrize("typed", ["0143", "555-0143", "5550143", "(202) 555-0143", "+1 202 555 0143", "202555"])
def test_a_number_is_found_by_its_first_digits_or_its_last_four_or_more(typed: str) -> None:
    (word,) = search_query_terms(typed)
    assert finds(word, helene_terms())


@pytest.mark.parametrize("typed", ["014", "43", "0144", "5550144", "5550"])
def test_fewer_than_four_last_digits_or_other_digits_do_not_find_a_number(typed: str) -> None:
    """Three digits are not a suffix search (too many numbers end with them), and a number
    ending otherwise, or digits from its middle, are not found."""
    (word,) = search_query_terms(typed)
    assert not finds(word, helene_terms())


def test_only_phone_numbers_are_found_by_their_last_digits() -> None:
    """A postal code, an email address or a word is found by its beginning only, whatever it holds."""
    fields = lead(
        last_name="Durand3410",
        emails=[Email(address="3410@acme.example")],
        address=Address(postal_code=":3410", line1="3410 Main Street"),
    )
    terms = search_terms("lead", validate_fields("lead", fields, "US"))
    assert not finds("0143", terms)
    assert finds("3410", terms)


def test_a_record_with_every_number_and_address_replaced_fits_one_transaction() -> None:
    """DynamoDB takes at most 100 items in a transaction; replacing a record's every number,
    address, address word and name at once removes its terms, puts the new ones and moves its
    claims: the record, both sets of terms and 20 claims must fit."""

    def largest(seed: int) -> set[str]:
        fields = lead(
            first_name=f"Firstname{seed}",
            last_name=f"Lastname{seed}",
            company_name=f"Company{seed} Holdings{seed}",
            phones=[Phone(number=f"+1202555{seed}{i:03d}") for i in range(5)],
            emails=[Email(address=f"person{i}.{seed}@example{seed}.com") for i in range(5)],
            address=Address(line1=" ".join(f"street{seed}word{i}" for i in range(12)), city=f"City{seed}"),
        )
        return search_terms("lead", validate_fields("lead", fields, "US"))

    before, after = largest(1), largest(2)
    assert not before & after
    assert 1 + len(before) + len(after) + 2 * (5 + 5) <= 100


@given(st.text(max_size=40))
def test_folding_is_idempotent_and_case_blind(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert fold(text.upper()) == fold(text.lower()) or not text.isascii()


def stored(owner_id: str) -> Record:
    return Record(
        kind="lead",
        last_name="Durand",
        owner_id=owner_id,
        id="r1",
        display_name="Durand",
        created_at="2026-11-01T00:00:00.000Z",
        updated_at="2026-11-01T00:00:00.000Z",
        version=1,
    )


def test_only_the_owner_or_an_admin_reassigns_or_deletes() -> None:
    owner, colleague = Rep(id="rep-b", name="B", email="b@x.example"), Rep(id="rep-c", name="C", email="c@x.example")
    admin = Rep(id="rep-a", name="A", email="a@x.example", role="admin")
    assert may_reassign_or_delete(owner, stored("rep-b"))
    assert not may_reassign_or_delete(colleague, stored("rep-b"))
    assert may_reassign_or_delete(admin, stored("rep-b"))
    assert not may_reassign_or_delete(colleague, stored(""))  # nobody's: an admin's to give
    assert may_reassign_or_delete(admin, stored(""))


def test_the_trash_keeps_a_record_thirty_days() -> None:
    assert erase_after("2026-11-25T09:30:00.000Z") == "2026-12-25T09:30:00.000Z"
    cutoff = trash_cutoff(datetime(2026, 12, 25, 9, 30, tzinfo=UTC))
    assert cutoff == "2026-11-25T09:30:00.000Z"
    # Deleted exactly 30 days ago: its sort key `{deleted_at}#{id}` is not below the cutoff yet.
    just_expired, not_yet = "2026-11-25T09:29:59.999Z#01ABC", "2026-11-25T09:30:00.000Z#01ABC"
    assert just_expired < cutoff <= not_yet

"""Leads, contacts and deals: what a valid record is, its display name and its search terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

import msgspec

from commcenter.domain.clock import parse_iso, to_iso
from commcenter.domain.handles import Handle, national_digits, normalize_email, normalize_phone
from commcenter.domain.reps import Rep
from commcenter.domain.text import digits, fold, words
from commcenter.errors import ValidationError

RecordKind = Literal["lead", "contact", "deal"]
DealStage = Literal["open", "won", "lost"]

RECORD_KINDS: tuple[RecordKind, ...] = ("lead", "contact", "deal")
STATUSES: dict[str, tuple[str, ...]] = {
    "lead": ("new", "working", "qualified", "unqualified"),
    "contact": ("active", "inactive"),
}
DEFAULT_STATUS = {"lead": "new", "contact": "active"}
# Five of each keeps the largest change of a record (every number, address and search term
# replaced) inside one DynamoDB transaction's 100 items.
MAX_PHONES = 5
MAX_EMAILS = 5
MAX_ADDRESS_TERMS = 8
MAX_TEXT = 200
# A number is also found by its last digits, as in any phone book: its digits reversed, behind
# a mark no other term begins with, so that a prefix of the reversed digits is a suffix of the
# number. Four digits at least: fewer end far too many numbers.
SUFFIX_MARK = ":"
MIN_SUFFIX_DIGITS = 4
# Which derivation of the terms the code writes (2: numbers by their last digits too). A table
# indexed by an older one is re-indexed (`commcenter.services.search_index`).
SEARCH_TERMS_VERSION = 2
# A deleted record waits this long in the trash, where an admin can restore it, before it is erased.
TRASH_DAYS = 30
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MONEY_CENTS = Decimal("0.01")


class Phone(msgspec.Struct, forbid_unknown_fields=True):
    number: str
    label: str = "work"


class Email(msgspec.Struct, forbid_unknown_fields=True):
    address: str
    label: str = "work"


class Address(msgspec.Struct, forbid_unknown_fields=True):
    line1: str = ""
    line2: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""


class RecordFields(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Everything a user may set on a record. Deal fields are ignored on people and vice versa."""

    is_company: bool = False
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    title: str = ""
    phones: list[Phone] = []
    emails: list[Email] = []
    address: Address = msgspec.field(default_factory=Address)
    status: str = ""
    owner_id: str = ""
    source: str = "manual"
    name: str = ""
    amount: str = ""
    currency: str = ""
    stage: DealStage = "open"
    expected_close: str = ""
    contact_ids: list[str] = []


class RecordInput(RecordFields, kw_only=True):
    """The body of a create: the fields plus the kind."""

    kind: RecordKind


class Record(RecordFields, kw_only=True):
    """A stored record, as the API returns it."""

    id: str
    kind: RecordKind
    display_name: str
    created_at: str
    updated_at: str
    version: int


class TrashedRecord(Record, kw_only=True):
    """A record in the trash, as the admins' Trash page lists it: who deleted it, when, and
    when it will be erased for good."""

    deleted_at: str
    deleted_by: str
    erase_after: str


def may_reassign_or_delete(rep: Rep, record: Record) -> bool:
    """Every rep sees and edits the team's records; only the record's owner or an admin hands it
    to another rep or deletes it (to the trash, from which only an admin restores or erases)."""
    return rep.role == "admin" or (bool(record.owner_id) and rep.id == record.owner_id)


def erase_after(deleted_at: str) -> str:
    """When a record deleted at `deleted_at` leaves the trash for good."""
    return to_iso(parse_iso(deleted_at) + timedelta(days=TRASH_DAYS))


def trash_cutoff(now: datetime) -> str:
    """Records deleted before this moment have had their days in the trash: they are erased."""
    return to_iso(now - timedelta(days=TRASH_DAYS))


class RecordSummary(msgspec.Struct):
    """A record as a list row of the communication center names it."""

    id: str
    kind: RecordKind
    display_name: str
    status: str | None

    @classmethod
    def of(cls, record: Record) -> RecordSummary:
        return cls(record.id, record.kind, record.display_name, record.status or None)


def validate_fields(kind: RecordKind, fields: RecordFields, phone_region: str) -> RecordFields:
    """Check and normalise `fields` for a record of `kind`; one ValidationError lists every problem."""
    problems: dict[str, str] = {}
    clean = msgspec.structs.replace(
        fields,
        first_name=fields.first_name.strip(),
        last_name=fields.last_name.strip(),
        company_name=fields.company_name.strip(),
        title=fields.title.strip(),
        name=fields.name.strip(),
        owner_id=fields.owner_id.strip(),
    )
    for field_name in ("first_name", "last_name", "company_name", "title", "name"):
        if len(getattr(clean, field_name)) > MAX_TEXT:
            problems[field_name] = f"at most {MAX_TEXT} characters"
    clean = _validate_deal(clean, problems) if kind == "deal" else _validate_person(kind, clean, phone_region, problems)
    if problems:
        first = next(iter(problems.items()))
        raise ValidationError(f"{first[0]}: {first[1]}", problems)
    return clean


def _validate_person(
    kind: RecordKind, fields: RecordFields, phone_region: str, problems: dict[str, str]
) -> RecordFields:
    if fields.is_company and not fields.company_name:
        problems["company_name"] = "a company needs a company name"
    if not fields.is_company and not fields.last_name:
        problems["last_name"] = "a person needs a last name"
    status = fields.status or DEFAULT_STATUS[kind]
    if status not in STATUSES[kind]:
        problems["status"] = f"must be one of {', '.join(STATUSES[kind])}"
    phones = _normalise_phones(fields.phones, phone_region, problems)
    emails = _normalise_emails(fields.emails, problems)
    return msgspec.structs.replace(fields, status=status, phones=phones, emails=emails)


def _normalise_phones(phones: list[Phone], phone_region: str, problems: dict[str, str]) -> list[Phone]:
    if len(phones) > MAX_PHONES:
        problems["phones"] = f"at most {MAX_PHONES} phone numbers"
        return phones
    result: list[Phone] = []
    for index, phone in enumerate(phones):
        try:
            number = normalize_phone(phone.number, phone_region)
        except ValidationError as exc:
            problems[f"phones.{index}.number"] = exc.message
            continue
        if any(existing.number == number for existing in result):
            problems[f"phones.{index}.number"] = f"{number} is listed twice"
            continue
        result.append(Phone(number=number, label=phone.label.strip() or "work"))
    return result


def _normalise_emails(emails: list[Email], problems: dict[str, str]) -> list[Email]:
    if len(emails) > MAX_EMAILS:
        problems["emails"] = f"at most {MAX_EMAILS} email addresses"
        return emails
    result: list[Email] = []
    for index, email in enumerate(emails):
        try:
            address = normalize_email(email.address)
        except ValidationError as exc:
            problems[f"emails.{index}.address"] = exc.message
            continue
        if any(existing.address == address for existing in result):
            problems[f"emails.{index}.address"] = f"{address} is listed twice"
            continue
        result.append(Email(address=address, label=email.label.strip() or "work"))
    return result


def _validate_deal(fields: RecordFields, problems: dict[str, str]) -> RecordFields:
    if not fields.name:
        problems["name"] = "a deal needs a name"
    amount = ""
    if fields.amount.strip():
        try:
            value = Decimal(fields.amount.strip())
        except InvalidOperation:
            problems["amount"] = "must be a number such as 12000.50"
        else:
            if not value.is_finite() or value < 0:
                problems["amount"] = "must be zero or more"
            else:
                amount = str(value.quantize(_MONEY_CENTS))
    currency = fields.currency.strip().upper() or "USD"
    if not _CURRENCY.match(currency):
        problems["currency"] = "must be a three-letter ISO 4217 code such as EUR"
    expected_close = fields.expected_close.strip()
    if expected_close:
        try:
            expected_close = date.fromisoformat(expected_close).isoformat()
        except ValueError:
            problems["expected_close"] = "must be a date such as 2026-12-31"
    contact_ids = list(dict.fromkeys(cid.strip() for cid in fields.contact_ids if cid.strip()))
    return msgspec.structs.replace(
        fields,
        amount=amount,
        currency=currency,
        expected_close=expected_close,
        contact_ids=contact_ids,
        phones=[],
        emails=[],
        status="",
    )


def display_name(kind: RecordKind, fields: RecordFields) -> str:
    if kind == "deal":
        return fields.name
    if fields.is_company:
        return fields.company_name
    return " ".join(part for part in (fields.first_name, fields.last_name) if part)


def name_sort_key(kind: RecordKind, fields: RecordFields) -> str:
    return fold(display_name(kind, fields)) or "~"


def record_handles(fields: RecordFields) -> set[Handle]:
    """The handles a record owns: its phone numbers and email addresses (already normalised)."""
    return {Handle("phone", p.number) for p in fields.phones} | {Handle("email", e.address) for e in fields.emails}


def search_terms(kind: RecordKind, fields: RecordFields) -> set[str]:
    """Folded prefixes under which a record is found: names, company, emails, phone digits, address."""
    terms: set[str] = set()
    name = display_name(kind, fields)
    terms.update(words(name))
    terms.update(words(fields.company_name))
    if fold(name):
        terms.add(fold(name))
    if fields.company_name and fold(fields.company_name):
        terms.add(fold(fields.company_name))
    for email in fields.emails:
        terms.add(email.address)
        terms.add(email.address.split("@", 1)[0])
    for phone in fields.phones:
        terms.add(digits(phone.number))
        terms.add(national_digits(phone.number))
    terms.update(address_terms(fields.address))
    # Only a number's own suffix term starts with the mark (a postal code might, folded).
    kept = {term for term in terms if len(term) >= 2 and not term.startswith(SUFFIX_MARK)}
    return kept | {suffix_term(digits(phone.number)) for phone in fields.phones}


def suffix_term(number_digits: str) -> str:
    """The term under which a number is found by its last digits: its digits reversed, marked."""
    return SUFFIX_MARK + number_digits[::-1]


def term_as_typed(term: str) -> str:
    """A term as the rep reads it: a number's suffix term is the number's digits again."""
    return term[len(SUFFIX_MARK) :][::-1] if term.startswith(SUFFIX_MARK) else term


def address_terms(address: Address) -> list[str]:
    """The words of the street, city and postal code (C4: a rep finds whom to call by address).
    Capped, so that the largest change of a record still fits one transaction."""
    found = [*words(address.line1), *words(address.city)]
    if postal := "".join(fold(address.postal_code).split()):
        found.append(postal)
    return [word for word in dict.fromkeys(found) if len(word) >= 2][:MAX_ADDRESS_TERMS]


def search_query_terms(query: str) -> list[str]:
    """The folded words of a search box entry; a phone-like entry becomes one run of digits."""
    folded = fold(query)
    stripped = folded.replace(" ", "").replace("-", "").replace(".", "").replace("(", "").replace(")", "")
    if stripped.lstrip("+").isdigit():
        return [digits(stripped)]
    if "@" in folded:
        return [folded.replace(" ", "")]
    return words(query)


def lookup_prefixes(word: str) -> list[str]:
    """The prefixes of terms a word of a search is looked up under: the word itself and, for
    four digits or more, the suffix term of the numbers ending with them ("0143", "5550143")."""
    if len(word) >= MIN_SUFFIX_DIGITS and word.isascii() and word.isdigit():
        return [word, suffix_term(word)]
    return [word]


def finds(word: str, terms: Iterable[str]) -> bool:
    """Whether a word of a search matches one of a record's terms."""
    prefixes = lookup_prefixes(word)
    return any(term.startswith(prefix) for term in terms for prefix in prefixes)

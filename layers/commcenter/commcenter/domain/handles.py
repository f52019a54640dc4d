"""Handles: the normalised remote addresses (E.164 phone numbers, email addresses) of people.

A handle is what an incoming call, SMS or email carries; matching turns it into a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import msgspec

from commcenter.errors import ValidationError

# `domain`: every address at a mail domain, as a rep ignores it as a whole (E6 "Ignore the whole
# domain"); it never belongs to a record and is never read from a request's handle.
HandleKind = Literal["phone", "email", "domain"]

# Deliberately simple: the mailbox part is anything without spaces or a second "@"; the domain
# must have a dot and valid labels. Deliverability is the mail server's business, not ours.
_LOCAL_PART = re.compile(r"^[^\s@\"<>(),;:\\\[\]]{1,64}$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True, order=True)
class Handle:
    kind: HandleKind
    value: str

    @property
    def resolvable(self) -> bool:
        """Whether the handle can belong to a record (and so has an item in the Handles table): an
        E.164 number or an email address, not a withheld caller, a short code or an alphanumeric
        sender, which are kept as they came and never matched."""
        return self.kind == "email" or (self.kind == "phone" and self.value.startswith("+"))

    @property
    def key(self) -> str:
        """The form stored in the data model: `phone:+33612345678`, `email:ann@example.com`."""
        return f"{self.kind}:{self.value}"

    @classmethod
    def from_key(cls, key: str) -> Handle:
        kind, sep, value = key.partition(":")
        if not sep or kind not in ("phone", "email") or not value:
            raise ValidationError(f"not a handle: {key!r}")
        return cls(kind, value)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class HandleState:
    """What the team knows of a handle: the record it belongs to, or that it is ignored (by the
    team, as an admin decided, or by some reps for themselves) or spam."""

    handle: Handle
    record_id: str | None
    ignored: bool
    spam: bool
    ignored_by: frozenset[str] = frozenset()
    # The reps who marked the handle spam: a new conversation of theirs with it starts in Spam.
    spam_by: frozenset[str] = frozenset()

    def ignored_for(self, rep_id: str | None) -> bool:
        """Whether this rep's traffic with the handle is listed under Ignored."""
        return self.record_id is None and (self.ignored or (rep_id is not None and rep_id in self.ignored_by))

    def spam_for(self, rep_id: str | None) -> bool:
        """Whether this rep's new conversations with the handle start in Spam."""
        return self.spam or (rep_id is not None and rep_id in self.spam_by)


def normalize_phone(raw: str, default_region: str) -> str:
    """E.164 form of a phone number typed by a person or sent by Twilio.

    Raises ValidationError for anything that is not a possible, valid number.
    """
    import phonenumbers  # imported here: its metadata load is kept off the cold start

    text = raw.strip()
    if not text:
        raise ValidationError("phone number is empty")
    if len(text) > 40:
        raise ValidationError("phone number is too long")
    try:
        parsed = phonenumbers.parse(text, default_region.upper())
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(f"not a valid phone number: {raw!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """The national significant number of an E.164 number ("+33612345678" -> "612345678")."""
    import phonenumbers

    return str(phonenumbers.parse(e164, None).national_number)


def phone_for_people(number: str, home_region: str) -> str:
    """A number as people write it: the national format for a number of the team's own country
    (`home_region`, "(415) 555-0101" in the US), the international one otherwise ("+33 6 12 34 56
    78"); what is not a valid number (a withheld caller, an alphanumeric sender) as it came."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return number
    home = phonenumbers.region_code_for_number(parsed) == home_region.upper()
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(parsed, style))


def normalize_email(raw: str) -> str:
    """Lower-cased, trimmed address with an IDNA (ASCII) domain; rejects what is not an address."""
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(f"not an email address: {raw!r}")
    if not _LOCAL_PART.match(local):
        raise ValidationError(f"not an email address: {raw!r}")
    try:
        ascii_domain = domain.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValidationError(f"not an email address: {raw!r}") from exc
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise ValidationError(f"not an email address: {raw!r}")
    return f"{local.lower()}@{ascii_domain}"


def phone_handle(raw: str, default_region: str) -> Handle:
    return Handle("phone", normalize_phone(raw, default_region))


def email_handle(raw: str) -> Handle:
    return Handle("email", normalize_email(raw))


def domain_handle(domain: str) -> Handle:
    """Every address at `domain` (as `normalize_email` writes a domain: IDNA, lower case)."""
    return Handle("domain", normalize_email(f"x@{domain}").partition("@")[2])


class IgnoreInput(msgspec.Struct, forbid_unknown_fields=True):
    """Hide an unmatched handle's traffic from the rep's own lists (or show it again); an admin
    may decide it `for_team`, for every rep."""

    handle: str
    ignored: bool
    for_team: bool = False


class AddHandleInput(msgspec.Struct, forbid_unknown_fields=True):
    """Add an unmatched phone number or address to an existing record."""

    handle: str


class HistoryRep(msgspec.Struct):
    id: str
    name: str


class UnmatchedHistory(msgspec.Struct, kw_only=True):
    """What an unmatched number or address exchanged, and with which reps: what adding it to a
    record moves onto the record, where the whole team sees it."""

    handle: str
    calls: int
    sms: int
    emails: int
    voicemails: int
    reps: list[HistoryRep]

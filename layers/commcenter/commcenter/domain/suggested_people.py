"""Suggested people (E6): the strangers who wrote to a rep, one row per address, and what the rep
may make of them (pure shapes and rules).

A row is a rep's email conversation with one address in its `unmatched` section. The rep adds
the sender as a lead or a contact (named as their emails name them, with the company whose
domain they write from when the team has it and the rep accepts it), or ignores the address or
the whole domain; later mail follows what they became.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from commcenter.domain.emails import PUBLIC_MAIL_DOMAINS, domain_of
from commcenter.domain.text import words

# One bulk action names at most this many senders: a page of the list.
MAX_SENDERS = 100
# Words that end a company's name without naming it ("Acme Inc." writes from acme.com).
_LEGAL_FORMS = frozenset(
    {"inc", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "gmbh", "ag", "sa", "sas", "sarl", "bv"}
)
# Second-level labels under a country code ("acme.co.uk" is Acme's, not "co"'s).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"})


class CompanySuggestion(msgspec.Struct, kw_only=True):
    """An existing company record whose domain the sender writes from."""

    record_id: str
    name: str


class SuggestedPerson(msgspec.Struct, kw_only=True):
    """One sender among Suggested people: who (as their emails name them), how much they wrote."""

    conversation_id: str
    address: str
    name: str
    emails: int
    last_subject: str
    last_at: str
    unread: int
    company: CompanySuggestion | None


class SuggestedPeoplePage(msgspec.Struct):
    items: list[SuggestedPerson]
    next_cursor: str | None


class AddSuggestedInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Add senders as leads or contacts, each its own record; `with_company`: take the suggested
    company's name where there is one."""

    kind: Literal["lead", "contact"]
    addresses: list[str]
    with_company: bool = True


class IgnoreSuggestedInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Ignore senders (their addresses), or every address of their domains (`whole_domain`):
    what the domain sends later, from an address the team does not know, is filed under Ignored."""

    addresses: list[str]
    whole_domain: bool = False


class SenderOutcome(msgspec.Struct, kw_only=True):
    address: str
    # added: a new record holds the address; ignored: listed under Ignored now.
    outcome: Literal["added", "ignored"]
    record_id: str | None = None


class SuggestedOutcome(msgspec.Struct):
    senders: list[SenderOutcome]
    # The domains now ignored as a whole.
    domains: list[str]


def person_name(display_name: str, address: str) -> tuple[str, str]:
    """(first name, last name) of a sender: the name their emails give ("Ann van Dijk" ->
    ("Ann", "van Dijk") is not guessed: the last word is the last name), else the address's
    local part as the last name, since a person needs one."""
    parts = display_name.replace('"', " ").split()
    if "@" in display_name or not parts:
        return "", address.partition("@")[0]
    if len(parts) == 1:
        return "", parts[0]
    return " ".join(parts[:-1]), parts[-1]


def company_label(domain: str) -> str | None:
    """The word a company's domain is named after ("mail.acme.co.uk" -> "acme"); None for a
    public mail domain, whose addresses are unrelated people."""
    if not domain or domain in PUBLIC_MAIL_DOMAINS:
        return None
    labels = domain.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else None


def names_company(company_name: str, label: str) -> bool:
    """Whether a company's name is the one its domain is named after: "Acme", "ACME Inc." or
    "Acme Widgets" for acme, "Acme-Corp" for acmecorp; never "Acmeo" for acme."""
    found = words(company_name)
    core = [word for word in found if word not in _LEGAL_FORMS] or found
    return bool(found) and label in {"".join(found), "".join(core), found[0]}


def writes_from(addresses: list[str], domain: str) -> bool:
    return any(domain_of(address) == domain for address in addresses)

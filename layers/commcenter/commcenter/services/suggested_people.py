"""Suggested people (E6): the strangers who wrote to a rep, grouped by sender, and the rep's
bulk actions on them.

Each row is the rep's email conversation with one address in its `unmatched` section. The
actions reuse the flows every channel has: a new lead or contact is created with the address,
which attaches the address's history to it (R5, `services.records.create_record`); an ignored
address is the C5 ignore of its handle (`services.attach_handle.set_handle_ignored`). Ignoring
a whole domain also keeps a `domain:{domain}` item in the Handles table, with the rep in its
`ignored_by`: the inbound pipeline reads it when a new conversation starts with an address the
team does not know, and checks it in the email's own write.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data import records as records_data
from commcenter.data import search_terms as search_data
from commcenter.domain.emails import PUBLIC_MAIL_DOMAINS, conversation_id, domain_of
from commcenter.domain.facts import EmailFacts
from commcenter.domain.handles import domain_handle, email_handle
from commcenter.domain.records import Record, RecordInput
from commcenter.domain.reps import Rep
from commcenter.domain.sms import ConversationState
from commcenter.domain.suggested_people import (
    MAX_SENDERS,
    AddSuggestedInput,
    CompanySuggestion,
    IgnoreSuggestedInput,
    SenderOutcome,
    SuggestedOutcome,
    SuggestedPerson,
    company_label,
    names_company,
    person_name,
    writes_from,
)
from commcenter.errors import ValidationError
from commcenter.observability import logger
from commcenter.services.attach_handle import set_handle_ignored
from commcenter.services.records import create_record

# How many records a company lookup reads for one domain (the search index's candidates).
COMPANY_CANDIDATES = 50


def list_suggested(rep: Rep, limit: int, cursor: str | None) -> tuple[list[SuggestedPerson], str | None]:
    """The rep's Suggested people, the latest writer first, each with a company suggestion."""
    states, cursor = conversations_data.center_page(rep.id, "unmatched", limit, cursor, channel="email")
    companies: dict[str, CompanySuggestion | None] = {}
    rows = []
    for state in states:
        domain = domain_of(state.remote_number)
        if domain not in companies:
            companies[domain] = suggest_company(domain)
        rows.append(_row(state, companies[domain]))
    return rows, cursor


def _row(state: ConversationState, company: CompanySuggestion | None) -> SuggestedPerson:
    """A sender's row: the name their latest email gives, and how many emails (the conversation
    read once: a stranger's conversation is short; the list is one page of them)."""
    count, name, subject = 0, "", state.last_preview
    for email in activities_data.conversation_history(state.id):
        count += 1
        facts = email.data
        if isinstance(facts, EmailFacts) and email.direction == "inbound":
            subject = facts.subject or subject
            if facts.from_ is not None and facts.from_.name:
                name = facts.from_.name
    return SuggestedPerson(
        conversation_id=state.id,
        address=state.remote_number,
        name=name,
        emails=count,
        last_subject=subject,
        last_at=state.last_at,
        unread=state.unread,
        company=company,
    )


def suggest_company(domain: str) -> CompanySuggestion | None:
    """An existing company the team has for `domain`: found in the search index by the word the
    domain is named after ("acme" for acme.com), among records whose company name is that word
    (a company record first) or one of whose addresses is at the domain. None for a public mail
    domain."""
    label = company_label(domain)
    if label is None or len(label) < search_data.BUCKET_LENGTH:
        return None
    record_ids = {record_id for _, record_id in search_data.find(label, limit=COMPANY_CANDIDATES)}
    found: list[tuple[int, str, Record]] = []
    for record in records_data.get_many(sorted(record_ids)).values():
        if record.kind == "deal" or not record.company_name:
            continue
        at_domain = writes_from([email.address for email in record.emails], domain)
        if record.is_company and (at_domain or names_company(record.company_name, label)):
            found.append((0, record.company_name.casefold(), record))
        elif at_domain or names_company(record.company_name, label):
            found.append((1, record.company_name.casefold(), record))
    if not found:
        return None
    best = min(found, key=lambda entry: entry[:2])[2]
    return CompanySuggestion(record_id=best.id, name=best.company_name)


def add_suggested(rep: Rep, payload: AddSuggestedInput) -> SuggestedOutcome:
    """Each sender becomes a lead or contact of their own, their history attached to it."""
    rows = _suggested_rows(rep, payload.addresses)
    outcomes = []
    for row in rows:
        first_name, last_name = person_name(row.name, row.address)
        fields: dict[str, object] = {
            "kind": payload.kind,
            "first_name": first_name,
            "last_name": last_name,
            "emails": [{"address": row.address, "label": "work"}],
            "source": "email",
        }
        if payload.with_company and row.company is not None:
            fields["company_name"] = row.company.name
        record = create_record(msgspec.convert(fields, RecordInput), rep)
        outcomes.append(SenderOutcome(address=row.address, outcome="added", record_id=record.id))
    logger.info("suggested people added", extra={"rep_id": rep.id, "kind": payload.kind, "senders": len(outcomes)})
    return SuggestedOutcome(senders=outcomes, domains=[])


def ignore_suggested(rep: Rep, payload: IgnoreSuggestedInput) -> SuggestedOutcome:
    """Ignore the senders' addresses (the rep's own decision), or their whole domains: then the
    rep's other Suggested people at those domains too, and what those domains send later from
    an address the team does not know."""
    rows = _suggested_rows(rep, payload.addresses)
    addresses = [row.address for row in rows]
    domains: list[str] = []
    if payload.whole_domain:
        domains = sorted({domain_of(address) for address in addresses})
        public = [domain for domain in domains if domain in PUBLIC_MAIL_DOMAINS]
        if public:
            raise ValidationError(
                f"{', '.join(public)} is a public mail domain: ignore its senders one by one",
                {"addresses": "public mail domain"},
            )
        for domain in domains:
            # First, so that a new sender arriving meanwhile is filed under Ignored already.
            handles_data.set_ignored_by(domain_handle(domain), rep.id, True)
        addresses += [
            state.remote_number
            for state in _all_suggested(rep)
            if domain_of(state.remote_number) in domains and state.remote_number not in addresses
        ]
    for address in addresses:
        set_handle_ignored(email_handle(address), True, rep)
    logger.info("suggested people ignored", extra={"rep_id": rep.id, "senders": len(addresses), "domains": domains})
    return SuggestedOutcome(
        senders=[SenderOutcome(address=address, outcome="ignored") for address in addresses], domains=domains
    )


def _suggested_rows(rep: Rep, addresses: list[str]) -> list[SuggestedPerson]:
    """The rep's Suggested people named by `addresses`, checked all before anything changes: a
    400 names the first that is not an address or not among them (added or ignored meanwhile)."""
    if not addresses:
        raise ValidationError("name at least one sender", {"addresses": "empty"})
    if len(addresses) > MAX_SENDERS:
        raise ValidationError(f"at most {MAX_SENDERS} senders at once", {"addresses": "too many"})
    rows: dict[str, SuggestedPerson] = {}
    for raw in addresses:
        address = email_handle(raw).value
        state = conversations_data.get(conversation_id(rep.id, address))
        if state is None or state.rep_id != rep.id or state.channel != "email" or state.section != "unmatched":
            raise ValidationError(f"{address} is not among your Suggested people", {"addresses": address})
        if address not in rows:
            rows[address] = _row(state, suggest_company(domain_of(address)))
    return list(rows.values())


def _all_suggested(rep: Rep) -> Iterator[ConversationState]:
    cursor: str | None = None
    while True:
        states, cursor = conversations_data.center_page(rep.id, "unmatched", 100, cursor, channel="email")
        yield from states
        if cursor is None:
            return

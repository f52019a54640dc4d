"""Suggested people's pure rules (a sender's name, the word a company's domain is named after)
and a domain ignored as a whole in the inbound pipeline, against the tables in memory."""

from __future__ import annotations

import pytest
from fake_inbound_store import FakeInboundStore

from commcenter.domain.facts import EmailFacts, expect
from commcenter.domain.handles import Handle, HandleState, domain_handle, email_handle
from commcenter.domain.reps import Rep
from commcenter.domain.suggested_people import company_label, names_company, person_name
from commcenter.services.inbound import InboundMessage, store_inbound

REP = Rep(id="rep-alice", name="Alice", email="alice@northwind.example")
ACME = domain_handle("Acme.example")


@pytest.mark.parametrize(
    ("name", "address", "expected"),
    [
        ("Ann Lee", "ann@acme.example", ("Ann", "Lee")),
        ('"Mary Ann van Dijk"', "m@acme.example", ("Mary Ann van", "Dijk")),
        ("Prince", "p@acme.example", ("", "Prince")),
        ("", "bo.smith@acme.example", ("", "bo.smith")),
        ("bo@acme.example", "bo@acme.example", ("", "bo")),
    ],
)
def test_a_senders_name_is_the_one_their_emails_give(name: str, address: str, expected: tuple[str, str]) -> None:
    assert person_name(name, address) == expected


@pytest.mark.parametrize(
    ("domain", "label"),
    [
        ("acme.com", "acme"),
        ("mail.acme.com", "acme"),
        ("acme.co.uk", "acme"),
        ("eu.acme.co.uk", "acme"),
        ("acme.fr", "acme"),
        ("gmail.com", None),
        ("outlook.com", None),
        ("", None),
    ],
)
def test_a_domain_is_named_after_its_company_unless_it_is_public(domain: str, label: str | None) -> None:
    assert company_label(domain) == label


@pytest.mark.parametrize(
    ("company", "label", "named"),
    [
        ("Acme", "acme", True),
        ("ACME Inc.", "acme", True),
        ("Acme Widgets", "acme", True),
        ("Acme-Corp", "acmecorp", True),
        ("Acme Corp", "acme", True),
        ("Acmeo", "acme", False),
        ("The Acme", "acme", False),
        ("", "acme", False),
    ],
)
def test_a_company_is_the_one_its_domain_names(company: str, label: str, named: bool) -> None:
    assert names_company(company, label) is named


def email_from(address: str, external_id: str) -> InboundMessage:
    sender = email_handle(address)
    return InboundMessage(
        ref=f"email#{external_id}",
        external_id=external_id,
        rep=REP,
        rep_address=REP.email,
        sender=sender,
        conversation_id=f"email-{sender.value}",
        activity_id=external_id,
        occurred_at="2026-12-01T10:00:00.000Z",
        body="Hello",
        summary="Hello",
        facts=EmailFacts(subject="Hello"),
        sender_domain=domain_handle(address.partition("@")[2]),
    )


def ignored_domain(*reps: str) -> HandleState:
    return HandleState(ACME, None, False, False, frozenset(reps))


def test_a_new_sender_at_a_domain_the_rep_ignores_is_filed_under_ignored() -> None:
    store = FakeInboundStore(handles={ACME: ignored_domain(REP.id)})

    assert store_inbound(email_from("new@acme.example", "m1"), store) == "stored"

    [conversation] = store.conversations.values()
    assert conversation.section == "ignored" and not store.counters
    assert expect(store.activities[0].data, EmailFacts).ignored


def test_another_reps_ignored_domain_leaves_the_sender_among_suggested_people() -> None:
    store = FakeInboundStore(handles={ACME: ignored_domain("rep-bruno")})

    store_inbound(email_from("new@acme.example", "m1"), store)

    assert [c.section for c in store.conversations.values()] == ["unmatched"]
    assert not expect(store.activities[0].data, EmailFacts).ignored


def test_a_known_address_at_an_ignored_domain_follows_its_own_item() -> None:
    boss = email_handle("boss@acme.example")
    store = FakeInboundStore(
        handles={ACME: ignored_domain(REP.id), boss: HandleState(boss, "rec-1", False, False, frozenset())}
    )

    store_inbound(email_from("boss@acme.example", "m1"), store)

    assert [(c.section, c.record_id) for c in store.conversations.values()] == [("matched", "rec-1")]


def test_a_domain_ignored_while_the_email_is_being_written_is_decided_again() -> None:
    store = FakeInboundStore()

    def ignore_meanwhile(handle: Handle) -> None:
        if handle == ACME and ACME not in store.handles:
            store.handles[ACME] = ignored_domain(REP.id)

    store.after_handle_read = ignore_meanwhile

    store_inbound(email_from("new@acme.example", "m1"), store)

    assert store.outcomes == ["premise_changed", "written"]
    assert [c.section for c in store.conversations.values()] == ["ignored"]

"""Suggested people through the API, on mail synced from a real Dovecot: strangers grouped by
sender with the company their domain names, added as leads or contacts (their history follows)
or ignored, one by one, in bulk or by domain; later mail follows what they became."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
import requests
from conftest import MailUser
from mail_support import connect, message, poll

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import records as records_data
from commcenter.domain.activities import Activity
from commcenter.domain.emails import conversation_id
from commcenter.domain.records import RecordInput
from commcenter.domain.reps import Rep
from commcenter.services.records import create_record
from commcenter_local.mail_server import LocalDovecot
from commcenter_local.stack import LocalStack

PEOPLE = "/api/suggested-people"


class Client:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.headers = base_url, {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        return requests.request(
            method, self.base_url + path, json=body, params=params or None, headers=self.headers, timeout=60
        )

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        answer = self(method, path, body, **params)
        assert answer.status_code == 200, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def people(self) -> list[dict[str, Any]]:
        return list(self.ok("GET", PEOPLE)["items"])


@pytest.fixture
def rep(local_stack: LocalStack, mail_user: MailUser, dovecot: LocalDovecot) -> Rep:
    connected: Rep = connect(mail_user, dovecot)
    return connected


@pytest.fixture
def api(rep: Rep, local_stack: LocalStack, dev_token: Callable[[str], str]) -> Client:
    return Client(local_stack.base_url, dev_token(rep.email))


def a_domain() -> str:
    """A company's domain no other test writes from (its name: the word before `.test`)."""
    return f"acme{uuid.uuid4().hex[:8]}.test"


def deliver(dovecot: LocalDovecot, user: MailUser, rep: Rep, *mails: tuple[str, str]) -> None:
    """Each (From, Subject) into the rep's INBOX, a minute after the one before, then one poll."""
    for position, (sender, subject) in enumerate(mails):
        dovecot.append(user.name, "INBOX", message(sender, user.address, subject, days_ago=1 - position / 1440))
    assert poll(rep).outcome == "synced"


def company(name: str, rep: Rep, *, is_company: bool = True, emails: tuple[str, ...] = ()) -> str:
    fields: dict[str, Any] = {"kind": "contact", "company_name": name, "emails": [{"address": a} for a in emails]}
    fields |= {"is_company": True} if is_company else {"last_name": "Colleague"}
    return create_record(msgspec.convert(fields, RecordInput), rep).id


def tab(rep: Rep, name: str) -> list[str]:
    emails, _ = activities_data.center_page(rep.id, "email", name, 50, None)
    return [email.summary for email in emails]


def emails_on(record_id: str) -> list[Activity]:
    return [a for a in activities_data.history(f"rec#{record_id}") if a.type == "email"]


def section(rep: Rep, address: str) -> str | None:
    state = conversations_data.get(conversation_id(rep.id, address))
    return None if state is None else state.section


def test_strangers_are_grouped_by_sender_with_the_company_their_domain_names(
    api: Client, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    domain, other = a_domain(), a_domain()
    ann, bo, pat = f"ann@{domain}", f"bo@{domain}", f"pat.{uuid.uuid4().hex[:6]}@gmail.com"
    acme = company(f"{domain.split('.')[0].upper()} Inc.", rep)
    company(f"{domain.split('.')[0]}o", rep)  # a longer name that begins the same: not the domain's
    by_colleague = company(f"{other.split('.')[0]}-Works", rep, is_company=False, emails=(f"x@{other}",))
    deliver(
        dovecot,
        mail_user,
        rep,
        (f"Ann Smith <{ann}>", "First question"),
        (bo, "Hello"),
        (f'"Ann Smith" <{ann}>', "Second question"),
        (f"Pat <{pat}>", "Gmail"),
        (f"Zed Zulu <zed@{other}>", "From the other"),
    )

    rows = {row["address"]: row for row in api.people()}

    assert set(rows) == {ann, bo, pat, f"zed@{other}"}
    assert {k: rows[ann][k] for k in ("name", "emails", "last_subject", "unread")} == {
        "name": "Ann Smith",
        "emails": 2,
        "last_subject": "Second question",
        "unread": 2,
    }
    assert rows[ann]["company"] == {"record_id": acme, "name": f"{domain.split('.')[0].upper()} Inc."}
    assert rows[bo]["company"] == rows[ann]["company"] and rows[bo]["name"] == ""
    assert rows[pat]["company"] is None  # a public mail domain never suggests
    assert rows[f"zed@{other}"]["company"]["record_id"] == by_colleague  # a record writing from the domain
    first = api.ok("GET", PEOPLE, limit=2)
    second = api.ok("GET", PEOPLE, limit=2, cursor=first["next_cursor"])
    assert len(first["items"]) == 2 and {r["address"] for r in first["items"] + second["items"]} == set(rows)


def test_a_sender_added_as_a_contact_takes_the_company_and_their_history_and_later_mail(
    api: Client, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    domain = a_domain()
    ann = f"ann@{domain}"
    company(domain.split(".")[0].capitalize(), rep)
    deliver(dovecot, mail_user, rep, (f"Ann Smith <{ann}>", "Pricing"), (f"Ann Smith <{ann}>", "Pricing again"))

    outcome = api.ok("POST", f"{PEOPLE}/add", {"kind": "contact", "addresses": [ann.upper()]})

    [added] = outcome["senders"]
    record = records_data.get(added["record_id"])
    assert record is not None and added == {"address": ann, "outcome": "added", "record_id": record.id}
    assert (record.kind, record.first_name, record.last_name, record.company_name) == (
        "contact",
        "Ann",
        "Smith",
        domain.split(".")[0].capitalize(),
    )
    assert [e.address for e in record.emails] == [ann]
    assert sorted(e.summary for e in emails_on(record.id)) == ["Pricing", "Pricing again"]
    assert ann not in {row["address"] for row in api.people()}
    assert {"Pricing", "Pricing again"} <= set(tab(rep, "inbox"))

    deliver(dovecot, mail_user, rep, (f"Ann Smith <{ann}>", "Later"))

    assert "Later" in {e.summary for e in emails_on(record.id)} and "Later" in tab(rep, "inbox")
    assert section(rep, ann) == "matched"


def test_senders_added_as_leads_in_bulk_without_the_company(
    api: Client, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    domain = a_domain()
    bo, cy = f"bo@{domain}", f"cy.{uuid.uuid4().hex[:6]}@gmail.com"
    company(domain.split(".")[0], rep)
    deliver(dovecot, mail_user, rep, (bo, "One"), (f"Cy Young <{cy}>", "Two"))

    outcome = api.ok("POST", f"{PEOPLE}/add", {"kind": "lead", "addresses": [bo, cy], "with_company": False})

    records = {s["address"]: records_data.get(s["record_id"]) for s in outcome["senders"]}
    assert {a: (r.kind, r.first_name, r.last_name, r.company_name) for a, r in records.items() if r} == {
        bo: ("lead", "", "bo", ""),
        cy: ("lead", "Cy", "Young", ""),
    }
    assert api.people() == []


def test_senders_ignored_in_bulk_go_under_ignored_with_their_later_mail(
    api: Client, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    domain = a_domain()
    one, two, kept = f"one@{domain}", f"two@{domain}", f"kept@{domain}"
    deliver(dovecot, mail_user, rep, (one, "Spam 1"), (two, "Spam 2"), (kept, "Real"))

    outcome = api.ok("POST", f"{PEOPLE}/ignore", {"addresses": [one, two]})

    assert outcome == {
        "senders": [
            {"address": one, "outcome": "ignored", "record_id": None},
            {"address": two, "outcome": "ignored", "record_id": None},
        ],
        "domains": [],
    }
    assert [row["address"] for row in api.people()] == [kept]
    assert (section(rep, one), section(rep, two), section(rep, kept)) == ("ignored", "ignored", "unmatched")
    assert sorted(tab(rep, "ignored")) == ["Spam 1", "Spam 2"] and tab(rep, "unmatched") == ["Real"]

    deliver(dovecot, mail_user, rep, (one, "Spam 3"))

    assert "Spam 3" in tab(rep, "ignored") and [row["address"] for row in api.people()] == [kept]


def test_a_whole_domain_ignored_takes_its_other_senders_and_new_ones(
    api: Client, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    domain, elsewhere = a_domain(), a_domain()
    deliver(dovecot, mail_user, rep, (f"a@{domain}", "A"), (f"b@{domain}", "B"), (f"c@{elsewhere}", "C"))

    outcome = api.ok("POST", f"{PEOPLE}/ignore", {"addresses": [f"a@{domain}"], "whole_domain": True})

    assert outcome["domains"] == [domain]
    assert sorted(s["address"] for s in outcome["senders"]) == [f"a@{domain}", f"b@{domain}"]
    assert [row["address"] for row in api.people()] == [f"c@{elsewhere}"]

    deliver(dovecot, mail_user, rep, (f"new@{domain}", "New one"), (f"d@{elsewhere}", "D"))

    assert section(rep, f"new@{domain}") == "ignored" and "New one" in tab(rep, "ignored")
    assert {row["address"] for row in api.people()} == {f"c@{elsewhere}", f"d@{elsewhere}"}


def test_a_known_address_at_an_ignored_domain_follows_its_own_record(
    api: Client, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    domain = a_domain()
    deliver(dovecot, mail_user, rep, (f"a@{domain}", "A"))
    api.ok("POST", f"{PEOPLE}/ignore", {"addresses": [f"a@{domain}"], "whole_domain": True})
    customer = company("Customer", rep, is_company=False, emails=(f"boss@{domain}",))

    deliver(dovecot, mail_user, rep, (f"boss@{domain}", "From the boss"))

    assert [e.summary for e in emails_on(customer)] == ["From the boss"] and "From the boss" in tab(rep, "inbox")


def test_bad_requests_are_refused_and_change_nothing(
    api: Client, rep: Rep, mail_user: MailUser, dovecot: LocalDovecot
) -> None:
    domain = a_domain()
    pat = f"pat.{uuid.uuid4().hex[:6]}@gmail.com"
    deliver(dovecot, mail_user, rep, (f"a@{domain}", "A"), (pat, "P"))
    before = api.people()

    refusals = [
        api("POST", f"{PEOPLE}/add", {"kind": "contact", "addresses": [f"a@{domain}", f"nobody@{domain}"]}),
        api("POST", f"{PEOPLE}/add", {"kind": "deal", "addresses": [f"a@{domain}"]}),
        api("POST", f"{PEOPLE}/add", {"kind": "lead", "addresses": []}),
        api("POST", f"{PEOPLE}/ignore", {"addresses": ["not an address"]}),
        api("POST", f"{PEOPLE}/ignore", {"addresses": [f"a@{domain}", pat], "whole_domain": True}),
        api("POST", f"{PEOPLE}/ignore", {"addresses": [f"a@{domain}"], "extra": 1}),
    ]

    assert [answer.status_code for answer in refusals] == [400] * len(refusals)
    assert "nobody@" in refusals[0].text and "gmail.com" in refusals[4].text
    assert api.people() == before
    assert (section(rep, f"a@{domain}"), section(rep, pat)) == ("unmatched", "unmatched")


def test_another_reps_suggested_people_are_not_yours(
    api: Client,
    rep: Rep,
    mail_user: MailUser,
    dovecot: LocalDovecot,
    new_mail_user: Any,
    dev_token: Callable[[str], str],
    local_stack: LocalStack,
) -> None:
    other_user = new_mail_user()
    other = connect(other_user, dovecot)
    domain = a_domain()
    deliver(dovecot, other_user, other, (f"a@{domain}", "Theirs"))

    assert api.people() == []
    assert api("POST", f"{PEOPLE}/ignore", {"addresses": [f"a@{domain}"]}).status_code == 400
    assert section(other, f"a@{domain}") == "unmatched"

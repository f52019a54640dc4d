"""Open tracking of sent email (E5) through the local gateway: the public pixel route answers the
same to every token, and records the fetches of a sent email's token, labelled."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from api_support import Api

from commcenter.data import activities as activities_data
from commcenter.data import message_refs
from commcenter.domain.activities import Activity
from commcenter.domain.clock import to_iso
from commcenter.domain.facts import EmailAddress, EmailFacts, expect
from commcenter.domain.ids import new_id
from commcenter_local.stack import LocalStack

GMAIL = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def sent_email(status: str = "sent", *, seconds_ago: float = 3600, rep_id: str = "R-OPENS") -> tuple[Activity, str]:
    """An email sent from the dashboard (as the send stores it), with its claims: the email's
    (by its key) and its open token's."""
    token = secrets.token_urlsafe(24)
    key = secrets.token_hex(32)
    sent = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    to = f"buyer-{uuid.uuid4().hex[:8]}@client.test"
    facts = EmailFacts(
        subject="Our proposal",
        to=[EmailAddress(address=to)],
        folder="sent",
        seen=True,
        send_status=status,
        sent_at=to_iso(sent) if status == "sent" else None,
        open_token=token,
        key=key,
        message_id=f"{key[:32]}@commcenter.test",
    )
    activity = Activity(
        id=new_id(sent),
        record_id=None,
        handle=f"email:{to}",
        type="email",
        occurred_at=to_iso(sent),
        rep_id=rep_id,
        direction="outbound",
        data=facts,
    )
    activities_data.put(activity)
    owner, sk = activities_data.stored_key(activity)
    assert message_refs.claim(message_refs.email_ref(key), owner, sk, activity.occurred_at)
    assert message_refs.claim(message_refs.open_ref(token), owner, sk, activity.occurred_at)
    return activity, token


def facts_now(activity: Activity) -> EmailFacts:
    stored = activities_data.get(*activities_data.stored_key(activity))
    assert stored is not None
    return expect(stored.data, EmailFacts)


def fetch(local_stack: LocalStack, token: str, agent: str = CHROME) -> requests.Response:
    return requests.get(
        f"{local_stack.base_url}/mail/o/{token}", headers={"User-Agent": agent}, allow_redirects=False, timeout=10
    )


def test_the_pixel_answers_the_same_to_every_token_without_signing_in(local_stack: LocalStack) -> None:
    _, known = sent_email()
    answers = [
        fetch(local_stack, token)
        for token in (known, secrets.token_urlsafe(24), "%2e%2e", "x" * 300, "not a token!", "'; DROP")
    ]
    first = answers[0]
    assert first.status_code == 302
    assert first.headers["Location"] == f"{local_stack.dashboard_url}/o.gif"
    assert first.headers["Cache-Control"] == "no-store, private"
    assert first.content == b""
    for answer in answers[1:]:
        assert (answer.status_code, answer.headers["Location"], answer.headers["Cache-Control"], answer.content) == (
            302,
            first.headers["Location"],
            "no-store, private",
            b"",
        )


def test_a_fetch_of_a_sent_emails_pixel_is_counted_as_an_open(local_stack: LocalStack) -> None:
    email, token = sent_email()
    fetch(local_stack, token)
    fetch(local_stack, token)
    facts = facts_now(email)
    assert (facts.opens, facts.prefetches) == (2, 0)
    assert [entry.kind for entry in facts.open_log] == ["open", "open"]
    assert facts.first_opened_at == facts.open_log[0].at
    assert facts.last_opened_at == facts.open_log[1].at


def test_gmails_image_proxy_is_labelled_and_counted(local_stack: LocalStack) -> None:
    email, token = sent_email()
    fetch(local_stack, token, GMAIL)
    facts = facts_now(email)
    assert facts.opens == 1
    assert [(entry.kind, entry.label) for entry in facts.open_log] == [
        ("proxy", "Opened in Gmail (through Google's image proxy)")
    ]


def test_a_fetch_right_after_the_send_is_a_prefetch_not_an_open(local_stack: LocalStack) -> None:
    email, token = sent_email(seconds_ago=1)
    fetch(local_stack, token)
    facts = facts_now(email)
    assert (facts.opens, facts.prefetches, facts.first_opened_at) == (0, 1, None)
    assert [entry.kind for entry in facts.open_log] == ["prefetch"]


@pytest.mark.parametrize("status", ["failed", "sending", "unknown"])
def test_the_pixel_of_an_email_not_sent_writes_nothing(local_stack: LocalStack, status: str) -> None:
    email, token = sent_email(status)
    assert fetch(local_stack, token).status_code == 302
    assert facts_now(email) == email.data


def test_the_open_log_keeps_the_last_twenty_fetches(local_stack: LocalStack) -> None:
    email, token = sent_email()
    for _ in range(23):
        fetch(local_stack, token)
    facts = facts_now(email)
    assert facts.opens == 23
    assert len(facts.open_log) == 20
    assert facts.open_log[-1].at == facts.last_opened_at
    assert facts.first_opened_at is not None and facts.first_opened_at < facts.open_log[0].at


def test_the_sent_tab_and_the_reader_show_the_opens_and_what_fetched_it(local_stack: LocalStack, alice: Api) -> None:
    email, token = sent_email(rep_id=alice.ok("GET", "/api/me")["id"])
    key = expect(email.data, EmailFacts).key
    fetch(local_stack, token, "Mozilla/5.0")  # Apple Mail Privacy Protection
    fetch(local_stack, token, GMAIL)
    row = next(row for row in alice.ok("GET", "/api/emails", tab="sent", limit=100)["items"] if row["id"] == key)
    detail = alice.ok("GET", f"/api/emails/{key}")
    assert (row["opens"], row["opened"], row["prefetches"]) == (1, True, 1)
    assert row["last_opened_at"] == detail["open_log"][1]["at"]
    assert [(entry["kind"], entry["label"]) for entry in detail["open_log"]] == [
        ("prefetch", "Apple Mail fetched it (Mail Privacy Protection: not necessarily opened)"),
        ("proxy", "Opened in Gmail (through Google's image proxy)"),
    ]

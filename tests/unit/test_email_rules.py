"""Whose an email is and which tab lists it; how a failing mailbox waits (pure rules)."""

from __future__ import annotations

import msgspec

from commcenter.domain.emails import conversation_id, email_tab, is_colleague, other_party, subject_matches
from commcenter.domain.facts import EmailAddress, EmailFacts
from commcenter.domain.mailboxes import MailError, SyncHealth, after_failure, after_success, due
from commcenter.domain.sms import ConversationState, with_message

ALICE = "alice@acme.test"


def party(address: str, name: str = "") -> EmailAddress:
    return EmailAddress(address=address, name=name)


def test_the_tab_of_an_email_follows_archive_then_colleague_then_direction_then_owner() -> None:
    facts = EmailFacts(subject="Hi")
    assert email_tab(facts, direction="inbound", record_id="R1") == "inbox"
    assert email_tab(facts, direction="inbound", record_id=None) == "unmatched"
    assert email_tab(msgspec.structs.replace(facts, ignored=True), direction="inbound", record_id=None) == "ignored"
    assert email_tab(facts, direction="outbound", record_id=None) == "sent"
    assert email_tab(msgspec.structs.replace(facts, colleague=True), direction="outbound", record_id="R1") == (
        "colleagues"
    )
    archived = msgspec.structs.replace(facts, archived=True, colleague=True)
    assert email_tab(archived, direction="inbound", record_id="R1") == "archived"


def test_a_colleague_shares_the_reps_own_domain_unless_it_is_a_public_one() -> None:
    assert is_colleague("bob@acme.test", ALICE)
    assert is_colleague("Bob@ACME.test", ALICE)
    assert not is_colleague("ann@client.test", ALICE)
    assert not is_colleague("ann@gmail.com", "alice@gmail.com")
    assert not is_colleague("bob@sub.acme.test", ALICE)


def test_the_other_party_is_the_sender_or_for_mail_the_rep_sent_the_first_other_recipient() -> None:
    ann = party("ann@client.test", "Ann")
    assert other_party(ann, [party(ALICE)], own_address=ALICE) == (ann, False)
    assert other_party(party(ALICE), [party(ALICE), ann], own_address=ALICE) == (ann, True)
    assert other_party(party(ALICE), [party(ALICE)], own_address=ALICE) == (None, True)


def test_an_email_conversation_is_one_per_rep_and_address_whatever_its_case() -> None:
    assert conversation_id("01REP", "Ann@Client.test") == conversation_id("01REP", "ann@client.test")
    assert conversation_id("01REP", "ann@client.test") != conversation_id("01OTHER", "ann@client.test")
    assert conversation_id("01REP", "ann@client.test").startswith("email-01rep-")


def conversation(unread: int, last_at: str) -> ConversationState:
    return ConversationState(
        id="email-x",
        rep_id="R",
        rep_number=ALICE,
        remote_number="ann@client.test",
        handle="email:ann@client.test",
        record_id=None,
        section="unmatched",
        last_at=last_at,
        last_preview="",
        last_direction="inbound",
        unread=unread,
        channel="email",
    )


def test_mail_read_in_the_reps_own_client_adds_nothing_unread() -> None:
    at = "2026-12-01T10:00:00.000Z"
    assert with_message(conversation(2, at), at=at, preview="p", direction="inbound", read=True).unread == 2
    assert with_message(conversation(2, at), at=at, preview="p", direction="inbound").unread == 3


def test_an_older_reply_fetched_late_leaves_what_came_after_it_unread() -> None:
    later = "2026-12-01T10:00:00.000Z"
    earlier = "2026-11-30T10:00:00.000Z"
    assert with_message(conversation(2, later), at=earlier, preview="p", direction="outbound").unread == 2
    assert with_message(conversation(2, earlier), at=later, preview="p", direction="outbound").unread == 0


def test_a_failing_mailbox_waits_longer_each_time_and_a_wrong_password_an_hour() -> None:
    at = "2026-12-01T10:00:00.000Z"
    down = MailError("connect", "The server refused the connection")
    first = after_failure(SyncHealth(), down, at=at)
    assert (first.failures, first.retry_at, first.error_since) == (1, "2026-12-01T10:01:00.000Z", at)
    second = after_failure(first, down, at="2026-12-01T10:01:00.000Z")
    assert (second.retry_at, second.error_since) == ("2026-12-01T10:03:00.000Z", at)
    assert not due(second, now="2026-12-01T10:02:59.000Z")
    assert due(second, now="2026-12-01T10:03:00.000Z")
    wrong = after_failure(SyncHealth(), MailError("login", "The server refused the password"), at=at)
    assert wrong.retry_at == "2026-12-01T11:00:00.000Z"
    many = SyncHealth()
    for _ in range(20):
        many = after_failure(many, down, at=at)
    assert many.retry_at == "2026-12-01T11:00:00.000Z"


def test_a_successful_poll_clears_the_error_and_counts_what_it_synced() -> None:
    at = "2026-12-01T10:00:00.000Z"
    failed = after_failure(SyncHealth(messages_synced=5), MailError("timeout", "No answer"), at=at)
    healed = after_success(failed, at="2026-12-01T10:05:00.000Z", synced=3)
    assert healed.error is None and healed.error_kind is None and healed.retry_at is None
    assert (healed.failures, healed.messages_synced, healed.last_success_at) == (0, 8, "2026-12-01T10:05:00.000Z")


def test_a_search_by_subject_finds_each_word_at_the_start_of_a_word_in_any_order() -> None:
    subject = "Re: Révision du devis — Hélène O'Neil"
    assert subject_matches("helene revis", subject) and subject_matches("DEVIS re", subject)
    assert subject_matches("neil", subject) and subject_matches("o'neil", subject)
    assert not subject_matches("vision", subject) and not subject_matches("devis quote", subject)
    assert not subject_matches("devis", "")

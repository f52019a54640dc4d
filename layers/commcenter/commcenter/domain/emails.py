"""Email as the communication center sees it: whose an email is, which tab lists it (pure rules).

An email is one more message of a conversation (one per rep mailbox and remote address, like an
SMS conversation per rep number and remote number): the conversation knows whose the address
is, so mail from a lead or contact lands in Inbox and mail from a stranger waits in Suggested
people (the conversations' unmatched section, grouped by sender).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal

from commcenter.domain.facts import EmailAddress, EmailFacts
from commcenter.domain.text import words

# The tabs of a rep's email (E2, E7), each a list of the `center` index: Inbox (from leads and
# contacts), Sent (what the rep sent, from the dashboard or their own client), Colleagues (with
# the rep's own domain), Archived; `unmatched` holds what strangers sent (Suggested people) and
# `ignored` what the rep ignores.
EmailTab = Literal["inbox", "sent", "colleagues", "archived", "unmatched", "ignored"]
EMAIL_TABS: tuple[EmailTab, ...] = ("inbox", "sent", "colleagues", "archived", "unmatched", "ignored")

# Addresses at these domains belong to whoever signed up: a rep writing from one has no
# "own domain" whose mail would be a colleague's.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.fr",
        "live.com",
        "live.fr",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "free.fr",
        "orange.fr",
        "wanadoo.fr",
        "laposte.net",
        "sfr.fr",
        "yandex.ru",
        "mail.ru",
        "zoho.com",
        "fastmail.com",
        "hey.com",
    }
)


def email_tab(facts: EmailFacts, *, direction: str | None, record_id: str | None) -> EmailTab:
    """The tab that lists an email: archived first (the rep put it away), then colleagues, then
    what the rep sent, then whose the other party is."""
    if facts.archived:
        return "archived"
    if facts.colleague:
        return "colleagues"
    if direction == "outbound":
        return "sent"
    if record_id:
        return "inbox"
    return "ignored" if facts.ignored else "unmatched"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_colleague(address: str, own_address: str) -> bool:
    """Whether `address` is at the rep's own domain (and that domain is not a public one)."""
    own = domain_of(own_address)
    return bool(own) and own not in PUBLIC_MAIL_DOMAINS and domain_of(address) == own


def other_party(
    sender: EmailAddress | None,
    recipients: Sequence[EmailAddress],
    *,
    own_address: str,
) -> tuple[EmailAddress | None, bool]:
    """Whom an email was exchanged with, and whether the rep sent it.

    Sent by the rep (From is the rep's own address): the first recipient who is not the rep.
    Otherwise: the sender. None when nobody else is named (a note to self)."""
    own = own_address.lower()
    if sender is not None and sender.address == own:
        others = [party for party in recipients if party.address != own]
        return (others[0] if others else None), True
    return sender, False


def conversation_id(rep_id: str, remote_address: str) -> str:
    """The conversation of a rep's mailbox with one address: deterministic and URL-safe."""
    digest = hashlib.sha256(remote_address.lower().encode()).hexdigest()[:24]
    return f"email-{rep_id.lower()}-{digest}"


def dedupe_key_of(message_id: str) -> str:
    """The dedupe key of a message that has `message_id` (`ParsedEmail.dedupe_key` for it): the
    SHA-256 of the id as RFC 5322 compares it (the part after the last "@" is a domain, whatever
    its case). How a Message-ID read elsewhere (a flag change's header) finds the stored email."""
    local, at, domain = message_id.strip().strip("<>").rpartition("@")
    normalised = f"{local}{at}{domain.lower()}" if at else domain
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()


def subject_matches(query: str, subject: str) -> bool:
    """Whether a search by subject finds `subject`: every word of `query` begins a word of the
    subject, in any order, case and accents aside ("helene revis" finds "Révision pour Hélène")."""
    wanted = words(query)
    found = words(subject)
    return all(any(word.startswith(part) for word in found) for part in wanted)

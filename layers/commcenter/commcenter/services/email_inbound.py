"""A synced email into the one inbound pipeline: the email channel's driver.

The poll hands over what it fetched (the raw message, its folder and UID, whether the rep has
read it) and its parse; this module keeps the raw message (and attachments, and HTML too large
for the item) in the mail bucket, works out whom it was exchanged with and turns it into an
`InboundMessage`. Matching, the conversation, unread counters and exactly-once come from the
pipeline (`commcenter.services.inbound`), as for an SMS. Mail with the rep's own domain (E7) is
written the same way without a conversation: it is kept apart from customer mail and never
waits among Suggested people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import msgspec

from commcenter.data import mail_objects, message_refs
from commcenter.data.inbound import InboundWrite, write_inbound
from commcenter.domain.activities import Activity, Direction, summarize
from commcenter.domain.clock import to_iso, utc_now
from commcenter.domain.emails import PUBLIC_MAIL_DOMAINS, conversation_id, domain_of, is_colleague, other_party
from commcenter.domain.facts import EmailAddress, EmailAttachment, EmailFacts
from commcenter.domain.handles import Handle, domain_handle, email_handle
from commcenter.domain.ids import stable_id
from commcenter.domain.mailboxes import FolderRole
from commcenter.domain.reps import Rep
from commcenter.errors import ValidationError
from commcenter.services.inbound import InboundMessage, Stored, store_inbound
from commcenter.services.reminders import cancel_on_reply

if TYPE_CHECKING:  # a type only: the parser is loaded by whoever parses (a poll with mail to store, a send)
    from commcenter.domain.email_message import ParsedEmail

# What the activity item keeps inline (an item is at most 400 KB and every KB is a write unit):
# beyond these, the HTML is read from the bucket and the text is cut (the raw message has all).
HTML_KEPT_IN_ITEM = 16 * 1024
TEXT_KEPT_IN_ITEM = 16 * 1024
REFERENCES_KEPT = 20
RECIPIENTS_KEPT = 50


@dataclass(frozen=True, slots=True)
class FetchedEmail:
    """One message as the poll fetched it from a folder of the rep's mailbox."""

    raw: bytes
    parsed: ParsedEmail
    folder: FolderRole
    uid: int
    uidvalidity: int
    seen: bool
    internal_date: datetime | None


def store_email(rep: Rep, mailbox_address: str, fetched: FetchedEmail) -> Stored:
    """Store a fetched email once for the team ("duplicate" when its Message-ID was stored
    before, by any mailbox, folder or poll: nothing written)."""
    parsed = fetched.parsed
    objects = store_objects(fetched.raw, parsed)
    party, outbound = exchanged_with(fetched, mailbox_address)
    if not outbound:  # a reply fetched: its thread's no-reply alerts are answered
        cancel_on_reply(rep.id, parsed.thread_id, _occurred_at(parsed, fetched))
    facts = email_facts(
        parsed,
        objects,
        folder=fetched.folder,
        uid=fetched.uid,
        uidvalidity=fetched.uidvalidity,
        seen=fetched.seen or outbound,
    )
    return write_email(
        rep, mailbox_address, parsed, facts, party=party, outbound=outbound, occurred_at=_occurred_at(parsed, fetched)
    )


def email_facts(
    parsed: ParsedEmail,
    objects: StoredObjects,
    *,
    folder: FolderRole,
    uid: int | None,
    uidvalidity: int | None,
    seen: bool,
) -> EmailFacts:
    """What the activity of an email records of it (`colleague` is decided by `write_email`)."""
    return EmailFacts(
        subject=parsed.subject,
        message_id=parsed.message_id,
        key=parsed.dedupe_key,
        from_=parsed.sender,
        to=list(parsed.to[:RECIPIENTS_KEPT]),
        cc=list(parsed.cc[:RECIPIENTS_KEPT]),
        in_reply_to=parsed.in_reply_to,
        references=list(parsed.references[-REFERENCES_KEPT:]),
        thread=parsed.thread_id,
        folder=folder,
        uid=uid,
        uidvalidity=uidvalidity,
        seen=seen,
        html=parsed.html if parsed.html is not None and objects.html is None else None,
        html_key=objects.html,
        raw_key=objects.raw,
        size=parsed.size,
        attachments=objects.attachments,
        warnings=list(parsed.warnings),
    )


def write_email(
    rep: Rep,
    mailbox_address: str,
    parsed: ParsedEmail,
    facts: EmailFacts,
    *,
    party: EmailAddress | None,
    outbound: bool,
    occurred_at: datetime,
) -> Stored:
    """Write an email's activity once, exchanged with `party`: through the inbound pipeline, or,
    with the rep's own domain (or nobody else), kept apart without a conversation. The claim of
    its dedupe key makes it once ("duplicate": written before, nothing written now); the poll
    and a send from the dashboard both come this way."""
    own = mailbox_address.lower()
    handle = _handle_of(party)
    colleague = party is None or handle is None or is_colleague(party.address, own)
    facts = msgspec.structs.replace(facts, colleague=colleague)
    body = parsed.text[:TEXT_KEPT_IN_ITEM]
    summary = summarize(parsed.subject) or summarize(parsed.preview) or "(no subject)"
    ref = message_refs.email_ref(parsed.dedupe_key)
    activity_id = stable_id(occurred_at, parsed.dedupe_key)
    at = to_iso(occurred_at)
    direction: Direction = "outbound" if outbound else "inbound"
    if colleague or handle is None:
        # Kept apart: no conversation, no counters, never among Suggested people.
        own_handle = handle or email_handle(own)
        activity = Activity(
            id=activity_id,
            record_id=None,
            handle=own_handle.key,
            type="email",
            occurred_at=at,
            rep_id=rep.id,
            direction=direction,
            summary=summary,
            body=body,
            external_id=parsed.message_id or parsed.dedupe_key,
            data=facts,
        )
        outcome = write_inbound(InboundWrite(ref=ref, activity=activity))
        return "duplicate" if outcome == "duplicate" else "stored"
    return store_inbound(
        InboundMessage(
            ref=ref,
            external_id=parsed.message_id or parsed.dedupe_key,
            rep=rep,
            rep_address=own,
            sender=handle,
            conversation_id=conversation_id(rep.id, handle.value),
            activity_id=activity_id,
            occurred_at=at,
            body=body,
            summary=summary,
            facts=facts,
            direction=direction,
            read=facts.seen,
            sender_domain=_domain_of(handle),
        )
    )


def exchanged_with(fetched: FetchedEmail, mailbox_address: str) -> tuple[EmailAddress | None, bool]:
    """Whom the email was exchanged with, and whether the rep sent it (From is the mailbox's
    address, or it is in Sent: an alias in From still names the first other recipient)."""
    own = mailbox_address.lower()
    parsed = fetched.parsed
    recipients = [*parsed.to, *parsed.cc]
    party, sent_by_rep = other_party(parsed.sender, recipients, own_address=own)
    outbound = sent_by_rep or fetched.folder == "sent"
    if outbound and party is parsed.sender:
        party = next((r for r in recipients if r.address != own), None)
    return party, outbound


@dataclass(frozen=True, slots=True)
class StoredObjects:
    """Where an email's objects are in the mail bucket: its raw message, its HTML when too large
    for the item, its attachments."""

    raw: str
    html: str | None
    attachments: list[EmailAttachment]


def store_objects(raw: bytes, parsed: ParsedEmail) -> StoredObjects:
    """The raw message, its large HTML and its attachments into the bucket (before the activity
    that points to them: a crash in between leaves objects a re-poll writes again, never an
    activity pointing at nothing)."""
    raw_key = mail_objects.raw_key(parsed.dedupe_key)
    mail_objects.put(raw_key, raw, "message/rfc822")
    html: str | None = None
    if parsed.html is not None and len(parsed.html.encode()) > HTML_KEPT_IN_ITEM:
        html = mail_objects.html_key(parsed.dedupe_key)
        mail_objects.put(html, parsed.html.encode(), "text/html; charset=utf-8")
    attachments: list[EmailAttachment] = []
    for position, attachment in enumerate(parsed.attachments):
        key = mail_objects.attachment_key(parsed.dedupe_key, position, attachment.filename)
        mail_objects.put(key, attachment.content, attachment.content_type or "application/octet-stream")
        attachments.append(
            EmailAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                key=key,
                content_id=attachment.content_id,
                inline=attachment.inline,
            )
        )
    return StoredObjects(raw=raw_key, html=html, attachments=attachments)


def _handle_of(party: EmailAddress | None) -> Handle | None:
    if party is None:
        return None
    try:
        return email_handle(party.address)
    except ValidationError:
        return None


def _domain_of(handle: Handle) -> Handle | None:
    """The sender's domain, which a rep may have ignored as a whole (E6); never a public mail
    domain, whose addresses are unrelated people."""
    domain = domain_of(handle.value)
    return None if domain in PUBLIC_MAIL_DOMAINS else domain_handle(domain)


def _occurred_at(parsed: ParsedEmail, fetched: FetchedEmail) -> datetime:
    """When the email was sent: its Date header, unless missing or in the future (a wrong clock
    at the sender), then when the server received it, then now."""
    now = utc_now()
    for moment in (parsed.date, fetched.internal_date):
        if moment is not None and moment.tzinfo is not None and moment <= now:
            return moment.astimezone(UTC)
    return now

"""Sending an email from the dashboard (E5): compose or reply, through the rep's own SMTP server.

The email is stored before it is sent, as a synced sent email would be (`email_inbound`: the
raw message in the bucket, one activity through the inbound pipeline, its claim by dedupe key),
with `send_status` "sending"; the SMTP exchange then records its outcome on it: "sent", "failed"
(nothing sent: the error in words, a draft the rep sends again) or "unknown" (the server did not
answer after the message's end: it may have been sent, so sending again needs the rep's word).
An SMTP failure never loses what the rep wrote.

Never twice: the Message-ID derives from the rep and the request's `client_request_id`, so a
retried request is the same email, whose claim already exists: it is answered as stored, never
sent again. The poll that later fetches the copy from the Sent folder finds the same claim.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import mail_objects, message_refs
from commcenter.data import mailboxes as mailboxes_data
from commcenter.data import records as records_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import parse_iso, to_iso, utc_now
from commcenter.domain.emails import dedupe_key_of, other_party
from commcenter.domain.facts import EmailAddress, EmailFacts, expect
from commcenter.domain.ids import checked_request_id
from commcenter.domain.mailboxes import MailboxSettings, MailError
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, NotFoundError
from commcenter.services import email_tabs
from commcenter.services.external_ids import activity_of
from commcenter.services.mailbox_oauth import login_for
from commcenter.services.open_tracking import tracking_url

if TYPE_CHECKING:
    from commcenter.channels.smtp_submission import SmtpResult
    from commcenter.domain.outgoing_email import OutgoingEmail

# The MIME builder and parser, the email pipeline and smtplib are loaded by a send when it runs
# (inside the functions below), never at the API's start: its other routes need none of them.

# A send still "sending" after this long was cut short (its function died mid-send): it may
# have been sent, and is said so.
SENDING_TIMEOUT = timedelta(seconds=60)
# Each SMTP step (connect, TLS, a command, the answer to the message's end) waits at most this
# long, so that a server that hangs is recorded as failed (or unknown) within the API function's
# 15 s, not cut short with the email left "sending".
SMTP_TIMEOUT = 6.0
UNKNOWN_WORDS = "The server did not confirm the message: it may have been sent"


class SendEmailInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An email the rep wrote. `client_request_id`: made once by the composer, the same when the
    request is sent again (the send happens once). `reply_to`: the id of the rep's email it
    answers (threading headers from it). `record_id`: the lead or contact it was written from."""

    client_request_id: str
    to: list[str]
    cc: list[str] = []
    subject: str = ""
    text: str
    reply_to: str | None = None
    record_id: str | None = None


class RetryEmailInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """`confirm_unknown`: the rep confirmed sending again an email that may have been sent."""

    confirm_unknown: bool = False


def send_email(rep: Rep, payload: SendEmailInput, base_url: str = "") -> email_tabs.EmailDetail:
    """Store the email, send it through the rep's SMTP server and record the outcome; the stored
    email whatever the outcome (its `send_status`). A retried request is answered as stored."""
    from commcenter.domain.outgoing_email import (
        OutgoingEmail,
        checked_subject,
        checked_text,
        for_sending,
        message_id_for,
        recipients_of,
    )

    request_id = checked_request_id(payload.client_request_id)
    to = recipients_of(payload.to, "to", least=1)
    cc = recipients_of(payload.cc, "cc")
    subject = checked_subject(payload.subject)
    text = checked_text(payload.text)
    # A reply to an email of a conversation assigned to the rep goes out from the rep's own
    # mailbox, threaded under it.
    original = email_tabs.find_email(rep, payload.reply_to, own=False) if payload.reply_to is not None else None
    if payload.record_id is not None and not records_data.get_many([payload.record_id]):
        raise NotFoundError(f"no record {payload.record_id}")
    settings = _settings(rep)
    message_id = message_id_for(rep.id, request_id, settings.address)
    key = dedupe_key_of(message_id)
    stored = activity_of(message_refs.email_ref(key))
    if stored is not None:
        return _as_stored(rep, stored)
    in_reply_to, references, thread = _threading(original)
    email = OutgoingEmail(
        sender=EmailAddress(address=settings.address, name=rep.name),
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        message_id=message_id,
        date=utc_now().replace(microsecond=0),
        in_reply_to=in_reply_to,
        references=references,
    )
    token = secrets.token_urlsafe(24)
    if write_sent_email(rep, settings, email, request_id=request_id, token=token, thread=thread) == "duplicate":
        stored = activity_of(message_refs.email_ref(key))  # a request racing this one stored it
        if stored is None:
            raise ConflictError("the email is being stored by another request", code="in_progress")
        return _as_stored(rep, stored)
    activity = _stored(key)
    _deliver(rep, settings, activity, for_sending(email, tracking_url(token, base_url)), email.recipients)
    return email_tabs.get_email(rep, key)


def retry_email(rep: Rep, key: str, payload: RetryEmailInput, base_url: str = "") -> email_tabs.EmailDetail:
    """Send again an email whose send failed (or, confirmed by the rep, one that may have been
    sent): the same message, Message-ID and open token. Two clicks send once."""
    from commcenter.domain.outgoing_email import for_keeping, for_sending

    activity = email_tabs.find_email(rep, key)
    facts = expect(activity.data, EmailFacts)
    status = facts.send_status
    if status == "sending" and not _stale(activity):
        raise ConflictError("the email is being sent", code="in_progress")
    if status == "sent":
        raise ConflictError("the email was sent already", code="already_sent")
    if status not in ("failed", "unknown", "sending"):
        raise ConflictError("only an email sent from the dashboard can be sent again", code="not_sent_here")
    if status != "failed" and not payload.confirm_unknown:
        raise ConflictError(
            "the email may have been sent already: confirm to send it again (confirm_unknown)", code="unconfirmed"
        )
    settings = _settings(rep)
    moved = activities_data.set_send_outcome(activity, "sending", None, None, None, [], only_from=(status,))
    if moved is None:
        raise ConflictError("the email is being sent", code="in_progress")
    kept = mail_objects.get(facts.raw_key or mail_objects.raw_key(key))
    email = _outgoing_of(kept, moved)
    message = for_sending(email, tracking_url(facts.open_token, base_url)) if facts.open_token else for_keeping(email)
    _deliver(rep, settings, moved, message, email.recipients)
    return email_tabs.get_email(rep, key)


def write_sent_email(
    rep: Rep, settings: MailboxSettings, email: OutgoingEmail, *, request_id: str, token: str, thread: str | None
) -> str:
    """The email stored as it is kept (no pixel), as a synced sent email: its raw message in the
    bucket, its activity (status "sending") through the same path as the poll's. "duplicate":
    stored before (nothing written)."""
    from commcenter.domain.email_message import parse_email
    from commcenter.domain.outgoing_email import for_keeping
    from commcenter.services.email_inbound import email_facts, store_objects, write_email

    kept = for_keeping(email)
    parsed = parse_email(kept)
    objects = store_objects(kept, parsed)
    facts = email_facts(parsed, objects, folder="sent", uid=None, uidvalidity=None, seen=True)
    facts = msgspec.structs.replace(
        facts,
        send_status="sending",
        client_request_id=request_id,
        open_token=token,
        thread=thread or facts.thread,
    )
    party, _ = other_party(parsed.sender, [*parsed.to, *parsed.cc], own_address=settings.address)
    return write_email(rep, settings.address, parsed, facts, party=party, outbound=True, occurred_at=email.date)


def _settings(rep: Rep) -> MailboxSettings:
    settings = mailboxes_data.get_settings(rep.id)
    if settings is None:
        raise ConflictError("connect a mailbox first (Settings, Mailbox)", code="no_mailbox")
    if mailboxes_data.get_health(rep.id).needs_reconnect:
        raise ConflictError("the mailbox's account must be connected again (Settings, Mailbox)", code="reconnect")
    return settings


def _threading(original: Activity | None) -> tuple[str | None, tuple[str, ...], str | None]:
    """In-Reply-To, References and thread of a reply to `original` (none for a new email)."""
    from commcenter.domain.outgoing_email import reply_threading

    if original is None:
        return None, (), None
    facts = expect(original.data, EmailFacts)
    if not facts.message_id:
        return None, (), facts.thread or None
    in_reply_to, references = reply_threading(facts.message_id, facts.references)
    return in_reply_to, references, facts.thread or None


def _stored(key: str) -> Activity:
    activity = activity_of(message_refs.email_ref(key))
    if activity is None:  # written a moment ago: its claim points to it
        raise ConflictError("the email is being stored", code="in_progress")
    return activity


def _stale(activity: Activity) -> bool:
    return utc_now() - parse_iso(activity.occurred_at) > SENDING_TIMEOUT


def _as_stored(rep: Rep, stored: Activity) -> email_tabs.EmailDetail:
    """A retried request: the email as stored; never sent again. One still being sent is 409,
    unless its send was cut short (then it may have been sent: "unknown")."""
    facts = expect(stored.data, EmailFacts)
    key = email_tabs.email_key(stored)
    if stored.rep_id != rep.id:
        raise ConflictError("this request id was used for another email", code="conflict")
    if facts.send_status == "sending":
        if not _stale(stored):
            raise ConflictError("the email is being sent", code="in_progress")
        activities_data.set_send_outcome(stored, "unknown", UNKNOWN_WORDS, "timeout", None, [], only_from=("sending",))
    return email_tabs.get_email(rep, key)


def _outgoing_of(kept: bytes, activity: Activity) -> OutgoingEmail:
    """The email again from the message as kept (the same headers, text and Message-ID)."""
    from commcenter.domain.email_message import parse_email
    from commcenter.domain.outgoing_email import OutgoingEmail

    facts = expect(activity.data, EmailFacts)
    parsed = parse_email(kept)
    return OutgoingEmail(
        sender=parsed.sender or EmailAddress(address=""),
        to=parsed.to,
        cc=parsed.cc,
        subject=parsed.subject,
        text=parsed.text,
        message_id=parsed.message_id or facts.message_id,
        date=parsed.date or parse_iso(activity.occurred_at),
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
    )


def _deliver(rep: Rep, settings: MailboxSettings, activity: Activity, message: bytes, recipients: list[str]) -> None:
    """The SMTP exchange, and its outcome recorded on the email (status "sending" before)."""
    from commcenter.channels import smtp_submission

    facts = expect(activity.data, EmailFacts)
    _claim_open_token(activity, facts)
    try:
        result = _submit(settings, message, recipients)
    except smtp_submission.SmtpRefused as refused:
        activities_data.set_send_outcome(activity, "failed", refused.message, "refused", None, list(refused.refused))
        return
    except MailError as error:
        if error.outcome_unknown:
            words = f"{UNKNOWN_WORDS} ({error.message})"
            activities_data.set_send_outcome(activity, "unknown", words, error.kind, None, [])
        else:
            activities_data.set_send_outcome(activity, "failed", error.message, error.kind, None, [])
        return
    activities_data.set_send_outcome(activity, "sent", None, None, to_iso(utc_now()), sorted(result.refused))
    if settings.auth != "google":  # Gmail files what its SMTP sends into Sent by itself
        copy = mailboxes_data.SentCopy(
            key=facts.key, message_id=facts.message_id, raw_key=facts.raw_key or mail_objects.raw_key(facts.key)
        )
        mailboxes_data.want_sent_copy(rep.id, copy)


def _submit(settings: MailboxSettings, message: bytes, recipients: list[str]) -> SmtpResult:
    """Send through the mailbox's SMTP server; an OAuth login refused is tried once more with a
    renewed access token (the stored one may have been revoked since it was issued)."""
    from commcenter.channels import smtp_submission

    login = login_for(settings)
    try:
        return smtp_submission.send(settings.smtp, login, settings.address, recipients, message, timeout=SMTP_TIMEOUT)
    except MailError as error:
        if error.kind != "reconnect" or settings.auth == "password":
            raise
    login = login_for(settings, renew=True)
    return smtp_submission.send(settings.smtp, login, settings.address, recipients, message, timeout=SMTP_TIMEOUT)


def _claim_open_token(activity: Activity, facts: EmailFacts) -> None:
    """The open pixel's token points to the email (once; again harmlessly on a retry)."""
    if not facts.open_token:
        return
    claim = message_refs.get(message_refs.email_ref(facts.key))
    if claim is None or claim.owner is None or claim.sk is None:
        return
    message_refs.claim(message_refs.open_ref(facts.open_token), claim.owner, claim.sk, activity.occurred_at)

"""An email the rep writes in the dashboard, as the MIME message that is sent (E5): pure values,
the standard library's `email` package only.

The rep writes plain text; the message carries it twice (multipart/alternative): as text/plain,
and as text/html with the text escaped, its paragraphs and line breaks kept and its links made
clickable. It is rendered twice, identical but for one thing: `for_sending` ends its HTML with
the open pixel, `for_keeping` has none. What is kept (the raw message in the bucket, the copy in
the rep's Sent folder, what the reader shows) is the second, so that the rep's own reading never
counts as an open. Both are built from the same values, with a boundary derived from the
Message-ID, so building again (a retried send) gives the same bytes.

The Message-ID is derived from the rep and the send's client request id, never random: a
retried request is the same message, whose claim (its dedupe key) makes the send idempotent,
and the poll that later fetches the copy from Sent finds that claim.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses

from commcenter.domain.emails import domain_of
from commcenter.domain.facts import EmailAddress
from commcenter.domain.handles import normalize_email
from commcenter.errors import ValidationError

MAX_RECIPIENTS = 50
MAX_SUBJECT = 998  # a header line's limit (RFC 5322)
MAX_TEXT = 200_000
MAX_NAME = 200
REFERENCES_KEPT = 20
# What a header value cannot hold: line breaks of any kind and other control characters (tab is
# white space).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
# A link as people type one: a scheme (http, https) or "www.", up to a space or an angle
# bracket; a closing punctuation mark is left out of it (a sentence's full stop).
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
# Bodies as quoted-printable or base64 (7bit on the wire: no server needs 8BITMIME), CRLF lines.
_POLICY = SMTP.clone(cte_type="7bit")
PIXEL = '<img src="{url}" width="1" height="1" alt="" style="display:block;border:0">'


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """What one send says: who from, to whom, what, and where it stands in a thread.

    `message_id` and the ids of `in_reply_to` / `references` are without <>."""

    sender: EmailAddress
    to: tuple[EmailAddress, ...]
    cc: tuple[EmailAddress, ...]
    subject: str
    text: str
    message_id: str
    date: datetime
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()

    @property
    def recipients(self) -> list[str]:
        """The envelope's recipients: To and Cc, each once."""
        return list(dict.fromkeys(a.address for a in (*self.to, *self.cc)))


def message_id_for(rep_id: str, client_request_id: str, mailbox_address: str) -> str:
    """The Message-ID of the send `client_request_id` of the rep (without <>): the same for a
    retried request, at the domain of the mailbox it is sent from."""
    digest = hashlib.sha256(f"{rep_id}:{client_request_id}".encode()).hexdigest()[:32]
    return f"{digest}@{domain_of(mailbox_address)}"


def reply_threading(message_id: str, references: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """In-Reply-To and References of a reply to the message `message_id` whose own References
    were `references`: its references (the last ones) then itself."""
    kept = [ref for ref in references if ref and ref != message_id][-(REFERENCES_KEPT - 1) :]
    return message_id, (*kept, message_id)


def recipients_of(values: Sequence[str], field: str, *, least: int = 0) -> tuple[EmailAddress, ...]:
    """The addresses a rep typed (`a@b.example` or `Name <a@b.example>`), each once; a
    ValidationError naming `field` when one is not an address, or there are too few or too many."""
    if len(values) < least:
        raise ValidationError(f"{field}: name at least {least} recipient", {field: "required"})
    if len(values) > MAX_RECIPIENTS:
        raise ValidationError(f"{field}: at most {MAX_RECIPIENTS} recipients", {field: "too many"})
    found: dict[str, EmailAddress] = {}
    for value in values:
        party = _recipient(value, field)
        found.setdefault(party.address, party)
    return tuple(found.values())


def _recipient(value: str, field: str) -> EmailAddress:
    if _CONTROL.search(value):
        raise ValidationError(f"{field}: an address cannot hold a line break", {field: "line break"})
    parsed = getaddresses([value])
    if len(parsed) != 1 or not parsed[0][1]:
        raise ValidationError(f"{field}: not an email address: {value!r}", {field: "not an email address"})
    name, address = parsed[0]
    try:
        normalised = normalize_email(address)
    except ValidationError:
        raise ValidationError(f"{field}: not an email address: {value!r}", {field: "not an email address"}) from None
    return EmailAddress(address=normalised, name=checked_name(name, field))


def checked_name(name: str, field: str) -> str:
    """A display name as it goes into a header: one line, not too long."""
    if _CONTROL.search(name):
        raise ValidationError(f"{field}: a name cannot hold a line break or control character", {field: "line break"})
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise ValidationError(f"{field}: a name is at most {MAX_NAME} characters", {field: "too long"})
    return name


def checked_subject(subject: str) -> str:
    if _CONTROL.search(subject):
        raise ValidationError("the subject cannot hold a line break or control character", {"subject": "line break"})
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(f"the subject is at most {MAX_SUBJECT} characters", {"subject": "too long"})
    return subject


def checked_text(text: str) -> str:
    """The body as the rep wrote it, with its line endings made one kind; never blank."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError("write something to send", {"text": "blank"})
    if len(text) > MAX_TEXT:
        raise ValidationError(f"the text is at most {MAX_TEXT} characters", {"text": "too long"})
    return text


def text_to_html(text: str) -> str:
    """The rep's plain text as HTML: escaped, a paragraph per blank-line-separated block, line
    breaks kept, links clickable."""
    blocks = [block for block in re.split(r"\n(?:[ \t]*\n)+", text.strip("\n")) if block.strip()]
    paragraphs = ["<br>\n".join(_line_html(line) for line in block.split("\n")) for block in blocks]
    return "\n".join(f'<p style="margin:0 0 1em 0">{paragraph}</p>' for paragraph in paragraphs)


def _line_html(line: str) -> str:
    out: list[str] = []
    position = 0
    for found in _LINK.finditer(line):
        link = found.group(0).rstrip(_TRAILING)
        end = found.start() + len(link)
        if len(link) <= len("www.") or link.lower() in ("http://", "https://"):
            continue
        out.append(html.escape(line[position : found.start()], quote=False))
        target = link if "://" in link else f"https://{link}"
        out.append(f'<a href="{html.escape(target)}">{html.escape(link, quote=False)}</a>')
        position = end
    out.append(html.escape(line[position:], quote=False))
    return "".join(out)


def for_sending(email: OutgoingEmail, tracking_url: str) -> bytes:
    """The message as sent: its HTML ends with the open pixel at `tracking_url`."""
    return _build(email, PIXEL.format(url=html.escape(tracking_url)))


def for_keeping(email: OutgoingEmail) -> bytes:
    """The message as kept (the bucket, the Sent folder, the reader): no pixel."""
    return _build(email, "")


def _address(party: EmailAddress) -> Address:
    local, _, domain = party.address.rpartition("@")
    return Address(display_name=checked_name(party.name, "name"), username=local, domain=domain)


def _build(email: OutgoingEmail, pixel: str) -> bytes:
    message = EmailMessage(policy=_POLICY)
    message["From"] = _address(email.sender)
    message["To"] = [_address(party) for party in email.to]
    if email.cc:
        message["Cc"] = [_address(party) for party in email.cc]
    message["Subject"] = checked_subject(email.subject)
    message["Date"] = format_datetime(email.date)
    message["Message-ID"] = f"<{email.message_id}>"
    if email.in_reply_to:
        message["In-Reply-To"] = f"<{email.in_reply_to}>"
    if email.references:
        message["References"] = " ".join(f"<{ref}>" for ref in email.references)
    message.set_content(email.text, charset="utf-8")
    body = text_to_html(email.text)
    document = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
        f'<body style="font-family:sans-serif">\n{body}\n{pixel}</body></html>\n'
    )
    message.add_alternative(document, subtype="html", charset="utf-8")
    for part in message.iter_parts():
        del part["MIME-Version"]  # the message's own says it; a part repeating it is noise
    boundary = "=_" + hashlib.sha256(email.message_id.encode()).hexdigest()[:28]
    message.set_boundary(boundary)
    return message.as_bytes(policy=_POLICY)

"""What the mail tests share: a rep connected to a mailbox of the local Dovecot, a message as a
mail client writes it, a contact with an address, one poll of the mailbox, a fresh address, the
API as one rep sees it."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import msgspec
import requests
from conftest import MailUser

from commcenter.data import mailbox_secrets
from commcenter.data import mailboxes as mailboxes_data
from commcenter.data import reps as reps_data
from commcenter.domain.mailboxes import MailboxSettings, ServerEndpoint
from commcenter.domain.records import RecordInput
from commcenter.domain.reps import Rep
from commcenter.services import mail_poll
from commcenter.services.records import create_record
from commcenter_local.mail_server import LocalDovecot

DOMAIN = "commcenter.test"  # the local mail users' domain: mail between them is a colleague's


def connect(
    user: MailUser, dovecot: LocalDovecot, *, password: str | None = None, smtp: ServerEndpoint | None = None
) -> Rep:
    rep = Rep(id=f"R{uuid.uuid4().hex[:12].upper()}", name=f"Rep {user.name}", email=user.address)
    reps_data.create(rep)
    endpoint = ServerEndpoint(host="127.0.0.1", port=dovecot.imaps_port, tls="tls")
    settings = MailboxSettings(
        rep_id=rep.id,
        address=user.address,
        username=user.name,
        imap=endpoint,
        smtp=smtp or endpoint,
        first_sync_days=30,
    )
    mailboxes_data.save_settings(settings)
    mailbox_secrets.put(rep.id, {"password": password or user.password})
    return rep


def message(
    sender: str,
    to: str,
    subject: str,
    *,
    days_ago: float = 1,
    message_id: str | None = None,
    attachment: bytes | None = None,
    html: str | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = format_datetime(datetime.now(UTC) - timedelta(days=days_ago))
    mail["Message-ID"] = message_id or make_msgid(domain="sender.test")
    mail.set_content(f"Body of {subject}\n")
    if html is not None:
        mail.add_alternative(html, subtype="html")
    if attachment is not None:
        mail.add_attachment(attachment, maintype="application", subtype="pdf", filename="quote.pdf")
    return bytes(mail)


def contact_with(address: str, rep: Rep) -> str:
    record = create_record(
        msgspec.convert(
            {"kind": "contact", "first_name": "Hélène", "last_name": "Mail", "emails": [{"address": address}]},
            RecordInput,
        ),
        rep,
    )
    return record.id


def poll(rep: Rep) -> mail_poll.MailboxPoll:
    return mail_poll.poll_mailbox(rep.id, deadline=time.monotonic() + 60, force=True)


def stranger() -> str:
    return f"someone-{uuid.uuid4().hex[:8]}@client.test"


class Api:
    """The dashboard's API as one rep sees it, signed in with a dev token."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        return requests.request(
            method, self.base_url + path, json=body, params=params or None, headers=self.headers, timeout=60
        )

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        answer = self(method, path, body, **params)
        assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def tab(self, tab: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of an email tab (`/api/emails`)."""
        return list(self.ok("GET", "/api/emails", tab=tab, **params)["items"])

    def subjects(self, tab: str, **params: Any) -> list[str]:
        return [row["subject"] for row in self.tab(tab, **params)]

"""The demo's mailbox: Alice's, on the local Dovecot `make dev` runs, with mail in it.

The local mail servers are new at each start (their mail lives in a temporary folder), so each
start makes Alice's mail user again, points her mailbox settings at this start's ports, stores
its password as her secret and puts the demo's messages back. They keep their Message-IDs, so the
emails synced by an earlier start are not stored twice: the folders' new UIDVALIDITY makes the
poll read them again, and each one's claim turns it into a duplicate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from commcenter_local.dev_auth import local_secret
from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints

DEMO_MAILBOX_PASSWORD_FILE = "demo-mailbox-password"  # noqa: S105 (a file name, not a secret)

# (folder, from, to, subject, body, days ago, read)
DEMO_MAIL: tuple[tuple[str, str, str, str, str, float, bool], ...] = (
    (
        "INBOX",
        "Hélène Durand <helene@acme.example>",
        "Alice Martin <alice@northwind.example>",
        "Pilot: 20 seats for January?",
        "Hi Alice,\n\nThe team liked the demo. Could we start a pilot with 20 seats in January?\n\nHélène",
        2.0,
        True,
    ),
    (
        "Sent",
        "Alice Martin <alice@northwind.example>",
        "Hélène Durand <helene@acme.example>",
        "Re: Pilot: 20 seats for January?",
        "Hi Hélène,\n\nYes: I am sending the pilot's terms today.\n\nAlice",
        1.9,
        True,
    ),
    (
        "INBOX",
        "Priya Nair <priya.nair@globex.example>",
        "alice@northwind.example",
        "Pricing for 50 users",
        "Hello,\n\nA colleague recommended you. What would 50 users cost per year?\n\nPriya Nair\nGlobex",
        0.3,
        False,
    ),
    (
        "INBOX",
        "Bruno Costa <bruno@northwind.example>",
        "alice@northwind.example",
        "Handover of the Stark account",
        "Alice, the Stark notes are in the shared folder. Bruno",
        0.8,
        False,
    ),
)


def demo_message(index: int, now: datetime) -> bytes:
    _, sender, to, subject, body, days_ago, _ = DEMO_MAIL[index]
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = format_datetime(now - timedelta(days=days_ago))
    message["Message-ID"] = f"<demo-{index}@northwind.example>"
    if index == 1:
        message["In-Reply-To"] = message["References"] = "<demo-0@northwind.example>"
    message.set_content(body)
    return bytes(message)


def connect_demo_mailbox(servers: LocalMailServers, endpoints: MailServerEndpoints, data_dir: Path) -> str:
    """Alice's mailbox on the local servers, with the demo's mail; returns her address."""
    from commcenter.data import mailbox_secrets
    from commcenter.data import mailboxes as mailboxes_data
    from commcenter.domain.mailboxes import MailboxSettings
    from commcenter_local.demo_data import DEMO_REPS

    alice = DEMO_REPS[0]
    password = local_secret(data_dir, DEMO_MAILBOX_PASSWORD_FILE)
    user = servers.add_user(alice.email, password)
    stored = mailboxes_data.get_settings(alice.id)
    settings = MailboxSettings(
        rep_id=alice.id,
        address=alice.email,
        username=user,
        imap=endpoints.imap_tls,
        smtp=endpoints.smtp_starttls,
        version=stored.version if stored else 0,
        created_at=stored.created_at if stored else "",
    )
    mailboxes_data.save_settings(settings)
    mailbox_secrets.put(alice.id, {"password": password})
    now = datetime.now(UTC)
    assert servers.dovecot is not None
    for index, (folder, *_rest, days_ago, read) in enumerate(DEMO_MAIL):
        flags = [b"\\Seen"] if read else []
        servers.dovecot.append(user, folder, demo_message(index, now), flags=flags, date=now - timedelta(days=days_ago))
    return alice.email

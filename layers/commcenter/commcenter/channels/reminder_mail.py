"""The reminder emails the product sends to its reps, as itself (never as a rep's mailbox).

Two ways out, chosen by the settings: SES (SESv2 SendEmail with the raw message) in AWS, or an
SMTP server when `NOTIFY_SMTP_HOST` is set (the local stack's; STARTTLS, or TLS from the first
byte on port 465, the certificate verified as every mail connection's is). Either way the message
is built here, whole, with the Message-ID the caller gives: SES keeps a Message-ID the message
carries, so a reminder sent twice (a sweep that crashed after sending) reaches the rep as two
copies of one message, recognisable by that id and threaded as one.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from typing import Any, Protocol

from commcenter.channels.mail_transport import tls_context
from commcenter.domain.clock import utc_now
from commcenter.settings import Settings, get_settings

REMINDER_HEADER = "X-Commcenter-Reminder"
SMTPS_PORT = 465


def build_message(*, sender: str, to: str, subject: str, text: str, reminder_id: str, message_id: str) -> bytes:
    """The reminder email as sent (CRLF line endings), its idempotency key in Message-ID and in
    the `X-Commcenter-Reminder` header."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = message_id
    message[REMINDER_HEADER] = reminder_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


class ReminderMail(Protocol):
    @property
    def sender(self) -> str: ...

    def send(self, to: str, message: bytes) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpReminderMail:
    sender: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0

    def send(self, to: str, message: bytes) -> None:
        if self.port == SMTPS_PORT:
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=tls_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            client.starttls(context=tls_context())
        try:
            if self.username:
                client.login(self.username, self.password or "")
            client.sendmail(self.sender, [to], message)
        finally:
            try:
                client.quit()
            except smtplib.SMTPException:
                client.close()


@dataclass(frozen=True, slots=True)
class SesReminderMail:
    sender: str
    client: Any  # a boto3 sesv2 client

    def send(self, to: str, message: bytes) -> None:
        self.client.send_email(**ses_request(self.sender, to, message))


def ses_request(sender: str, to: str, message: bytes) -> dict[str, Any]:
    """SESv2 SendEmail's arguments for a raw message: From as the message has it, one recipient."""
    return {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": [to]},
        "Content": {"Raw": {"Data": message}},
    }


def reminder_mail(settings: Settings | None = None) -> ReminderMail | None:
    """The way reminder emails leave this stack; None when no sender is set (no email)."""
    settings = settings or get_settings()
    if not settings.reminder_sender:
        return None
    if settings.notify_smtp_host:
        return SmtpReminderMail(
            sender=settings.reminder_sender,
            host=settings.notify_smtp_host,
            port=settings.notify_smtp_port,
            username=settings.notify_smtp_username,
            password=settings.notify_smtp_password,
        )
    return SesReminderMail(sender=settings.reminder_sender, client=_ses_client(settings.region))


@cache
def _ses_client(region: str) -> Any:
    # Imported on use: boto3 costs the cold start of functions that never send a reminder.
    import boto3

    return boto3.client("sesv2", region_name=region)

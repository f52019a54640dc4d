"""Sending SMS: Twilio's Messages API, or a sandbox that sends nothing (no credentials).

The services see only `SmsGateway`; the Twilio REST client is imported on first send, off the
cold start of every function.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from commcenter.channels.twilio_rest import rest_client


@dataclass(frozen=True, slots=True)
class SentMessage:
    sid: str
    status: str


class SmsRefused(Exception):
    """Twilio answered and did not take the message (nothing was sent)."""

    def __init__(self, code: int | None, http_status: int | None, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.http_status = http_status
        self.detail = detail


class SmsGateway(Protocol):
    sandbox: bool

    def send(self, *, from_number: str, to_number: str, body: str, status_callback: str) -> SentMessage:
        """Send one message; raises SmsRefused, or anything else when the outcome is unknown."""
        ...

    def find_sent(
        self, *, from_number: str, to_number: str, body: str, since: datetime, exclude: frozenset[str] = frozenset()
    ) -> SentMessage | None:
        """The message Twilio accepted with this body since `since`, if any (reconciling a lost
        answer), other than those in `exclude` (an earlier send of the same message)."""
        ...


class SandboxSmsGateway:
    """No Twilio account configured: messages stay in the local outbox, clearly not delivered."""

    sandbox = True

    def send(self, *, from_number: str, to_number: str, body: str, status_callback: str) -> SentMessage:
        digest = hashlib.sha256(f"{from_number}|{to_number}|{body}|{datetime.now().isoformat()}".encode()).hexdigest()
        return SentMessage(sid="SM" + digest[:32], status="sandbox")

    def find_sent(
        self, *, from_number: str, to_number: str, body: str, since: datetime, exclude: frozenset[str] = frozenset()
    ) -> SentMessage | None:
        return None


class TwilioSmsGateway:
    sandbox = False

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, *, from_number: str, to_number: str, body: str, status_callback: str) -> SentMessage:
        from twilio.base.exceptions import TwilioRestException

        try:
            message = self.client.messages.create(
                to=to_number, from_=from_number, body=body, status_callback=status_callback
            )
        except TwilioRestException as error:
            raise SmsRefused(_int_or_none(error.code), error.status, str(error.msg)) from error
        return SentMessage(sid=str(message.sid), status=str(message.status or "queued"))

    def find_sent(
        self, *, from_number: str, to_number: str, body: str, since: datetime, exclude: frozenset[str] = frozenset()
    ) -> SentMessage | None:
        # Newest first; a message still queued has no date_sent yet, so the filter is on creation.
        for message in self.client.messages.list(from_=from_number, to=to_number, limit=20):
            created = message.date_created
            if str(message.sid) in exclude:
                continue
            if message.body == body and (created is None or created >= since):
                return SentMessage(sid=str(message.sid), status=str(message.status))
        return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def sms_gateway() -> SmsGateway:
    client = rest_client()
    return SandboxSmsGateway() if client is None else TwilioSmsGateway(client)

"""What the email browser tests share: the local mail servers, and a rep signed in on the page
whose mailbox is a fresh user of the local Dovecot, mail put there by IMAP APPEND and synced by
the real poll."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import msgspec
import requests
from playwright.sync_api import Page, expect
from stack_environment import environment

from commcenter.channels.imap_mailbox import ImapMailbox, PasswordLogin
from commcenter.data import reps as reps_data
from commcenter.domain.reps import Rep
from commcenter.services import mail_poll
from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints

PASSWORD = "correct horse battery staple"


@dataclass
class Mailbox:
    rep: Rep
    user: str
    endpoints: MailServerEndpoints
    servers: LocalMailServers
    token: str
    api_url: str

    def api(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return requests.request(
            method, self.api_url + path, json=body, params=params or None, headers=headers, timeout=30
        )

    @property
    def address(self) -> str:
        return f"{self.user}@commcenter.test"

    def receive(self, sender: str, subject: str, *, days_ago: float, html: str | None = None) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = sender, self.address, subject
        mail["Date"] = format_datetime(datetime.now(UTC) - timedelta(days=days_ago))
        mail["Message-ID"] = make_msgid(domain="client.test")
        mail.set_content(f"Text of {subject}\n")
        if html is not None:
            mail.add_alternative(html, subtype="html")
        assert self.servers.dovecot is not None
        self.servers.dovecot.append(self.user, "INBOX", bytes(mail), date=datetime.now(UTC) - timedelta(days=days_ago))

    def poll(self) -> None:
        with environment({"MAIL_CA_FILE": str(self.endpoints.ca_file)}):
            result = mail_poll.poll_mailbox(self.rep.id, deadline=time.monotonic() + 60, force=True)
        assert result.outcome in ("synced", "unchanged"), result

    def server_seen(self) -> dict[str, bool]:
        """Each INBOX message's \\Seen flag on the server, by subject."""
        login = PasswordLogin(self.user, PASSWORD)
        with (
            environment({"MAIL_CA_FILE": str(self.endpoints.ca_file)}),
            ImapMailbox(self.endpoints.imap_tls, login) as box,
        ):
            box.select("INBOX")
            fetched = list(box.fetch(box.uids_above(0)))
        seen: dict[str, bool] = {}
        for item in fetched:
            subject = next(line for line in item.raw.decode().splitlines() if line.startswith("Subject: "))
            seen[subject.removeprefix("Subject: ")] = item.seen
        return seen


@contextmanager
def running_mail_servers() -> Iterator[tuple[LocalMailServers, MailServerEndpoints]]:
    servers = LocalMailServers()
    endpoints = servers.start()
    try:
        yield servers, endpoints
    finally:
        servers.stop()


@contextmanager
def signed_in_mailbox(
    page: Page,
    api_url: str,
    dev_token: Callable[[str], str],
    mail_servers: tuple[LocalMailServers, MailServerEndpoints],
    *,
    twilio_number: str | None = None,
) -> Iterator[Mailbox]:
    """A rep signed in on the page, their mailbox on the local Dovecot (and, with
    `twilio_number`, that Twilio number of their own); disconnected after."""
    servers, endpoints = mail_servers
    user = f"erin-{uuid.uuid4().hex[:8]}"
    servers.add_user(user, PASSWORD)
    rep = Rep(
        id=f"rep-{uuid.uuid4().hex[:10]}",
        name=f"Erin {user}",
        email=f"{user}@commcenter.test",
        twilio_number=twilio_number,
    )
    reps_data.create(rep)
    box = Mailbox(rep, user, endpoints, servers, dev_token(rep.email), api_url)
    body = {
        "address": box.address,
        "username": user,
        "imap": msgspec.to_builtins(endpoints.imap_tls),
        "smtp": msgspec.to_builtins(endpoints.smtp_starttls),
        "password": PASSWORD,
        "version": 0,
    }
    assert box.api("PUT", "/api/me/mailbox", body).status_code == 200
    page.goto(f"/#token={box.token}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(rep.name)
    try:
        yield box
    finally:
        assert box.api("DELETE", "/api/me/mailbox").status_code == 204

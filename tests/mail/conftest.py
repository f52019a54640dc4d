"""Fixtures of the mail tests: a real Dovecot and a real SMTP server (aiosmtpd) on 127.0.0.1.

One Dovecot and one SMTP server serve the whole session (starting Dovecot takes a fraction of a
second, the mailboxes are users of their own): each test gets a fresh user, so no test sees
another's messages. Their certificates are signed by a CA made for the session, which the code
under test trusts besides the system's through MAIL_CA_FILE, as the local stack does.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pytest
from stack_environment import environment

from commcenter.channels.imap_mailbox import PasswordLogin
from commcenter_local.mail_server import DEFAULT_FOLDERS, LocalDovecot, LocalMailCA, LocalSmtp


@dataclass(frozen=True)
class MailUser:
    """A user of the local Dovecot and SMTP server: a mailbox of its own."""

    name: str
    password: str

    @property
    def login(self) -> PasswordLogin:
        return PasswordLogin(self.name, self.password)

    @property
    def address(self) -> str:
        return f"{self.name}@commcenter.test"


NewMailUser = Callable[..., MailUser]


@pytest.fixture(scope="session")
def mail_ca() -> Iterator[LocalMailCA]:
    ca = LocalMailCA()
    yield ca
    ca.remove()


@pytest.fixture(scope="session")
def dovecot(mail_ca: LocalMailCA) -> Iterator[LocalDovecot]:
    with LocalDovecot(mail_ca) as server:
        yield server


@pytest.fixture(scope="session")
def smtp_server(mail_ca: LocalMailCA, dovecot: LocalDovecot) -> Iterator[LocalSmtp]:
    """Submission (STARTTLS) and SMTPS, logging in the Dovecot's users."""
    with LocalSmtp(mail_ca, dovecot.users) as server:
        yield server


@pytest.fixture(autouse=True)
def trust_local_mail_ca(mail_ca: LocalMailCA) -> Iterator[None]:
    """The code under test trusts the local CA besides the system's (MAIL_CA_FILE)."""
    with environment({"MAIL_CA_FILE": str(mail_ca.ca_file)}):
        yield


@pytest.fixture
def new_mail_user(dovecot: LocalDovecot) -> NewMailUser:
    """Makes a fresh user with these folders besides INBOX (Sent, Drafts, Trash by default)."""

    def make(folders: Iterable[str] = DEFAULT_FOLDERS) -> MailUser:
        user = MailUser(f"rep-{secrets.token_hex(6)}", secrets.token_urlsafe(12))
        dovecot.add_user(user.name, user.password, folders=folders)
        return user

    return make


@pytest.fixture
def mail_user(new_mail_user: NewMailUser) -> MailUser:
    return new_mail_user()

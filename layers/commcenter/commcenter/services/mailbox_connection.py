"""Test connection: whether a rep's mailbox settings work, step by step, in plain words.

Three steps, as the rep sees them in Settings: IMAP (reach the server, TLS, log in), the Sent
folder (so mail sent from the rep's own client is captured), and SMTP (reach the outgoing
server, TLS, log in). The Sent folder is looked for only once IMAP worked; SMTP is tried
whatever IMAP said, at the same time, so that one test tells the rep everything that is wrong
and the wait is that of the slower server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import msgspec

from commcenter.channels.mail_transport import MailLogin
from commcenter.domain.mailboxes import MailboxSettings, MailError, MailErrorKind, ServerEndpoint

# Each network operation (connect, TLS, a command) waits at most this long: the two servers are
# tried at once, well inside the API's 15 seconds for a server that answers.
STEP_TIMEOUT = 5.0

ConnectionStepName = Literal["imap", "sent_folder", "smtp"]


class ConnectionStep(msgspec.Struct, kw_only=True):
    step: ConnectionStepName
    ok: bool
    message: str  # what worked, or what failed and what to check, in plain words
    kind: MailErrorKind | None = None  # which part failed (None when it worked)


class ConnectionReport(msgspec.Struct, kw_only=True):
    ok: bool  # every step worked
    steps: list[ConnectionStep]


def test_connection(settings: MailboxSettings, login: MailLogin, *, timeout: float = STEP_TIMEOUT) -> ConnectionReport:
    """Tries the settings with this login (nothing is stored): IMAP, then its Sent folder, and SMTP."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="mailbox-test") as pool:
        sending = pool.submit(_smtp_step, settings.smtp, login, timeout)
        steps = _imap_steps(settings.imap, login, timeout)
        steps.append(sending.result())
    return ConnectionReport(ok=all(step.ok for step in steps), steps=steps)


# Not a test for pytest to collect when a test module imports it by name.
test_connection.__test__ = False  # type: ignore[attr-defined]


def _imap_steps(endpoint: ServerEndpoint, login: MailLogin, timeout: float) -> list[ConnectionStep]:
    from commcenter.channels.imap_mailbox import ImapMailbox  # only here: the API's other routes never load IMAP

    mailbox = ImapMailbox(endpoint, login, timeout=timeout)
    try:
        try:
            mailbox.open()
        except MailError as error:
            return [_failed("imap", error)]
        steps = [ConnectionStep(step="imap", ok=True, message=f"Signed in to {endpoint.host} ({_security(endpoint)})")]
        try:
            sent = mailbox.folders()["sent"]
        except MailError as error:
            steps.append(_failed("sent_folder", error))
        else:
            steps.append(
                ConnectionStep(
                    step="sent_folder",
                    ok=True,
                    message=f"Found the Sent folder ({sent}): mail sent from your own mail client is captured too",
                )
            )
        return steps
    finally:
        mailbox.close()


def _smtp_step(endpoint: ServerEndpoint, login: MailLogin, timeout: float) -> ConnectionStep:
    from commcenter.channels import smtp_submission  # only here: the API's other routes never load smtplib

    try:
        smtp_submission.check_login(endpoint, login, timeout=timeout)
    except MailError as error:
        return _failed("smtp", error)
    return ConnectionStep(
        step="smtp", ok=True, message=f"Signed in to {endpoint.host} for sending ({_security(endpoint)})"
    )


def _failed(step: ConnectionStepName, error: MailError) -> ConnectionStep:
    return ConnectionStep(step=step, ok=False, message=error.message, kind=error.kind)


def _security(endpoint: ServerEndpoint) -> str:
    return f"port {endpoint.port}, {'TLS' if endpoint.tls == 'tls' else 'STARTTLS'}"

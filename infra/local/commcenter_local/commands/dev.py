"""`commcenter dev`: the whole product locally, until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType
from typing import Any

from commcenter_local.dev_auth import issue_token
from commcenter_local.stack import LocalStack, StackOptions
from commcenter_local.twilio_console import console_webhooks


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dev", help="run the whole product locally (DynamoDB Local, API, schedules, dashboard)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack = LocalStack(StackOptions.from_env())
    print("starting DynamoDB Local, the functions of template.yaml and the dashboard...", flush=True)
    with stack:
        from commcenter_local.demo_data import DEMO_REPS, seed_demo_data

        summary = seed_demo_data()
        reindex_local_data()
        mailbox = connect_local_mailbox(stack)
        admin = DEMO_REPS[0].email
        link = f"{stack.dashboard_url}/#token={issue_token(admin, stack.data_dir)}"
        print(
            f"\ncommcenter is running: the dashboard on {stack.dashboard_url}, its API on {stack.base_url}\n"
            f"  demo data: {len(summary.reps)} reps, {len(summary.records)} records\n"
            f"  sign in as {admin}: {link}\n"
            f"  another rep: .venv/bin/commcenter token EMAIL (then paste it on the sign-in page)\n"
            f"  DynamoDB Local: {stack.dynamodb_endpoint} (data in {stack.data_dir})\n"
            f"{mailbox}"
            f"{twilio_webhooks(stack)}"
            "Ctrl-C stops everything.",
            flush=True,
        )
        stopping.wait()
        print("stopping...", flush=True)
    return 0


def connect_local_mailbox(stack: LocalStack) -> str:
    """The demo rep's mailbox on the local mail servers, synced once now (then every minute by
    the mail poll's schedule); what to print about it."""
    if stack.mail is None or stack.mail_endpoints is None:
        return ""
    from commcenter.data import mailboxes as mailboxes_data
    from commcenter.services.mail_poll import sync_mailbox
    from commcenter_local.demo_data import DEMO_REPS
    from commcenter_local.demo_mailbox import connect_demo_mailbox

    address = connect_demo_mailbox(stack.mail, stack.mail_endpoints, stack.data_dir)
    result = sync_mailbox(DEMO_REPS[0].id)
    error = mailboxes_data.get_health(DEMO_REPS[0].id).error
    synced = f"{result.messages} new emails synced" if result.outcome != "failed" else f"not synced: {error}"
    imap, smtp = stack.mail_endpoints.imap_tls, stack.mail_endpoints.smtp_starttls
    return (
        f"  mail: {address}'s mailbox on a local Dovecot (IMAPS 127.0.0.1:{imap.port}), {synced}\n"
        f"  reminder emails: to the local SMTP server (127.0.0.1:{smtp.port}), each logged here as it arrives\n"
    )


def reindex_local_data() -> None:
    """Items kept in the data folder by an older version brought to what the code writes now
    (each re-index resumed where it stopped if it was interrupted; nothing once done)."""
    from commcenter.services.reindexes import run_reindexes

    run_reindexes(lambda line: print(line, flush=True))


def twilio_webhooks(stack: LocalStack) -> str:
    """The URLs to give Twilio for this stack (reachable by Twilio through PUBLIC_BASE_URL only)."""
    base = stack.options.public_base_url or stack.base_url
    lines = [f"    {setting}: {url}" for setting, url in console_webhooks(base)]
    return "  Twilio webhooks (Twilio reaches this machine through PUBLIC_BASE_URL, a tunnel):\n" + "".join(
        f"{line}\n" for line in lines
    )

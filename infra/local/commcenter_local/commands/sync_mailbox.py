"""`commcenter sync-mailbox EMAIL`: sync a rep's mailbox now, to the end, with a progress bar.

The rep is named by their email (the dashboard's sign-in); the mailbox is the one they connected
in Settings. A first sync takes the mailbox's window (90 days unless set otherwise) and can be
long: it runs here until the mailbox is up to date, whatever the scheduled poll's backoff says.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tqdm import tqdm

from commcenter_local.stack import attach_to_running_stack


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sync-mailbox", help="sync a rep's mailbox now, with a progress bar")
    parser.add_argument("email", help="the rep's email (as they sign in)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    attach_to_running_stack()
    from commcenter.data import mailboxes as mailboxes_data
    from commcenter.domain.mailboxes import FirstSyncProgress
    from commcenter.errors import CommcenterError
    from commcenter.services.mail_poll import sync_mailbox
    from commcenter.services.reps import rep_by_email

    try:
        rep = rep_by_email(args.email)
    except CommcenterError as error:
        print(error.message, file=sys.stderr)
        return 2
    if mailboxes_data.get_settings(rep.id) is None:
        print(f"{rep.email} has no mailbox connected: connect it in Settings, Mailbox", file=sys.stderr)
        return 2
    with tqdm(total=0, unit="msg", desc=f"syncing {rep.email}") as bar:

        def show(progress: FirstSyncProgress) -> None:
            bar.total = progress.total
            bar.n = progress.done
            bar.refresh()

        result = sync_mailbox(rep.id, progress=show)
    if result.outcome == "failed":
        health = mailboxes_data.get_health(rep.id)
        print(f"the mailbox could not be synced: {health.error}", file=sys.stderr)
        return 1
    if result.outcome == "leased":
        print("the mailbox is being polled right now by the scheduled poll: try again in a minute", file=sys.stderr)
        return 1
    print(f"{result.messages} new emails; {rep.email}'s mailbox is up to date")
    return 0

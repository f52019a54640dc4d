"""`commcenter token EMAIL`: a development sign-in token for a rep of the running local stack,
signed with the secret that stack checks (never a secret of its own)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from commcenter_local.dev_auth import issue_token
from commcenter_local.stack import running_stack_state


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("token", help="print a development sign-in token for a rep")
    parser.add_argument("email", help="the rep's email, e.g. bruno@northwind.example")
    parser.add_argument("--hours", type=float, default=12.0, help="validity (default 12)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    state = running_stack_state()
    print(issue_token(args.email, Path(state["data_dir"]), hours=args.hours, secret=state["token_secret"]))
    return 0

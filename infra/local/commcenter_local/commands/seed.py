"""`commcenter seed`: write the demo data into the running local stack (idempotent)."""

from __future__ import annotations

import argparse
from typing import Any

from commcenter_local.stack import attach_to_running_stack


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("seed", help="write the demo data into the running local stack")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    attach_to_running_stack()
    from commcenter_local.demo_data import seed_demo_data

    summary = seed_demo_data()
    print(
        f"demo data present: {len(summary.reps)} reps, {len(summary.records)} records, {summary.activities} activities"
    )
    return 0

"""`commcenter import FILE`: leads or contacts from a CSV file, all rows checked before any is written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from commcenter_local.stack import attach_to_running_stack


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("import", help="import leads or contacts from a CSV file")
    parser.add_argument("file", type=Path, help="a UTF-8 CSV file with a header row")
    parser.add_argument("--kind", choices=["lead", "contact"], required=True)
    parser.add_argument("--as", dest="actor", default="alice@northwind.example", help="the importing rep's email")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    attach_to_running_stack()
    from commcenter.errors import CommcenterError
    from commcenter.services.reps import rep_by_email
    from commcenter_local.csv_import import plan_import, run_import

    try:
        actor = rep_by_email(args.actor)
    except CommcenterError as error:
        print(error.message, file=sys.stderr)
        return 2
    plan = plan_import(text, args.kind, actor)
    if plan.errors:
        print(f"{args.file}: nothing was imported; fix these rows and run again:", file=sys.stderr)
        for row_error in plan.errors:
            print(f"  line {row_error.line}: {row_error.message}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{len(plan.rows)} rows are valid; nothing written (--dry-run)")
        return 0
    with tqdm(total=len(plan.rows), unit="row", desc=f"importing {args.kind}s") as bar:
        written = run_import(plan, actor, progress=bar.update)
    print(f"{written} {args.kind}s imported, {len(plan.rows) - written} already present")
    return 0

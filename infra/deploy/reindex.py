"""`make deploy`'s last step: every re-index the deployed code needs (`commcenter.services.reindexes`:
the records' search terms, the conversations' folder keys and counts), run from the deploying
machine with its AWS credentials against the stack's tables, which the template's function
environment names and the stack's resources give.

Once done each reads one item and stops; a run that stopped (Ctrl-C, expired credentials) is
resumed where it stopped by the next deploy or by running this again:
`.venv/bin/python infra/deploy/reindex.py --stack-name NAME`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def stack_resources(stack_name: str) -> list[dict[str, Any]]:
    import boto3

    pages = boto3.client("cloudformation").get_paginator("list_stack_resources").paginate(StackName=stack_name)
    return [dict(resource) for page in pages for resource in page["StackResourceSummaries"]]


def table_environment(resources: list[dict[str, Any]]) -> dict[str, str]:
    """Each table's variable of the functions' environment (`RECORDS_TABLE: !Ref RecordsTable`)
    with the stack's physical name of that table."""
    from commcenter_local.template import load_template

    template = load_template(ROOT / "template.yaml")
    tables = {table.logical_id for table in template.tables}
    wanted = {
        name: value["Ref"]
        for function in template.functions
        for name, value in function.environment.items()
        if isinstance(value, dict) and value.get("Ref") in tables
    }
    physical = {resource["LogicalResourceId"]: resource["PhysicalResourceId"] for resource in resources}
    missing = sorted({logical for logical in wanted.values() if logical not in physical})
    if missing:
        raise SystemExit(f"the stack has no {', '.join(missing)}: is it a commcenter stack?")
    return {name: physical[logical] for name, logical in wanted.items()}


def reindex(stack_name: str) -> None:
    import boto3

    os.environ.update(table_environment(stack_resources(stack_name)))
    region = boto3.session.Session().region_name
    if region:
        os.environ.setdefault("AWS_REGION", region)
    from commcenter.services.reindexes import run_reindexes

    run_reindexes(lambda line: print(line, flush=True), progress=True)
    print("re-indexes: up to date")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack-name", required=True)
    args = parser.parse_args()
    reindex(args.stack_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make deploy`'s step after the search terms: conversations stored before folders get their
folder keys and counts (`commcenter.services.folder_index`), run from the deploying machine with
its AWS credentials against the stack's Reps, Conversations and Counters tables.

Once done this reads one item and stops; a run that stopped is resumed where it stopped by the
next deploy or by running this again:
`.venv/bin/python infra/deploy/reindex_folders.py --stack-name NAME`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

TABLES = {"REPS_TABLE": "RepsTable", "CONVERSATIONS_TABLE": "ConversationsTable", "COUNTERS_TABLE": "CountersTable"}


def stack_resources(stack_name: str) -> list[dict[str, Any]]:
    import boto3

    pages = boto3.client("cloudformation").get_paginator("list_stack_resources").paginate(StackName=stack_name)
    return [dict(resource) for page in pages for resource in page["StackResourceSummaries"]]


def reindex(stack_name: str) -> None:
    import boto3

    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in stack_resources(stack_name)}
    missing = sorted(logical for logical in TABLES.values() if logical not in physical)
    if missing:
        raise SystemExit(f"the stack has no {', '.join(missing)}: is it a commcenter stack?")
    os.environ.update({variable: physical[logical] for variable, logical in TABLES.items()})
    region = boto3.session.Session().region_name
    if region:
        os.environ.setdefault("AWS_REGION", region)
    from commcenter.services.folder_index import folders_are_indexed, reindex_folders

    if folders_are_indexed():
        print("folders: up to date")
        return
    print("folders: giving conversations stored before folders their keys and counts...")
    result = reindex_folders(progress=lambda count: print(f"  {count} conversations", flush=True))
    print(f"folders: {result.conversations} conversations re-indexed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack-name", required=True)
    args = parser.parse_args()
    reindex(args.stack_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

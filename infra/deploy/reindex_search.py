"""`make deploy`'s last step: the stack's records get the search terms the deployed code derives
(`commcenter.services.search_index`), run from the deploying machine with its AWS credentials
against the stack's Records and SearchTerms tables, found among the stack's resources.

Once a version of the terms is in place this reads one item and stops; a run that stopped
(Ctrl-C, expired credentials) is resumed where it stopped by the next deploy or by running
this again: `.venv/bin/python infra/deploy/reindex_search.py --stack-name NAME`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

# The environment variables the layer's settings read, and the template's tables they name.
TABLES = {"RECORDS_TABLE": "RecordsTable", "SEARCH_TERMS_TABLE": "SearchTermsTable"}


def table_environment(resources: list[dict[str, Any]]) -> dict[str, str]:
    """The tables' physical names, from the stack's resources, as the functions' settings read them."""
    physical = {resource["LogicalResourceId"]: resource["PhysicalResourceId"] for resource in resources}
    missing = sorted(logical for logical in TABLES.values() if logical not in physical)
    if missing:
        raise SystemExit(f"the stack has no {', '.join(missing)}: is it a commcenter stack?")
    return {variable: physical[logical] for variable, logical in TABLES.items()}


def stack_resources(stack_name: str) -> list[dict[str, Any]]:
    import boto3

    pages = boto3.client("cloudformation").get_paginator("list_stack_resources").paginate(StackName=stack_name)
    return [dict(resource) for page in pages for resource in page["StackResourceSummaries"]]


def reindex(stack_name: str) -> None:
    import boto3

    os.environ.update(table_environment(stack_resources(stack_name)))
    region = boto3.session.Session().region_name
    if region:
        os.environ.setdefault("AWS_REGION", region)
    from commcenter.services.search_index import reindex_search_terms, search_index_is_current

    if search_index_is_current():
        print("search terms: up to date")
        return
    print("search terms: bringing every record's up to date...")
    result = reindex_search_terms(progress=lambda records: print(f"  {records} records", flush=True))
    print(f"search terms: {result.records} records re-indexed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack-name", required=True)
    args = parser.parse_args()
    reindex(args.stack_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

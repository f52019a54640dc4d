"""`commcenter openapi`: write the API's OpenAPI document where the dashboard's types come from."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from commcenter_local.openapi_document import DOCUMENT, write_document


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("openapi", help="write the API's OpenAPI document for the dashboard's types")
    parser.add_argument("--output", type=Path, default=DOCUMENT, help="where (default dashboard/src/api/openapi.json)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(f"wrote {write_document(args.output)}")
    return 0

"""The API's OpenAPI document as the dashboard keeps it: `dashboard/src/api/openapi.json`.

The dashboard's TypeScript types are generated from that file (`npm run openapi` in
`dashboard/`). A test fails when the file no longer matches what the API serves, and
`make openapi` rewrites both the file and the types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from commcenter_local.functions import load_module
from commcenter_local.stack import ROOT
from commcenter_local.template import load_template

DOCUMENT = ROOT / "dashboard" / "src" / "api" / "openapi.json"


def api_document() -> dict[str, Any]:
    """The document the API function serves at `GET /api/openapi.json`, built from its code."""
    api_function = load_template(ROOT / "template.yaml").function("ApiFunction")
    module = load_module(api_function, ROOT, "commcenter_openapi_api_function")
    document: dict[str, Any] = module.openapi_document()
    return document


def render(document: dict[str, Any]) -> str:
    """The document as the checked-in file spells it."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_document(path: Path = DOCUMENT) -> Path:
    path.write_text(render(api_document()), encoding="utf-8")
    return path

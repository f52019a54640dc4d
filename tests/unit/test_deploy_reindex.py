"""The deploy's re-index step finds the stack's tables among its resources."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "reindex_search", Path(__file__).resolve().parents[2] / "infra" / "deploy" / "reindex_search.py"
)
assert SPEC is not None and SPEC.loader is not None
reindex_search = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(reindex_search)


def resource(logical: str, physical: str) -> dict[str, str]:
    return {"LogicalResourceId": logical, "PhysicalResourceId": physical, "ResourceType": "AWS::DynamoDB::Table"}


def test_the_tables_are_named_as_the_functions_settings_read_them() -> None:
    resources = [
        resource("RecordsTable", "cc-RecordsTable-1A2B"),
        resource("SearchTermsTable", "cc-SearchTermsTable-3C4D"),
        resource("HandlesTable", "cc-HandlesTable-5E6F"),
    ]
    assert reindex_search.table_environment(resources) == {
        "RECORDS_TABLE": "cc-RecordsTable-1A2B",
        "SEARCH_TERMS_TABLE": "cc-SearchTermsTable-3C4D",
    }


def test_a_stack_without_them_is_named_as_not_one_of_ours() -> None:
    with pytest.raises(SystemExit, match="no SearchTermsTable"):
        reindex_search.table_environment([resource("RecordsTable", "x")])

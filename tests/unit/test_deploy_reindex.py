"""The deploy's re-index step finds the stack's tables among its resources, each under the
variable the template's functions read it by; and it runs every re-index the code declares."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from commcenter.services import reindexes
from commcenter_local.template import load_template

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("reindex", ROOT / "infra" / "deploy" / "reindex.py")
assert SPEC is not None and SPEC.loader is not None
reindex = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(reindex)

TABLES = [table.logical_id for table in load_template(ROOT / "template.yaml").tables]


def resource(logical: str, physical: str) -> dict[str, str]:
    return {"LogicalResourceId": logical, "PhysicalResourceId": physical, "ResourceType": "AWS::DynamoDB::Table"}


def test_every_table_is_named_as_the_functions_settings_read_it() -> None:
    resources = [resource(logical, f"cc-{logical}-1A2B") for logical in TABLES]
    resources.append({"LogicalResourceId": "MailBucket", "PhysicalResourceId": "cc-mail", "ResourceType": "S3"})
    environment = reindex.table_environment(resources)
    assert environment["RECORDS_TABLE"] == "cc-RecordsTable-1A2B"
    assert environment["SEARCH_TERMS_TABLE"] == "cc-SearchTermsTable-1A2B"
    assert environment["CONVERSATIONS_TABLE"] == "cc-ConversationsTable-1A2B"
    assert sorted(value.split("-")[1] for value in environment.values()) == sorted(TABLES)


def test_a_stack_without_them_is_named_as_not_one_of_ours() -> None:
    with pytest.raises(SystemExit, match=r"no .*SearchTermsTable"):
        reindex.table_environment([resource("RecordsTable", "x")])


def test_each_reindex_not_current_runs_and_says_what_it_did(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def run(name: str, count: int) -> reindexes.Reindex:
        def go(progress: reindexes.Progress | None) -> int:
            ran.append(name)
            if progress:
                progress(count)
            return count

        return reindexes.Reindex(name, "items", lambda: name == "current", go)

    monkeypatch.setattr(reindexes, "REINDEXES", (run("current", 0), run("first", 3), run("second", 5)))
    said: list[str] = []
    reindexes.run_reindexes(said.append, progress=True)
    assert ran == ["first", "second"]
    assert said == [
        "first: bringing stored items up to date...",
        "  3 items",
        "first: 3 items re-indexed",
        "second: bringing stored items up to date...",
        "  5 items",
        "second: 5 items re-indexed",
    ]

"""CSV import: every row checked first; nothing half-imported; a re-run never duplicates."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from commcenter.errors import ValidationError
from commcenter.services.records import search_records
from commcenter.services.reps import rep_by_email
from commcenter_local.csv_import import plan_import, run_import


@pytest.fixture
def admin(local_stack: Any) -> Any:
    return rep_by_email("alice@northwind.example")


def csv_rows(tag: str, count: int, start: int = 100) -> str:
    lines = ["first_name,last_name,company_name,phone,email,owner_email,city"]
    for i in range(count):
        lines.append(
            f"Ana,Import{tag}{i},Acme {tag},+1808555{start + i:04d},"
            f"ana{i}.{tag}@acme.example,bruno@northwind.example,Lyon"
        )
    return "\n".join(lines) + "\n"


def test_a_file_with_any_bad_row_writes_nothing_and_lists_every_problem(admin: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    text = csv_rows(tag, 3)
    text += f"Bob,,Acme,+18085550199,bob.{tag}@acme.example,,\n"  # no last name
    text += f"Cy,Doe{tag},,not a phone,cy.{tag}@acme.example,,\n"
    text += f"Di,Doe{tag},,+18085550100,di.{tag}@acme.example,,\n"  # the number of line 2
    text += f"Ed,Doe{tag},,,,nobody@northwind.example,\n"
    plan = plan_import(text, "lead", admin)
    assert not plan.ok
    assert [error.line for error in plan.errors] == [5, 6, 7, 8]
    assert "last_name" in plan.errors[0].message
    assert "line 2" in plan.errors[2].message
    assert "nobody@northwind.example" in plan.errors[3].message
    with pytest.raises(ValidationError):
        run_import(plan, admin)
    assert search_records(f"import{tag}", None) == []


def test_unknown_columns_and_empty_files_are_refused(admin: Any) -> None:
    assert "unknown column" in plan_import("last_name,shoe_size\nDoe,42\n", "lead", admin).errors[0].message
    assert not plan_import("", "contact", admin).ok
    assert not plan_import("last_name\n", "contact", admin).ok


def test_an_interrupted_import_finishes_on_the_next_run_without_duplicates(admin: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    text = csv_rows(tag, 6, start=150)
    plan = plan_import(text, "contact", admin)
    assert plan.ok, plan.errors

    done = 0

    def crash_after_two(step: int) -> None:
        nonlocal done
        done += step
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(plan, admin, progress=crash_after_two)
    assert len(search_records(f"import{tag}", None)) == 2

    again = plan_import(text, "contact", admin)
    assert again.ok, again.errors
    assert run_import(again, admin) == 4
    hits = search_records(f"import{tag}", None)
    assert len(hits) == 6 and {h.kind for h in hits} == {"contact"}
    assert run_import(plan_import(text, "contact", admin), admin) == 0

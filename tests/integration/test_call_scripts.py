"""The team's call scripts (C9): an admin writes them, every rep reads them during calls, and what
is refused changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from api_support import Api

SCRIPTS = "/api/settings/call-scripts"
KEPT = {"title": "Kept", "text": "What the team had before the refused change."}


@pytest.fixture
def team_scripts(alice: Api) -> Iterator[list[dict[str, str]]]:
    """The team's scripts before the test, put back after it."""
    before = list(alice.ok("GET", SCRIPTS)["items"])
    try:
        yield before
    finally:
        alice.ok("PUT", SCRIPTS, {"items": before})


def test_an_admin_writes_the_scripts_and_every_rep_reads_them(
    alice: Api, bruno: Api, team_scripts: list[dict[str, str]]
) -> None:
    written = alice.ok(
        "PUT",
        SCRIPTS,
        {
            "items": [
                {"title": "  Cold \t call  ", "text": "\n  Hi, this is Alice from Northwind.\r\nAsk about seats.  \n"},
                {"title": "Renewal 🔁", "text": "Thank them for the year.\n\n- usage\n- price"},
            ]
        },
    )
    # Titles on one line, texts without the blank ends and with one kind of line break, in order.
    assert written == {
        "items": [
            {"title": "Cold call", "text": "Hi, this is Alice from Northwind.\nAsk about seats."},
            {"title": "Renewal 🔁", "text": "Thank them for the year.\n\n- usage\n- price"},
        ]
    }
    assert bruno.ok("GET", SCRIPTS) == written
    assert alice.ok("PUT", SCRIPTS, {"items": []}) == {"items": []}  # a team may have none
    assert bruno.ok("GET", SCRIPTS) == {"items": []}


def test_a_rep_may_read_the_scripts_but_not_change_them(
    alice: Api, bruno: Api, team_scripts: list[dict[str, str]]
) -> None:
    alice.ok("PUT", SCRIPTS, {"items": [KEPT]})
    refused = bruno("PUT", SCRIPTS, {"items": [{"title": "Mine", "text": "My own way."}]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert bruno.ok("GET", SCRIPTS)["items"] == [KEPT]


def test_the_largest_list_allowed_is_kept_whole(alice: Api, team_scripts: list[dict[str, str]]) -> None:
    """20 scripts of 80 + 3,000 characters, each 4 bytes in UTF-8: one request body, one item."""
    items = [{"title": f"{n:02d}" + "🚀" * 78, "text": "📞" * 3_000} for n in range(20)]
    body = json.dumps({"items": items}, ensure_ascii=False).encode()  # as the dashboard sends it
    headers = {**alice.headers, "Content-Type": "application/json"}
    answer = requests.put(alice.base_url + SCRIPTS, data=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    assert alice.ok("GET", SCRIPTS)["items"] == items


def scripts(count: int) -> list[dict[str, str]]:
    return [{"title": f"Script {n}", "text": "Hello."} for n in range(count)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": scripts(21)}, "items"),
        ({"items": [{"title": " \n ", "text": "Hello."}]}, "items.0.title"),
        ({"items": [{"title": "T" * 81, "text": "Hello."}]}, "items.0.title"),
        ({"items": [{"title": "Cold call", "text": "  \r\n "}]}, "items.0.text"),
        ({"items": [{"title": "Cold call", "text": "x" * 3_001}]}, "items.0.text"),
        ({"items": [*scripts(2), {"title": " script   1", "text": "Again."}]}, "items.2.title"),
        ({"items": [{"title": "Cold call", "text": 5}]}, "items.0.text"),
        ({"items": [{"title": "Cold call", "text": "Hello.", "id": "x"}]}, "items.0"),
        ({"items": "Cold call"}, "items"),
        ({}, "body"),  # a required field missing: named by the message
    ],
    ids=[
        "too-many",
        "blank-title",
        "long-title",
        "blank-text",
        "long-text",
        "same-title",
        "text-not-a-string",
        "unknown-field",
        "not-a-list",
        "no-items",
    ],
)
def test_a_refused_list_says_which_field_and_changes_nothing(
    alice: Api, team_scripts: list[dict[str, str]], body: dict[str, Any], field: str
) -> None:
    alice.ok("PUT", SCRIPTS, {"items": [KEPT]})
    refused = alice("PUT", SCRIPTS, body)
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert field in error["fields"], error
    assert alice.ok("GET", SCRIPTS)["items"] == [KEPT]


def test_every_problem_of_a_list_is_named_at_once(alice: Api, team_scripts: list[dict[str, str]]) -> None:
    """The editor marks each wrong script, not only the first."""
    body = {"items": [{"title": "", "text": "Hello."}, {"title": "Fine", "text": ""}, {"title": "fine", "text": "x"}]}
    refused = alice("PUT", SCRIPTS, body)
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"items.0.title", "items.1.text", "items.2.title"}

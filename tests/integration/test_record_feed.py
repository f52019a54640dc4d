"""A record's activity feed (R4, A3): filtered by rep."""

from __future__ import annotations

import uuid
from typing import Any

from api_support import Api


def new_lead(alice: Api) -> dict[str, Any]:
    return dict(
        alice.ok("POST", "/api/records", {"kind": "lead", "first_name": "Feed", "last_name": uuid.uuid4().hex[:8]})
    )


def feed_pages(api: Api, record_id: str, **params: str) -> list[list[str]]:
    """Every page of the feed with `params`, each as its items' bodies."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = api.ok("GET", f"/api/records/{record_id}/activities", **params, **({"cursor": cursor} if cursor else {}))
        pages.append([item["body"] for item in page["items"]])
        cursor = page["next_cursor"]
        if not cursor:
            return pages


def test_the_feed_filtered_by_rep_pages_through_that_reps_activities_only(alice: Api, bruno: Api) -> None:
    lead = new_lead(alice)
    path = f"/api/records/{lead['id']}/notes"
    for index in range(9):
        (bruno if index % 3 == 1 else alice).ok("POST", path, {"body": f"note {index}"})

    brunos = feed_pages(alice, lead["id"], rep="rep-bruno", limit="2")
    assert [body for page in brunos for body in page] == ["note 7", "note 4", "note 1"]
    assert all(len(page) <= 2 for page in brunos)
    alices = feed_pages(bruno, lead["id"], rep="rep-alice", type="note", limit="4")
    assert [body for page in alices for body in page] == [f"note {i}" for i in (8, 6, 5, 3, 2, 0)]
    everyone = feed_pages(alice, lead["id"], limit="4")
    assert [body for page in everyone for body in page] == [f"note {i}" for i in reversed(range(9))]
    assert feed_pages(alice, lead["id"], rep="rep-chloe") == [[]]


def test_a_rep_filter_naming_no_rep_of_the_team_is_refused(alice: Api) -> None:
    lead = new_lead(alice)
    path = f"/api/records/{lead['id']}/activities"
    for rep in ("rep-nobody", "rep-alice#2026", "rep-"):
        refused = alice("GET", path, rep=rep)
        assert refused.status_code == 400, (rep, refused.text)
        assert "rep" in refused.json()["error"]["fields"]
    # A page cursor of one rep's feed does not page another's.
    for index in range(3):
        alice.ok("POST", f"/api/records/{lead['id']}/notes", {"body": f"note {index}"})
    cursor = alice.ok("GET", path, rep="rep-alice", limit="1")["next_cursor"]
    assert cursor
    assert alice("GET", path, rep="rep-bruno", cursor=cursor).status_code == 400
    assert alice("GET", path, cursor=cursor).status_code == 400

"""Quick replies through the API against DynamoDB Local: a rep's own and the team's shared ones,
who sees and who changes which, what a reply may hold, each filled for the record it is for."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from api_support import CHLOE, Api

from commcenter.domain.quick_replies import MAX_BODY, MAX_PER_REP, MAX_TITLE


@pytest.fixture
def chloe(api_url: str, auth_headers: Any) -> Api:
    """Chloe, a rep (not an admin)."""
    return Api(api_url, auth_headers(CHLOE))


def listed(api: Api, **where: str) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in api.ok("GET", "/api/quick-replies", **where)["items"]}


def create(api: Api, title: str, body: str = "Hi {first_name}", shared: bool = False) -> dict[str, Any]:
    answer = api("POST", "/api/quick-replies", {"title": title, "body": body, "shared": shared})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_a_rep_keeps_their_own_and_sees_the_teams_shared_ones(alice: Api, bruno: Api, chloe: Api) -> None:
    bruno_id = bruno.ok("GET", "/api/me")["id"]
    mine = create(bruno, "  Pricing \n follow-up ", "Hi {first_name},\r\nthe prices.\r\n")
    ours = create(bruno, "Intro", "Hello from {my_name}", shared=True)
    assert (mine["title"], mine["body"], mine["shared"], mine["owner_id"]) == (
        "Pricing follow-up",
        "Hi {first_name},\nthe prices.",
        False,
        bruno_id,
    )
    assert mine["created_at"] == mine["updated_at"] and mine["editable"]

    assert {mine["id"], ours["id"]} <= set(listed(bruno))
    # The shared one is the team's; the other stays Bruno's own, hidden from admins too.
    for colleague in (alice, chloe):
        seen = listed(colleague)
        assert ours["id"] in seen and mine["id"] not in seen
    assert listed(chloe)[ours["id"]]["editable"] is False
    assert listed(alice)[ours["id"]]["editable"] is True  # an admin

    # Shared, then kept to himself again: it moves in and out of the team's list.
    changed = bruno.ok(
        "PUT", f"/api/quick-replies/{mine['id']}", {"title": "Prices", "body": "See attached", "shared": True}
    )
    assert (changed["title"], changed["body"], changed["shared"], changed["created_at"]) == (
        "Prices",
        "See attached",
        True,
        mine["created_at"],
    )
    assert listed(chloe)[mine["id"]]["body"] == "See attached"
    bruno.ok("PUT", f"/api/quick-replies/{mine['id']}", {"title": "Prices", "body": "See attached", "shared": False})
    assert mine["id"] not in listed(chloe) and listed(bruno)[mine["id"]]["shared"] is False

    assert bruno("DELETE", f"/api/quick-replies/{mine['id']}").status_code == 204
    assert mine["id"] not in listed(bruno)
    assert bruno("DELETE", f"/api/quick-replies/{mine['id']}").status_code == 404
    assert bruno("PUT", f"/api/quick-replies/{mine['id']}", {"title": "t", "body": "b"}).status_code == 404


def test_only_the_owner_or_an_admin_changes_a_shared_reply(alice: Api, bruno: Api, chloe: Api) -> None:
    own = create(bruno, "Bruno's own")
    shared = create(bruno, "Bruno's shared", shared=True)
    change = {"title": "Taken", "body": "Mine now", "shared": True}

    # Another rep's own reply does not exist for anybody else, admins included.
    for other in (chloe, alice):
        assert other("PUT", f"/api/quick-replies/{own['id']}", change).status_code == 404
        assert other("DELETE", f"/api/quick-replies/{own['id']}").status_code == 404
    # A shared one is seen, not changed, by another rep.
    refused = chloe("PUT", f"/api/quick-replies/{shared['id']}", change)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert chloe("DELETE", f"/api/quick-replies/{shared['id']}").status_code == 403
    assert listed(bruno)[own["id"]]["title"] == "Bruno's own"
    assert listed(bruno)[shared["id"]]["title"] == "Bruno's shared"

    # An admin changes it (it stays Bruno's) and deletes it.
    by_admin = alice.ok("PUT", f"/api/quick-replies/{shared['id']}", change)
    assert by_admin["owner_id"] == shared["owner_id"] and by_admin["title"] == "Taken"
    assert listed(bruno)[shared["id"]]["title"] == "Taken"
    assert alice("DELETE", f"/api/quick-replies/{shared['id']}").status_code == 204
    assert shared["id"] not in listed(bruno) and shared["id"] not in listed(chloe)
    bruno.ok("DELETE", f"/api/quick-replies/{own['id']}")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "t" * (MAX_TITLE + 1), "body": "text"}, "title"),
        ({"title": " ", "body": "text"}, "title"),
        ({"title": "Title", "body": "b" * (MAX_BODY + 1)}, "body"),
        ({"title": "Title", "body": "\n"}, "body"),
        ({"title": "Title"}, None),
        ({"title": "Title", "body": "text", "shared": "yes"}, None),
        ({"title": "Title", "body": "text", "owner_id": "someone"}, None),
        ({"title": "Title", "body": "text", "client_request_id": "short"}, "client_request_id"),
        ({"title": "Title", "body": "text", "client_request_id": "has spaces 123"}, "client_request_id"),
        (["Title", "text"], None),
    ],
)
def test_bad_input_is_a_400_that_writes_nothing(chloe: Api, body: Any, field: str | None) -> None:
    before = listed(chloe)
    kept = create(chloe, "Kept", "Unchanged")
    answer = chloe("POST", "/api/quick-replies", body)
    assert answer.status_code == 400, answer.text
    if field:
        assert field in answer.json()["error"]["fields"]
    changed = chloe("PUT", f"/api/quick-replies/{kept['id']}", body)
    assert changed.status_code == 400, changed.text
    assert set(listed(chloe)) == set(before) | {kept["id"]}
    assert listed(chloe)[kept["id"]]["body"] == "Unchanged"
    chloe.ok("DELETE", f"/api/quick-replies/{kept['id']}")


def test_a_retried_create_answers_the_reply_it_made(chloe: Api) -> None:
    """The dashboard sends one request id per new reply: a POST retried after a lost answer, or
    sent twice at once, makes one reply."""
    request = {"title": "Pricing follow-up", "body": "Hi {first_name}", "client_request_id": "qr-retry-0001"}
    before = listed(chloe)
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda _: chloe("POST", "/api/quick-replies", request), range(3)))
    assert {answer.status_code for answer in answers} == {201}, [answer.text for answer in answers]
    made = {answer.json()["id"] for answer in answers}
    assert len(made) == 1
    reply_id = made.pop()
    assert set(listed(chloe)) == set(before) | {reply_id}
    # Its update since is what a late retry answers; another request id makes another reply.
    chloe.ok("PUT", f"/api/quick-replies/{reply_id}", {"title": "Pricing", "body": "Hello"})
    late = chloe("POST", "/api/quick-replies", request)
    assert late.status_code == 201 and late.json()["id"] == reply_id and late.json()["title"] == "Pricing"
    other = create(chloe, "Pricing follow-up")
    assert other["id"] != reply_id
    # Deleted, it is not brought back by a retry: the request made a reply that is gone.
    chloe.ok("DELETE", f"/api/quick-replies/{reply_id}")
    gone = chloe("POST", "/api/quick-replies", request)
    assert gone.status_code == 404, gone.text
    assert set(listed(chloe)) == set(before) | {other["id"]}
    chloe.ok("DELETE", f"/api/quick-replies/{other['id']}")
    # A request id names a new reply only: an update with one is a 400.
    kept = create(chloe, "Kept")
    with_request = {"title": "t", "body": "b", "client_request_id": "qr-put-00001"}
    refused = chloe("PUT", f"/api/quick-replies/{kept['id']}", with_request)
    assert refused.status_code == 400 and "client_request_id" in refused.json()["error"]["fields"]
    chloe.ok("DELETE", f"/api/quick-replies/{kept['id']}")


@pytest.mark.parametrize("reply_id", ["not-an-id", "01ARZ3NDEKTSV4RRFFQ69G5FA", "x" * 300])
def test_a_malformed_id_is_a_400(chloe: Api, reply_id: str) -> None:
    assert chloe("PUT", f"/api/quick-replies/{reply_id}", {"title": "t", "body": "b"}).status_code == 400
    assert chloe("DELETE", f"/api/quick-replies/{reply_id}").status_code == 400
    assert chloe("GET", "/api/quick-replies", record_id=reply_id).status_code == 400


def test_a_rep_keeps_at_most_the_limit_shared_or_not(chloe: Api) -> None:
    me = chloe.ok("GET", "/api/me")["id"]
    owned = [item for item in listed(chloe).values() if item["owner_id"] == me]
    wanted = MAX_PER_REP - len(owned)
    with ThreadPoolExecutor(max_workers=6) as pool:
        made = list(pool.map(lambda n: create(chloe, f"Reply {n}", "text", shared=n % 2 == 0), range(wanted)))
    try:
        refused = chloe("POST", "/api/quick-replies", {"title": "One too many", "body": "text"})
        assert refused.status_code == 400 and "quick replies" in refused.json()["error"]["message"]
        assert "One too many" not in {item["title"] for item in listed(chloe).values()}
        # Deleting one makes room for one.
        chloe.ok("DELETE", f"/api/quick-replies/{made.pop()['id']}")
        made.append(create(chloe, "One more", "text", shared=True))
        assert chloe("POST", "/api/quick-replies", {"title": "Again too many", "body": "t"}).status_code == 400
    finally:
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(lambda reply: chloe.ok("DELETE", f"/api/quick-replies/{reply['id']}"), made))
    create_after = create(chloe, "Room again")
    chloe.ok("DELETE", f"/api/quick-replies/{create_after['id']}")


def test_each_reply_is_filled_for_the_record_and_the_rep(bruno: Api, chloe: Api) -> None:
    record = bruno.contact(last_name="Lévêque")
    company = bruno.ok("POST", "/api/records", {"kind": "lead", "is_company": True, "company_name": "Acme SARL"})
    reply = create(bruno, "Hello", "Hi {first_name} {Last_Name} ({company}), {my_name} here. Ref {order}")

    filled = listed(bruno, record_id=record["id"])[reply["id"]]
    name = bruno.ok("GET", "/api/me")["name"]
    assert filled["filled"] == f"Hi Sam Lévêque (), {name} here. Ref {{order}}"
    assert filled["unknown"] == ["{order}"]
    assert filled["body"] == reply["body"]
    for_company = listed(bruno, record_id=company["id"])[reply["id"]]
    assert for_company["filled"] == f"Hi   (Acme SARL), {name} here. Ref {{order}}"
    without = listed(bruno)[reply["id"]]
    assert without["filled"] == f"Hi   (), {name} here. Ref {{order}}"
    # Another rep's name when another rep inserts a shared one.
    bruno.ok("PUT", f"/api/quick-replies/{reply['id']}", {"title": "Hello", "body": reply["body"], "shared": True})
    chloe_name = chloe.ok("GET", "/api/me")["name"]
    assert listed(chloe, record_id=record["id"])[reply["id"]]["filled"].endswith(f"{chloe_name} here. Ref {{order}}")
    assert bruno("GET", "/api/quick-replies", record_id="01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404
    bruno.ok("DELETE", f"/api/quick-replies/{reply['id']}")

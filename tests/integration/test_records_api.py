"""Leads, contacts and deals through the local API gateway, against DynamoDB Local."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from api_support import ALICE_NUMBER, receive
from phone_numbers import fresh_phone as unique_phone

from commcenter.data import activities as activities_data
from commcenter.data.records import RecordItem
from commcenter.domain.clock import to_iso, utc_now
from commcenter.domain.sms import conversation_id
from commcenter.services.record_trash import erase_expired_trash
from commcenter_local.scheduler import Scheduler
from commcenter_local.stack import LocalStack

Headers = Callable[[str], dict[str, str]]
ADMIN = "alice@northwind.example"


@pytest.fixture
def api(api_url: str, auth_headers: Headers) -> Callable[..., requests.Response]:
    session = requests.Session()

    def call(method: str, path: str, body: Any = None, as_rep: str = ADMIN, **params: str) -> requests.Response:
        return session.request(
            method, api_url + path, json=body, params=params or None, headers=auth_headers(as_rep), timeout=30
        )

    return call


def new_lead(api: Callable[..., requests.Response], **fields: Any) -> dict[str, Any]:
    body = {"kind": "lead", "first_name": "Test", "last_name": f"Lead {uuid.uuid4().hex[:6]}", **fields}
    response = api("POST", "/api/records", body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_read_update_delete(api: Callable[..., requests.Response]) -> None:
    phone = unique_phone()
    created = new_lead(api, company_name="Acme", phones=[{"number": phone, "label": "mobile"}])
    assert created["status"] == "new" and created["version"] == 1
    assert created["display_name"].startswith("Test Lead")

    fetched = api("GET", f"/api/records/{created['id']}").json()
    assert fetched == created

    changed = api("PATCH", f"/api/records/{created['id']}", {"version": 1, "status": "working"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "working" and changed.json()["version"] == 2

    stale = api("PATCH", f"/api/records/{created['id']}", {"version": 1, "status": "qualified"})
    assert stale.status_code == 409
    assert api("GET", f"/api/records/{created['id']}").json()["status"] == "working"

    assert api("DELETE", f"/api/records/{created['id']}").status_code == 204
    missing = api("GET", f"/api/records/{created['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    # the number is free again once its record is gone
    new_lead(api, phones=[{"number": phone}])


def test_invalid_input_is_a_400_naming_the_field_and_changes_nothing(api: Callable[..., requests.Response]) -> None:
    marker = uuid.uuid4().hex[:8]
    bad = api("POST", "/api/records", {"kind": "lead", "last_name": marker, "emails": [{"address": "not-an-email"}]})
    assert bad.status_code == 400
    assert "emails.0.address" in bad.json()["error"]["fields"]
    assert api("GET", "/api/search", q=marker).json()["items"] == []

    bodies: list[Any] = [
        {"kind": "robot", "last_name": "x"},
        {"kind": "lead", "last_name": "x", "surprise": 1},
        {"kind": "lead", "last_name": 42},
        [],
    ]
    for body in bodies:
        response = api("POST", "/api/records", body)
        assert response.status_code == 400, body
        assert response.json()["error"]["message"]


def test_a_phone_belongs_to_one_record_only(api: Callable[..., requests.Response]) -> None:
    phone = unique_phone()
    first = new_lead(api, phones=[{"number": phone}])
    marker = uuid.uuid4().hex[:8]
    clash = api("POST", "/api/records", {"kind": "contact", "last_name": marker, "phones": [{"number": phone}]})
    assert clash.status_code == 409
    assert first["display_name"] in clash.json()["error"]["message"]
    assert api("GET", "/api/search", q=marker).json()["items"] == []


def test_lists_are_paged_newest_first_and_by_name(api: Callable[..., requests.Response]) -> None:
    tag = uuid.uuid4().hex[:6]
    made = [new_lead(api, kind="contact", last_name=f"{name} {tag}") for name in ("Zed", "Amy", "Moe")]
    newest = api("GET", "/api/records", kind="contact", order="newest", limit="2").json()
    assert [r["id"] for r in newest["items"]] == [made[2]["id"], made[1]["id"]]
    assert newest["next_cursor"]
    following = api("GET", "/api/records", kind="contact", order="newest", limit="2", cursor=newest["next_cursor"])
    assert following.json()["items"][0]["id"] == made[0]["id"]

    by_name = api("GET", "/api/records", kind="contact", order="name", limit="100").json()["items"]
    names = [r["display_name"] for r in by_name]
    assert names == sorted(names, key=str.casefold)

    assert api("GET", "/api/records", kind="contact", cursor="garbage!").status_code == 400
    assert api("GET", "/api/records", kind="contact", limit="1000").status_code == 400
    assert api("GET", "/api/records", kind="robots").status_code == 400


def test_search_is_prefix_case_and_accent_insensitive(api: Callable[..., requests.Response]) -> None:
    tag = uuid.uuid4().hex[:6]
    phone = unique_phone()
    lead = new_lead(
        api,
        first_name="Hélène",
        last_name=f"Ébrard{tag}",
        company_name=f"Société {tag}",
        phones=[{"number": phone}],
        emails=[{"address": f"helene.{tag}@acme.example"}],
    )
    for query in (f"ebrard{tag[:3]}", f"ÉBRARD{tag}", f"helene ebrard{tag}", f"societe {tag}", f"helene.{tag}"):
        hits = api("GET", "/api/search", q=query).json()["items"]
        assert lead["id"] in [h["id"] for h in hits], query
    digits = phone[2:]
    formatted = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    assert lead["id"] in [h["id"] for h in api("GET", "/api/search", q=formatted).json()["items"]]
    assert api("GET", "/api/search", q=f"ebrard{tag}", kind="deal").json()["items"] == []
    assert api("GET", "/api/search", q="e").status_code == 400


def test_search_finds_a_number_by_its_last_four_digits_or_more(api: Callable[..., requests.Response]) -> None:
    tag = uuid.uuid4().hex[:6]
    phone, other = unique_phone(), unique_phone()  # the second ends otherwise
    # "Aaron" sorts first among the hits of digits other tests' numbers end with too.
    lead = new_lead(api, first_name="Aaron", last_name=f"Suffix{tag}", phones=[{"number": phone}])
    elsewhere = new_lead(api, first_name="Aaron", last_name=f"Suffix{tag}", phones=[{"number": other}])

    def found(query: str) -> list[str]:
        response = api("GET", "/api/search", q=query)
        assert response.status_code == 200, response.text
        return [hit["id"] for hit in response.json()["items"]]

    area, exchange, line = phone[2:5], phone[5:8], phone[8:]
    for query in (
        line,
        f"{exchange}-{line}",
        f"{exchange}{line}",
        f"({area}) {exchange}-{line}",
        f"+1 {area} {exchange} {line}",
    ):
        hits = found(query)
        assert lead["id"] in hits, query
        assert elsewhere["id"] not in hits, query
    hit = next(h for h in api("GET", "/api/search", q=line).json()["items"] if h["id"] == lead["id"])
    assert hit["match"] == phone.removeprefix("+")  # the number, as the dashboard shows where it matched
    assert lead["id"] not in found(line[1:])  # three digits: not a search by the end of a number
    assert found(f"suffix{tag} {line}") == [lead["id"]]  # a name and the last digits together
    assert lead["id"] in found(f"{area}{exchange}{line[:2]}")  # the first digits, as before


def test_replacing_every_number_and_address_at_once_is_one_write_or_a_clear_refusal(
    api: Callable[..., requests.Response],
) -> None:
    """A record's numbers (three search terms each), addresses and address words all replaced in
    one change still fit one DynamoDB transaction; with a name of many words too, the change is
    refused before anything is written, saying why."""
    tag = uuid.uuid4().hex[:6]

    def everything(seed: str, first: str, last: str, company: str) -> dict[str, Any]:
        return {
            "first_name": first,
            "last_name": last,
            "company_name": company,
            "phones": [{"number": unique_phone()} for _ in range(5)],
            "emails": [{"address": f"p{i}.{seed}{tag}@example.com"} for i in range(5)],
            "address": {"line1": " ".join(f"{seed}{tag}w{i}" for i in range(8)), "city": "Lyon"},
        }

    lead = new_lead(api, **everything("a", "Ana", f"Largest{tag}", "Acme Works"))
    changed = api(
        "PATCH", f"/api/records/{lead['id']}", {"version": 1, **everything("b", "Bea", f"Big{tag}", "Beta Co")}
    )
    assert changed.status_code == 200, changed.text
    last_digits = changed.json()["phones"][4]["number"][-6:]
    assert lead["id"] in [h["id"] for h in api("GET", "/api/search", q=last_digits).json()["items"]]

    many_words = everything(
        "c", "Maria del Carmen Sofia", f"Garcia Lopez Fernandez{tag}", "Banco Central Hispano Americano"
    )
    refused = api("PATCH", f"/api/records/{lead['id']}", {"version": 2, **many_words})
    assert refused.status_code == 400, refused.text
    assert "at once" in refused.json()["error"]["message"]
    assert api("GET", f"/api/records/{lead['id']}").json() == changed.json()


def test_search_finds_people_by_address(api: Callable[..., requests.Response]) -> None:
    tag = uuid.uuid4().hex[:6]
    lead = new_lead(api, address={"line1": f"17 Quai Saint{tag}", "city": "Annecy", "postal_code": "74000"})
    for query in (f"saint{tag}", f"quai saint{tag}", f"saint{tag} annecy", f"74000 saint{tag}"):
        assert lead["id"] in [h["id"] for h in api("GET", "/api/search", q=query).json()["items"]], query
    api("PATCH", f"/api/records/{lead['id']}", {"version": 1, "address": {"line1": "1 Other Street", "city": "Annecy"}})
    assert api("GET", "/api/search", q=f"saint{tag}").json()["items"] == []


def test_renaming_moves_the_search_terms(api: Callable[..., requests.Response]) -> None:
    tag = uuid.uuid4().hex[:6]
    lead = new_lead(api, last_name=f"Before{tag}")
    api("PATCH", f"/api/records/{lead['id']}", {"version": 1, "last_name": f"After{tag}"})
    assert api("GET", "/api/search", q=f"before{tag}").json()["items"] == []
    assert [h["id"] for h in api("GET", "/api/search", q=f"after{tag}").json()["items"]] == [lead["id"]]


def test_deals_link_existing_people_only(api: Callable[..., requests.Response]) -> None:
    person = new_lead(api)
    deal = api(
        "POST",
        "/api/records",
        {"kind": "deal", "name": "Pilot", "amount": "30000.5", "currency": "eur", "contact_ids": [person["id"]]},
    )
    assert deal.status_code == 201, deal.text
    assert deal.json()["amount"] == "30000.50" and deal.json()["currency"] == "EUR"
    bad = api("POST", "/api/records", {"kind": "deal", "name": "Ghost", "contact_ids": ["nope"]})
    assert bad.status_code == 400 and "contact_ids" in bad.json()["error"]["fields"]


def test_notes_appear_in_the_feed_newest_first_and_filter_by_type(api: Callable[..., requests.Response]) -> None:
    lead = new_lead(api)
    for text in ("first note", "second note\nwith a second line"):
        note = api("POST", f"/api/records/{lead['id']}/notes", {"body": text})
        assert note.status_code == 201, note.text
    feed = api("GET", f"/api/records/{lead['id']}/activities").json()
    assert [a["summary"] for a in feed["items"]] == ["second note", "first note"]
    assert feed["items"][0]["rep_id"] == "rep-alice"
    assert len(api("GET", f"/api/records/{lead['id']}/activities", type="note").json()["items"]) == 2
    assert api("GET", f"/api/records/{lead['id']}/activities", type="call").json()["items"] == []
    assert api("GET", f"/api/records/{lead['id']}/activities", type="fax").status_code == 400
    assert api("POST", f"/api/records/{lead['id']}/notes", {"body": "   "}).status_code == 400
    assert api("POST", "/api/records/nope/notes", {"body": "x"}).status_code == 404


def test_the_seeded_feed_pages_without_gaps_or_repeats(api: Callable[..., requests.Response]) -> None:
    lead = new_lead(api)
    for index in range(7):
        api("POST", f"/api/records/{lead['id']}/notes", {"body": f"note {index}"})
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = api("GET", f"/api/records/{lead['id']}/activities", **params).json()
        seen += [a["body"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"note {i}" for i in reversed(range(7))]


def test_me_and_reps(api: Callable[..., requests.Response]) -> None:
    me = api("GET", "/api/me").json()
    assert me["email"] == ADMIN and me["role"] == "admin" and me["twilio_number"] == "+14155550101"
    reps = api("GET", "/api/reps").json()["items"]
    assert {r["email"] for r in reps} >= {ADMIN, "bruno@northwind.example", "chloe@northwind.example"}


def test_a_signed_in_stranger_is_forbidden(api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/api/me", as_rep="mallory@elsewhere.example")
    assert response.status_code == 403


def test_without_a_token_the_gateway_refuses(api_url: str) -> None:
    assert requests.get(api_url + "/api/me", timeout=10).status_code == 401
    assert requests.get(api_url + "/api/health", timeout=10).json()["status"] == "ok"


# ---------------------------------------------------------------- who may reassign or delete (R7)

BRUNO, CHLOE = "bruno@northwind.example", "chloe@northwind.example"


def test_only_the_owner_or_an_admin_reassigns_a_record(api: Callable[..., requests.Response]) -> None:
    lead = new_lead(api)  # Alice's (an admin's)
    assert lead["owner_id"] == "rep-alice"
    path = f"/api/records/{lead['id']}"

    taken = api("PATCH", path, {"version": 1, "owner_id": "rep-bruno"}, as_rep=BRUNO)
    assert taken.status_code == 403, taken.text
    assert "owner" in taken.json()["error"]["message"]
    assert api("GET", path).json() == lead  # nothing changed

    # Every rep may still edit the record's other fields, and send back the owner unchanged.
    edited = api("PATCH", path, {"version": 1, "title": "CTO", "owner_id": "rep-alice"}, as_rep=BRUNO)
    assert edited.status_code == 200, edited.text
    assert edited.json()["owner_id"] == "rep-alice" and edited.json()["version"] == 2

    # The owner hands it on; then only the new owner (or an admin) may.
    given = api("PATCH", path, {"version": 2, "owner_id": "rep-bruno"})
    assert given.status_code == 200 and given.json()["owner_id"] == "rep-bruno"
    assert api("PATCH", path, {"version": 3, "owner_id": "rep-chloe"}, as_rep=CHLOE).status_code == 403
    passed = api("PATCH", path, {"version": 3, "owner_id": "rep-chloe"}, as_rep=BRUNO)
    assert passed.status_code == 200 and passed.json()["owner_id"] == "rep-chloe"
    assert api("PATCH", path, {"version": 4, "owner_id": "rep-alice"}, as_rep=BRUNO).status_code == 403
    # An empty owner is not a way to take a record over: it keeps its owner.
    kept = api("PATCH", path, {"version": 4, "owner_id": ""}, as_rep=BRUNO)
    assert kept.status_code == 200 and kept.json()["owner_id"] == "rep-chloe"


def test_a_rep_who_neither_owns_nor_administers_a_record_cannot_delete_it(
    api: Callable[..., requests.Response],
) -> None:
    phone = unique_phone()
    lead = new_lead(api, phones=[{"number": phone}])
    path = f"/api/records/{lead['id']}"
    assert api("POST", f"{path}/notes", {"body": "keep me"}).status_code == 201

    refused = api("DELETE", path, as_rep=BRUNO)
    assert refused.status_code == 403, refused.text
    assert "owner" in refused.json()["error"]["message"]
    assert api("GET", path).json() == lead
    assert [a["body"] for a in api("GET", f"{path}/activities").json()["items"]] == ["keep me"]
    assert lead["id"] in [h["id"] for h in api("GET", "/api/search", q=phone.removeprefix("+")).json()["items"]]


# ---------------------------------------------------------------- the trash (R7)


def trash_ids(api: Callable[..., requests.Response]) -> list[str]:
    response = api("GET", "/api/trash", limit="100")
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_a_deleted_record_waits_in_the_trash_until_an_admin_restores_it(
    api: Callable[..., requests.Response], api_url: str, twilio_auth_token: str
) -> None:
    phone = unique_phone()
    created = api(
        "POST",
        "/api/records",
        {"kind": "lead", "last_name": f"Binned {uuid.uuid4().hex[:6]}", "phones": [{"number": phone}]},
        as_rep=BRUNO,
    )
    assert created.status_code == 201, created.text
    lead = created.json()
    path = f"/api/records/{lead['id']}"
    api("POST", f"{path}/notes", {"body": "before the bin"}, as_rep=BRUNO)
    receive(api_url, twilio_auth_token, phone, ALICE_NUMBER, "Hello before")
    conversation = f"/api/sms/conversations/{conversation_id(ALICE_NUMBER, phone)}"
    assert api("GET", conversation).json()["section"] == "matched"

    assert api("DELETE", path, as_rep=BRUNO).status_code == 204  # Bruno owns it
    assert api("GET", path).status_code == 404
    assert api("DELETE", path, as_rep=BRUNO).status_code == 404
    for order in ("newest", "name"):
        listed = api("GET", "/api/records", kind="lead", order=order, limit="100").json()["items"]
        assert lead["id"] not in [r["id"] for r in listed]
    assert api("GET", "/api/search", q=phone.removeprefix("+")).json()["items"] == []
    # Its number is free: its conversation is unmatched again, and so is what it sends now.
    assert api("GET", conversation).json()["section"] == "unmatched"
    receive(api_url, twilio_auth_token, phone, ALICE_NUMBER, "Hello meanwhile")
    assert [a.body for a in activities_data.iter_owner(f"h#phone:{phone}")] == ["Hello meanwhile"]

    # Only an admin sees the trash: newest deletion first, who deleted it, when it is erased.
    assert api("GET", "/api/trash", as_rep=BRUNO).status_code == 403
    first = api("GET", "/api/trash", limit="1").json()["items"][0]
    assert first["id"] == lead["id"] and first["display_name"] == lead["display_name"]
    assert first["deleted_by"] == "rep-bruno"
    deleted_at = datetime.fromisoformat(first["deleted_at"].replace("Z", "+00:00"))
    assert abs(deleted_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert first["erase_after"] == to_iso(deleted_at + timedelta(days=30))

    assert api("POST", f"/api/trash/{lead['id']}/restore", as_rep=BRUNO).status_code == 403
    restored = api("POST", f"/api/trash/{lead['id']}/restore")
    assert restored.status_code == 200, restored.text
    # Deleting and restoring are changes: an edit made on the version read before is refused.
    assert restored.json()["version"] == lead["version"] + 2 and restored.json()["phones"] == lead["phones"]
    assert api("PATCH", path, {"version": lead["version"], "title": "Stale"}).status_code == 409
    assert api("GET", path).json() == restored.json()
    assert lead["id"] not in trash_ids(api)
    newest = api("GET", "/api/records", kind="lead", order="newest", limit="100").json()["items"]
    assert lead["id"] in [r["id"] for r in newest]
    assert [h["id"] for h in api("GET", "/api/search", q=phone.removeprefix("+")).json()["items"]] == [lead["id"]]
    # Its history stayed with it, and what its number sent meanwhile followed it back.
    feed = api("GET", f"{path}/activities").json()["items"]
    assert sorted(a["body"] for a in feed) == ["Hello before", "Hello meanwhile", "before the bin"]
    assert api("GET", conversation).json()["section"] == "matched"
    assert api("POST", f"/api/trash/{lead['id']}/restore").status_code == 404  # not in the trash now


def test_a_restore_is_refused_while_another_record_holds_its_number(api: Callable[..., requests.Response]) -> None:
    phone = unique_phone()
    first = new_lead(api, phones=[{"number": phone}])
    assert api("DELETE", f"/api/records/{first['id']}").status_code == 204
    second = new_lead(api, phones=[{"number": phone}])  # the number was free

    refused = api("POST", f"/api/trash/{first['id']}/restore")
    assert refused.status_code == 409, refused.text
    message = refused.json()["error"]["message"]
    assert phone in message and second["display_name"] in message and first["display_name"] in message
    assert first["id"] in trash_ids(api) and api("GET", f"/api/records/{first['id']}").status_code == 404
    found = api("GET", "/api/search", q=phone.removeprefix("+")).json()["items"]
    assert [h["id"] for h in found] == [second["id"]]

    api("PATCH", f"/api/records/{second['id']}", {"version": second["version"], "phones": []})
    assert api("POST", f"/api/trash/{first['id']}/restore").status_code == 200


def test_erasing_a_record_for_good_is_an_admins_act_from_the_trash(api: Callable[..., requests.Response]) -> None:
    lead = new_lead(api)
    api("POST", f"/api/records/{lead['id']}/notes", {"body": "gone with it"})
    assert api("DELETE", f"/api/trash/{lead['id']}").status_code == 404  # not in the trash: nothing happens
    assert api("GET", f"/api/records/{lead['id']}").status_code == 200

    assert api("DELETE", f"/api/records/{lead['id']}").status_code == 204
    assert api("DELETE", f"/api/trash/{lead['id']}", as_rep=BRUNO).status_code == 403
    assert lead["id"] in trash_ids(api)
    assert api("DELETE", f"/api/trash/{lead['id']}").status_code == 204
    assert lead["id"] not in trash_ids(api)
    assert list(activities_data.iter_owner(f"rec#{lead['id']}")) == []
    assert api("POST", f"/api/trash/{lead['id']}/restore").status_code == 404
    assert api("GET", f"/api/records/{lead['id']}").status_code == 404
    assert api("GET", "/api/trash", cursor="garbage!").status_code == 400


def backdate_deletion(record_id: str, days: float) -> None:
    """As if the record had gone to the trash `days` ago."""
    at = to_iso(utc_now() - timedelta(days=days))
    RecordItem(record_id).update(actions=[RecordItem.deleted_at.set(at), RecordItem.trash_key.set(f"{at}#{record_id}")])


def test_the_hourly_sweep_erases_what_has_been_in_the_trash_for_30_days(
    api: Callable[..., requests.Response], local_stack: LocalStack
) -> None:
    leads = {days: new_lead(api) for days in (40, 31, 29)}
    for days, lead in leads.items():
        api("POST", f"/api/records/{lead['id']}/notes", {"body": f"{days} days"})
        assert api("DELETE", f"/api/records/{lead['id']}").status_code == 204
        backdate_deletion(lead["id"], days)

    # At most `limit` a run, oldest deletion first; what is left waits for the next run.
    assert erase_expired_trash(limit=1).erased == 1
    assert leads[40]["id"] not in trash_ids(api) and leads[31]["id"] in trash_ids(api)

    sweep = next(s for s in local_stack.template.schedules if s.event == "EraseExpiredTrash")
    assert (sweep.function, sweep.expression) == ("RemindersFunction", "rate(1 hour)")
    result = Scheduler([sweep], local_stack.functions).run_once(sweep, datetime.now(UTC))
    assert result == {"erased": 1, "more": False}
    remaining = trash_ids(api)
    assert leads[31]["id"] not in remaining and leads[29]["id"] in remaining
    assert list(activities_data.iter_owner(f"rec#{leads[31]['id']}")) == []
    assert [a.body for a in activities_data.iter_owner(f"rec#{leads[29]['id']}")] == ["29 days"]
    assert api("POST", f"/api/trash/{leads[29]['id']}/restore").status_code == 200

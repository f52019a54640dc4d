"""Records stored before numbers were found by their last digits get the new search terms: by
the re-index (resumable, a Query per kind, never a Scan), or when they are written again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import Api
from test_records_api import new_lead, unique_phone

from commcenter.data import search_terms as search_data
from commcenter.data.search_terms import SearchIndexState
from commcenter.domain.records import SEARCH_TERMS_VERSION, suffix_term
from commcenter.services.search_index import reindex_search_terms


def found(api: Api, query: str) -> list[str]:
    response = api("GET", "/api/search", q=query)
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["items"]]


def stored_before(lead: dict[str, Any]) -> None:
    """The lead as code before the last-digits terms stored it: without them, and the table
    marked as holding the first derivation of the terms."""
    from pynamodb.transactions import TransactWrite

    from commcenter.data.base import transaction_connection

    with TransactWrite(connection=transaction_connection()) as tx:
        search_data.remove_terms(tx, {suffix_term(p["number"].removeprefix("+")) for p in lead["phones"]}, lead["id"])
    SearchIndexState("#search-index", "state").delete()


@pytest.fixture
def indexed() -> Iterator[None]:
    """Whatever a test leaves, the table is indexed by the code's terms again after it."""
    yield
    reindex_search_terms()


def test_the_reindex_gives_records_stored_before_their_last_digits_terms(alice: Api, indexed: None) -> None:
    api = alice
    phone = unique_phone()
    lead = new_lead(api, first_name="Aaron", last_name=f"Stored{uuid.uuid4().hex[:6]}", phones=[{"number": phone}])
    stored_before(lead)
    assert lead["id"] not in found(api, phone[-4:])
    assert search_data.index_state().version < SEARCH_TERMS_VERSION

    result = reindex_search_terms()
    assert result.done and result.records >= 1
    assert lead["id"] in found(api, phone[-4:])
    assert search_data.index_state().version == SEARCH_TERMS_VERSION
    # Done once: a later run reads the table's state and writes nothing.
    assert reindex_search_terms().records == 0


def test_a_reindex_that_stopped_is_resumed_where_it_stopped(alice: Api, indexed: None) -> None:
    new_lead(alice, phones=[{"number": unique_phone()}])
    SearchIndexState("#search-index", "state").delete()
    everything = reindex_search_terms().records
    SearchIndexState("#search-index", "state").delete()

    first = reindex_search_terms(page_size=2, max_pages=3)  # stops after three pages
    assert (first.records, first.done) == (6, False)
    rest = reindex_search_terms(page_size=2)
    assert rest.done
    assert first.records + rest.records == everything  # each record once, none left out


def test_a_record_stored_before_gets_them_when_it_is_written_again(alice: Api, indexed: None) -> None:
    api = alice
    phone = unique_phone()
    lead = new_lead(api, first_name="Aaron", last_name=f"Edited{uuid.uuid4().hex[:6]}", phones=[{"number": phone}])
    stored_before(lead)
    changed = api("PATCH", f"/api/records/{lead['id']}", {"version": 1, "status": "working"})
    assert changed.status_code == 200, changed.text
    assert lead["id"] in found(api, phone[-4:])

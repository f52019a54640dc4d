"""The SearchTerms table: prefix search over records by name, company, phone or email (pattern R2),
and which derivation of the terms it holds (`SearchIndexState`)."""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import table_meta

BUCKET_LENGTH = 2


class SearchTermItem(Model):
    Meta = table_meta("search_terms")

    bucket = UnicodeAttribute(hash_key=True)
    term_key = UnicodeAttribute(range_key=True)
    record_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    label = UnicodeAttribute()


def _item(term: str, record_id: str, kind: str = "", label: str = "") -> SearchTermItem:
    return SearchTermItem(term[:BUCKET_LENGTH], f"{term}#{record_id}", record_id=record_id, kind=kind, label=label)


def add_terms(tx: TransactWrite, terms: set[str], record_id: str, kind: str, label: str) -> None:
    for term in sorted(terms):
        tx.save(_item(term, record_id, kind, label))


def remove_terms(tx: TransactWrite, terms: set[str], record_id: str) -> None:
    for term in sorted(terms):
        tx.delete(_item(term, record_id))


def find(prefix: str, limit: int) -> list[tuple[str, str]]:
    """(term, record_id) pairs whose term starts with `prefix` (at least two characters)."""
    if len(prefix) < BUCKET_LENGTH:
        return []
    result = SearchTermItem.query(prefix[:BUCKET_LENGTH], SearchTermItem.term_key.startswith(prefix), limit=limit)
    return [(item.term_key.rsplit("#", 1)[0], item.record_id) for item in result]


class SearchIndexState(Model):
    """One item: the version of the terms' derivation the whole table holds, and how far a
    re-index towards a newer one has gone (the kind of records it is at and the page cursor of
    that kind's list). Under a bucket no search reaches: a search's bucket is the beginning of
    a folded word or number, and one with an `@` never matches a key without one."""

    Meta = table_meta("search_terms")

    bucket = UnicodeAttribute(hash_key=True)
    term_key = UnicodeAttribute(range_key=True)
    version = NumberAttribute(default=1)
    building = NumberAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    cursor = UnicodeAttribute(null=True)


_STATE_KEY = ("#search-index", "state")
# A table written before the state was kept holds the first derivation.
FIRST_VERSION = 1


@dataclass(frozen=True, slots=True)
class IndexState:
    version: int  # every record's terms are of this derivation
    building: int | None  # the derivation a re-index under way writes
    kind: str | None  # where it is: the kind of records ...
    cursor: str | None  # ... and the cursor of that kind's list (None: from its first page)


def index_state() -> IndexState:
    try:
        item = SearchIndexState.get(*_STATE_KEY, consistent_read=True)
    except SearchIndexState.DoesNotExist:
        return IndexState(FIRST_VERSION, None, None, None)
    building = int(item.building) if item.building is not None else None
    return IndexState(int(item.version), building, item.kind, item.cursor)


def save_index_progress(version: int, building: int, kind: str, cursor: str | None) -> None:
    """Note how far the re-index to `building` has gone, so that the next run resumes there."""
    SearchIndexState(*_STATE_KEY, version=version, building=building, kind=kind, cursor=cursor).save()


def mark_indexed(version: int) -> None:
    """Every record's terms are now of derivation `version`."""
    SearchIndexState(*_STATE_KEY, version=version).save()

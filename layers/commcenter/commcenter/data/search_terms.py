"""The SearchTerms table: prefix search over records by name, company, phone, email (pattern R2)."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
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

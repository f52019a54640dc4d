"""The Records table: leads, contacts and deals (patterns R1)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import decode_cursor, encode_cursor, table_meta
from commcenter.domain.records import Record, RecordKind


class ByKindCreated(GlobalSecondaryIndex["RecordItem"]):
    class Meta:
        index_name = "by_kind_created"
        projection = AllProjection()

    kind = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ByKindName(GlobalSecondaryIndex["RecordItem"]):
    class Meta:
        index_name = "by_kind_name"
        projection = AllProjection()

    kind = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class RecordItem(Model):
    Meta = table_meta("records")

    record_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    created_key = UnicodeAttribute()
    name_key = UnicodeAttribute()
    version = NumberAttribute()
    # The user-editable fields, stored as one map: the API's shape, without a column per field.
    fields = MapAttribute[str, Any]()
    display_name = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    by_kind_created = ByKindCreated()
    by_kind_name = ByKindName()


_FIELD_EXCLUDES = frozenset({"id", "kind", "display_name", "created_at", "updated_at", "version"})
_CREATED_CURSOR = frozenset({"record_id", "kind", "created_key"})
_NAME_CURSOR = frozenset({"record_id", "kind", "name_key"})


def to_item(record: Record, name_key: str) -> RecordItem:
    fields = {k: v for k, v in msgspec.to_builtins(record).items() if k not in _FIELD_EXCLUDES}
    return RecordItem(
        record.id,
        kind=record.kind,
        created_key=f"{record.created_at}#{record.id}",
        name_key=f"{name_key}#{record.id}",
        version=record.version,
        fields=fields,
        display_name=record.display_name,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def from_item(item: RecordItem) -> Record:
    raw = dict(item.fields.as_dict() if isinstance(item.fields, MapAttribute) else item.fields)
    raw.update(
        id=item.record_id,
        kind=item.kind,
        display_name=item.display_name,
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version),
    )
    return msgspec.convert(raw, Record)


def get(record_id: str) -> Record | None:
    try:
        return from_item(RecordItem.get(record_id, consistent_read=True))
    except RecordItem.DoesNotExist:
        return None


def get_many(record_ids: list[str]) -> dict[str, Record]:
    unique = list(dict.fromkeys(record_ids))
    return {item.record_id: from_item(item) for item in RecordItem.batch_get(unique)} if unique else {}


def list_page(
    kind: RecordKind, order: Literal["newest", "name"], limit: int, cursor: str | None
) -> tuple[list[Record], str | None]:
    if order == "newest":
        result = RecordItem.by_kind_created.query(
            kind,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor, _CREATED_CURSOR, partition=("kind", kind)),
        )
    else:
        result = RecordItem.by_kind_name.query(
            kind, limit=limit, last_evaluated_key=decode_cursor(cursor, _NAME_CURSOR, partition=("kind", kind))
        )
    items = [from_item(item) for item in result]
    return items, encode_cursor(result.last_evaluated_key) if len(items) == limit else None


def add_create(tx: TransactWrite, record: Record, name_key: str) -> None:
    tx.save(to_item(record, name_key), condition=RecordItem.record_id.does_not_exist())


def add_replace(tx: TransactWrite, record: Record, name_key: str, expected_version: int) -> None:
    """Replace a record if nobody changed it since `expected_version` (optimistic locking)."""
    tx.save(to_item(record, name_key), condition=RecordItem.version == expected_version)


def add_delete(tx: TransactWrite, record_id: str, expected_version: int) -> None:
    tx.delete(RecordItem(record_id), condition=RecordItem.version == expected_version)


def get_stored(record_id: str) -> Record | None:
    """A record as stored, whatever lists it is in: what a person's export and erasure read."""
    try:
        return from_item(RecordItem.get(record_id, consistent_read=True))
    except RecordItem.DoesNotExist:
        return None


def add_erase(tx: TransactWrite, record_id: str) -> None:
    """Delete a record's item for good, whatever its version (an erasure: nothing of it stays)."""
    tx.delete(RecordItem(record_id))

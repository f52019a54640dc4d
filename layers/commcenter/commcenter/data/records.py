"""The Records table: leads, contacts and deals (patterns R1), and the trash (R7).

A deleted record stays in the table for its days in the trash: it carries `deleted_at`,
`deleted_by` and the keys of the sparse `trash` index, and has left the two list indexes (its
`created_key` and `name_key` are removed). Every read but the trash's own answers as if it did
not exist.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import (
    decode_cursor,
    encode_cursor,
    is_conditional_failure,
    read_attributes,
    table_meta,
)
from commcenter.domain.records import Record, RecordKind, RecordSummary, TrashedRecord, erase_after


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


class Trash(GlobalSecondaryIndex["RecordItem"]):
    """R7: the records in the trash, newest deletion first. Sparse: only deleted records carry
    its keys. One partition (`trash`) for the team: deletions are rare human actions, a few a
    day, far below what one partition takes."""

    class Meta:
        index_name = "trash"
        projection = AllProjection()

    trash_pk = UnicodeAttribute(hash_key=True)
    trash_key = UnicodeAttribute(range_key=True)


TRASH_PARTITION = "trash"


class RecordItem(Model):
    Meta = table_meta("records")

    record_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    # The keys of the two lists; removed while the record is in the trash.
    created_key = UnicodeAttribute(null=True)
    name_key = UnicodeAttribute(null=True)
    version = NumberAttribute()
    # The user-editable fields, stored as one map: the API's shape, without a column per field.
    fields = MapAttribute[str, Any]()
    display_name = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    # In the trash: when, by whom, and its place in the trash (`{deleted_at}#{record_id}`).
    deleted_at = UnicodeAttribute(null=True)
    deleted_by = UnicodeAttribute(null=True)
    trash_pk = UnicodeAttribute(null=True)
    trash_key = UnicodeAttribute(null=True)
    # Set when its erasure began: a restore is refused from then on, and a run that stopped
    # halfway is finished by the next one.
    erasing_at = UnicodeAttribute(null=True)

    by_kind_created = ByKindCreated()
    by_kind_name = ByKindName()
    trash = Trash()


_FIELD_EXCLUDES = frozenset({"id", "kind", "display_name", "created_at", "updated_at", "version"})
_CREATED_CURSOR = frozenset({"record_id", "kind", "created_key"})
_NAME_CURSOR = frozenset({"record_id", "kind", "name_key"})
_TRASH_CURSOR = frozenset({"record_id", "trash_pk", "trash_key"})


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


def trashed_from_item(item: RecordItem) -> TrashedRecord:
    record = msgspec.to_builtins(from_item(item))
    deleted_at = item.deleted_at or ""
    return msgspec.convert(
        {
            **record,
            "deleted_at": deleted_at,
            "deleted_by": item.deleted_by or "",
            "erase_after": erase_after(deleted_at),
        },
        TrashedRecord,
    )


def _stored(record_id: str) -> RecordItem | None:
    try:
        return RecordItem.get(record_id, consistent_read=True)
    except RecordItem.DoesNotExist:
        return None


def get(record_id: str) -> Record | None:
    """A record that is not in the trash."""
    item = _stored(record_id)
    return from_item(item) if item is not None and item.deleted_at is None else None


def get_trashed(record_id: str) -> TrashedRecord | None:
    """A record that is in the trash."""
    item = _stored(record_id)
    return trashed_from_item(item) if item is not None and item.deleted_at is not None else None


def get_many(record_ids: list[str]) -> dict[str, Record]:
    """The records among `record_ids` that exist and are not in the trash."""
    unique = list(dict.fromkeys(record_ids))
    if not unique:
        return {}
    return {item.record_id: from_item(item) for item in RecordItem.batch_get(unique) if item.deleted_at is None}


def summaries(record_ids: list[str]) -> dict[str, RecordSummary]:
    """How a list row names each record among `record_ids` that exists and is not in the trash:
    one BatchGetItem of the few attributes a row shows (a page of rows reads it for every row)."""
    found: dict[str, RecordSummary] = {}
    for raw in read_attributes(
        RecordItem.Meta.table_name,
        [{"record_id": {"S": record_id}} for record_id in dict.fromkeys(record_ids)],
        "record_id, kind, display_name, deleted_at, #fields.#status",
        {"#fields": "fields", "#status": "status"},
    ):
        if "deleted_at" in raw:
            continue
        status = raw.get("fields", {}).get("M", {}).get("status", {}).get("S")
        record_id = raw["record_id"]["S"]
        found[record_id] = RecordSummary(record_id, raw["kind"]["S"], raw["display_name"]["S"], status or None)
    return found


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


def add_unchanged_check(tx: TransactWrite, record_id: str, version: int) -> None:
    """The record is still at `version` and not in the trash (a write that derives from it)."""
    tx.condition_check(
        RecordItem, record_id, condition=(RecordItem.version == version) & RecordItem.deleted_at.does_not_exist()
    )


def add_trash(tx: TransactWrite, record_id: str, expected_version: int, deleted_at: str, deleted_by: str) -> None:
    """Move a record read at `expected_version` to the trash: out of both lists, into the trash's."""
    tx.update(
        RecordItem(record_id),
        actions=[
            RecordItem.deleted_at.set(deleted_at),
            RecordItem.deleted_by.set(deleted_by),
            RecordItem.trash_pk.set(TRASH_PARTITION),
            RecordItem.trash_key.set(f"{deleted_at}#{record_id}"),
            RecordItem.version.set(expected_version + 1),
            RecordItem.created_key.remove(),
            RecordItem.name_key.remove(),
        ],
        condition=(RecordItem.version == expected_version) & RecordItem.deleted_at.does_not_exist(),
    )


def add_restore(tx: TransactWrite, record: Record, name_key: str, expected_version: int) -> None:
    """Take a record out of the trash, back into both lists, unless its erasure began."""
    tx.save(
        to_item(record, name_key),
        condition=(RecordItem.version == expected_version)
        & RecordItem.deleted_at.exists()
        & RecordItem.erasing_at.does_not_exist(),
    )


def trash_page(limit: int, cursor: str | None) -> tuple[list[TrashedRecord], str | None]:
    """R7: the trash, newest deletion first, paged."""
    result = RecordItem.trash.query(
        TRASH_PARTITION,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor, _TRASH_CURSOR, partition=("trash_pk", TRASH_PARTITION)),
    )
    items = [trashed_from_item(item) for item in result]
    return items, encode_cursor(result.last_evaluated_key) if len(items) == limit else None


def trashed_before(cutoff: str, limit: int) -> list[str]:
    """R7: the ids of records deleted before `cutoff`, oldest deletion first (a Query on the
    trash index's sort key, never a Scan)."""
    result = RecordItem.trash.query(
        TRASH_PARTITION, RecordItem.trash_key < cutoff, limit=limit, attributes_to_get=["record_id"]
    )
    return [item.record_id for item in result]


def begin_erasing(record_id: str, at: str, *, deleted_before: str | None) -> bool:
    """Mark a record of the trash as being erased (a restore is refused from now on); False when
    it is not in the trash, or (`deleted_before`) went there again since."""
    condition = RecordItem.deleted_at.exists()
    if deleted_before is not None:
        condition &= RecordItem.trash_key < deleted_before
    try:
        RecordItem(record_id).update(actions=[RecordItem.erasing_at.set(at)], condition=condition)
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def delete_trashed(record_id: str) -> None:
    """The last step of an erasure: the record's own item, if it is still in the trash."""
    try:
        RecordItem(record_id).delete(condition=RecordItem.deleted_at.exists())
    except DeleteError as error:
        if not is_conditional_failure(error):
            raise


def get_stored(record_id: str) -> Record | None:
    """A record as stored, in the trash or not: what a person's export and erasure read, and
    what an import does not write again."""
    item = _stored(record_id)
    return from_item(item) if item is not None else None


def add_erase(tx: TransactWrite, record_id: str) -> None:
    """Delete a record's item for good, whatever its version (an erasure: nothing of it stays)."""
    tx.delete(RecordItem(record_id))

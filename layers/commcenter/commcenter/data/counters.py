"""The Counters table: per-rep counts kept by atomic ADD, never counted on read (C1, C2, C4)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import Entry, raw_item, retried_while_held, table_meta


class CounterItem(Model):
    Meta = table_meta("counters")

    scope = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)


def rep_scope(rep_id: str) -> str:
    return f"rep#{rep_id}"


def add(scope: str, name: str, delta: int) -> None:
    """ADD `delta`. A counter is the one item many writes share, transactions among them."""
    retried_while_held(lambda: CounterItem(scope, name).update(actions=[CounterItem.value.add(delta)]))


def add_add(tx: TransactWrite, scope: str, name: str, delta: int) -> None:
    """`add`, as part of a transaction."""
    tx.update(CounterItem(scope, name), actions=[CounterItem.value.add(delta)])


def add_entry(scope: str, name: str, delta: int) -> Entry:
    """`add`, as an entry of a transaction."""
    return {
        "Update": {
            "TableName": CounterItem.Meta.table_name,
            "Key": raw_item({"scope": scope, "name": name}),
            "UpdateExpression": "ADD #value :delta",
            "ExpressionAttributeNames": {"#value": "value"},
            "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
        }
    }


def set_value(scope: str, name: str, value: int) -> None:
    CounterItem(scope, name).update(actions=[CounterItem.value.set(value)])


def read_all(scope: str) -> dict[str, int]:
    """Every counter of a scope in one Query."""
    return {item.name: int(item.value) for item in CounterItem.query(scope)}


class IndexProgressItem(Model):
    """How far a resumable re-index has gone (`scope` `#index`, `name` the re-index's): the
    version of the layout every item has, the one being written, and where it is (an opaque
    position its service reads back). Under a scope no rep's counters use."""

    Meta = table_meta("counters")

    scope = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)
    version = NumberAttribute(default=0)
    building = NumberAttribute(null=True)
    position = UnicodeAttribute(null=True)


INDEX_SCOPE = "#index"


def index_progress(name: str) -> tuple[int, int | None, str | None]:
    """(version done, version being built, position) of the re-index `name` (never run: 0)."""
    try:
        item = IndexProgressItem.get(INDEX_SCOPE, name, consistent_read=True)
    except IndexProgressItem.DoesNotExist:
        return 0, None, None
    building = int(item.building) if item.building is not None else None
    return int(item.version), building, item.position


def save_index_progress(name: str, version: int, building: int, position: str) -> None:
    IndexProgressItem(INDEX_SCOPE, name, version=version, building=building, position=position).save()


def mark_indexed(name: str, version: int) -> None:
    IndexProgressItem(INDEX_SCOPE, name, version=version).save()


def forget_index_progress(name: str) -> None:
    """The re-index `name` as never run (tests of what a stack from before it holds)."""
    IndexProgressItem(INDEX_SCOPE, name).delete()

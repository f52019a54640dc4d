"""The Handles table: which record a phone number or email address belongs to (R3, C5)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import Entry, ItemRead, raw_item, retried_while_held, table_meta
from commcenter.domain.clock import now_iso
from commcenter.domain.handles import Handle, HandleState


class HandleItem(Model):
    Meta = table_meta("handles")

    handle = UnicodeAttribute(hash_key=True)
    record_id = UnicodeAttribute(null=True)
    ignored = BooleanAttribute(default=False)
    spam = BooleanAttribute(default=False)
    updated_at = UnicodeAttribute(null=True)


def get(handle: Handle) -> HandleState | None:
    try:
        item = HandleItem.get(handle.key, consistent_read=True)
    except HandleItem.DoesNotExist:
        return None
    return HandleState(handle, item.record_id, bool(item.ignored), bool(item.spam))


def read_of(handle: Handle) -> ItemRead:
    """`get`, as one read of `read_together`."""

    def state(item: HandleItem | None) -> HandleState | None:
        return None if item is None else HandleState(handle, item.record_id, bool(item.ignored), bool(item.spam))

    return ItemRead(HandleItem, {"handle": {"S": handle.key}}, state)


def get_many(handles: list[Handle]) -> dict[Handle, HandleState]:
    keys = sorted({h.key for h in handles})
    states: dict[Handle, HandleState] = {}
    for item in HandleItem.batch_get(keys):
        handle = Handle.from_key(item.handle)
        states[handle] = HandleState(handle, item.record_id, bool(item.ignored), bool(item.spam))
    return states


def add_claim(tx: TransactWrite, handle: Handle, record_id: str) -> None:
    """Attach `handle` to `record_id`, unless another record owns it; clears an Ignore."""
    tx.update(
        HandleItem(handle.key),
        actions=[
            HandleItem.record_id.set(record_id),
            HandleItem.ignored.set(False),
            HandleItem.updated_at.set(now_iso()),
        ],
        condition=HandleItem.record_id.does_not_exist() | (HandleItem.record_id == record_id),
    )


_NAMES = {"#record": "record_id", "#ignored": "ignored"}


def state_check_entry(handle: Handle, state: HandleState | None) -> Entry:
    """A premise of a transaction: the handle still belongs to the record `state` names (or to
    none, ignored or not, as `state` says). No item at all reads as no record, not ignored."""
    values: dict[str, Any] = {}
    if state is not None and state.record_id:
        condition, values[":record"] = "#record = :record", {"S": state.record_id}
    elif state is not None and state.ignored:
        condition, values[":yes"] = "attribute_not_exists(#record) AND #ignored = :yes", {"BOOL": True}
    else:
        condition = "attribute_not_exists(#record) AND (attribute_not_exists(#ignored) OR #ignored = :no)"
        values[":no"] = {"BOOL": False}
    return {
        "ConditionCheck": {
            "TableName": HandleItem.Meta.table_name,
            "Key": raw_item({"handle": handle.key}),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {name: attribute for name, attribute in _NAMES.items() if name in condition},
            "ExpressionAttributeValues": values,
        }
    }


def add_release(tx: TransactWrite, handle: Handle, record_id: str) -> None:
    """Forget that `handle` belongs to `record_id` (the record dropped the number or was deleted)."""
    tx.delete(HandleItem(handle.key), condition=HandleItem.record_id == record_id)


def set_ignored(handle: Handle, ignored: bool) -> None:
    """Ignore a number or hear it again; an incoming call's transaction may be checking it."""
    actions: list[Action] = [HandleItem.ignored.set(ignored), HandleItem.updated_at.set(now_iso())]
    retried_while_held(lambda: HandleItem(handle.key).update(actions=actions))

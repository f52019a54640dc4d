"""The Handles table: which record a phone number or email address belongs to (R3, C5)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DeleteError
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import Entry, ItemRead, is_conditional_failure, raw_item, retried_while_held, table_meta
from commcenter.domain.clock import now_iso
from commcenter.domain.handles import Handle, HandleState


class HandleItem(Model):
    Meta = table_meta("handles")

    handle = UnicodeAttribute(hash_key=True)
    record_id = UnicodeAttribute(null=True)
    ignored = BooleanAttribute(default=False)
    spam = BooleanAttribute(default=False)
    # The reps who ignore the handle for themselves (`ignored`: the team, as an admin decided).
    ignored_by = UnicodeSetAttribute(null=True)
    # The reps who marked it spam (a rep's own choice, like `ignored_by`).
    spam_by = UnicodeSetAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def _state(handle: Handle, item: HandleItem) -> HandleState:
    ignored_by = frozenset(item.ignored_by or ())
    spam_by = frozenset(item.spam_by or ())
    return HandleState(handle, item.record_id, bool(item.ignored), bool(item.spam), ignored_by, spam_by)


def get(handle: Handle) -> HandleState | None:
    try:
        item = HandleItem.get(handle.key, consistent_read=True)
    except HandleItem.DoesNotExist:
        return None
    return _state(handle, item)


def read_of(handle: Handle) -> ItemRead:
    """`get`, as one read of `read_together`."""

    def state(item: HandleItem | None) -> HandleState | None:
        return None if item is None else _state(handle, item)

    return ItemRead(HandleItem, {"handle": {"S": handle.key}}, state)


def get_many(handles: list[Handle]) -> dict[Handle, HandleState]:
    keys = sorted({h.key for h in handles})
    states: dict[Handle, HandleState] = {}
    for item in HandleItem.batch_get(keys):
        handle = Handle.from_key(item.handle)
        states[handle] = _state(handle, item)
    return states


def add_claim(tx: TransactWrite, handle: Handle, record_id: str) -> None:
    """Attach `handle` to `record_id`, unless another record owns it; clears an Ignore."""
    tx.update(
        HandleItem(handle.key),
        actions=[
            HandleItem.record_id.set(record_id),
            HandleItem.ignored.set(False),
            HandleItem.ignored_by.remove(),
            HandleItem.updated_at.set(now_iso()),
        ],
        condition=HandleItem.record_id.does_not_exist() | (HandleItem.record_id == record_id),
    )


_NAMES = {
    "#record": "record_id",
    "#ignored": "ignored",
    "#by": "ignored_by",
    "#spam": "spam",
    "#spam_by": "spam_by",
}


def state_check_entry(handle: Handle, state: HandleState | None, rep_id: str | None) -> Entry:
    """A premise of a transaction: the handle still belongs to the record `state` names (or to
    none, and ignored for the rep `rep_id` or not, as `state` says), and is spam for the rep or
    not, as `state` says (a new conversation starts in Spam by it). No item at all reads as no
    record, not ignored, not spam."""
    values: dict[str, Any] = {}
    if state is not None and state.record_id:
        condition, values[":record"] = "#record = :record", {"S": state.record_id}
    elif state is not None and state.ignored_for(rep_id):
        values[":yes"] = {"BOOL": True}
        ignored = "(#ignored = :yes OR contains(#by, :rep))" if rep_id else "#ignored = :yes"
        condition = f"attribute_not_exists(#record) AND {ignored}"
    else:
        values[":no"] = {"BOOL": False}
        condition = "attribute_not_exists(#record) AND (attribute_not_exists(#ignored) OR #ignored = :no)"
        condition += " AND NOT contains(#by, :rep)" if rep_id else ""
    if rep_id and state is not None and state.spam_for(rep_id):
        values[":yes"] = {"BOOL": True}
        condition += " AND (#spam = :yes OR contains(#spam_by, :rep))"
    elif rep_id:
        values[":no"] = {"BOOL": False}
        condition += " AND (attribute_not_exists(#spam) OR #spam = :no) AND NOT contains(#spam_by, :rep)"
    if ":rep" in condition:
        values[":rep"] = {"S": rep_id}
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


def forget(handle: Handle, record_id: str) -> bool:
    """Erasing a person: the item keyed by their number or address goes, whether it still
    belongs to their record or to none (unmatched, ignored); one that another record holds
    is that record's and stays. True if it went."""
    condition = HandleItem.record_id.does_not_exist() | (HandleItem.record_id == record_id)
    try:
        HandleItem(handle.key).delete(condition=condition & HandleItem.handle.exists())
    except DeleteError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def set_ignored(handle: Handle, ignored: bool) -> None:
    """The team ignores a number or hears it again; an incoming call's transaction may be checking it."""
    actions: list[Action] = [HandleItem.ignored.set(ignored), HandleItem.updated_at.set(now_iso())]
    retried_while_held(lambda: HandleItem(handle.key).update(actions=actions))


def set_spam_by(handle: Handle, rep_id: str, spam: bool) -> None:
    """One rep marks a handle spam for themselves, or not spam again."""
    change = HandleItem.spam_by.add({rep_id}) if spam else HandleItem.spam_by.delete({rep_id})
    actions: list[Action] = [change, HandleItem.updated_at.set(now_iso())]
    retried_while_held(lambda: HandleItem(handle.key).update(actions=actions))


def set_ignored_by(handle: Handle, rep_id: str, ignored: bool) -> None:
    """One rep ignores a number for themselves, or hears it again."""
    change = HandleItem.ignored_by.add({rep_id}) if ignored else HandleItem.ignored_by.delete({rep_id})
    actions: list[Action] = [change, HandleItem.updated_at.set(now_iso())]
    retried_while_held(lambda: HandleItem(handle.key).update(actions=actions))

"""The Counters table: per-rep counts kept by atomic ADD, never counted on read (C1, C2, C4)."""

from __future__ import annotations

import random
import time

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import is_transaction_conflict, table_meta

CONFLICT_ATTEMPTS = 6


class CounterItem(Model):
    Meta = table_meta("counters")

    scope = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)


def rep_scope(rep_id: str) -> str:
    return f"rep#{rep_id}"


def add(scope: str, name: str, delta: int) -> None:
    """ADD `delta`. A counter is the one item many writes share; when a transaction holds it,
    DynamoDB refuses the ADD without applying it, so it is tried again shortly."""
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            CounterItem(scope, name).update(actions=[CounterItem.value.add(delta)])
            return
        except UpdateError as error:
            if not is_transaction_conflict(error) or attempt == CONFLICT_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.01 * 2**attempt))


def add_add(tx: TransactWrite, scope: str, name: str, delta: int) -> None:
    """`add`, as part of a transaction."""
    tx.update(CounterItem(scope, name), actions=[CounterItem.value.add(delta)])


def set_value(scope: str, name: str, value: int) -> None:
    CounterItem(scope, name).update(actions=[CounterItem.value.set(value)])


def read_all(scope: str) -> dict[str, int]:
    """Every counter of a scope in one Query."""
    return {item.name: int(item.value) for item in CounterItem.query(scope)}

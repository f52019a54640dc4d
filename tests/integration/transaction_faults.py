"""Transactions cancelled as DynamoDB cancels them, injected for a test (nothing is written)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError
from pynamodb.transactions import TransactWrite


def conflict_error(items: int) -> BaseException:
    """What PynamoDB raises when DynamoDB cancels a transaction of `items` items because another
    transaction held its last one (TransactionConflict): nothing was written."""
    reasons: list[CancellationReason | None] = [None] * (items - 1) + [CancellationReason(code="TransactionConflict")]
    cause = VerboseClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}},
        "TransactWriteItems",
        cancellation_reasons=reasons,
    )
    error: BaseException = TransactWriteError("Failed to write transaction items", cause=cause)
    return error


@contextmanager
def failing_transactions(
    monkeypatch: pytest.MonkeyPatch, fault: Callable[[int], BaseException | None]
) -> Iterator[list[int]]:
    """Every transaction committed inside is first offered to `fault` (its item count): the
    error it returns is raised instead of committing. Yields the item count of each attempt."""
    attempts: list[int] = []
    real_commit = TransactWrite._commit

    def commit(self: TransactWrite) -> Any:
        items = sum(
            len(kind) for kind in (self._condition_check_items, self._delete_items, self._put_items, self._update_items)
        )
        attempts.append(items)
        error = fault(items)
        if error is not None:
            raise error
        return real_commit(self)

    with monkeypatch.context() as patch:
        patch.setattr(TransactWrite, "_commit", commit)
        yield attempts

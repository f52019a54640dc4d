"""What every table module shares: where the table is, one connection for transactions, cursors."""

from __future__ import annotations

import base64
import binascii
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.connection.base import BOTOCORE_EXCEPTIONS
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.errors import BusyError, ConflictError, ValidationError
from commcenter.settings import get_settings

BATCH_ATTEMPTS = 5
CONFLICT_ATTEMPTS = 6

Result = TypeVar("Result")


class _SettingsBoundMeta(type):
    """A PynamoDB `Meta` whose table name, endpoint and region come from the settings on use.

    Binding on use (not on import) lets tests and the local stack set the environment after
    the models are imported, and keeps the one source of table names: the template.
    """

    short_name: str

    @property
    def table_name(cls) -> str:
        return get_settings().table(cls.short_name)

    @property
    def host(cls) -> str | None:
        return get_settings().dynamodb_endpoint

    @property
    def region(cls) -> str:
        return get_settings().region


def table_meta(short_name: str) -> Any:
    """The `Meta` class of the model stored in the table `short_name` (see `Settings.tables`)."""
    return _SettingsBoundMeta("Meta", (), {"short_name": short_name, "max_retry_attempts": 5})


@cache
def transaction_connection() -> Connection:
    """The connection transactions across tables go through (one per process, kept warm)."""
    settings = get_settings()
    return Connection(region=settings.region, host=settings.dynamodb_endpoint, max_retry_attempts=5)


def forget_connections() -> None:
    """Drop the connections models keep, so the next request reads the endpoint anew.

    PynamoDB caches one connection per model, with the endpoint it was made for; a process that
    points its settings at another DynamoDB (a second local stack) must let them go.
    """
    from pynamodb.models import Model

    transaction_connection.cache_clear()
    pending: list[type[Model]] = list(Model.__subclasses__())
    while pending:
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())


def is_conditional_failure(error: BaseException) -> bool:
    """Whether a write (or a transaction) was refused by a condition (as opposed to failing)."""
    if not isinstance(error, PynamoDBException):
        return False
    if error.cause_response_code == "ConditionalCheckFailedException":
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    return error.cause_response_code == "TransactionCanceledException" and any(
        reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons
    )


def is_transaction_conflict(error: BaseException) -> bool:
    """Whether a write lost a race with a transaction on one of its items (nothing was written:
    trying again is safe). botocore does not retry these by itself."""
    if not isinstance(error, PynamoDBException):
        return False
    if error.cause_response_code == "TransactionConflictException":
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    return error.cause_response_code == "TransactionCanceledException" and any(
        reason is not None and reason.code == "TransactionConflict" for reason in reasons
    )


def retried_while_held(write: Callable[[], Result]) -> Result:
    """A plain write of an item that transactions also touch (a counter, a presence, a handle):
    while a transaction holds the item DynamoDB refuses the write without applying it, so it is
    tried again shortly."""
    for attempt in range(CONFLICT_ATTEMPTS - 1):
        try:
            return write()
        except PynamoDBException as error:
            if not is_transaction_conflict(error):
                raise
            time.sleep(random.uniform(0, 0.01 * 2**attempt))
    return write()


@dataclass(frozen=True, slots=True)
class ItemRead:
    """One item to read with others: its model, its key as DynamoDB spells it, and how to turn
    the stored item (None when there is none) into what the caller wants."""

    model: type[Model]
    key: dict[str, dict[str, Any]]
    decode: Callable[[Any], Any]


def read_together(*reads: ItemRead) -> list[Any]:
    """Items of several tables in one round trip (BatchGetItem, each read strongly consistent),
    decoded in the order asked; keys DynamoDB leaves unprocessed are asked again."""
    pending: dict[str, Any] = {}
    for read in reads:
        table = pending.setdefault(read.model.Meta.table_name, {"Keys": [], "ConsistentRead": True})
        table["Keys"].append(read.key)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for table_name, items in _batch_get(pending).items():
        for item in items:
            found[(table_name, _key_id(item, _key_names(reads, table_name)))] = item
    results = []
    for read in reads:
        raw = found.get((read.model.Meta.table_name, _key_id(read.key, list(read.key))))
        results.append(read.decode(read.model.from_raw_data(raw) if raw is not None else None))
    return results


def read_attributes(
    table_name: str,
    keys: list[dict[str, dict[str, Any]]],
    projection: str,
    names: dict[str, str] | None = None,
) -> list[dict[str, dict[str, Any]]]:
    """A few attributes (`projection`) of many items of one table, as DynamoDB answers them:
    BatchGetItem of up to 100 keys at a time, eventually consistent (a list's rows read them),
    keys left unprocessed asked again. Items that do not exist are left out."""
    found: list[dict[str, dict[str, Any]]] = []
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {"Keys": keys[start : start + 100], "ProjectionExpression": projection}
        if names:
            request["ExpressionAttributeNames"] = names
        found.extend(_batch_get({table_name: request}).get(table_name, []))
    return found


def _batch_get(request_items: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The items of one BatchGetItem (`RequestItems`), by table, as DynamoDB answers them; keys
    it leaves unprocessed are asked again after a short pause that grows with each attempt."""
    found: dict[str, list[dict[str, Any]]] = {}
    pending = request_items
    connection = transaction_connection()
    for attempt in range(BATCH_ATTEMPTS):
        response = connection.dispatch("BatchGetItem", {"RequestItems": pending})
        for table_name, items in response.get("Responses", {}).items():
            found.setdefault(table_name, []).extend(items)
        pending = response.get("UnprocessedKeys") or {}
        if not pending:
            return found
        time.sleep(0.01 * 2**attempt)
    raise RuntimeError("DynamoDB left keys unprocessed after every attempt")


def _key_names(reads: tuple[ItemRead, ...], table_name: str) -> list[str]:
    """The key attribute names of `table_name`, as the reads of it spell them."""
    return next(list(read.key) for read in reads if read.model.Meta.table_name == table_name)


def _key_id(item: dict[str, Any], names: list[str]) -> str:
    return json.dumps({name: item[name] for name in sorted(names)}, sort_keys=True)


Write = Callable[[TransactWrite], None]

# A transaction that meets another one on an item, or that DynamoDB throttles item by item, is
# cancelled with nothing written (a TransactionConflict, ThrottlingError or
# ProvisionedThroughputExceeded reason); botocore does not retry a cancellation. It is tried
# again after a short random pause that grows with each attempt (at most about 1.3 s in all),
# then given up as busy.
TRANSACTION_ATTEMPTS = 8
CONFLICT_PAUSE_S = 0.01


class WriteRefused(ConflictError):
    """A condition of a write refused it: nothing was written."""


_RETRYABLE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


def _worth_retrying(error: BaseException) -> bool:
    """A cancelled transaction that wrote nothing and may go through when tried again."""
    if is_transaction_conflict(error):
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    return isinstance(error, PynamoDBException) and any(
        reason is not None and reason.code in _RETRYABLE_REASONS for reason in reasons
    )


def transact(*writes: Write) -> list[str | None]:
    """Write items of several tables in one transaction: `[]` once written; else, when a
    condition refused it (nothing written), the cancellation reason code of each item in the
    request's order: PynamoDB sends the condition checks first, then the deletes, the puts and
    the updates, each kind in the order it was added."""

    def send() -> None:
        with TransactWrite(connection=transaction_connection()) as tx:
            for write in writes:
                write(tx)

    return _committed(send)


Entry = dict[str, Any]


def transact_entries(entries: list[Entry]) -> list[str | None]:
    """`transact`, for a transaction given as DynamoDB's own request entries (`{"Put": ...}`,
    `{"Update": ...}`, `{"ConditionCheck": ...}`), reasons in the entries' order. The hottest
    write (an inbound message) is built this way: a fraction of the work of PynamoDB's models
    per item, as the feed's hot read decodes its items without them."""

    def send() -> None:
        try:
            # The consumed capacity PynamoDB asks for by default is never read: not asking spares
            # DynamoDB its count (a tenth of a small transaction's time on DynamoDB Local).
            request = {"TransactItems": entries, "ReturnConsumedCapacity": "NONE"}
            transaction_connection().dispatch("TransactWriteItems", request)
        except BOTOCORE_EXCEPTIONS as error:
            raise TransactWriteError("Failed to write transaction items", error) from error

    return _committed(send)


def _committed(send: Callable[[], None]) -> list[str | None]:
    for attempt in range(TRANSACTION_ATTEMPTS):
        try:
            send()
        except TransactWriteError as error:
            if _worth_retrying(error) and not is_conditional_failure(error):
                time.sleep(random.uniform(0, CONFLICT_PAUSE_S * 2**attempt))
                continue
            if not is_conditional_failure(error):
                raise
            reasons = getattr(error, "cancellation_reasons", None) or []
            return [reason.code if reason is not None else None for reason in reasons]
        return []
    raise BusyError("the data store is busy with other writes of the same items; nothing was written")


def attribute_value(value: Any) -> dict[str, Any]:
    """A plain Python value as a DynamoDB attribute value (the inverse of `plain`)."""
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, dict):
        return {"M": {str(key): attribute_value(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [attribute_value(item) for item in value]}
    raise TypeError(f"cannot store a {type(value).__name__} in DynamoDB")


def raw_item(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An item as DynamoDB takes it; attributes that are None are left out, as PynamoDB does."""
    return {name: attribute_value(value) for name, value in values.items() if value is not None}


def write_together(*writes: Write) -> bool:
    """Write items of several tables in one transaction; False if a condition refused it."""
    return not transact(*writes)


def encode_cursor(last_evaluated_key: dict[str, dict[str, Any]] | None) -> str | None:
    """An opaque page token: base64 of the last key DynamoDB returned (None on the last page)."""
    if not last_evaluated_key:
        return None
    return encode_token(last_evaluated_key)


def encode_token(value: dict[str, Any]) -> str:
    """A page token of a list's position (a key, or the positions of the partitions a list
    merges): base64 of its JSON, as every cursor is."""
    raw = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(cursor: str) -> Any:
    """What `encode_token` encoded; a token it did not make is a 400 (the caller checks the shape)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError("the page cursor is not valid", {"cursor": "malformed"}) from None


def decode_cursor(
    cursor: str | None, key_names: frozenset[str], *, partition: tuple[str, str] | None = None
) -> dict[str, dict[str, Any]] | None:
    """The key a page token stands for; a token that was not made by `encode_cursor` is a 400,
    and so is one of another list: with `partition` (the name and value of the query's hash key),
    its key must be in the partition queried, so another rep's cursor, or another record's, never
    starts a page of this one. Every list of one rep's or one record's items names it."""
    if not cursor:
        return None
    key = decode_token(cursor)
    valid = (
        isinstance(key, dict)
        and set(key) == key_names
        and all(isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str) for v in key.values())
    )
    if not valid:
        raise ValidationError("the page cursor is not valid", {"cursor": "malformed"})
    if partition is not None and key[partition[0]]["S"] != partition[1]:
        raise ValidationError("the page cursor is not one of this list's", {"cursor": "another list's"})
    return dict(key)


def refused_input(error: BaseException) -> ValidationError | None:
    """DynamoDB's ValidationException as the domain's refusal of the request's input (nothing was
    written), else None: a key longer than DynamoDB takes, a number of more than 38 digits, a page
    cursor outside the query's bounds. PynamoDB wraps it in its own errors (GetError, QueryError,
    ...); a raw dispatch raises botocore's."""
    if isinstance(error, PynamoDBException):
        code = error.cause_response_code
    elif isinstance(error, BOTOCORE_EXCEPTIONS):
        response: dict[str, Any] = getattr(error, "response", None) or {}
        code = response.get("Error", {}).get("Code")
    else:
        return None
    if code != "ValidationException":
        return None
    return ValidationError("a value of the request is too long or malformed")


def plain(value: dict[str, Any]) -> Any:
    """A DynamoDB attribute value as plain Python (S, N, BOOL, NULL, M, L, SS, NS).

    The feed's hot read decodes its items with this instead of instantiating models: the same
    data, a fraction of the work per item.
    """
    ((kind, raw),) = value.items()
    try:
        decode = _DECODERS[kind]
    except KeyError:
        raise ValueError(f"unsupported DynamoDB attribute type {kind}") from None
    return decode(raw)


def _number(raw: str) -> int | float:
    number = Decimal(raw)
    return int(number) if number == number.to_integral_value() else float(number)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "S": lambda raw: raw,
    "BOOL": lambda raw: raw,
    "N": _number,
    "NULL": lambda raw: None,
    "M": lambda raw: {key: plain(item) for key, item in raw.items()},
    "L": lambda raw: [plain(item) for item in raw],
    "SS": sorted,
    "NS": lambda raw: sorted(_number(item) for item in raw),
}

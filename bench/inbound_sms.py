"""An incoming SMS through the local gateway, against one raw PutItem of the message it stores.

The webhook side: a signed incoming-SMS request (signature computed beforehand, as Twilio
does) from a contact with a conversation already open, over a keep-alive connection: signature
check, rep and sender lookup, the retry check, then the message, its conversation and the
rep's unread counter. The floor: one boto3 PutItem (warm client) of a copy of the very item
the webhook stores, into the same table with the same indexes.

Write capacity: every write request an incoming SMS makes is asked for
`ReturnConsumedCapacity=INDEXES`, and the units DynamoDB reports (table and indexes) are
added up. A transaction's items count by AWS's rule (2 units per item per KB), as DynamoDB
Local does not report them as AWS bills them; each index entry it wrote counts one unit.
"""

from __future__ import annotations

import http.client
import math
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode, urlsplit

from botocore.client import BaseClient

from commcenter.channels.twilio_form import TwilioForm
from commcenter.channels.twilio_signature import public_url, sign
from commcenter_local.simulate import incoming_sms_params, new_sid, voice_params

BODY = "Hi! Thanks for the proposal, we reviewed it with the team. Could we talk tomorrow at 10 about pricing?"
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
READS = frozenset({"GetItem", "BatchGetItem", "Query", "TransactGetItems"})


def signed_requests(
    base_url: str, auth_token: str, path: str, params: Callable[[int], list[tuple[str, str]]], count: int
) -> list[bytes]:
    """`count` webhook bodies (`params(i)` gives the i-th) with their signatures (`sig\nbody`),
    computed beforehand, as Twilio computes them on its side."""
    url = public_url(base_url, path)
    prepared = []
    for index in range(count):
        fields = params(index)
        prepared.append(sign(auth_token, url, TwilioForm(fields)).encode() + b"\n" + urlencode(fields).encode())
    return prepared


def sms_params(senders: list[str], to: str) -> Callable[[int], list[tuple[str, str]]]:
    """Incoming SMS, each a new MessageSid, from the senders in turn."""
    return lambda index: incoming_sms_params(from_number=senders[index % len(senders)], to_number=to, body=BODY)


def call_params(callers: list[str], to: str) -> Callable[[int], list[tuple[str, str]]]:
    """Incoming calls, each a new CallSid, from the callers in turn."""
    return lambda index: voice_params(new_sid("CA"), callers[index % len(callers)], to, "ringing")


def webhook_call(base_url: str, path: str, prepared: list[bytes]) -> Callable[[], object]:
    """POSTs the prepared webhooks one after the other over one keep-alive connection, as
    Twilio's side does: a bare HTTP client, so that the time measured is the stack's."""
    target = urlsplit(public_url(base_url, path))
    connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
    pending = iter(prepared)

    def call() -> object:
        signature, _, body = next(pending).partition(b"\n")
        headers = {"X-Twilio-Signature": signature.decode(), "Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read()
        if response.status != 200:
            raise AssertionError(f"webhook answered {response.status}: {text.decode(errors='replace')}")
        return response

    return call


def raw_put_call(client: Any, table: str, template_item: dict[str, Any]) -> Callable[[], object]:
    """PutItem of a copy of the stored message (a new sort key each time: a new item, as the webhook makes)."""
    counter = iter(range(10**9))

    def call() -> object:
        n = next(counter)
        item = dict(template_item)
        suffix = f"#floor{n:09d}"
        for key in ("sk", "type_key", "rep_key"):
            if key in item:
                item[key] = {"S": item[key]["S"] + suffix}
        return client.put_item(TableName=table, Item=item)

    return call


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it: attribute names plus values (a close approximation)."""
    return sum(len(name.encode()) + len(str(value).encode()) for name, value in item.items())


@contextmanager
def capacity_meter() -> Iterator[dict[str, float]]:
    """Adds up the write capacity of every write request made inside the block, in this process,
    and the read capacity of every read (`reads`)."""
    totals = {"total": 0.0, "table": 0.0, "requests": 0.0, "transactions": 0.0, "reads": 0.0}
    original = getattr(BaseClient, "_make_api_call")  # noqa: B009 (private, untyped)

    def metered(self: Any, operation_name: str, api_params: Any) -> Any:
        if operation_name in READS:
            response = original(self, operation_name, {**api_params, "ReturnConsumedCapacity": "TOTAL"})
            consumed = response.get("ConsumedCapacity")
            for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
                totals["reads"] += float(entry.get("CapacityUnits", 0))
            return response
        if operation_name not in WRITES:
            return original(self, operation_name, api_params)
        params = {**api_params, "ReturnConsumedCapacity": "INDEXES"}
        response = original(self, operation_name, params)
        totals["requests"] += 1
        if operation_name == "TransactWriteItems":
            totals["transactions"] += 1
            table_units = sum(
                2 * max(1, math.ceil(item_size(next(iter(entry.values())).get("Item", {})) / 1024))
                for entry in api_params["TransactItems"]
            )
            totals["table"] += table_units
            totals["total"] += table_units + transaction_index_entries(api_params, response)
            return response
        consumed = response.get("ConsumedCapacity")
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            totals["total"] += float(entry.get("CapacityUnits", 0))
            totals["table"] += float(entry.get("Table", {}).get("CapacityUnits", 0))
        return response

    setattr(BaseClient, "_make_api_call", metered)  # noqa: B010
    try:
        yield totals
    finally:
        setattr(BaseClient, "_make_api_call", original)  # noqa: B010


def transaction_index_entries(api_params: dict[str, Any], response: dict[str, Any]) -> float:
    """Index entries a transaction wrote. DynamoDB Local reports every unit of a transaction
    several times over (four per item here), index writes alike; each table's index units over
    its own units per item give the entries, each billed as one write unit."""
    items_per_table: dict[str, int] = {}
    for entry in api_params["TransactItems"]:
        table = next(iter(entry.values()))["TableName"]
        items_per_table[table] = items_per_table.get(table, 0) + 1
    entries = 0.0
    for consumed in response.get("ConsumedCapacity") or []:
        table_units = float(consumed.get("Table", {}).get("CapacityUnits", 0))
        per_item = table_units / items_per_table.get(consumed["TableName"], 1) if table_units else 1.0
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            for index in (consumed.get(kind) or {}).values():
                entries += float(index.get("CapacityUnits", 0)) / per_item
    return entries


def measure_write_capacity(call: Callable[[], object], samples: int) -> dict[str, float]:
    """Median units per incoming SMS over `samples` messages (each one measured on its own)."""
    per_message: dict[str, list[float]] = {"total": [], "table": [], "requests": [], "transactions": [], "reads": []}
    for _ in range(samples):
        with capacity_meter() as totals:
            call()
        for key, value in totals.items():
            per_message[key].append(value)
    return {key: statistics.median(values) for key, values in per_message.items()}

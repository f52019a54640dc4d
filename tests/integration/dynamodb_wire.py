"""DynamoDB's error answers, injected on the wire for a test: what botocore and PynamoDB do with
them (retry with backoff, or hand them to the code) is exactly what they would do in AWS.

The fault replaces the HTTP exchange of one attempt (`Endpoint._send`), below botocore's
retries: a throttled request is retried by botocore's standard mode as it would be, a cancelled
transaction reaches the product's own handling. The wrapper of `_make_api_call` that records
operations for the no-Scan guard sits above and sees each request once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.endpoint import Endpoint

from commcenter.settings import get_settings

PREFIX = "com.amazonaws.dynamodb.v20120810#"
THROUGHPUT_EXCEEDED = (
    "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API."
)
THROTTLED = "Throughput exceeds the current capacity of your table or index."


@dataclass(frozen=True, slots=True)
class WireRequest:
    """One attempt of a DynamoDB request, as it goes out: the operation and its JSON body."""

    operation: str
    body: dict[str, Any]

    def transact_position(self, table_short_name: str, where: Callable[[dict[str, Any]], bool]) -> int | None:
        """The position, in a TransactWriteItems request, of the first item written to the table
        that `where` accepts (its attribute values as sent), or None."""
        table = get_settings().table(table_short_name)
        for position, entry in enumerate(self.body.get("TransactItems", [])):
            ((_, action),) = entry.items()
            item = action.get("Item") or action.get("Key") or {}
            if action.get("TableName") == table and where(item):
                return position
        return None


@dataclass
class Fault:
    """Which attempts fail (`matches`), how (`answer`: status and JSON body, given the attempt),
    and how many times at most (`times`). Counts what it saw."""

    matches: Callable[[WireRequest], bool]
    answer: Callable[[WireRequest], tuple[int, dict[str, Any]]]
    times: int
    injected: int = 0
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, request: WireRequest) -> tuple[int, dict[str, Any]] | None:
        if not self.matches(request):
            return None
        with self.lock:
            self.attempts += 1
            if self.injected >= self.times:
                return None
            self.injected += 1
        return self.answer(request)


class _Body:
    """The raw body of a made-up HTTP answer, as botocore reads it."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.content


@contextmanager
def faults_on_the_wire(monkeypatch: pytest.MonkeyPatch, *faults: Fault) -> Iterator[None]:
    """Inside the block, an attempt a fault takes gets the fault's answer instead of DynamoDB's."""
    real_send = getattr(Endpoint, "_send")  # noqa: B009 (private, untyped)

    def send(self: Endpoint, request: Any) -> Any:
        target = request.headers.get("X-Amz-Target") or b""
        operation = (target.decode() if isinstance(target, bytes) else str(target)).rpartition(".")[2]
        raw = request.body or b"{}"
        wire = WireRequest(operation, json.loads(raw.decode() if isinstance(raw, bytes) else str(raw)))
        for fault in faults:
            answer = fault.take(wire)
            if answer is not None:
                status, body = answer
                headers = HTTPHeaders()
                headers["Content-Type"] = "application/x-amz-json-1.0"
                headers["x-amzn-RequestId"] = "injected-fault"
                return AWSResponse(request.url, status, headers, _Body(json.dumps(body).encode()))
        return real_send(self, request)

    with monkeypatch.context() as patch:
        patch.setattr(Endpoint, "_send", send)
        yield


def throughput_exceeded(_: WireRequest) -> tuple[int, dict[str, Any]]:
    """The whole request refused for a provisioned table's capacity (botocore retries it)."""
    return 400, {"__type": PREFIX + "ProvisionedThroughputExceededException", "message": THROUGHPUT_EXCEEDED}


def throttled(_: WireRequest) -> tuple[int, dict[str, Any]]:
    """The whole request refused for an on-demand table's capacity (botocore retries it)."""
    return 400, {"__type": "com.amazon.coral.availability#ThrottlingException", "message": THROTTLED}


def internal_error(_: WireRequest) -> tuple[int, dict[str, Any]]:
    """DynamoDB failed on its side (botocore retries it, then gives up)."""
    return 500, {"__type": "com.amazon.coral.service#InternalServerError", "message": "Internal server error"}


Answer = Callable[[WireRequest], tuple[int, dict[str, Any]]]


def cancelled(code: str, position: Callable[[WireRequest], int | None]) -> Answer:
    """A transaction DynamoDB cancels, nothing written, for `code` on the item at `position`
    (TransactionConflict: another transaction holds it; ThrottlingError or
    ProvisionedThroughputExceeded: its table or index is over capacity). botocore does not retry it."""

    def answer(request: WireRequest) -> tuple[int, dict[str, Any]]:
        count = len(request.body.get("TransactItems", []))
        at = position(request)
        reasons: list[dict[str, str]] = [{"Code": "None"} for _ in range(count)]
        if at is not None:
            reasons[at] = {"Code": code, "Message": THROTTLED if "Throttl" in code else "Transaction is ongoing"}
        codes = ", ".join(reason["Code"] for reason in reasons)
        return 400, {
            "__type": PREFIX + "TransactionCanceledException",
            "Message": f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
            "CancellationReasons": reasons,
        }

    return answer

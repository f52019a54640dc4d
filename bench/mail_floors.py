"""The floors of the mail benchmark: the same work as a first sync, done raw, in the same run.

- `mbsync_pull`: isync's `mbsync` (a C IMAP client) pulling INBOX and Sent into a Maildir on
  tmpfs: what fetching the mailbox costs at the least.
- `batch_write_pass`: the items a sync wrote, copied into fresh tables of the same keys and
  indexes by plain boto3 `BatchWriteItem`s (a warm client, 4 threads).
- `put_object_pass`: the objects a sync stored, copied into a fresh bucket by plain `PutObject`s
  (a warm client, 4 threads).

A Maildir target is made fresh for each pull and removed only at the end: on ext4, files created
just after a mass delete cost about a millisecond each (a kernel effect), so deleting a Maildir
and writing another straight after would measure the disk, not mbsync. The targets live on tmpfs
(/dev/shm) anyway, where that effect does not exist.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THREADS = 4
BATCH = 25  # BatchWriteItem's most items per request
TMPFS = Path("/dev/shm")


@dataclass(frozen=True, slots=True)
class ImapAccount:
    host: str
    port: int  # IMAPS (TLS from the first byte)
    user: str
    password: str
    ca_file: Path


@dataclass(frozen=True, slots=True)
class Pull:
    seconds: float
    messages: int


def scratch_root() -> Path:
    """Where Maildir targets go: tmpfs when the machine has it."""
    return TMPFS if TMPFS.is_dir() else Path(tempfile.gettempdir())


@contextmanager
def scratch_dirs(prefix: str) -> Iterator[Callable[[], Path]]:
    """A maker of fresh folders under one scratch folder, all removed at the end (never one
    removed and another written straight after)."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch_root()))
    made = 0

    def fresh() -> Path:
        nonlocal made
        made += 1
        path = root / f"run{made}"
        path.mkdir()
        return path

    try:
        yield fresh
    finally:
        shutil.rmtree(root, ignore_errors=True)


def mbsync_config(account: ImapAccount, target: Path, folders: Sequence[str]) -> str:
    """An mbsyncrc pulling `folders` of `account` into the Maildir `target` (isync 1.4 syntax)."""
    patterns = " ".join(f'"{folder}"' for folder in folders)
    return f"""IMAPAccount bench
Host {account.host}
Port {account.port}
User {account.user}
Pass "{account.password}"
SSLType IMAPS
CertificateFile {account.ca_file}

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {target}/
Inbox {target}/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:
Near :bench-near:
Patterns {patterns}
Create Near
Sync Pull
Expunge None
SyncState *
"""


def mbsync_pull(account: ImapAccount, target: Path, folders: Sequence[str] = ("INBOX", "Sent")) -> Pull:
    """`mbsync` pulling `folders` into the empty folder `target`; its wall time and how many
    messages it wrote (checked by the caller: a pull that fetched nothing is no floor)."""
    config = target / "mbsyncrc"
    config.write_text(mbsync_config(account, target / "mail", folders))
    config.chmod(0o600)
    (target / "mail").mkdir()
    started = time.perf_counter()
    result = subprocess.run(
        ["mbsync", "--quiet", "--config", str(config), "bench"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"mbsync failed ({result.returncode}): {result.stderr.strip()}")
    messages = sum(1 for path in (target / "mail").rglob("*") if path.parent.name in {"cur", "new"} and path.is_file())
    return Pull(seconds, messages)


# --- DynamoDB ----------------------------------------------------------------------------------


def scan_all(client: Any, table: str) -> list[dict[str, Any]]:
    """Every item of `table` (the benchmark's own reading of DynamoDB Local; the product never scans)."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table}
    while True:
        page = client.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def copy_table(client: Any, source: str, name: str) -> None:
    """A new empty table `name` with the keys and indexes of `source` (on demand)."""
    table = client.describe_table(TableName=source)["Table"]
    spec: dict[str, Any] = {
        "TableName": name,
        "KeySchema": table["KeySchema"],
        "AttributeDefinitions": table["AttributeDefinitions"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    indexes = [
        {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"], "Projection": index["Projection"]}
        for index in table.get("GlobalSecondaryIndexes", [])
    ]
    if indexes:
        spec["GlobalSecondaryIndexes"] = indexes
    local = [
        {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"], "Projection": index["Projection"]}
        for index in table.get("LocalSecondaryIndexes", [])
    ]
    if local:
        spec["LocalSecondaryIndexes"] = local
    client.create_table(**spec)
    client.get_waiter("table_exists").wait(TableName=name)


def _write_batch(client: Any, table: str, items: Sequence[dict[str, Any]]) -> None:
    requests: dict[str, Any] = {table: [{"PutRequest": {"Item": item}} for item in items]}
    while requests:
        answer = client.batch_write_item(RequestItems=requests)
        requests = answer.get("UnprocessedItems") or {}


def batch_write_pass(client: Any, items_by_table: dict[str, list[dict[str, Any]]], threads: int = THREADS) -> float:
    """Seconds to write every item with BatchWriteItem (25 a request, `threads` at a time)."""
    batches = [
        (table, items[i : i + BATCH]) for table, items in items_by_table.items() for i in range(0, len(items), BATCH)
    ]
    with ThreadPoolExecutor(threads) as pool:
        started = time.perf_counter()
        for _ in pool.map(lambda batch: _write_batch(client, *batch), batches):
            pass
        return time.perf_counter() - started


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it, near enough (names plus values)."""

    def size(value: dict[str, Any]) -> int:
        (kind, inner), *_ = value.items()
        if kind in {"S", "N"}:
            return len(str(inner).encode())
        if kind == "B":
            return len(inner)
        if kind in {"SS", "NS"}:
            return sum(len(str(v).encode()) for v in inner)
        if kind == "L":
            return 3 + sum(1 + size(v) for v in inner)
        if kind == "M":
            return 3 + sum(len(k.encode()) + 1 + size(v) for k, v in inner.items())
        return 1

    return sum(len(name.encode()) + size(value) for name, value in item.items())


# --- S3 ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    body: bytes
    content_type: str


def read_objects(client: Any, bucket: str) -> list[StoredObject]:
    """Every object of `bucket`, with its body and content type."""
    objects = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            answer = client.get_object(Bucket=bucket, Key=entry["Key"])
            objects.append(StoredObject(entry["Key"], answer["Body"].read(), answer.get("ContentType", "")))
    return objects


def put_object_pass(client: Any, bucket: str, objects: Sequence[StoredObject], threads: int = THREADS) -> float:
    """Seconds to put every object into `bucket` with PutObject (`threads` at a time)."""

    def put(stored: StoredObject) -> None:
        client.put_object(Bucket=bucket, Key=stored.key, Body=stored.body, ContentType=stored.content_type)

    with ThreadPoolExecutor(threads) as pool:
        started = time.perf_counter()
        for _ in pool.map(put, objects):
            pass
        return time.perf_counter() - started

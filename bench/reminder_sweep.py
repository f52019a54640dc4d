"""`reminder_sweep_flatness`: a sweep that fires the due reminders costs the same whatever waits
for later (T1: the due index is read bucket by bucket from the checkpoint, never scanned).

One local stack holds two Reminders tables of the template's definition: the stack's own with
1,000 reminders not yet due (spread over the next 60 days), and a second with 100,000 (loaded by
raw BatchWriteItem, 8 threads, the items as the product stores them). Rounds alternate between
the two (the product pointed at one table, then the other, as its settings name it): 100 due
reminders are written, then one sweep is timed (the product's `sweep_due_reminders`, each email
built and handed to an outbox that keeps nothing). Alternating lets the machine's drift (other
work on its cores) fall on both sides alike. The figure is the median sweep at 100,000 waiting
over the median at 1,000.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.local_dynamodb import local_client

DUE_PER_SWEEP = 100
WAITING_SMALL = 1_000
WAITING_LARGE = 100_000
ROUNDS = 9
LARGE_TABLE = "RemindersTableLarge"
LOAD_THREADS = 8
SPREAD_DAYS = 60

METHOD = (
    f"- `reminder_sweep_flatness`: the median time, over {ROUNDS} rounds, of one sweep of the reminders "
    f"function (`sweep_due_reminders`) firing {DUE_PER_SWEEP} due reminders (written just before it, "
    f"not timed; each email built and handed to an outbox that keeps nothing), with {WAITING_LARGE:,} "
    f"reminders not yet due in the table (spread over the next {SPREAD_DAYS} days), divided by the same "
    f"with {WAITING_SMALL:,} not yet due: two tables of the template's definition in one DynamoDB Local "
    f"(loaded by raw `BatchWriteItem`, {LOAD_THREADS} threads, in the items' own layout), the rounds "
    "alternating between them after one round each that is not counted."
)


class _Outbox:
    """Takes the built message and keeps nothing: the sweep's own work is what is measured."""

    sender = "reminders@bench.example"

    def send(self, to: str, message: bytes) -> None:
        del to, message


def _reminder(rep_id: str, due: datetime, now: datetime) -> tuple[Any, str]:
    from commcenter.domain.clock import to_iso
    from commcenter.domain.ids import new_id
    from commcenter.domain.reminders import Reminder, filed_bucket

    reminder = Reminder(
        id=new_id(), kind="follow_up", rep_id=rep_id, due_at=to_iso(due), note="bench", created_at=to_iso(now)
    )
    return reminder, filed_bucket(due, now)


def _load_waiting(client: Any, table: str, rep_id: str, count: int, seed: int) -> float:
    """`count` reminders due later, written raw; seconds taken."""
    from commcenter.data.reminders import stored_item
    from commcenter.domain.reminders import idempotency_key

    rng = random.Random(seed)
    now = datetime.now(UTC)
    items = []
    for _ in range(count):
        due = now + timedelta(hours=1, seconds=rng.randrange(SPREAD_DAYS * 86_400))
        reminder, bucket = _reminder(rep_id, due, now)
        items.append(stored_item(reminder, bucket, idempotency_key(reminder.id)).serialize())
    batches = [items[i : i + 25] for i in range(0, len(items), 25)]

    def write(batch: list[dict[str, Any]]) -> None:
        pending: dict[str, Any] = {table: [{"PutRequest": {"Item": item}} for item in batch]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    started = time.perf_counter()
    with ThreadPoolExecutor(LOAD_THREADS) as pool:
        list(pool.map(write, batches))
    return time.perf_counter() - started


def _use_table(name: str) -> None:
    """Point the product's Reminders table at `name` (its settings and its cached connections)."""
    from commcenter.data.base import forget_connections
    from commcenter.settings import get_settings

    os.environ["REMINDERS_TABLE"] = name
    get_settings.cache_clear()
    forget_connections()


def _sweep(rep_id: str) -> float:
    """Seconds one sweep takes to fire the due reminders written just before it."""
    from commcenter.data.reminders import create
    from commcenter.domain.reminders import idempotency_key
    from commcenter.services.reminders import sweep_due_reminders

    now = datetime.now(UTC)
    for n in range(DUE_PER_SWEEP):
        reminder, bucket = _reminder(rep_id, now - timedelta(seconds=n + 1), now)
        create(reminder, bucket, idempotency_key(reminder.id))
    started = time.perf_counter()
    result = sweep_due_reminders(mail=_Outbox())
    taken = time.perf_counter() - started
    if result.fired != DUE_PER_SWEEP:
        raise RuntimeError(f"a sweep fired {result.fired} reminders, not {DUE_PER_SWEEP}")
    return taken


def measure(root: Path, report: dict[str, Any], notes: dict[str, Any]) -> None:
    from commcenter.settings import get_settings
    from commcenter_local.demo_data import DEMO_REPS, seed_demo_data
    from commcenter_local.dynamodb_local import create_tables
    from commcenter_local.stack import LocalStack, StackOptions

    options = StackOptions(port=0, in_memory=True, schedules=False, data_dir=root / "bench" / "work")
    with LocalStack(options) as stack:
        seed_demo_data()
        rep_id = DEMO_REPS[0].id
        settings = get_settings()
        client = local_client(stack.dynamodb_endpoint, settings.region)
        small_table = settings.table("reminders")
        definition = next(t for t in stack.template.tables if t.logical_id == "RemindersTable")
        create_tables(client, [definition], {"RemindersTable": LARGE_TABLE})
        _load_waiting(client, small_table, rep_id, WAITING_SMALL, seed=1)
        load_s = _load_waiting(client, LARGE_TABLE, rep_id, WAITING_LARGE, seed=2)
        samples: dict[str, list[float]] = {small_table: [], LARGE_TABLE: []}
        try:
            for round_number in range(ROUNDS + 1):
                for table, taken in samples.items():
                    _use_table(table)
                    sample = _sweep(rep_id)
                    if round_number:  # the first round of each warms it up
                        taken.append(sample)
        finally:
            _use_table(small_table)
    small, large = samples[small_table], samples[LARGE_TABLE]
    small_median, large_median = statistics.median(small), statistics.median(large)
    report["reminder_sweep_flatness"] = round(large_median / small_median, 3)
    notes["reminder_sweep_ms_1000_waiting"] = round(small_median * 1000, 1)
    notes["reminder_sweep_ms_100000_waiting"] = round(large_median * 1000, 1)
    notes["reminder_sweep_load_seconds"] = round(load_s, 1)
    notes["reminder_sweep_due_per_sweep"] = DUE_PER_SWEEP

"""The mail benchmarks: a mailbox's first sync against the same work done raw, a poll that finds
nothing new, and that poll beside 50,000 messages.

Everything runs here, in one run: a real Dovecot on loopback (`commcenter_local.mail_server`),
its folder on tmpfs, holding the generated mailbox (`bench.mail_mailbox`), and the local stack
(DynamoDB Local, moto's S3) in which the product's own sync (`commcenter.services.mail_poll`)
writes, in this process, as the mail function runs it.
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.mail_floors import (
    THREADS,
    ImapAccount,
    StoredObject,
    batch_write_pass,
    copy_table,
    item_bytes,
    mbsync_pull,
    put_object_pass,
    read_objects,
    scan_all,
    scratch_dirs,
    scratch_root,
)
from bench.mail_mailbox import DEFAULT_COUNT, GeneratedMessage, fill_mailbox, generate, small_messages

PASSWORD = "bench-mailbox-password"
MBSYNC_RUNS = 5
DYNAMODB_FLOOR_RUNS = 3
S3_FLOOR_RUNS = 2  # some 40 s each against moto's server
# The stages of a sync as timed, and their names in the results (beside their floors).
STAGES = {"fetch": "fetch", "parse": "parse", "store": "store", "dynamodb": "store_dynamodb", "s3": "store_s3"}
NOOP_POLLS = 60
FLAT_SMALL = 500
FLAT_LARGE = 50_000
# The certificate of the local Dovecot names localhost and 127.0.0.1; mbsync checks names only.
MBSYNC_HOST = "localhost"

METHOD = (
    f"- `mail_first_sync_vs_floor_ratio`: the first sync of a generated mailbox of {DEFAULT_COUNT:,} messages "
    "(`bench/mail_mailbox.py`, seed 13: some 86 MB, mixed sizes, a tenth with attachments, a quarter HTML, "
    "seven charsets, threads, a fifth in Sent) from a local Dovecot (its folder on tmpfs, the messages written "
    "into its Maildir) into the local stack by the product's `sync_mailbox`, in this process as the mail "
    "function runs it (fetch, parse, store through the inbound pipeline into DynamoDB Local and moto's S3), "
    "divided by the sum of three floors measured in the same run: `mbsync` (isync) pulling INBOX and Sent "
    f"into a fresh Maildir on tmpfs (median of {MBSYNC_RUNS}); one raw boto3 `BatchWriteItem` pass (a warm "
    f"client, {THREADS} threads, 25 items a request) of copies of every item the sync wrote or changed, read "
    f"back from the tables, into fresh tables of the same keys and indexes (median of {DYNAMODB_FLOOR_RUNS}); "
    f"one raw `PutObject` pass ({THREADS} threads) of copies of every object it stored, into a fresh bucket "
    f"(median of {S3_FLOOR_RUNS}). An mbsync pull before the sync, not counted, warms the server's caches for "
    "both sides. The split of the sync, each beside its floor in the details: `mail_first_sync_fetch_s` "
    "(IMAP FETCH), `_parse_s`, `_store_s` and, within storing, `_store_dynamodb_s` and `_store_s3_s` (each "
    "AWS call by service): the wall time during which at least one thread was in that stage; the stages "
    "overlap, so they add up to more than the sync. `..._thread_s`: the same summed over the threads.\n"
    f"- `mail_noop_poll_ms`: the median of {NOOP_POLLS} scheduled runs (`poll_all_mailboxes`, one mailbox "
    "connected: the one just synced) that find nothing new: the lease, the mailbox's state, the secret, "
    "connect, TLS, login, one STATUS per folder, logout, the health written. `mail_noop_poll_dovecot_ms` "
    "beside it, interleaved: a bare imapclient connect, login, the same two STATUS and logout against the "
    "same server.\n"
    f"- `mail_noop_poll_flatness`: that poll of one mailbox (`poll_mailbox`) holding {FLAT_LARGE:,} messages "
    f"over the same of one holding {FLAT_SMALL:,} (their mail older than the first-sync window, so each first "
    f"sync stored nothing and set the cursors at the top), medians of {NOOP_POLLS} interleaved polls; "
    "`mail_noop_poll_dovecot_flatness`: the bare client's same ratio."
)


@dataclass
class StageTimes:
    """When each stage of a sync ran, per call, in whichever thread ran it."""

    intervals: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, stage: str, started: float, ended: float) -> None:
        with self.lock:
            self.intervals.setdefault(stage, []).append((started, ended))

    def thread_seconds(self, stage: str) -> float:
        """The stage's time summed over its calls (threads running it at once each count)."""
        return sum(end - start for start, end in self.intervals.get(stage, []))

    def wall_seconds(self, stage: str) -> float:
        """The time during which at least one thread was in the stage (comparable to a floor's wall time)."""
        total, reach = 0.0, float("-inf")
        for start, end in sorted(self.intervals.get(stage, [])):
            if end > reach:
                total += end - max(start, reach)
                reach = end
        return total

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(stage, started, time.perf_counter())

        return wrapper

    def timed_iterator(self, stage: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = iter(function(*args, **kwargs))
            while True:
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    self.add(stage, started, time.perf_counter())
                    return
                self.add(stage, started, time.perf_counter())
                yield item

        return wrapper


@contextmanager
def stages_timed() -> Iterator[StageTimes]:
    """The sync's stages timed where the product calls them: IMAP FETCH (`ImapMailbox.fetch`),
    parsing (`parse_email`, which the poll imports from its module when it has mail to store),
    storing (`store_email`), and within storing each AWS call by service. A name that moved fails
    here, loudly, rather than reading zero."""
    import botocore.client

    from commcenter.channels.imap_mailbox import ImapMailbox
    from commcenter.domain import email_message
    from commcenter.services import mail_poll

    times = StageTimes()

    def timed_call(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(client: Any, operation: str, params: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                times.add(client.meta.service_model.service_name, started, time.perf_counter())

        return call

    wrappers: list[tuple[Any, str, Callable[[Any], Any]]] = [
        (ImapMailbox, "fetch", lambda original: times.timed_iterator("fetch", original)),
        (email_message, "parse_email", lambda original: times.timed("parse", original)),
        (mail_poll, "store_email", lambda original: times.timed("store", original)),
        (botocore.client.BaseClient, "_make_api_call", timed_call),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in wrappers]
    for (owner, name, wrap), (_, _, original) in zip(wrappers, saved, strict=True):
        setattr(owner, name, wrap(original))
    try:
        yield times
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


# --- the local mail server -------------------------------------------------------------------------


@dataclass
class MailServer:
    """A Dovecot on loopback with its CA, in a folder on tmpfs of its own."""

    directory: Path
    dovecot: Any = None
    ca: Any = None

    def start(self) -> MailServer:
        from commcenter_local.mail_server import LocalDovecot, LocalMailCA

        self.directory.chmod(0o755)  # Dovecot's unprivileged processes reach their files under it
        self.ca = LocalMailCA(self.directory / "ca")
        (self.directory / "dovecot").mkdir()
        self.dovecot = LocalDovecot(self.ca, self.directory / "dovecot").start()
        return self

    def stop(self) -> None:
        if self.dovecot is not None:
            self.dovecot.stop()

    def add_mailbox(self, user: str, folders: dict[str, Iterable[GeneratedMessage]]) -> str:
        """A user whose folders hold these messages (written into its Maildir, then indexed)."""
        name = str(self.dovecot.add_user(user, PASSWORD))
        fill_mailbox(self.dovecot, name, folders)
        return name

    def account(self, user: str) -> ImapAccount:
        return ImapAccount(MBSYNC_HOST, self.dovecot.imaps_port, user, PASSWORD, self.ca.ca_file)

    def bare_poll(self, user: str) -> Callable[[], object]:
        """Connect, login, STATUS of INBOX and Sent, logout: the server's own cost of a no-op poll."""
        from imapclient import IMAPClient

        context = self.ca.client_context()
        port = self.dovecot.imaps_port
        wanted = [b"UIDNEXT", b"UIDVALIDITY", b"MESSAGES", b"HIGHESTMODSEQ"]

        def poll() -> object:
            client = IMAPClient("127.0.0.1", port, ssl=True, ssl_context=context, timeout=20)
            client.login(user, PASSWORD)
            for folder in ("INBOX", "Sent"):
                client.folder_status(folder, wanted)
            return client.logout()

        return poll


@contextmanager
def mail_server() -> Iterator[MailServer]:
    directory = Path(tempfile.mkdtemp(prefix="commcenter-bench-dovecot-", dir=scratch_root()))
    server = MailServer(directory)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# --- the measures ----------------------------------------------------------------------------------


def connect_mailbox(rep: Any, server: MailServer, user: str) -> None:
    """The rep connects the mailbox as the dashboard does (settings and secret)."""
    from commcenter.domain.mailbox_views import MailboxInput
    from commcenter.domain.mailboxes import ServerEndpoint
    from commcenter.services.mailbox_settings import save_mailbox

    save_mailbox(
        rep,
        MailboxInput(
            address=user,
            username=user,
            imap=server.dovecot.endpoint("tls"),
            smtp=ServerEndpoint(host="127.0.0.1", port=587, tls="starttls"),  # not reached by a poll
            password=PASSWORD,
        ),
    )


def snapshot(client: Any, tables: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """Every item of each table, by its whole content (so that a changed item differs)."""
    return {table: {repr(sorted(item.items())): item for item in scan_all(client, table)} for table in tables}


def written_between(
    before: dict[str, dict[str, dict[str, Any]]], after: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """The items of `after` that `before` did not hold as they are: what the sync wrote."""
    return {
        table: [item for key, item in items.items() if key not in before.get(table, {})]
        for table, items in after.items()
    }


def progress_bar(total_hint: int) -> Callable[[Any], None]:
    """A console progress bar of the first sync (on stderr; the stack's output goes to its log)."""
    from tqdm import tqdm

    bar = tqdm(total=total_hint, unit="msg", file=sys.stderr, leave=False, desc="first sync")

    def update(progress: Any) -> None:
        bar.total = progress.total
        bar.n = progress.done
        bar.refresh()

    return update


@dataclass
class FirstSync:
    """What a first sync took and left: the measure's product side, and what its floors copy."""

    rep: Any
    seconds: float
    stages: StageTimes
    messages: int
    mailbox_bytes: int
    items: dict[str, list[dict[str, Any]]]  # what it wrote or changed, by table
    objects: list[StoredObject]  # what it stored in the mail bucket
    pulls: list[float]  # mbsync's pulls of the same mailbox, in seconds


def aws_clients(stack: Any) -> tuple[Any, Any]:
    """Plain boto3 clients of the local stack's DynamoDB Local and S3: the floors' side."""
    import boto3

    from bench.local_dynamodb import local_client
    from commcenter.settings import get_settings

    region = get_settings().region
    s3 = boto3.client(
        "s3",
        endpoint_url=stack.s3.endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return local_client(stack.dynamodb_endpoint, region), s3


def first_sync(server: MailServer, stack: Any) -> FirstSync:
    """The first sync of the generated mailbox of the first demo rep, with mbsync's pulls of it."""
    from commcenter.services.mail_poll import sync_mailbox
    from commcenter.settings import get_settings
    from commcenter_local.demo_data import DEMO_REPS

    rep = DEMO_REPS[0]
    messages = generate(DEFAULT_COUNT)
    user = server.add_mailbox(
        rep.email,
        {"INBOX": [m for m in messages if m.folder == "INBOX"], "Sent": [m for m in messages if m.folder == "Sent"]},
    )
    connect_mailbox(rep, server, user)
    dynamodb, s3 = aws_clients(stack)
    tables = list(stack.table_names().values())
    bucket = get_settings().mail_bucket
    if not bucket:
        raise RuntimeError("the local stack has no mail bucket (MAIL_BUCKET)")
    with scratch_dirs("commcenter-bench-mbsync-") as fresh:
        warm = mbsync_pull(server.account(user), fresh())  # the server's caches, warm for both sides
        if warm.messages != len(messages):
            raise RuntimeError(f"mbsync pulled {warm.messages} of {len(messages)} messages")
        before = snapshot(dynamodb, tables)
        with stages_timed() as stages:
            started = time.perf_counter()
            synced = sync_mailbox(rep.id, progress=progress_bar(len(messages)))
            seconds = time.perf_counter() - started
        if synced.messages != len(messages):
            raise RuntimeError(f"the first sync stored {synced.messages} of {len(messages)} messages ({synced})")
        pulls = [mbsync_pull(server.account(user), fresh()).seconds for _ in range(MBSYNC_RUNS)]
    written = written_between(before, snapshot(dynamodb, tables))
    return FirstSync(
        rep=rep,
        seconds=seconds,
        stages=stages,
        messages=synced.messages,
        mailbox_bytes=sum(len(m.raw) for m in messages),
        items={table: found for table, found in written.items() if found},
        objects=read_objects(s3, bucket),
        pulls=pulls,
    )


def first_sync_vs_floor(report: dict[str, Any], notes: dict[str, Any], sync: FirstSync, stack: Any) -> None:
    """The store floors of what the sync wrote, then the ratio and the split beside each floor.
    Measured last: their copies fill DynamoDB Local and moto's S3 (in this process)."""
    dynamodb, s3 = aws_clients(stack)
    floors = {
        "fetch_floor": statistics.median(sync.pulls),
        "store_dynamodb_floor": statistics.median(batch_write_floor(dynamodb, sync.items)),
        "store_s3_floor": statistics.median(put_object_floor(s3, sync.objects)),
    }
    report["mail_first_sync_vs_floor_ratio"] = round(sync.seconds / sum(floors.values()), 3)
    notes["mail_first_sync_s"] = round(sync.seconds, 2)
    notes["mail_first_sync_floor_s"] = round(sum(floors.values()), 2)
    for name, seconds in floors.items():
        notes[f"mail_first_sync_{name}_s"] = round(seconds, 2)
    for stage, key in STAGES.items():
        notes[f"mail_first_sync_{key}_s"] = round(sync.stages.wall_seconds(stage), 2)
        notes[f"mail_first_sync_{key}_thread_s"] = round(sync.stages.thread_seconds(stage), 2)
    notes["mail_first_sync_fetch_floor_runs_s"] = [round(s, 2) for s in sync.pulls]
    notes["mail_first_sync_messages"] = sync.messages
    notes["mail_first_sync_mb"] = round(sync.mailbox_bytes / 1e6, 1)
    notes["mail_first_sync_items"] = {table: len(found) for table, found in sync.items.items()}
    kb = sum(item_bytes(item) for found in sync.items.values() for item in found) / 1e3
    notes["mail_first_sync_item_kb"] = round(kb, 1)
    notes["mail_first_sync_objects"] = len(sync.objects)
    notes["mail_first_sync_object_mb"] = round(sum(len(o.body) for o in sync.objects) / 1e6, 1)


def batch_write_floor(dynamodb: Any, items: dict[str, list[dict[str, Any]]]) -> list[float]:
    """Raw BatchWriteItem passes of copies of `items`, each into fresh tables of the same schema."""
    seconds = []
    for run in range(DYNAMODB_FLOOR_RUNS):
        copies = {f"{table}BenchCopy{run}": found for table, found in items.items()}
        for copy, table in zip(copies, items, strict=True):
            copy_table(dynamodb, table, copy)
        seconds.append(batch_write_pass(dynamodb, copies))
    return seconds


def put_object_floor(s3: Any, objects: list[StoredObject]) -> list[float]:
    """Raw PutObject passes of copies of `objects`, each into a fresh bucket."""
    seconds = []
    for run in range(S3_FLOOR_RUNS):
        bucket = f"bench-copy-{run}"
        s3.create_bucket(Bucket=bucket)
        seconds.append(put_object_pass(s3, bucket, objects))
    return seconds


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def noop_poll(report: dict[str, Any], notes: dict[str, Any], server: MailServer, rep: Any) -> None:
    """The scheduled run when nothing changed in the one connected mailbox."""
    from bench.stats import interleaved
    from commcenter.services.mail_poll import poll_all_mailboxes

    def product() -> object:
        result = poll_all_mailboxes(scheduled_at=datetime.now(UTC).isoformat())
        if result.polled != 1 or result.messages:
            raise RuntimeError(f"a poll with nothing new did something else: {result}")
        return result

    samples = interleaved({"poll": product, "dovecot": server.bare_poll(rep.email.lower())}, rounds=NOOP_POLLS)
    report["mail_noop_poll_ms"] = _median_ms(samples["poll"])
    notes["mail_noop_poll_dovecot_ms"] = _median_ms(samples["dovecot"])
    notes["mail_noop_poll_p90_ms"] = round(sorted(samples["poll"])[int(NOOP_POLLS * 0.9)] * 1000, 1)


def noop_poll_flatness(report: dict[str, Any], notes: dict[str, Any], server: MailServer) -> None:
    """The poll of a mailbox of 50,000 messages over that of one of 500, both up to date."""
    from bench.stats import interleaved
    from commcenter.services.mail_poll import poll_mailbox, sync_mailbox
    from commcenter_local.demo_data import DEMO_REPS

    now = datetime.now(UTC)
    calls: dict[str, Callable[[], object]] = {}
    for rep, count in ((DEMO_REPS[1], FLAT_SMALL), (DEMO_REPS[2], FLAT_LARGE)):
        started = time.perf_counter()
        user = server.add_mailbox(rep.email, {"INBOX": small_messages(count, seed=count, before=now), "Sent": []})
        notes[f"mail_mailbox_{count}_setup_s"] = round(time.perf_counter() - started, 1)
        connect_mailbox(rep, server, user)
        first = sync_mailbox(rep.id)  # the window holds none of it: the cursors go to the top
        if first.messages:
            raise RuntimeError(f"the first sync of a mailbox of old mail stored {first.messages} messages")

        def poll(rep_id: str = rep.id) -> object:
            outcome = poll_mailbox(rep_id, deadline=time.monotonic() + 60)
            if outcome.outcome != "unchanged":
                raise RuntimeError(f"a poll with nothing new did something else: {outcome}")
            return outcome

        calls[f"poll_{count}"] = poll
        calls[f"dovecot_{count}"] = server.bare_poll(user)
    samples = interleaved(calls, rounds=NOOP_POLLS)
    ms = {name: _median_ms(values) for name, values in samples.items()}
    report["mail_noop_poll_flatness"] = round(ms[f"poll_{FLAT_LARGE}"] / ms[f"poll_{FLAT_SMALL}"], 3)
    notes["mail_noop_poll_dovecot_flatness"] = round(ms[f"dovecot_{FLAT_LARGE}"] / ms[f"dovecot_{FLAT_SMALL}"], 3)
    for name, value in ms.items():
        notes[f"mail_noop_{name}_ms"] = value


@contextmanager
def quiet_local_s3() -> Iterator[None]:
    """moto's server logs every request on stderr (werkzeug's access log): some 30,000 lines here,
    which bury the console; both the sync and the floors are spared writing them."""
    access_log = logging.getLogger("werkzeug")
    level = access_log.level
    access_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        access_log.setLevel(level)


def measure(root: Path, report: dict[str, Any], notes: dict[str, Any]) -> None:
    from commcenter_local.demo_data import seed_demo_data
    from commcenter_local.stack import LocalStack, StackOptions

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with mail_server() as server, quiet_local_s3():
        previous_ca = os.environ.get("MAIL_CA_FILE")
        os.environ["MAIL_CA_FILE"] = str(server.ca.ca_file)  # the product trusts the local CA besides the system's
        try:
            options = StackOptions(port=0, in_memory=True, schedules=False, data_dir=root / "bench" / "work")
            with LocalStack(options) as stack:
                seed_demo_data()
                sync = first_sync(server, stack)
                noop_poll(report, notes, server, sync.rep)
                noop_poll_flatness(report, notes, server)
                first_sync_vs_floor(report, notes, sync, stack)
        finally:
            if previous_ca is None:
                os.environ.pop("MAIL_CA_FILE", None)
            else:
                os.environ["MAIL_CA_FILE"] = previous_ca
    notes["mail_bench_seconds"] = round(time.perf_counter() - started, 1)
    # The machine's load (1-minute average) as the benchmark started and ended: the ratios hold
    # on any machine, not on one whose cores other work takes meanwhile.
    notes["mail_bench_load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]

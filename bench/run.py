"""`make bench`: run every benchmark and write bench/results.json and bench/RESULTS.md.

Each figure is a ratio of the product's operation to the raw operation it is built on, both
measured in this run on this machine, so a figure means the same on a laptop and in CI.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import (
    aws_cost,
    cold_start,
    contact_page,
    folder_view,
    inbound_sms,
    layer_size,
    mail_sync,
    reminder_sweep,
    webhook_burst,
)
from bench.api_page import page_calls
from bench.local_dynamodb import local_client
from bench.stats import against_floor, interleaved

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
STACK_LOG = ROOT / "bench" / "work" / "stack.log"

ACTIVITIES = 100_000
MEASURED_RECORD_ACTIVITIES = 2_000
OTHER_RECORDS = 200
PAGE_REQUESTS = 300
INBOUND_REQUESTS = 1_000
SMS_PATH = "/twilio/sms/incoming"
CALL_PATH = "/twilio/voice/incoming"
INBOUND_SENDERS = 20
WCU_SAMPLES = 20
TARGETS = {
    "contact_page_p50_ratio": 2.0,
    "cold_start_import_ratio_max": 1.3,
    "inbound_sms_webhook_p50_ratio": 2.5,
    # The floor, proved in docs/data-model.md ("The writes of an incoming SMS"), for folder views
    # that are each one Query (the folder_view target): four items in one transaction (8), the
    # message's three index entries (3) and four moving conversation entries (center, folders,
    # folders_by_source, unread_by_source: 8).
    "wcu_per_inbound_sms": 19.0,
    "aws_usd_per_1000_inbound_sms": 0.0166,
    "incoming_call_webhook_p50_ratio": 2.5,
    "lambda_layer_unzipped_mb": 60.0,
    "webhook_burst_lost": 0,
    "webhook_burst_duplicated": 0,
    "mail_first_sync_vs_floor_ratio": 2.0,
    "mail_noop_poll_ms": 50.0,
    "mail_noop_poll_flatness": 1.5,
    "reminder_sweep_flatness": 1.2,
    "folder_view_p50_ratio": 2.0,
}


def bench_contact_page(report: dict[str, Any], notes: dict[str, Any]) -> None:
    from commcenter.domain.records import RecordInput
    from commcenter.services.records import create_record
    from commcenter.settings import get_settings
    from commcenter_local.demo_data import DEMO_REPS, seed_demo_data
    from commcenter_local.dev_auth import issue_token
    from commcenter_local.stack import LocalStack, StackOptions

    with LocalStack(StackOptions(port=0, in_memory=True, schedules=False, data_dir=ROOT / "bench" / "work")) as stack:
        seed_demo_data()
        admin = DEMO_REPS[0]
        measured = create_record(RecordInput(kind="lead", last_name="Measured"), admin).id
        others = [
            create_record(RecordInput(kind="contact", last_name=f"Other {i}"), admin).id for i in range(OTHER_RECORDS)
        ]
        started = time.perf_counter()
        contact_page.load_activities([measured, *others], ACTIVITIES, measured, MEASURED_RECORD_ACTIVITIES)
        notes["activities_loaded"] = ACTIVITIES
        notes["load_seconds"] = round(time.perf_counter() - started, 1)
        settings = get_settings()
        calls = page_calls(
            f"{stack.base_url}/api/records/{measured}/activities?limit={contact_page.PAGE}",
            issue_token(admin.email, stack.data_dir),
            local_client(stack.dynamodb_endpoint, settings.region),
            {
                "TableName": settings.table("activities"),
                "KeyConditionExpression": "#o = :o",
                "ExpressionAttributeNames": {"#o": "owner"},
                "ExpressionAttributeValues": {":o": {"S": f"rec#{measured}"}},
            },
            contact_page.PAGE,
        )
        samples = interleaved(calls, rounds=PAGE_REQUESTS)
    against_floor(samples, "gateway", "raw_query", report, notes, ratio="contact_page", prefix="contact_page")
    notes["contact_page_requests"] = PAGE_REQUESTS


def measure_webhook(
    name: str,
    path: str,
    params: Callable[[list[str], str], Callable[[int], list[tuple[str, str]]]],
    report: dict[str, Any],
    notes: dict[str, Any],
    *,
    capacity_samples: int = 0,
) -> dict[str, float]:
    """A signed webhook from known contacts through the local gateway against one raw PutItem of
    the item it stores (same table, same size); the write capacity of one, if asked."""
    from commcenter.domain.records import Phone, RecordInput
    from commcenter.services.records import create_record
    from commcenter.settings import get_settings
    from commcenter_local.demo_data import DEMO_REPS, seed_demo_data
    from commcenter_local.stack import LocalStack, StackOptions

    token = "bench-twilio-auth-token"
    options = StackOptions(
        port=0, in_memory=True, schedules=False, data_dir=ROOT / "bench" / "work", twilio_auth_token=token
    )
    capacity: dict[str, float] = {}
    with LocalStack(options) as stack:
        seed_demo_data()
        rep = DEMO_REPS[0]
        senders = [f"+1907555{100 + i:04d}" for i in range(INBOUND_SENDERS)]
        contacts = [
            create_record(RecordInput(kind="contact", last_name=f"Sender {i}", phones=[Phone(number=n)]), rep).id
            for i, n in enumerate(senders)
        ]
        needed = INBOUND_SENDERS + 20 + INBOUND_REQUESTS + capacity_samples
        prepared = inbound_sms.signed_requests(
            stack.base_url, token, path, params(senders, rep.twilio_number or ""), needed
        )
        webhook = inbound_sms.webhook_call(stack.base_url, path, prepared)
        for _ in senders:  # every contact has talked to the rep before: the steady state measured
            webhook()
        settings = get_settings()
        client = local_client(stack.dynamodb_endpoint, settings.region)
        stored = client.query(
            TableName=settings.table("activities"),
            KeyConditionExpression="#o = :o",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues={":o": {"S": f"rec#{contacts[0]}"}},
            Limit=1,
        )["Items"][0]
        raw_put = inbound_sms.raw_put_call(client, settings.table("activities"), stored)
        samples = interleaved({"webhook": webhook, "raw_put": raw_put}, rounds=INBOUND_REQUESTS)
        if capacity_samples:
            capacity = inbound_sms.measure_write_capacity(webhook, capacity_samples)
    against_floor(samples, "webhook", "raw_put", report, notes, ratio=f"{name}_webhook", prefix=name)
    notes[f"{name}_requests"] = INBOUND_REQUESTS
    notes[f"{name}_item_bytes"] = inbound_sms.item_size(stored)
    return capacity


def bench_inbound_sms(report: dict[str, Any], notes: dict[str, Any]) -> None:
    capacity = measure_webhook(
        "inbound_sms", SMS_PATH, inbound_sms.sms_params, report, notes, capacity_samples=WCU_SAMPLES
    )
    report["wcu_per_inbound_sms"] = capacity["total"]
    report["wcu_per_inbound_sms_table_only"] = capacity["table"]
    notes["inbound_sms_write_requests"] = capacity["requests"]
    notes["inbound_sms_transactions"] = capacity["transactions"]
    notes["inbound_sms_read_units"] = capacity["reads"]
    from commcenter_local.template import load_template

    memory_mb = load_template(ROOT / "template.yaml").function("SmsFunction").memory_mb
    # The handler's time as Lambda would bill it: the whole webhook as measured through the
    # local gateway (signature check and HTTP included), so the figure errs on the high side.
    cost = aws_cost.per_1000_inbound_sms(
        notes["inbound_sms_webhook_p50_ms"] / 1000, memory_mb, capacity["total"], capacity["reads"]
    )
    report["aws_usd_per_1000_inbound_sms"] = round(cost.total, 5)
    for part in ("api_gateway", "lambda_requests", "lambda_compute", "dynamodb_writes", "dynamodb_reads"):
        notes[f"aws_usd_per_1000_inbound_sms_{part}"] = round(getattr(cost, part), 6)
    notes["aws_prices"] = f"{aws_cost.REGION} list prices as of {aws_cost.PRICES_DATE}"


def bench_incoming_call(report: dict[str, Any], notes: dict[str, Any]) -> None:
    measure_webhook("incoming_call", CALL_PATH, inbound_sms.call_params, report, notes)


def bench_cold_start(report: dict[str, Any], notes: dict[str, Any]) -> None:
    from commcenter_local.template import load_template

    template = load_template(ROOT / "template.yaml")
    functions = {fn.logical_id: ROOT / fn.code_uri for fn in template.functions}
    env = {"POWERTOOLS_METRICS_NAMESPACE": "commcenter", "POWERTOOLS_SERVICE_NAME": "bench"}
    medians = cold_start.measure(functions, env)
    floor = medians.pop("boto3")
    ratios = {name: value / floor for name, value in medians.items()}
    report["cold_start_import_ratio_max"] = round(max(ratios.values()), 3)
    notes["import_boto3_ms"] = round(floor * 1000, 1)
    for name, ratio in sorted(ratios.items()):
        notes[f"import_{name}_ratio"] = round(ratio, 3)


def bench_layer_size(report: dict[str, Any], notes: dict[str, Any]) -> None:
    size = layer_size.measure(ROOT)
    report["lambda_layer_unzipped_mb"] = round(size.total_bytes / layer_size.MB, 1)
    notes["lambda_layer_files"] = size.files
    notes["lambda_layer_biggest_mb"] = size.biggest()


def bench_webhook_burst(report: dict[str, Any], notes: dict[str, Any]) -> None:
    webhook_burst.measure(ROOT, report, notes)


def bench_mail(report: dict[str, Any], notes: dict[str, Any]) -> None:
    mail_sync.measure(ROOT, report, notes)


def bench_reminders(report: dict[str, Any], notes: dict[str, Any]) -> None:
    reminder_sweep.measure(ROOT, report, notes)


def bench_folders(report: dict[str, Any], notes: dict[str, Any]) -> None:
    folder_view.measure(ROOT, report, notes)


def write(report: dict[str, Any], notes: dict[str, Any]) -> None:
    RESULTS_JSON.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d')} "
        f"({platform.machine()}, Python {platform.python_version()}).",
        "Each ratio divides the product's operation by the raw operation it stands on, measured in the same run.",
        "",
        "| figure | value | target | met |",
        "|---|---|---|---|",
    ]
    for key, value in sorted(report.items()):
        target = TARGETS.get(key)
        met = "" if target is None else ("yes" if value <= target else "**no**")
        lines.append(f"| `{key}` | {value} | {'' if target is None else f'<= {target}'} | {met} |")
    lines += ["", "## How each figure is measured", ""]
    lines += [
        f"- `contact_page_p50_ratio`: p50 of `GET /api/records/{{id}}/activities?limit=50` through the local "
        f"gateway (keep-alive client, dev token, {PAGE_REQUESTS} requests), the table holding {ACTIVITIES:,} "
        f"activities ({MEASURED_RECORD_ACTIVITIES:,} on the measured record), divided by the p50 of one raw "
        "boto3 `Query` (warm client, same table, same 50 newest items), both interleaved in one run. "
        "`contact_page_p99_ratio` is the same at p99.",
        "- `cold_start_import_ratio_max`: for each function of `template.yaml`, the median time to import its "
        "handler module in a fresh interpreter, the layer's code on the path as Lambda puts it (not through the "
        "virtualenv's editable-install hook), divided by the median time of `import boto3` alone in a fresh "
        "interpreter with the same path (9 alternating runs each); the largest ratio.",
        f"- `inbound_sms_webhook_p50_ratio`: p50 of a signed incoming-SMS webhook (`POST /twilio/sms/incoming`, "
        f"signature computed beforehand, posted by a bare `http.client` keep-alive connection as Twilio's side "
        f"would, {INBOUND_REQUESTS:,} requests, each a new MessageSid "
        f"from one of {INBOUND_SENDERS} known contacts whose conversations exist) through the local gateway, divided "
        "by the p50 of one raw boto3 `PutItem` (warm client) of a copy of the message item the webhook stores, "
        "into the same table with the same indexes; interleaved in one run. `inbound_sms_webhook_p99_ratio`: "
        "the same at p99.",
        f"- `wcu_per_inbound_sms`: the median, over {WCU_SAMPLES} incoming SMS from known contacts, of the write "
        "capacity units of every write one SMS causes, index writes included: what AWS bills. The SMS is one "
        "transaction (`inbound_sms_transactions`), whose items count by AWS's rule (2 units per item per KB, "
        "as DynamoDB Local does not report them as AWS bills), plus one unit per index entry it writes (from "
        "`ReturnConsumedCapacity=INDEXES`). `wcu_per_inbound_sms_table_only` leaves the index entries out. "
        "Exactly once by MessageSid over the whole history: the claim of the MessageSid is one of the items.",
        aws_cost.METHOD,
        f"- `incoming_call_webhook_p50_ratio`: p50 of a signed `POST /twilio/voice/incoming` (a new CallSid each, "
        f"from one of {INBOUND_SENDERS} known contacts who have called before, so that the function remembers "
        "whose each number is and the rep's presence and checks them inside its one write; the rep offline: the "
        "answer forwards the call; same client as above), "
        f"{INBOUND_REQUESTS:,} requests, over the p50 of one raw `PutItem` of a copy of the call item it stores; "
        "interleaved in one run. `incoming_call_webhook_p99_ratio`: the same at p99.",
        layer_size.METHOD,
        webhook_burst.METHOD,
        mail_sync.METHOD,
        reminder_sweep.METHOD,
        folder_view.METHOD,
        "",
        "## Details of this run",
        "",
        *[f"- {key}: {value}" for key, value in sorted(notes.items())],
        "",
    ]
    RESULTS_MD.write_text("\n".join(lines))


BENCHMARKS = {
    "cold_start": bench_cold_start,
    "contact_page": bench_contact_page,
    "inbound_sms": bench_inbound_sms,
    "incoming_call": bench_incoming_call,
    "layer_size": bench_layer_size,
    "webhook_burst": bench_webhook_burst,
    "mail": bench_mail,
    "reminders": bench_reminders,
    "folders": bench_folders,
}


@contextmanager
def stack_output_to(log: Path) -> Iterator[None]:
    """What the stack prints (a log line and a metric line per request, as in Lambda) goes to
    `log` instead of the console, at the file descriptor, so that logging still costs what it
    costs in the measured requests and the console stays readable."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    console = os.dup(1)
    with log.open("ab") as target:
        os.dup2(target.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(console, 1)
            os.close(console)


def main(argv: list[str]) -> int:
    """Every benchmark, written to the results files; or only those named, printed (nothing written)."""
    unknown = set(argv) - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}")
    report: dict[str, Any] = {}
    notes: dict[str, Any] = {}
    for name, run in BENCHMARKS.items():
        if not argv or name in argv:
            print(f"{name} ...", file=sys.stderr, flush=True)
            with stack_output_to(STACK_LOG):
                run(report, notes)
    print(f"the stack's own output: {STACK_LOG.relative_to(ROOT)}", file=sys.stderr)
    if not argv:
        write(report, notes)
    print(json.dumps({**report, **notes}, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

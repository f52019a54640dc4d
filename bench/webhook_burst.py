"""A burst of 2,000 signed Twilio webhooks from 32 concurrent senders through the local gateway:
its throughput, its p99 latency, and what the check finds lost or stored twice.

The burst and its check are `commcenter_local.webhook_burst`, the same the default test suite
runs at a smaller size (`tests/integration/test_webhook_burst.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bench.stats import percentile
from commcenter_local.webhook_burst import SENDERS, Stack, check, fire, prepare

SIZE = 2_000
TOKEN = "bench-twilio-auth-token"

METHOD = (
    f"- `webhook_burst_msgs_per_s`: {SIZE:,} signed Twilio webhooks (half incoming SMS from contacts and "
    "unmatched numbers to the two reps with SMS, a quarter status callbacks of messages sent through the API, "
    "a quarter status callbacks of calls the incoming-call webhook created, some of them answered; a third of "
    "the total repeats of the others, half sent right after the first delivery, half replayed at the end; "
    "statuses and SequenceNumbers out of order), each signed beforehand, posted through the local gateway from "
    f"{SENDERS} threads with a keep-alive `http.client` connection each, divided by the wall time from the "
    "first to the last answer. Not a ratio: it depends on the machine (the gateway runs one request at a time "
    "per function, as one warm Lambda container would). `webhook_burst_p99_ms`: p99 of the time each "
    "webhook waited for its answer, queueing behind the others included. `webhook_burst_lost`: what the check "
    "finds missing afterwards, reading the Activities table and the API: an incoming MessageSid not stored, "
    "a message or a call not at the highest-ranked status (SMS) or the last SequenceNumber (calls) sent. "
    "`webhook_burst_duplicated`: copies of a message or a call beyond the first. The check also compares "
    "each conversation's unread count with its messages and each rep's unread-SMS and missed-call counters "
    "with a recount (`webhook_burst_problems` counts every finding)."
)


def measure(root: Path, report: dict[str, Any], notes: dict[str, Any]) -> None:
    from commcenter_local.demo_data import seed_demo_data
    from commcenter_local.stack import LocalStack, StackOptions

    options = StackOptions(
        port=0, in_memory=True, schedules=False, data_dir=root / "bench" / "work", twilio_auth_token=TOKEN
    )
    with LocalStack(options) as local:
        seed_demo_data()
        stack = Stack(local.base_url, TOKEN, local.data_dir)
        plan = prepare(stack, SIZE)
        firing = fire(stack.base_url, TOKEN, plan.webhooks)
        found = check(stack, plan)
    if found.problems:
        print(found.report(), file=sys.stderr)
    latencies = [answer.seconds for answer in firing.answers]
    statuses = firing.statuses()
    report["webhook_burst_msgs_per_s"] = round(len(firing.answers) / firing.seconds, 1)
    report["webhook_burst_p99_ms"] = round(percentile(latencies, 0.99) * 1000, 1)
    report["webhook_burst_lost"] = found.lost
    report["webhook_burst_duplicated"] = found.duplicated
    notes["webhook_burst_p50_ms"] = round(percentile(latencies, 0.5) * 1000, 1)
    notes["webhook_burst_webhooks_by_kind"] = dict(sorted(plan.kinds().items()))
    notes["webhook_burst_repeats"] = dict(sorted(plan.replays().items()))
    notes["webhook_burst_answers_by_status"] = {str(status): count for status, count in sorted(statuses.items())}
    notes["webhook_burst_5xx"] = sum(count for status, count in statuses.items() if status >= 500)
    notes["webhook_burst_unanswered"] = statuses.get(0, 0)
    notes["webhook_burst_problems"] = len(found.problems)
    notes["webhook_burst_setup_seconds"] = round(plan.setup_seconds, 1)
    notes["webhook_burst_seconds"] = round(firing.seconds, 1)

"""Faults and load: a burst of signed Twilio webhooks (incoming SMS, SMS status callbacks, call
status callbacks) from concurrent senders, a third of them repeated, statuses out of order; and
DynamoDB Local stopped in the middle of one and started again.

The burst here is 600 webhooks by default (`WEBHOOK_BURST_SIZE` sets another size): the full
2,000 take about 40 s on a 2-core machine, and run in `make bench` (`bench/webhook_burst.py`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from commcenter.data.base import forget_connections
from commcenter.settings import get_settings
from commcenter_local.demo_data import seed_demo_data
from commcenter_local.stack import LocalStack, StackOptions
from commcenter_local.webhook_burst import Stack, check, delivered_keys, fire, prepare, replay

BURST_SIZE = int(os.environ.get("WEBHOOK_BURST_SIZE", "600"))
OUTAGE_BURST_SIZE = 240
OUTAGE_SECONDS = 2.0
TWILIO_TIMEOUT_S = 15.0  # how long Twilio waits for a webhook's answer


def test_a_burst_stores_each_message_once_applies_every_status_and_counts_right(
    local_stack: LocalStack, twilio_auth_token: str
) -> None:
    stack = Stack(local_stack.base_url, twilio_auth_token, local_stack.data_dir)
    plan = prepare(stack, BURST_SIZE)
    assert set(plan.kinds()) == {"sms", "sms_status", "call_status"}
    assert sum(plan.replays().values()) == BURST_SIZE // 3 and len(plan.webhooks) == BURST_SIZE

    firing = fire(stack.base_url, twilio_auth_token, plan.webhooks)

    refused = [(w.key, a.status, a.detail) for w, a in zip(plan.webhooks, firing.answers, strict=True) if not a.ok]
    assert not refused, f"{len(refused)} webhook(s) not answered 2xx, the first: {refused[:5]}"
    found = check(stack, plan)
    assert not found.problems, found.report()


@pytest.fixture
def stack_on_disk(tmp_path: Path, local_stack: LocalStack) -> Iterator[LocalStack]:
    """A stack of its own whose DynamoDB Local keeps its data on disk, so that it survives a
    restart; afterwards this process points at the session's stack again."""
    saved = dict(os.environ)
    options = StackOptions(
        port=0,
        data_dir=tmp_path,
        in_memory=False,
        schedules=False,
        twilio_auth_token="outage-twilio-auth-token",
        phone_default_region="US",
    )
    try:
        with LocalStack(options) as stack:
            seed_demo_data()
            yield stack
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        forget_connections()


def test_dynamodb_stopped_mid_burst_loses_and_doubles_nothing(stack_on_disk: LocalStack) -> None:
    """Every webhook answered 2xx is stored once; every one answered 5xx, or not answered, is
    stored once when replayed as Twilio's connection overrides (`#rc=3&rp=5xx,ct,rt`) replay it."""
    token = stack_on_disk.environment()["TWILIO_AUTH_TOKEN"]
    stack = Stack(stack_on_disk.base_url, token, stack_on_disk.data_dir)
    plan = prepare(stack, OUTAGE_BURST_SIZE)
    a_third_answered = threading.Event()
    firings = []

    def on_answer(count: int) -> None:
        if count == len(plan.webhooks) // 3:
            a_third_answered.set()

    sender = threading.Thread(
        target=lambda: firings.append(
            fire(stack.base_url, token, plan.webhooks, timeout=TWILIO_TIMEOUT_S, on_answer=on_answer)
        )
    )
    sender.start()
    assert a_third_answered.wait(120), "the burst did not get a third of the way"
    stack_on_disk.dynamodb.stop()
    time.sleep(OUTAGE_SECONDS)
    stack_on_disk.dynamodb.start()
    sender.join(300)
    assert firings, "the burst did not finish"
    answers = firings[0].answers

    failed = [(w.key, a.status, a.detail[:120]) for w, a in zip(plan.webhooks, answers, strict=True) if not a.ok]
    assert failed, "no webhook failed while DynamoDB Local was down: the outage proved nothing"
    assert all(status == 0 or status >= 500 for _, status, _ in failed), f"refused, not failed: {failed[:5]}"
    # What was answered 2xx is stored, once; nothing is stored twice.
    so_far = check(stack, plan, delivered_keys(plan.webhooks, answers))
    assert not so_far.problems, so_far.report()

    final, replayed = replay(stack.base_url, token, plan.webhooks, answers, timeout=TWILIO_TIMEOUT_S)
    assert replayed >= len(failed)
    still = [(w.key, a.status, a.detail[:120]) for w, a in zip(plan.webhooks, final, strict=True) if not a.ok]
    assert not still, f"{len(still)} webhook(s) still failing after their replays: {still[:5]}"
    found = check(stack, plan)
    assert not found.problems, found.report()

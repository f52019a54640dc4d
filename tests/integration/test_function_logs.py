"""Every function's log lines name that function and carry nothing another one added, though the
local stack runs all five in one process (one logger), at once, on several threads."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from commcenter.observability import logger
from commcenter_local.scheduler import scheduled_event
from commcenter_local.simulate import new_sid, post_webhook, voice_params
from commcenter_local.stack import LocalStack

ALICE_NUMBER = "+14155550101"  # the demo's Alice, who has a forwarding number
NOBODYS_NUMBER = "+14155550998"  # no rep owns it: the voice function says so in a warning


@contextmanager
def log_lines() -> Iterator[list[dict[str, Any]]]:
    """The JSON lines every function logs inside the block, as written (parsed)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    lines: list[dict[str, Any]] = []
    try:
        yield lines
    finally:
        logging.getLogger(logger.name).removeHandler(handler)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def run_mail_poll(stack: LocalStack) -> None:
    (schedule,) = [s for s in stack.template.schedules if s.function == "MailPollFunction"]
    stack.functions["MailPollFunction"].invoke(scheduled_event(schedule, datetime.now(UTC)))


def call_nobody(stack: LocalStack, token: str) -> None:
    params = voice_params(new_sid("CA"), "+12085550142", NOBODYS_NUMBER, "ringing")
    post_webhook(stack.base_url, token, "/twilio/voice/incoming", params).raise_for_status()


def test_a_voice_webhook_logged_after_the_mail_poll_is_the_voice_function_s(
    local_stack: LocalStack, twilio_auth_token: str
) -> None:
    with log_lines() as lines:
        run_mail_poll(local_stack)
        call_nobody(local_stack, twilio_auth_token)
        run_mail_poll(local_stack)
    (voice,) = [line for line in lines if line["message"] == "call to a number no rep owns"]
    assert voice["function_name"] == "VoiceFunction"
    assert voice["route"] == "POST /twilio/voice/incoming" and voice["correlation_id"]
    polls = [line for line in lines if line["message"] == "mail poll run"]
    assert len(polls) == 2
    for poll in polls:
        assert poll["function_name"] == "MailPollFunction"
        assert "route" not in poll and poll.get("correlation_id") != voice["correlation_id"]


def test_an_incoming_call_s_log_line_keeps_the_request_s_route(local_stack: LocalStack, twilio_auth_token: str) -> None:
    """Where the call goes is logged under a key of its own, not over the request's route."""
    sid = new_sid("CA")
    params = voice_params(sid, "+12085550143", ALICE_NUMBER, "ringing")
    with log_lines() as lines:
        answer = post_webhook(local_stack.base_url, twilio_auth_token, "/twilio/voice/incoming", params)
        answer.raise_for_status()
    (line,) = [line for line in lines if line["message"] == "incoming call" and line.get("call_sid") == sid]
    assert line["function_name"] == "VoiceFunction"
    assert line["route"] == "POST /twilio/voice/incoming"
    # The browser rings if another test left Alice online, else her forwarding number.
    dialled = ElementTree.fromstring(answer.text).find("Dial/*")
    assert dialled is not None
    assert line["routed_to"] == {"Client": "ring_browser", "Number": "forward"}[dialled.tag]


def test_functions_running_at_once_keep_their_own_names(local_stack: LocalStack, twilio_auth_token: str) -> None:
    """The scheduler's thread and the gateway's threads run functions side by side."""
    with log_lines() as lines:
        runs = [threading.Thread(target=run_mail_poll, args=(local_stack,)) for _ in range(3)]
        for run in runs:
            run.start()
        for _ in range(3):
            call_nobody(local_stack, twilio_auth_token)
        for run in runs:
            run.join()
    voice = "call to a number no rep owns"
    poll = "mail poll run"
    named = {(line["message"], line.get("function_name")) for line in lines if line["message"] in (voice, poll)}
    assert named == {(voice, "VoiceFunction"), (poll, "MailPollFunction")}

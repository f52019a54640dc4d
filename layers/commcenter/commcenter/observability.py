"""The one Logger and Metrics of every function (structured JSON logs, EMF metrics).

Traces come from Lambda's active tracing declared in the template, not from an SDK in-process.

Every log line is masked before it is written: phone numbers and email addresses (a refusal's
detail, a webhook's `to`, a handle, a conversation id) keep only what tells them apart in an
incident (`+1415***01`, `a***@example.com`), never the whole number or address. The mask works
on the line as written, so it covers the message, every extra key, exceptions and stack traces.

Each invocation logs under keys of its own (`invocation`): its function's name and request id
from Lambda's context, then what it adds (`invocation_keys`: an HTTP request's route and
correlation id), kept per thread and dropped when it ends. Nothing one invocation added reaches
the next, nor another function running beside it: the local stack runs the five functions in one
process, with this one logger, on several threads at once.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.lambda_context import build_lambda_context_model
from aws_lambda_powertools.metrics import Metrics, MetricUnit

# An international number, compact (E.164) or written with a few separators ("+1 (415) 555-0101").
_PHONE = re.compile(r"\+\d(?:[ ().-]{0,2}\d){6,14}")
# An SMS conversation's id spells out both numbers' digits (`sms-14155550101-12025550143`).
# No word boundary before `sms-`: starting with a literal lets the engine jump to it (a leading
# `\b` made this the slowest part of every line), and masking "xsms-..." too is harmless.
_CONVERSATION = re.compile(r"sms-(\d{7,15})-(\d{7,15})\b")
_EMAIL = re.compile(r"(?<![\w.%+-])([\w.%+-])[\w.%+-]*@([\w-]+(?:\.[\w-]+)+)")
MASK = "***"


def mask_digits(digits: str) -> str:
    """The first digits (the country and, for most numbers, the area), a mask, the last two:
    at least five digits of any number stay hidden."""
    tail = 2 if len(digits) >= 8 else 1
    head = digits[: max(1, min(4, len(digits) - 5 - tail))]
    return f"{head}{MASK}{digits[-tail:]}"


def mask_personal_data(text: str) -> str:
    """`text` with every phone number and email address in it masked."""
    if "@" in text:  # the address pattern tries every position: skip it on the many lines without one
        text = _EMAIL.sub(lambda found: f"{found.group(1)}{MASK}@{found.group(2)}", text)
    if "sms-" in text:
        text = _CONVERSATION.sub(lambda found: f"sms-{mask_digits(found.group(1))}-{mask_digits(found.group(2))}", text)
    return _PHONE.sub(lambda found: "+" + mask_digits(re.sub(r"\D", "", found.group())), text)


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines, masked as written (JSON escapes none of the characters masked)."""

    def serialize(self, log: Any) -> str:
        return mask_personal_data(super().serialize(log))


# Named here rather than only through POWERTOOLS_* variables: a module imported before the
# environment is set (tests, the local stack) must still log and publish under these names.
SERVICE = "commcenter"
logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter())
metrics = Metrics(namespace=SERVICE, service=SERVICE)

Event = TypeVar("Event")
Result = TypeVar("Result")

_started: set[str] = set()  # the functions this process has run (a cold start is a function's first)
_started_lock = threading.Lock()


@contextmanager
def invocation(context: Any) -> Iterator[None]:
    """The log keys of one invocation of a function, given Lambda's context: its function's name,
    memory, ARN and request id, whether it is a cold start; dropped when it ends. (Without a
    context, a handler called directly, it still starts with no key of another invocation.)"""
    logger.thread_safe_clear_keys()
    if context is not None:
        lambda_context = build_lambda_context_model(context)
        with _started_lock:
            cold_start = lambda_context.function_name not in _started
            _started.add(lambda_context.function_name)
        logger.thread_safe_append_keys(cold_start=cold_start, **lambda_context.__dict__)
    try:
        yield
    finally:
        logger.thread_safe_clear_keys()


def invocation_keys(**keys: object) -> None:
    """Keys every later line of the current invocation carries (and no other invocation)."""
    logger.thread_safe_append_keys(**keys)


def log_invocation(handler: Callable[[Event, Any], Result]) -> Callable[[Event, Any], Result]:
    """A handler whose every invocation logs under its own keys (`invocation`)."""

    @functools.wraps(handler)
    def logged(event: Event, context: Any) -> Result:
        with invocation(context):
            return handler(event, context)

    return logged


__all__ = ["MetricUnit", "invocation", "invocation_keys", "log_invocation", "logger", "mask_personal_data", "metrics"]

"""The one Logger and Metrics of every function (structured JSON logs, EMF metrics).

Traces come from Lambda's active tracing declared in the template, not from an SDK in-process.

Every log line is masked before it is written: phone numbers and email addresses (a refusal's
detail, a webhook's `to`, a handle, a conversation id) keep only what tells them apart in an
incident (`+1415***01`, `a***@example.com`), never the whole number or address. The mask works
on the line as written, so it covers the message, every extra key, exceptions and stack traces.
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
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

__all__ = ["MetricUnit", "logger", "mask_personal_data", "metrics"]

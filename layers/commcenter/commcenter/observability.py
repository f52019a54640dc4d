"""The one Logger and Metrics of every function (structured JSON logs, EMF metrics).

Traces come from Lambda's active tracing declared in the template, not from an SDK in-process.
"""

from __future__ import annotations

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.metrics import Metrics, MetricUnit

logger = Logger()
metrics = Metrics()

__all__ = ["MetricUnit", "logger", "metrics"]

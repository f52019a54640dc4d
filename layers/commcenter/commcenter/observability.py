"""The one Logger and Metrics of every function (structured JSON logs, EMF metrics).

Traces come from Lambda's active tracing declared in the template, not from an SDK in-process.
"""

from __future__ import annotations

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.metrics import Metrics, MetricUnit

# Named here rather than only through POWERTOOLS_* variables: a module imported before the
# environment is set (tests, the local stack) must still log and publish under these names.
SERVICE = "commcenter"
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=SERVICE, service=SERVICE)

__all__ = ["MetricUnit", "logger", "metrics"]

"""The Chalice app every API-Gateway-facing function (api, voice, sms) is built from.

One middleware gives every request its correlation id, one metric, and maps the domain's
typed errors to HTTP status codes: the only place where that mapping exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.app import Chalice, Request, Response

from commcenter.errors import (
    CommcenterError,
    ConfigurationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    ValidationError,
)
from commcenter.http.responses import error_response
from commcenter.observability import MetricUnit, logger, metrics

STATUS_BY_ERROR: dict[type[CommcenterError], int] = {
    ValidationError: 400,
    UnauthorizedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    ConfigurationError: 500,
}


def status_for(error: CommcenterError) -> int:
    for error_type in type(error).__mro__:
        if error_type in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[error_type]
    return 500


def create_app(name: str) -> Chalice:
    app = Chalice(app_name=name)
    app.log.disabled = True  # powertools' logger is the one log

    @app.middleware("http")
    def observe(request: Request, get_response: Callable[[Request], Response]) -> Response:
        context: dict[str, Any] = request.context or {}
        logger.set_correlation_id(context.get("requestId"))
        logger.append_keys(route=f"{request.method} {context.get('resourcePath', '')}")
        try:
            response = get_response(request)
        except CommcenterError as error:
            status = status_for(error)
            log = logger.error if status >= 500 else logger.info
            log("request refused", extra={"status": status, "error": error.code, "detail": error.message})
            response = error_response(status, error)
        metrics.add_metric(name=f"Http{response.status_code // 100}xx", unit=MetricUnit.Count, value=1)
        metrics.flush_metrics()
        return response

    return app

"""The Chalice app every API-Gateway-facing function (api, voice, sms) is built from.

Every view may raise the domain's typed errors: `ServiceApp` maps them to HTTP status codes,
the only place where that mapping exists. One middleware gives every request its correlation
id and one metric, and every answer its CORS and nosniff headers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from chalice.app import Chalice, Request, Response

from commcenter.errors import (
    BusyError,
    CommcenterError,
    ConfigurationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    ValidationError,
)
from commcenter.http.responses import error_response
from commcenter.observability import MetricUnit, invocation, invocation_keys, logger, metrics
from commcenter.services.refusals import refusal_of
from commcenter.settings import get_settings

ViewFunction = TypeVar("ViewFunction", bound=Callable[..., Any])

STATUS_BY_ERROR: dict[type[CommcenterError], int] = {
    ValidationError: 400,
    UnauthorizedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    BusyError: 503,
    ConfigurationError: 500,
}


# The identifiers routes name in their path (a ULID, a CallSid, a conversation id) are far
# shorter: a longer one names nothing, and is refused before it reaches the data store.
MAX_PATH_PARAMETER_CHARS = 128


def status_for(error: CommcenterError) -> int:
    for error_type in type(error).__mro__:
        if error_type in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[error_type]
    return 500


class ServiceApp(Chalice):
    """A Chalice app whose views may raise the domain's errors: each becomes its HTTP answer.

    Chalice turns any exception of a view into a bare 500 before middleware sees it, so the
    mapping wraps every view at registration, once, here.
    """

    def __call__(self, event: Any, context: Any) -> Any:
        """Lambda's entry point: each invocation logs under its own keys, its function's name first."""
        with invocation(context):
            return super().__call__(event, context)

    def route(self, path: str, *, any_parameter: bool = False, **kwargs: Any) -> Callable[[ViewFunction], ViewFunction]:
        """`any_parameter`: the view takes path parameters of any length (it answers the same
        whatever they are), instead of refusing the longer ones."""
        register = super().route(path, **kwargs)

        def decorator(view: ViewFunction) -> ViewFunction:
            @functools.wraps(view)
            def answering_errors(*args: Any, **view_kwargs: Any) -> Any:
                try:
                    if not any_parameter:
                        _check_path_parameters(view_kwargs)
                    return view(*args, **view_kwargs)
                except CommcenterError as error:
                    return _refusal(error)
                except Exception as error:
                    refused = refusal_of(error)  # a value DynamoDB refused: the request's fault
                    if refused is not None:
                        logger.info("the data store refused a value of the request", extra={"cause": str(error)})
                        return _refusal(refused)
                    # Chalice answers a bare 500 and logs through its own logger, which is off.
                    logger.exception("unhandled error")
                    raise

            register(answering_errors)
            return view

        return decorator


def _check_path_parameters(parameters: dict[str, Any]) -> None:
    for name, value in parameters.items():
        if isinstance(value, str) and len(value) > MAX_PATH_PARAMETER_CHARS:
            raise ValidationError(f"{name} is at most {MAX_PATH_PARAMETER_CHARS} characters", {name: "too long"})


def _refusal(error: CommcenterError) -> Response:
    status = status_for(error)
    log = logger.error if status >= 500 else logger.info
    log("request refused", extra={"status": status, "error": error.code, "detail": error.message})
    return error_response(status, error)


def create_app(name: str) -> ServiceApp:
    app = ServiceApp(app_name=name)
    app.log.disabled = True  # powertools' logger is the one log

    @app.middleware("http")
    def observe(request: Request, get_response: Callable[[Request], Response]) -> Response:
        context: dict[str, Any] = request.context or {}
        invocation_keys(
            correlation_id=context.get("requestId"), route=f"{request.method} {context.get('resourcePath', '')}"
        )
        response = get_response(request)
        if origin := get_settings().dashboard_origin:
            # Every answer, errors included, so the dashboard on its own origin can read them.
            response.headers["Access-Control-Allow-Origin"] = origin
        # An answer (JSON, TwiML) is never read as another type: not as HTML, not as a script.
        response.headers["X-Content-Type-Options"] = "nosniff"
        metrics.add_metric(name=f"Http{response.status_code // 100}xx", unit=MetricUnit.Count, value=1)
        metrics.flush_metrics()
        return response

    return app

"""JSON responses and the API's one error shape."""

from __future__ import annotations

from typing import Any

import msgspec
from chalice.app import Response

from commcenter.errors import CommcenterError, ValidationError

JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=msgspec.json.encode(body).decode(),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_response(status: int, error: CommcenterError) -> Response:
    payload: dict[str, Any] = {"code": error.code, "message": error.message}
    if isinstance(error, ValidationError) and error.fields:
        payload["fields"] = error.fields
    return json_response({"error": payload}, status)

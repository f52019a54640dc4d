"""Reading what a request carries: a typed JSON body, query parameters, the signed-in rep."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec
from chalice.app import Chalice, Request

from commcenter.domain.reps import Rep
from commcenter.errors import ValidationError
from commcenter.services.reps import rep_from_claims

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_BODY_BYTES = 256 * 1024
# A query parameter is a word, an id, a handle (an email address is at most 254 characters) or a
# search; a page cursor (base64 of the last key: an unmatched address in it) may be longer.
MAX_QUERY_CHARS = 512
MAX_CURSOR_CHARS = 2048
_PATH = re.compile(r"at `\$\.?([^`]*)`")


def json_body(request: Request, body_type: type[T]) -> T:
    """The body decoded into `body_type`; any mismatch is a 400 naming the field."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ValidationError("the request body is too large")
    if not raw.strip():
        raise ValidationError("a JSON body is required")
    try:
        return msgspec.json.decode(raw, type=body_type)
    except msgspec.ValidationError as exc:
        message = str(exc)
        match = _PATH.search(message)
        field = (match.group(1).replace("[", ".").replace("]", "") if match else "") or "body"
        raise ValidationError(message, {field: message.split(" - at ", maxsplit=1)[0]}) from None
    except msgspec.DecodeError as exc:
        raise ValidationError(f"the body is not valid JSON: {exc}") from None


def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object, for partial updates validated by the domain."""
    return json_body(request, dict[str, Any])


def current(app: Chalice) -> Request:
    """The request being handled (Chalice sets it before calling a view)."""
    request = app.current_request
    if request is None:
        raise RuntimeError("no request is being handled")
    return request


def query(request: Request, name: str) -> str | None:
    """A query parameter, or None when absent or empty; a value longer than any the API takes is
    refused here, before it reaches a service or the data store."""
    params: dict[str, str] = dict(request.query_params or {})
    value = params.get(name)
    longest = MAX_CURSOR_CHARS if name == "cursor" else MAX_QUERY_CHARS
    if value and len(value) > longest:
        raise ValidationError(f"{name} is at most {longest} characters", {name: "too long"})
    return value if value else None


def limit(request: Request) -> int:
    raw = query(request, "limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationError(f"limit must be a whole number from 1 to {MAX_LIMIT}", {"limit": "out of range"})
    return int(raw)


def flag(request: Request, name: str) -> bool:
    raw = query(request, name)
    if raw is None:
        return False
    if raw not in ("true", "false", "1", "0"):
        raise ValidationError(f"{name} must be true or false", {name: "not a boolean"})
    return raw in ("true", "1")


def current_rep(request: Request) -> Rep:
    """The signed-in rep, from the authorizer's claims (Cognito in AWS, the local gateway's dev token)."""
    context: dict[str, Any] = request.context or {}
    authorizer = context.get("authorizer") or {}
    return rep_from_claims(authorizer.get("claims"))

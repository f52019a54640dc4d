"""The OpenAPI document of a Chalice app, built from its own route table.

Each view declares its summary and body/response types with `documented`; the paths and
methods come from Chalice itself, so the document cannot drift from the routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec
from chalice.app import Chalice

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RouteDoc:
    summary: str
    request: Any = None
    response: Any = None
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)
    public: bool = False


def documented(
    summary: str,
    *,
    request: Any = None,
    response: Any = None,
    status: int = 200,
    query: dict[str, str] | None = None,
    public: bool = False,
) -> Callable[[F], F]:
    def attach(view: F) -> F:
        view.__openapi__ = RouteDoc(summary, request, response, status, query or {}, public)  # type: ignore[attr-defined]
        return view

    return attach


class ErrorBody(msgspec.Struct):
    code: str
    message: str
    fields: dict[str, str] = {}


class Error(msgspec.Struct):
    error: ErrorBody


def build_openapi(app: Chalice, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    types: list[Any] = [Error]
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            doc: RouteDoc | None = getattr(entry.view_function, "__openapi__", None)
            if doc is None:
                raise ValueError(f"{method} {path} has no OpenAPI documentation (use @documented)")
            paths.setdefault(path, {})[method.lower()] = _operation(entry.view_name, entry.view_args, doc, types)
    schemas = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")[1]
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"cognito": []}],
    }


def _operation(name: str, path_args: list[str], doc: RouteDoc, types: list[Any]) -> dict[str, Any]:
    parameters = [{"name": arg, "in": "path", "required": True, "schema": {"type": "string"}} for arg in path_args]
    parameters += [
        {"name": key, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
        for key, text in doc.query.items()
    ]
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {
        "400": {"description": "invalid input", **error},
        "401": {"description": "not signed in"},
    }
    if doc.response is not None:
        types.append(doc.response)
        responses[str(doc.status)] = {
            "description": "success",
            "content": {"application/json": {"schema": _ref(doc.response)}},
        }
    else:
        responses[str(doc.status)] = {"description": "success"}
    operation: dict[str, Any] = {"operationId": name, "summary": doc.summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    if doc.request is not None:
        types.append(doc.request)
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(doc.request)}},
        }
    if doc.public:
        operation["security"] = []
    return operation


def _ref(schema_type: Any) -> dict[str, Any]:
    schema = msgspec.json.schema_components([schema_type], ref_template="#/components/schemas/{name}")[0][0]
    return dict(schema)

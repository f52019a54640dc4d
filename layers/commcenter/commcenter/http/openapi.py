"""The OpenAPI document of a Chalice app, built from its own route table.

Each view declares its summary and body/response types with `documented`; the paths and
methods come from Chalice itself, so the document cannot drift from the routes. The dashboard's
TypeScript types are generated from this document (`make openapi`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args

import msgspec
from chalice.app import Chalice

F = TypeVar("F", bound=Callable[..., Any])
Role = Literal["input", "output"]

SCHEMAS = "#/components/schemas/"


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
    fields: dict[str, str] | msgspec.UnsetType = msgspec.UNSET  # only when fields were refused


class Error(msgspec.Struct):
    error: ErrorBody


def build_openapi(app: Chalice, title: str, version: str) -> dict[str, Any]:
    routes: list[tuple[str, str, Any, RouteDoc]] = []
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            doc: RouteDoc | None = getattr(entry.view_function, "__openapi__", None)
            if doc is None:
                raise ValueError(f"{method} {path} has no OpenAPI documentation (use @documented)")
            routes.append((path, method, entry, doc))
    schemas = ComponentSchemas(
        requests=[doc.request for *_, doc in routes if doc.request is not None],
        responses=[Error, *(doc.response for *_, doc in routes if doc.response is not None)],
    )
    paths: dict[str, dict[str, Any]] = {}
    for path, method, entry, doc in routes:
        paths.setdefault(path, {})[method.lower()] = _operation(entry.view_name, entry.view_args, doc, schemas)
    return {
        "openapi": "3.1.0",  # msgspec writes JSON Schema 2020-12, the dialect of OpenAPI 3.1
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {"cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"cognito": []}],
    }


class ComponentSchemas:
    """The component schemas of the request and response types.

    msgspec describes what it decodes: a field with a default may be left out of a request.
    What it encodes carries every field (unless the default is UNSET, or the struct omits its
    defaults), so a response's schema requires those. A struct used both ways whose two schemas
    then differ becomes two components, `Name-Input` and `Name-Output`; any other keeps its name.
    """

    def __init__(self, requests: list[Any], responses: list[Any]) -> None:
        self._inputs = _components(requests)
        self._outputs = _components(responses)
        for name, struct in _struct_types(responses).items():
            self._outputs[name]["required"] = _always_encoded(struct.cls)
        self._split: set[str] = set()
        shared = self._inputs.keys() & self._outputs.keys()
        changed = True
        while changed:  # a component that names a split one must split too
            before = len(self._split)
            self._split |= {
                name
                for name in shared
                if self._named(self._inputs[name], "input") != self._named(self._outputs[name], "output")
            }
            changed = len(self._split) != before

    @property
    def components(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        roles: tuple[tuple[Role, dict[str, dict[str, Any]]], ...] = (("output", self._outputs), ("input", self._inputs))
        for role, schemas in roles:
            for name, schema in schemas.items():
                found[self._name(name, role)] = self._named(schema, role)
        return dict(sorted(found.items()))

    def schema(self, schema_type: Any, role: Role) -> dict[str, Any]:
        """The schema of a request body (`input`) or a response (`output`): a reference to a
        component for a struct."""
        schema = msgspec.json.schema_components([schema_type], ref_template=SCHEMAS + "{name}")[0][0]
        named: dict[str, Any] = self._named(dict(schema), role)
        return named

    def _name(self, name: str, role: Role) -> str:
        return f"{name}-{role.capitalize()}" if name in self._split else name

    def _named(self, node: Any, role: Role) -> Any:
        """`node` with its references renamed for `role`."""
        if isinstance(node, dict):
            return {
                key: SCHEMAS + self._name(value.removeprefix(SCHEMAS), role)
                if key == "$ref"
                else self._named(value, role)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self._named(item, role) for item in node]
        return node


def _components(types: list[Any]) -> dict[str, dict[str, Any]]:
    components = msgspec.json.schema_components(types, ref_template=SCHEMAS + "{name}")[1]
    return {name: dict(schema) for name, schema in components.items()}


def _struct_types(types: Iterable[Any]) -> dict[str, msgspec.inspect.StructType]:
    """Every struct `types` reach, by its component name."""
    found: dict[str, msgspec.inspect.StructType] = {}
    pending: list[msgspec.inspect.Type] = list(msgspec.inspect.multi_type_info(list(types)))
    while pending:
        info = pending.pop()
        if isinstance(info, msgspec.inspect.StructType):
            if info.cls.__name__ not in found:
                found[info.cls.__name__] = info
                pending.extend(f.type for f in info.fields)
            continue
        for attribute in info.__struct_fields__:
            value = getattr(info, attribute)
            for child in value if isinstance(value, tuple) else (value,):
                if isinstance(child, msgspec.inspect.Type):
                    pending.append(child)
    return found


def _always_encoded(struct: type[msgspec.Struct]) -> list[str]:
    """The fields msgspec writes for every value of `struct`: its tag, if tagged, and every field
    but those that may be UNSET, or are at their default when the struct omits defaults."""
    config = struct.__struct_config__
    tag = [config.tag_field] if config.tag_field is not None and config.tag is not None else []
    return tag + [
        info.encode_name
        for info in msgspec.structs.fields(struct)
        if msgspec.UnsetType not in (info.type, *get_args(info.type)) and (info.required or not config.omit_defaults)
    ]


def _operation(name: str, path_args: list[str], doc: RouteDoc, schemas: ComponentSchemas) -> dict[str, Any]:
    parameters = [{"name": arg, "in": "path", "required": True, "schema": {"type": "string"}} for arg in path_args]
    parameters += [
        {"name": key, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
        for key, text in doc.query.items()
    ]
    error = {"content": {"application/json": {"schema": schemas.schema(Error, "output")}}}
    responses: dict[str, Any] = {
        "400": {"description": "invalid input", **error},
        "401": {"description": "not signed in"},
    }
    if doc.response is not None:
        responses[str(doc.status)] = {
            "description": "success",
            "content": {"application/json": {"schema": schemas.schema(doc.response, "output")}},
        }
    else:
        responses[str(doc.status)] = {"description": "success"}
    operation: dict[str, Any] = {"operationId": name, "summary": doc.summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    if doc.request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.schema(doc.request, "input")}},
        }
    if doc.public:
        operation["security"] = []
    return operation

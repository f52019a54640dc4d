"""`template.yaml`, read once into what the local stack needs: functions, routes, schedules, tables.

The template is the single source of truth; nothing here repeats a route, a table or a
schedule. CloudFormation intrinsics are resolved to their local meaning (a table's `!Ref` is
its local name; parameters take their defaults or the local stack's values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TAGS = (
    "Ref", "GetAtt", "Sub", "If", "Equals", "Join", "Select", "Split", "FindInMap", "Not", "And", "Or",
    "Base64", "GetAZs", "ImportValue", "Condition", "Cidr", "Transform",
)  # fmt: skip


class _CloudFormationLoader(yaml.SafeLoader):
    """A YAML loader that reads CloudFormation's short tags (`!Ref X`) as their long form."""


def _construct(tag: str) -> Any:
    name = "Ref" if tag == "Ref" else "Condition" if tag == "Condition" else f"Fn::{tag}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _tag in _TAGS:
    _CloudFormationLoader.add_constructor(f"!{_tag}", _construct(_tag))


@dataclass(frozen=True)
class ApiRoute:
    function: str
    event: str
    method: str
    path: str
    authorized: bool


@dataclass(frozen=True)
class Schedule:
    function: str
    event: str
    expression: str
    enabled: bool


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: str
    handler: str
    environment: dict[str, Any]
    memory_mb: int = 128  # Lambda's default
    routes: list[ApiRoute] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class Table:
    logical_id: str
    definition: dict[str, Any]

    def create_table_arguments(self, table_name: str) -> dict[str, Any]:
        """The CreateTable request for this table (keys, indexes, billing, stream)."""
        props = self.definition
        args: dict[str, Any] = {
            "TableName": table_name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        for key in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes", "StreamSpecification"):
            if key in props:
                args[key] = props[key]
        return args

    @property
    def ttl_attribute(self) -> str | None:
        spec = self.definition.get("TimeToLiveSpecification") or {}
        return str(spec["AttributeName"]) if spec.get("Enabled") else None


@dataclass(frozen=True)
class Template:
    functions: list[Function]
    tables: list[Table]
    parameters: dict[str, Any]
    # Buckets the functions use (named in their environment); the dashboard's is AWS only.
    buckets: list[str] = field(default_factory=list)

    @property
    def routes(self) -> list[ApiRoute]:
        return [route for function in self.functions for route in function.routes]

    @property
    def schedules(self) -> list[Schedule]:
        return [schedule for function in self.functions for schedule in function.schedules]

    def function(self, logical_id: str) -> Function:
        for function in self.functions:
            if function.logical_id == logical_id:
                return function
        raise KeyError(logical_id)


def read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506 (a SafeLoader subclass)
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a CloudFormation template")
    return document


def load_template(path: Path) -> Template:
    document = read_yaml(path)
    resources: dict[str, Any] = document.get("Resources", {})
    globals_function = document.get("Globals", {}).get("Function", {})
    default_authorized = _default_authorizer(resources) is not None
    functions: list[Function] = []
    tables: list[Table] = []
    for logical_id, resource in resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind == "AWS::Serverless::Function":
            functions.append(_function(logical_id, props, globals_function, default_authorized))
        elif kind == "AWS::DynamoDB::Table":
            tables.append(Table(logical_id, props))
    parameters = {name: spec.get("Default", "") for name, spec in document.get("Parameters", {}).items()}
    referenced = {
        value["Ref"]
        for function in functions
        for value in function.environment.values()
        if isinstance(value, dict) and isinstance(value.get("Ref"), str)
    }
    buckets = [
        logical_id
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::S3::Bucket" and logical_id in referenced
    ]
    return Template(functions=functions, tables=tables, parameters=parameters, buckets=buckets)


def _default_authorizer(resources: dict[str, Any]) -> str | None:
    for resource in resources.values():
        if resource.get("Type") == "AWS::Serverless::Api":
            auth = resource.get("Properties", {}).get("Auth", {})
            authorizer = auth.get("DefaultAuthorizer")
            return str(authorizer) if authorizer else None
    return None


def _function(logical_id: str, props: dict[str, Any], globals_function: dict[str, Any], authorized: bool) -> Function:
    environment = {
        **globals_function.get("Environment", {}).get("Variables", {}),
        **props.get("Environment", {}).get("Variables", {}),
    }
    routes: list[ApiRoute] = []
    schedules: list[Schedule] = []
    for event_name, event in props.get("Events", {}).items():
        event_props = event.get("Properties", {})
        if event.get("Type") == "Api":
            authorizer = event_props.get("Auth", {}).get("Authorizer")
            routes.append(
                ApiRoute(
                    function=logical_id,
                    event=event_name,
                    method=str(event_props["Method"]).upper(),
                    path=str(event_props["Path"]),
                    authorized=authorized and authorizer != "NONE",
                )
            )
        elif event.get("Type") == "Schedule":
            schedules.append(
                Schedule(
                    function=logical_id,
                    event=event_name,
                    expression=str(event_props["Schedule"]),
                    enabled=bool(event_props.get("Enabled", True)),
                )
            )
    return Function(
        logical_id=logical_id,
        code_uri=str(props["CodeUri"]).rstrip("/"),
        handler=str(props.get("Handler", globals_function.get("Handler", ""))),
        environment=environment,
        memory_mb=int(props.get("MemorySize", globals_function.get("MemorySize", 128))),
        routes=routes,
        schedules=schedules,
    )


def resolve_environment(
    function: Function, resources: dict[str, str], parameters: dict[str, Any], overrides: dict[str, str | None]
) -> dict[str, str]:
    """A function's environment with intrinsics resolved locally.

    An override (by variable name) wins; None drops the variable (what only exists in AWS, such
    as the name of an SSM parameter). `!Ref <table or bucket>` becomes its local name and
    `!Ref <parameter>` the parameter's default.
    """
    resolved: dict[str, str] = {}
    for name, value in function.environment.items():
        if name in overrides:
            override = overrides[name]
            if override is not None:
                resolved[name] = override
            continue
        if isinstance(value, str | int | float):
            resolved[name] = str(value)
        elif isinstance(value, dict) and value.get("Ref") in resources:
            resolved[name] = resources[value["Ref"]]
        elif isinstance(value, dict) and value.get("Ref") in parameters:
            resolved[name] = str(parameters[value["Ref"]])
        else:
            raise ValueError(f"{function.logical_id}: {name} has no local value (add an override)")
    return resolved

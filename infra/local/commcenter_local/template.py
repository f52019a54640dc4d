"""`template.yaml`, read once into what the local stack needs: functions, routes, schedules, tables,
the API's CORS setting and gateway responses, and the headers CloudFront adds to the dashboard.

The template is the single source of truth; nothing here repeats a route, a table or a
schedule. CloudFormation intrinsics are resolved to their local meaning (a table's `!Ref` is
its local name; parameters take their defaults or the local stack's values).
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    # The event's `Input`: the JSON EventBridge hands the function instead of the scheduled event.
    input: str | None = None


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
class ApiCors:
    """The API's `Cors:` setting: what API Gateway answers a preflight with (SAM gives every path
    of the API an OPTIONS method that answers these headers, whatever the request's origin).

    Values are as the template writes them: header literals in single quotes, maybe in a `!Sub`.
    """

    allow_origin: Any
    allow_headers: Any
    allow_methods: Any
    max_age: Any | None = None
    allow_credentials: bool = False
    # AddDefaultAuthorizerToCorsPreflight (SAM's default: true): the preflight goes through the
    # API's default authorizer, which a browser's preflight (no Authorization header) never passes.
    preflight_authorized: bool = False


# What CloudFront's response headers policy writes for each part of its SecurityHeadersConfig.
_SECURITY_HEADERS = {
    "ContentSecurityPolicy": "Content-Security-Policy",
    "ContentTypeOptions": "X-Content-Type-Options",
    "FrameOptions": "X-Frame-Options",
    "ReferrerPolicy": "Referrer-Policy",
    "StrictTransportSecurity": "Strict-Transport-Security",
    "XSSProtection": "X-XSS-Protection",
}


@dataclass(frozen=True)
class Template:
    functions: list[Function]
    tables: list[Table]
    parameters: dict[str, Any]
    # Buckets the functions use (named in their environment); the dashboard's is AWS only.
    buckets: list[str] = field(default_factory=list)
    api_cors: ApiCors | None = None
    # API Gateway's own answers (DEFAULT_4XX, UNAUTHORIZED, ...): the headers each one carries.
    gateway_responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The headers CloudFront's response headers policy adds to every answer of the dashboard.
    dashboard_headers: dict[str, Any] = field(default_factory=dict)

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
    api = _api_properties(resources)
    return Template(
        functions=functions,
        tables=tables,
        parameters=parameters,
        buckets=buckets,
        api_cors=_api_cors(api),
        gateway_responses=_gateway_responses(api),
        dashboard_headers=_dashboard_headers(resources),
    )


def _api_properties(resources: dict[str, Any]) -> dict[str, Any]:
    for resource in resources.values():
        if resource.get("Type") == "AWS::Serverless::Api":
            properties: dict[str, Any] = resource.get("Properties", {})
            return properties
    return {}


def _api_cors(api: dict[str, Any]) -> ApiCors | None:
    cors = api.get("Cors")
    if cors is None:
        return None
    if not isinstance(cors, dict):  # the short form: the origin alone
        return ApiCors(allow_origin=cors, allow_headers=None, allow_methods=None)
    auth = api.get("Auth", {})
    return ApiCors(
        allow_origin=cors["AllowOrigin"],
        allow_headers=cors.get("AllowHeaders"),
        allow_methods=cors.get("AllowMethods"),
        max_age=cors.get("MaxAge"),
        allow_credentials=bool(cors.get("AllowCredentials", False)),
        preflight_authorized=bool(auth.get("DefaultAuthorizer"))
        and bool(auth.get("AddDefaultAuthorizerToCorsPreflight", True)),
    )


def _gateway_responses(api: dict[str, Any]) -> dict[str, dict[str, Any]]:
    responses: dict[str, dict[str, Any]] = {}
    for kind, response in (api.get("GatewayResponses") or {}).items():
        unsupported = set(response) - {"ResponseParameters"}
        if unsupported or set(response.get("ResponseParameters", {})) - {"Headers"}:
            raise ValueError(f"GatewayResponses.{kind}: the local gateway applies response headers only")
        responses[kind] = dict(response.get("ResponseParameters", {}).get("Headers", {}))
    return responses


def _dashboard_headers(resources: dict[str, Any]) -> dict[str, Any]:
    """The headers of the response headers policy the dashboard's distribution names."""
    for resource in resources.values():
        if resource.get("Type") != "AWS::CloudFront::Distribution":
            continue
        behavior = resource["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
        policy_id = behavior.get("ResponseHeadersPolicyId")
        if not isinstance(policy_id, dict) or policy_id.get("Ref") not in resources:
            return {}  # none, or one of AWS's managed policies: nothing the local stack can read
        config = resources[policy_id["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
        return _policy_headers(config)
    return {}


def _policy_headers(config: dict[str, Any]) -> dict[str, Any]:
    unsupported = set(config) - {"Name", "Comment", "SecurityHeadersConfig", "CustomHeadersConfig"}
    if unsupported:
        raise ValueError(f"response headers policy: the local stack cannot apply {sorted(unsupported)}")
    headers: dict[str, Any] = {}
    for part, settings in (config.get("SecurityHeadersConfig") or {}).items():
        if part not in _SECURITY_HEADERS:
            raise ValueError(f"response headers policy: unknown SecurityHeadersConfig part {part}")
        headers[_SECURITY_HEADERS[part]] = _security_header_value(part, settings)
    for item in (config.get("CustomHeadersConfig") or {}).get("Items", []):
        headers[str(item["Header"])] = item["Value"]
    return headers


def _security_header_value(part: str, settings: dict[str, Any]) -> Any:
    if part == "ContentSecurityPolicy":
        return settings["ContentSecurityPolicy"]  # maybe a !Sub: resolved by its user
    return _SECURITY_HEADER_VALUES[part](settings)


def _strict_transport_security(settings: dict[str, Any]) -> str:
    value = f"max-age={int(settings['AccessControlMaxAgeSec'])}"
    value += "; includeSubDomains" if settings.get("IncludeSubdomains") else ""
    return value + ("; preload" if settings.get("Preload") else "")


def _xss_protection(settings: dict[str, Any]) -> str:
    if not settings.get("Protection"):
        return "0"
    mode = "; mode=block" if settings.get("ModeBlock") else ""
    return "1" + mode + (f"; report={settings['ReportUri']}" if settings.get("ReportUri") else "")


_SECURITY_HEADER_VALUES: dict[str, Callable[[dict[str, Any]], str]] = {
    "ContentTypeOptions": lambda settings: "nosniff",
    "FrameOptions": lambda settings: str(settings["FrameOption"]),
    "ReferrerPolicy": lambda settings: str(settings["ReferrerPolicy"]),
    "StrictTransportSecurity": _strict_transport_security,
    "XSSProtection": _xss_protection,
}


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
                    input=str(event_props["Input"]) if "Input" in event_props else None,
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


_SUB_NAME = re.compile(r"\$\{([^}!]+)\}")


def resolve_local_string(value: Any, local_values: dict[str, str]) -> str:
    """A string of the template (plain, or a `!Sub`) with each `${Name}` given its local value.

    A `!Sub`'s own variables take their local value by their name too (their AWS value means
    nothing here). A name AWS serves over https (`https://${DashboardDistribution.DomainName}`)
    whose local value is a whole origin (`http://127.0.0.1:3001`) stands for the whole origin.
    A name without a local value is an error: the local stack never guesses. Runs of whitespace
    (a folded YAML string's line breaks) become one space.
    """
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        sub = value["Fn::Sub"]
        text = sub if isinstance(sub, str) else sub[0]
    else:
        raise ValueError(f"{value!r} has no local value")

    def local(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in local_values:
            raise ValueError(f"${{{name}}} has no local value (give the local stack one)")
        return local_values[name]

    def origin(found: re.Match[str]) -> str:
        name = found.group(1)
        if local_values.get(name, "").startswith(("http://", "https://")):
            return local_values[name]
        return found.group(0)

    text = re.sub(r"https://\$\{([^}!]+)\}", origin, text)
    return " ".join(_SUB_NAME.sub(local, text).split())


def header_literal(value: str) -> str:
    """An API Gateway header mapping's literal (`'GET,POST'`) as the header's value (`GET,POST`)."""
    if len(value) < 2 or value[0] != "'" or value[-1] != "'":
        raise ValueError(f"{value!r} is not a quoted header literal")
    return value[1:-1]

"""IAM, played locally: each function's AWS calls held against the policy template.yaml grants it.

In AWS a function may call only what its role allows; locally every function runs in this one
process with one set of credentials, so nothing would notice a missing grant before a deploy. The
test session records every AWS call a function makes while it runs (the function is known from
the local stack's `LoadedFunction.invoke`), as the IAM actions and resources AWS would check, and
each test fails when one of its calls is not granted by the template.

Resources are compared by their logical ids: a table's local name is its logical id, a bucket's
its lower-cased logical id, so `${ActivitiesTable.Arn}/index/center` is `ActivitiesTable/index/center`.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from commcenter_local.template import read_yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"

# The actions a transaction's entries are authorised as.
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
# S3 operations IAM authorises under another action's name.
_S3_ACTIONS = {"ListObjectsV2": "ListBucket"}
_REFERENCE = re.compile(r"^\$\{(\w+)\.Arn\}(.*)$")


@dataclass(frozen=True, slots=True)
class Grant:
    """One action on one resource, as IAM checks it (`dynamodb:Query`, `ActivitiesTable/index/center`)."""

    action: str
    resource: str


def grants_needed(service: str, operation: str, params: dict[str, Any]) -> list[Grant]:
    """What an AWS call needs to be allowed: one grant per table (or index, or object) it touches."""
    if service == "dynamodb":
        return _dynamodb_grants(operation, params)
    if service == "s3":
        bucket = _bucket(str(params.get("Bucket", "")))
        action = _S3_ACTIONS.get(operation, operation)
        return [Grant(f"s3:{action}", f"{bucket}/{params['Key']}" if "Key" in params else bucket)]
    if service == "secretsmanager":
        return [Grant(f"secretsmanager:{operation}", _secret_arn(str(params.get("SecretId") or params.get("Name"))))]
    return [Grant(f"{service}:{operation}", "*")]


# The local stack names secrets as the template does, its stack name being this one.
LOCAL_STACK_NAME = "commcenter-local"


def _secret_arn(name: str) -> str:
    """A secret's ARN as the template writes it (`${AWS::StackName}/mailboxes/...`)."""
    stack_prefix = f"{LOCAL_STACK_NAME}/"
    if name.startswith(stack_prefix):
        name = "${AWS::StackName}/" + name.removeprefix(stack_prefix)
    return "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:" + name


def _dynamodb_grants(operation: str, params: dict[str, Any]) -> list[Grant]:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        grants = []
        for entry in params.get("TransactItems", []):
            ((kind, action),) = entry.items()
            name = "GetItem" if kind == "Get" else _TRANSACT_ACTIONS[kind]
            grants.append(Grant(f"dynamodb:{name}", action["TableName"]))
        return grants
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [Grant(f"dynamodb:{operation}", table) for table in params.get("RequestItems", {})]
    table = str(params.get("TableName", "*"))
    if params.get("IndexName"):
        table = f"{table}/index/{params['IndexName']}"
    return [Grant(f"dynamodb:{operation}", table)]


def _bucket(name: str) -> str:
    """A bucket's local name (its lower-cased logical id) as its logical id."""
    return {logical_id.lower(): logical_id for logical_id in _resources()}.get(name, name)


@cache
def _resources() -> frozenset[str]:
    return frozenset(read_yaml(TEMPLATE)["Resources"])


@dataclass(frozen=True, slots=True)
class Statement:
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def allows(self, grant: Grant) -> bool:
        return any(fnmatch.fnmatchcase(grant.action, action) for action in self.actions) and any(
            fnmatch.fnmatchcase(grant.resource, resource) for resource in self.resources
        )


# SAM's DynamoDB policy templates, as the statements they expand to (on the table and its indexes).
_SAM_TEMPLATES = {
    "DynamoDBCrudPolicy": (
        "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query",
        "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable",
        "dynamodb:ConditionCheckItem",
    ),
    "DynamoDBReadPolicy": (
        "dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:DescribeTable",
    ),
}  # fmt: skip


@cache
def function_statements() -> dict[str, tuple[Statement, ...]]:
    """The Allow statements of each function's policies, resources named by logical id (SAM's
    DynamoDB policy templates expanded as SAM expands them)."""
    statements: dict[str, tuple[Statement, ...]] = {}
    for name, resource in read_yaml(TEMPLATE)["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        statements[name] = tuple(
            statement
            for policy in resource["Properties"].get("Policies", [])
            if isinstance(policy, dict)
            for statement in _statements(policy)
        )
    return statements


def _statements(policy: dict[str, Any]) -> list[Statement]:
    found = []
    for template, template_actions in _SAM_TEMPLATES.items():
        if template in policy:
            table = str(policy[template]["TableName"]["Ref"])
            found.append(Statement(template_actions, (table, f"{table}/index/*")))
    for statement in policy.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        raw = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        found.append(Statement(tuple(actions), tuple(_resource_name(value) for value in raw)))
    return found


def _resource_name(value: Any) -> str:
    """`!GetAtt RepsTable.Arn` is `RepsTable`; `!Sub "${ActivitiesTable.Arn}/index/center"` is
    `ActivitiesTable/index/center`; anything else (an SSM parameter's ARN) is kept as written."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        return str(logical_id) if attribute == "Arn" else str(value)
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        found = _REFERENCE.match(value["Fn::Sub"])
        if found:
            return found.group(1) + found.group(2)
        return str(value["Fn::Sub"])
    return str(value)


def denied(function: str, grants: list[Grant]) -> list[Grant]:
    """The grants `function`'s policies do not give."""
    statements = function_statements().get(function, ())
    return [grant for grant in grants if not any(statement.allows(grant) for statement in statements)]

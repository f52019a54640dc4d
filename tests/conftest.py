"""Fixtures shared by every test: one local stack per session, tokens, and the no-Scan guard.

The stack is the product itself (`commcenter_local.LocalStack`): DynamoDB Local in memory on a
free port, the template's tables, every function of the template behind the local gateway
(`api_url`), and the built dashboard on an origin of its own, as in AWS. Schedules are off;
tests invoke scheduled functions themselves.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore.client
import pytest
from iam_policy import Grant, denied, grants_needed
from stack_environment import environment

from commcenter_local.dev_auth import issue_token
from commcenter_local.functions import LoadedFunction
from commcenter_local.stack import LocalStack, StackOptions
from commcenter_local.twilio_stand_in import TwilioStandIn

TWILIO_AUTH_TOKEN = "test-twilio-auth-token"
TWILIO_ACCOUNT_SID = "AC" + "1" * 32  # of the stand-in of Twilio's API

# Every DynamoDB call made in this process (the gateway runs the functions in-process), so that
# a test fails when any request path issues a Scan: every list must be a Query or a GetItem.
_operations: list[str] = []
_original_make_api_call = getattr(botocore.client.BaseClient, "_make_api_call")  # noqa: B009 (private)


# Every AWS call a function of the template made while it ran, as the grants IAM would check
# (`iam_policy`): each test fails on a call its function's policies do not allow.
_function_calls: list[tuple[str, list[Grant]]] = []
_running = threading.local()  # the function the current thread runs (the gateway runs one per request)
_original_invoke = LoadedFunction.invoke


def _recording_make_api_call(self: Any, operation_name: str, api_params: Any) -> Any:
    _operations.append(operation_name)
    function = getattr(_running, "function", None)
    if function is not None:
        grants = grants_needed(self.meta.service_model.service_name, operation_name, api_params)
        _function_calls.append((function, grants))
    return _original_make_api_call(self, operation_name, api_params)


def _invoke_as_function(self: LoadedFunction, event: dict[str, Any]) -> Any:
    previous = getattr(_running, "function", None)
    _running.function = self.definition.logical_id
    try:
        return _original_invoke(self, event)
    finally:
        _running.function = previous


setattr(botocore.client.BaseClient, "_make_api_call", _recording_make_api_call)  # noqa: B010
setattr(LoadedFunction, "invoke", _invoke_as_function)  # noqa: B010


@pytest.fixture(autouse=True)
def no_scan() -> Iterator[list[str]]:
    """Fails the test if anything it caused issued a DynamoDB Scan."""
    start = len(_operations)
    yield _operations
    scans = [op for op in _operations[start:] if op == "Scan"]
    assert not scans, "a request path issued a DynamoDB Scan; lists must be Queries on a key or an index"


@pytest.fixture(autouse=True)
def iam_allows_every_call() -> Iterator[None]:
    """Fails the test if a function it ran made an AWS call its policies in template.yaml do not allow."""
    start = len(_function_calls)
    yield
    missing = sorted(
        {
            f"{function}: {grant.action} on {grant.resource}"
            for function, grants in _function_calls[start:]
            for grant in denied(function, grants)
        }
    )
    assert not missing, "template.yaml does not grant what the functions called:\n" + "\n".join(missing)


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    from commcenter_local.demo_data import seed_demo_data

    with tempfile.TemporaryDirectory(prefix="commcenter-test-") as data_dir:
        options = StackOptions(
            port=0,
            data_dir=Path(data_dir),
            in_memory=True,
            schedules=False,
            twilio_auth_token=TWILIO_AUTH_TOKEN,
            phone_default_region="US",
        )
        with LocalStack(options) as stack:
            seed_demo_data()
            yield stack


@pytest.fixture(scope="session")
def api_url(local_stack: LocalStack) -> str:
    return local_stack.base_url


@pytest.fixture(scope="session")
def ddb_endpoint(local_stack: LocalStack) -> str:
    return local_stack.dynamodb_endpoint


@pytest.fixture(scope="session")
def dev_token(local_stack: LocalStack) -> Callable[[str], str]:
    def token(email: str) -> str:
        return issue_token(email, local_stack.data_dir)

    return token


@pytest.fixture(scope="session")
def auth_headers(dev_token: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    def headers(email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {dev_token(email)}"}

    return headers


@pytest.fixture(scope="session")
def twilio_auth_token() -> str:
    """The auth token the local stack checks Twilio signatures with."""
    return TWILIO_AUTH_TOKEN


@pytest.fixture
def twilio_api(local_stack: LocalStack, twilio_auth_token: str) -> Iterator[TwilioStandIn]:
    """The stack talks to Twilio (a local stand-in of its API: messages, recordings) instead of
    its sandbox, for one test."""
    stand_in = TwilioStandIn(TWILIO_ACCOUNT_SID, twilio_auth_token).start()
    try:
        with environment({"TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID, "TWILIO_API_BASE_URL": stand_in.base_url}):
            yield stand_in
    finally:
        stand_in.stop()

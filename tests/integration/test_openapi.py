"""The API's OpenAPI document: its Chalice routes and the template's events are one list, the
dashboard's copy of it is current, and the API's answers are what it says."""

from __future__ import annotations

import difflib
import itertools

import jsonschema
import pytest
import requests
from api_support import ALICE_NUMBER, Api, fresh_remote, receive

from commcenter.domain.sms import conversation_id
from commcenter_local.openapi_document import DOCUMENT, api_document, render
from commcenter_local.stack import ROOT, LocalStack


def test_openapi_routes_are_the_template_routes(local_stack: LocalStack) -> None:
    document = requests.get(local_stack.base_url + "/api/openapi.json", timeout=10).json()
    documented = {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}
    api_function = local_stack.template.function("ApiFunction")
    declared = {(route.method, route.path) for route in api_function.routes}
    chalice_app = local_stack.functions["ApiFunction"].handler
    routed = {(method, path) for path, methods in chalice_app.routes.items() for method in methods}  # type: ignore[attr-defined]
    assert documented == declared == routed


def test_openapi_marks_public_routes_and_describes_bodies(local_stack: LocalStack) -> None:
    document = requests.get(local_stack.base_url + "/api/openapi.json", timeout=10).json()
    assert document["paths"]["/api/health"]["get"]["security"] == []
    assert "security" not in document["paths"]["/api/records"]["post"]
    create = document["paths"]["/api/records"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RecordInput"
    }
    record_input = document["components"]["schemas"]["RecordInput"]
    assert record_input["required"] == ["kind"]
    assert set(record_input["properties"]["kind"]["enum"]) == {"lead", "contact", "deal"}
    for path in document["paths"].values():
        for operation in path.values():
            assert operation["summary"]


def test_the_dashboards_copy_of_the_document_is_the_apis() -> None:
    """The dashboard's API types are generated from this copy: `make openapi` rewrites it."""
    served = render(api_document())
    checked_in = DOCUMENT.read_text(encoding="utf-8")
    if served != checked_in:
        diff = difflib.unified_diff(
            checked_in.splitlines(), served.splitlines(), "checked in", "the API's", lineterm="", n=2
        )
        shown = "\n".join(itertools.islice(diff, 60))
        pytest.fail(f"{DOCUMENT.relative_to(ROOT)} is out of date with the API; run `make openapi`\n{shown}")


def test_the_answers_are_what_the_document_says(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    """Every field a response schema requires is in the answer, with its type: the dashboard's
    generated types hold for the API's real answers."""
    document = api_document()
    lead = alice.ok("GET", "/api/search", q="helene")["items"][0]
    remote = fresh_remote()
    receive(api_url, twilio_auth_token, remote, ALICE_NUMBER, "Is the offer still open? 👋")
    conversation = conversation_id(ALICE_NUMBER, remote)
    answers = {
        "/api/health": "/api/health",
        "/api/me": "/api/me",
        "/api/reps": "/api/reps",
        "/api/records": "/api/records?kind=deal",
        "/api/records/{record_id}": f"/api/records/{lead['id']}",
        "/api/records/{record_id}/activities": f"/api/records/{lead['id']}/activities",
        "/api/search": "/api/search?q=acme",
        "/api/center/counts": "/api/center/counts",
        "/api/sms/conversations": "/api/sms/conversations?section=unmatched",
        "/api/sms/conversations/{conversation_id}": f"/api/sms/conversations/{conversation}",
        "/api/sms/conversations/{conversation_id}/messages": f"/api/sms/conversations/{conversation}/messages",
        "/api/calls": "/api/calls",
        "/api/settings/call-outcomes": "/api/settings/call-outcomes",
        "/api/settings/call-scripts": "/api/settings/call-scripts",
        "/api/voice/status": "/api/voice/status",
    }
    for route, url in answers.items():
        schema = document["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        validator = jsonschema.Draft202012Validator({**schema, "components": document["components"]})
        answer = alice.ok("GET", url)
        problems = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(answer)]
        assert not problems, f"GET {url}: {problems}"

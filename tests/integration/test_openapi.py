"""The API's OpenAPI document, its Chalice routes and the template's events are one list."""

from __future__ import annotations

import requests

from commcenter_local.stack import LocalStack


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

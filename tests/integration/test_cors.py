"""Two origins, as in AWS: the dashboard (CloudFront) calls the API (execute-api) across origins.

Every request the dashboard makes is read from its source (`dashboard/src/api/endpoints.ts` for
the method and route, `client.ts` for the headers) and its preflight is sent to the local
gateway, which answers it as the template's `Cors:` setting makes API Gateway answer it; the
answer is then checked as the browser checks it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from commcenter_local.functions import LoadedFunction
from commcenter_local.gateway import GatewayResponses, LocalGateway, Preflight, compile_routes
from commcenter_local.stack import ROOT, LocalStack
from commcenter_local.template import header_literal, load_template, resolve_local_string

API_SOURCE = ROOT / "dashboard" / "src" / "api"
METHODS = "GET|POST|PUT|PATCH|DELETE"
# Headers a browser sends across origins without asking (the CORS-safelisted request headers);
# Content-Type only with one of the three form types.
SAFELISTED = {"accept", "accept-language", "content-language"}
SIMPLE_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}


@dataclass(frozen=True)
class DashboardCall:
    function: str  # its name in endpoints.ts
    method: str
    path: str  # with every `${...}` replaced by a value


def dashboard_calls() -> list[DashboardCall]:
    """Every API call of endpoints.ts: its method and its path, helpers such as withQuery and
    `conversationPath(id)` expanded."""
    source = (API_SOURCE / "endpoints.ts").read_text()
    helpers = dict(re.findall(r"const (\w+) = \(\w+: string\) =>\s*`([^`]*)`", source))
    calls = []
    for function, body in re.findall(r"export const (\w+) = (.*?)(?=\nexport |\n/\*\*|\Z)", source, re.S):
        for method, path in re.findall(
            rf"(?:api<[^>]*>|sendWhileLeaving)\(\s*\"({METHODS})\",\s*(?:withQuery\(\s*)?([`\"][^`\"]*[`\"]|\w+\(\w+\))",
            body,
        ):
            helper = re.fullmatch(r"(\w+)\(\w+\)", path)
            text = helpers[helper.group(1)] if helper else path[1:-1]
            text = re.sub(r"\$\{(\w+)\(\w+\)\}", lambda found: helpers.get(found.group(1), found.group()), text)
            calls.append(DashboardCall(function, method, re.sub(r"\$\{[^}]*\}", "x1", text)))
    assert len(calls) == len(re.findall(r"\b(?:api<[^>]*>|sendWhileLeaving)\(", source)), "a call was not read"
    return calls


def dashboard_request_headers() -> dict[str, str]:
    """The headers `apiRequest` (client.ts) puts on an API request that has a body: name to value."""
    source = (API_SOURCE / "client.ts").read_text()
    body = re.search(r"function apiRequest\(.*?\n}\n", source, re.S)
    assert body, "client.ts has no apiRequest"
    (literal,) = re.findall(r"const headers: Record<string, string> = \{([^}]*)\}", body.group())
    headers = dict(re.findall(r"([\w-]+|\"[\w-]+\"): \"([^\"]*)\"", literal))
    for dotted, quoted, value in re.findall(r"headers(?:\.([\w]+)|\[\"([\w-]+)\"\]) = ([^;]+);", body.group()):
        headers[dotted or quoted] = value.strip().strip('"`')
    return {name.strip('"'): value for name, value in headers.items()}


def unsafe_headers(headers: dict[str, str]) -> list[str]:
    """What the browser names in Access-Control-Request-Headers: the headers it may not send
    across origins unasked, lower-cased and sorted, as Chromium lists them."""
    unsafe = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in SAFELISTED or (lowered == "content-type" and value in SIMPLE_CONTENT_TYPES):
            continue
        unsafe.append(lowered)
    return sorted(unsafe)


def preflight_refusal(answer: requests.Response, origin: str, method: str, headers: list[str]) -> str | None:
    """Why the browser would refuse the request after this preflight answer (None: it goes)."""
    if not 200 <= answer.status_code < 300:
        return f"the preflight answered {answer.status_code}"
    if answer.headers.get("Access-Control-Allow-Origin") not in (origin, "*"):
        return f"origin {origin} not allowed ({answer.headers.get('Access-Control-Allow-Origin')})"
    methods = [m.strip() for m in answer.headers.get("Access-Control-Allow-Methods", "").split(",")]
    if method not in ("GET", "HEAD", "POST") and method not in methods and "*" not in methods:
        return f"method {method} not allowed ({', '.join(methods)})"
    allowed = {h.strip().lower() for h in answer.headers.get("Access-Control-Allow-Headers", "").split(",")}
    missing = [h for h in headers if h not in allowed and "*" not in allowed]
    return f"headers {missing} not allowed" if missing else None


def send_preflight(api_url: str, origin: str, method: str, path: str, headers: list[str]) -> requests.Response:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = ",".join(headers)
    return requests.options(api_url + path, headers=request_headers, timeout=10)


def test_the_dashboards_calls_are_read_from_its_source() -> None:
    calls = dashboard_calls()
    assert len(calls) >= 30
    by_name = {call.function: call for call in calls}
    assert by_name["saveCallSettings"] == DashboardCall("saveCallSettings", "PUT", "/api/me/call-settings")
    assert by_name["deleteSmsConversation"] == DashboardCall(
        "deleteSmsConversation", "DELETE", "/api/sms/conversations/x1"
    )
    assert by_name["markSmsConversationRead"].path == "/api/sms/conversations/x1/read"
    assert by_name["goOfflineWhileLeaving"] == DashboardCall("goOfflineWhileLeaving", "POST", "/api/voice/presence")
    assert {"Accept", "Authorization", "Content-Type"} <= dashboard_request_headers().keys()
    assert unsafe_headers(dashboard_request_headers()) == ["authorization", "content-type"]


def test_every_request_the_dashboard_sends_passes_a_real_preflight(local_stack: LocalStack) -> None:
    """Each (method, route) the dashboard calls, with every header it sends: the preflight the
    browser makes on the dashboard's origin is answered by the gateway as API Gateway answers it."""
    routes = compile_routes(local_stack.template.routes)
    headers = unsafe_headers(dashboard_request_headers())
    origin = local_stack.dashboard_url
    refused = {}
    checked = set()
    for call in dashboard_calls():
        route = next(
            (c.route for c in routes if c.route.method == call.method and c.pattern.match(call.path)),
            None,
        )
        assert route is not None, f"{call.function}: {call.method} {call.path} is no route of the template"
        checked.add((route.method, route.path))
        answer = send_preflight(local_stack.base_url, origin, call.method, call.path, headers)
        reason = preflight_refusal(answer, origin, call.method, headers)
        if reason:
            refused[f"{call.function} ({call.method} {route.path})"] = reason
    assert refused == {}
    assert {("PUT", "/api/me/call-settings"), ("PUT", "/api/calls/{call_sid}/summary")} <= checked
    assert ("PUT", "/api/settings/call-outcomes") in checked


def test_every_route_of_the_api_passes_a_preflight_from_the_dashboard(local_stack: LocalStack) -> None:
    """The routes the dashboard does not call yet too: the setting is the API's, not per route."""
    headers = unsafe_headers(dashboard_request_headers())
    origin = local_stack.dashboard_url
    for route in local_stack.template.routes:
        if not route.path.startswith("/api/"):
            continue
        path = re.sub(r"\{[^}]+\}", "x1", route.path)
        answer = send_preflight(local_stack.base_url, origin, route.method, path, headers)
        assert preflight_refusal(answer, origin, route.method, headers) is None, (route.method, route.path)


def test_answers_name_the_dashboard_origin_and_another_origin_is_refused(
    local_stack: LocalStack, auth_headers: Callable[[str], dict[str, str]]
) -> None:
    origin = local_stack.dashboard_url
    headers = {**auth_headers("alice@northwind.example"), "Origin": origin}
    me = requests.get(local_stack.base_url + "/api/me", headers=headers, timeout=10)
    assert me.status_code == 200 and me.headers["Access-Control-Allow-Origin"] == origin
    assert me.headers["X-Content-Type-Options"] == "nosniff"
    other = send_preflight(local_stack.base_url, "https://evil.example", "PUT", "/api/me/call-settings", [])
    assert preflight_refusal(other, "https://evil.example", "PUT", []) is not None
    # API Gateway's own answers carry the origin too (GatewayResponses): the dashboard can tell an
    # expired sign-in (401) from a network failure.
    for path, status in (("/api/me", 401), ("/api/nothing", 403), ("/", 403)):
        answer = requests.get(local_stack.base_url + path, headers={"Origin": origin}, timeout=10)
        assert answer.status_code == status, path
        assert answer.headers["Access-Control-Allow-Origin"] == origin, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
    unknown = send_preflight(local_stack.base_url, origin, "GET", "/api/nothing", [])
    assert unknown.status_code == 403 and unknown.headers["Access-Control-Allow-Origin"] == origin


def test_the_dashboard_is_served_on_its_own_origin(local_stack: LocalStack) -> None:
    assert local_stack.dashboard_url != local_stack.base_url
    config = requests.get(local_stack.dashboard_url + "/config.json", timeout=10)
    assert config.json() == {"apiBaseUrl": local_stack.base_url, "auth": {"mode": "dev"}}
    assert config.headers["Cache-Control"] == "no-cache"
    deep_link = requests.get(local_stack.dashboard_url + "/records/anything", timeout=10)
    assert deep_link.status_code == 200 and "text/html" in deep_link.headers["Content-Type"]
    # As CloudFront's distribution allows GET and HEAD only, and execute-api serves no page.
    assert requests.post(local_stack.dashboard_url + "/api/me", timeout=10).status_code == 403
    assert requests.get(local_stack.base_url + "/config.json", timeout=10).json() == {
        "message": "Missing Authentication Token"
    }


@pytest.fixture
def gateway_of(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A gateway for a small template whose API has the given properties (YAML); its URL."""
    started: list[LocalGateway] = []
    code = tmp_path / "echo"
    code.mkdir()
    (code / "app.py").write_text("def handler(event, context):\n    return {'statusCode': 204, 'body': ''}\n")

    def start(api_properties: str) -> str:
        template = tmp_path / "template.yaml"
        template.write_text(
            "Transform: AWS::Serverless-2016-10-31\n"
            "Resources:\n"
            "  Api:\n"
            "    Type: AWS::Serverless::Api\n"
            f"    Properties:\n{api_properties}"
            "  Echo:\n"
            "    Type: AWS::Serverless::Function\n"
            f"    Properties:\n      CodeUri: {code}\n      Handler: app.handler\n"
            "      Events:\n"
            "        Put: {Type: Api, Properties: {RestApiId: !Ref Api, Path: '/api/things/{id}', Method: PUT}}\n"
        )
        loaded = load_template(template)
        values = {"DashboardDistribution.DomainName": "http://127.0.0.1:1"}
        functions = {"Echo": LoadedFunction(loaded.function("Echo"), Path("/"))}
        gateway = LocalGateway(
            0,
            loaded.routes,
            functions,
            "secret",
            preflight=Preflight.from_template(loaded.api_cors, values),
            gateway_responses=GatewayResponses.from_template(loaded.gateway_responses, values),
        )
        threading.Thread(target=gateway.serve_forever, daemon=True).start()
        started.append(gateway)
        return f"http://127.0.0.1:{gateway.port}"

    yield start
    for gateway in started:
        gateway.shutdown()
        gateway.server_close()


CORS = (
    "      Cors:\n"
    "        AllowOrigin: !Sub \"'https://${DashboardDistribution.DomainName}'\"\n"
    "        AllowHeaders: \"'Authorization,Content-Type'\"\n"
    "        AllowMethods: \"'GET,PUT,OPTIONS'\"\n"
    "        MaxAge: \"'600'\"\n"
)


def test_a_preflight_answers_the_cors_setting_whatever_is_asked(gateway_of: Callable[[str], str]) -> None:
    url = gateway_of(
        "      StageName: prod\n"
        + CORS
        + "      Auth: {DefaultAuthorizer: Cognito, AddDefaultAuthorizerToCorsPreflight: false}\n"
    )
    answer = send_preflight(url, "https://anyone.example", "DELETE", "/api/things/1", ["x-other"])
    assert answer.status_code == 200 and answer.content == b""
    assert {name: answer.headers[name] for name in answer.headers if name.startswith("Access-Control")} == {
        "Access-Control-Allow-Origin": "http://127.0.0.1:1",
        "Access-Control-Allow-Headers": "Authorization,Content-Type",
        "Access-Control-Allow-Methods": "GET,PUT,OPTIONS",
        "Access-Control-Max-Age": "600",
    }
    # Without GatewayResponses, API Gateway's own answers carry no CORS header at all.
    assert "Access-Control-Allow-Origin" not in requests.put(url + "/api/things/1", timeout=10).headers


def test_a_preflight_behind_the_authorizer_is_refused_as_in_api_gateway(gateway_of: Callable[[str], str]) -> None:
    """SAM's default (AddDefaultAuthorizerToCorsPreflight: true): the preflight, which never
    carries a token, meets the authorizer's 401."""
    url = gateway_of("      StageName: prod\n" + CORS + "      Auth: {DefaultAuthorizer: Cognito}\n")
    answer = send_preflight(url, "http://127.0.0.1:1", "PUT", "/api/things/1", ["authorization"])
    assert answer.status_code == 401
    assert preflight_refusal(answer, "http://127.0.0.1:1", "PUT", ["authorization"]) == "the preflight answered 401"


def test_a_route_of_the_template_without_cors_has_no_preflight(gateway_of: Callable[[str], str]) -> None:
    url = gateway_of("      StageName: prod\n")
    answer = send_preflight(url, "http://127.0.0.1:1", "PUT", "/api/things/1", [])
    assert answer.status_code == 403 and answer.json() == {"message": "Missing Authentication Token"}


def test_a_name_without_a_local_value_is_refused_never_guessed() -> None:
    values = {"DashboardDistribution.DomainName": "http://127.0.0.1:1", "ApiOrigin": "http://127.0.0.1:2"}
    assert resolve_local_string({"Fn::Sub": "'https://${DashboardDistribution.DomainName}'"}, values) == (
        "'http://127.0.0.1:1'"  # the whole local origin, scheme included
    )
    folded = {"Fn::Sub": ["connect-src 'self'\n  ${ApiOrigin} ${Absent};", {"ApiOrigin": "x", "Absent": "y"}]}
    with pytest.raises(ValueError, match="Absent"):
        resolve_local_string(folded, values)
    assert resolve_local_string(folded, {**values, "Absent": ""}) == "connect-src 'self' http://127.0.0.1:2 ;"
    with pytest.raises(ValueError, match="not a quoted header literal"):
        header_literal("GET,PUT")

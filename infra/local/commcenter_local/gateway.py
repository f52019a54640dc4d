"""A local API Gateway (REST API, Lambda proxy integration) for the template's routes.

Each HTTP request becomes the proxy event API Gateway would send; routes under the Cognito
authorizer get the claims of a verified development token, or a 401 as API Gateway answers.
It serves the API alone, on an origin of its own, as execute-api does (the dashboard has another:
`dashboard_site`): a CORS preflight is answered as the template's `Cors:` setting makes API
Gateway answer it, and the gateway's own answers (401, 403, 413, 502) carry the headers the
template's `GatewayResponses` give them. Any path without a route: 403 "Missing Authentication
Token", as API Gateway answers.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from commcenter_local.dev_auth import authorizer_claims, verify_token
from commcenter_local.functions import LoadedFunction
from commcenter_local.http_server import LocalHTTPServer
from commcenter_local.template import ApiCors, ApiRoute, header_literal, resolve_local_string

MISSING_TOKEN = {"message": "Missing Authentication Token"}
UNAUTHORIZED = {"message": "Unauthorized"}
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/javascript",
)
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
# The type of API Gateway's own answer for each status the local gateway gives itself; a type the
# template does not name takes DEFAULT_4XX's or DEFAULT_5XX's headers, as in API Gateway.
GATEWAY_RESPONSE_TYPES = {
    401: "UNAUTHORIZED",
    403: "MISSING_AUTHENTICATION_TOKEN",
    413: "REQUEST_TOO_LARGE",
    502: "INTEGRATION_FAILURE",
}


@dataclass(frozen=True)
class Preflight:
    """How the API answers a CORS preflight: the template's `Cors:` setting, resolved locally.

    API Gateway answers every path's OPTIONS with these headers, whatever the request's origin,
    method or headers: the browser compares them with what it asked and refuses what is missing.
    """

    headers: dict[str, str]
    # AddDefaultAuthorizerToCorsPreflight: the preflight must pass the authorizer (it never
    # carries a token, so a browser's preflight gets the authorizer's 401).
    authorized: bool = False

    @classmethod
    def from_template(cls, cors: ApiCors | None, local_values: dict[str, str]) -> Preflight | None:
        if cors is None:
            return None
        if cors.allow_methods is None:
            # SAM then lists each path's own methods: not modelled here, so not guessed.
            raise ValueError("Cors: the local gateway needs AllowMethods")
        headers = {}
        for name, value in (
            ("Access-Control-Allow-Origin", cors.allow_origin),
            ("Access-Control-Allow-Headers", cors.allow_headers),
            ("Access-Control-Allow-Methods", cors.allow_methods),
            ("Access-Control-Max-Age", cors.max_age),
        ):
            if value is not None:
                headers[name] = header_literal(resolve_local_string(value, local_values))
        if cors.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        return cls(headers, authorized=cors.preflight_authorized)


@dataclass(frozen=True)
class GatewayResponses:
    """The headers of API Gateway's own answers, by response type (the template's GatewayResponses)."""

    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_template(cls, responses: dict[str, dict[str, Any]], local_values: dict[str, str]) -> GatewayResponses:
        return cls(
            {
                kind: {
                    name: header_literal(resolve_local_string(value, local_values)) for name, value in headers.items()
                }
                for kind, headers in responses.items()
            }
        )

    def for_status(self, status: int) -> dict[str, str]:
        kind = GATEWAY_RESPONSE_TYPES.get(status, "")
        default = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
        return self.headers.get(kind, self.headers.get(default, {}))


@dataclass(frozen=True)
class CompiledRoute:
    route: ApiRoute
    pattern: re.Pattern[str]
    literal_segments: int


def compile_routes(routes: list[ApiRoute]) -> list[CompiledRoute]:
    """Routes as regular expressions, literal paths first (API Gateway prefers `/a/b` to `/a/{x}`)."""
    compiled = []
    for route in routes:
        regex = ""
        for segment in route.path.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("+}"):
                regex += f"/(?P<{segment[1:-2]}>.+)"
            elif segment.startswith("{") and segment.endswith("}"):
                regex += f"/(?P<{segment[1:-1]}>[^/]+)"
            else:
                regex += "/" + re.escape(segment)
        literal = sum(1 for s in route.path.split("/") if s and not s.startswith("{"))
        compiled.append(CompiledRoute(route, re.compile(f"^{regex}$"), literal))
    compiled.sort(key=lambda c: (-c.literal_segments, c.route.path))
    return compiled


class LocalGateway(LocalHTTPServer):
    def __init__(
        self,
        port: int,
        routes: list[ApiRoute],
        functions: dict[str, LoadedFunction],
        token_secret: str,
        stage: str = "local",
        preflight: Preflight | None = None,
        gateway_responses: GatewayResponses | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", port), GatewayRequestHandler)
        self.routes = compile_routes(routes)
        self.functions = functions
        self.token_secret = token_secret
        self.stage = stage
        self.preflight = preflight
        self.gateway_responses = gateway_responses or GatewayResponses()

    def match(self, method: str, path: str) -> tuple[ApiRoute, dict[str, str]] | bool | None:
        """The route and path parameters; False when the path exists for another method; None when unknown."""
        path_known = False
        for compiled in self.routes:
            found = compiled.pattern.match(path)
            if found:
                if compiled.route.method in (method, "ANY"):
                    return compiled.route, {k: unquote(v) for k, v in found.groupdict().items()}
                path_known = True
        return False if path_known else None


class GatewayRequestHandler(BaseHTTPRequestHandler):
    server: LocalGateway
    protocol_version = "HTTP/1.1"  # keep-alive: the dashboard and the benchmarks reuse connections
    # A response leaves in one write, headers and body together (the request's end flushes the
    # buffer), as API Gateway's does: written apart, the client woken by the headers would make
    # the body wait, for its delayed ACK with Nagle's algorithm on (~40 ms), and for the
    # interpreter's lock when the client runs in this process (a test, a benchmark).
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Request lines are left out: the functions log each request as structured JSON."""

    def _handle(self) -> None:
        url = urlsplit(self.path)
        path = url.path or "/"
        body = self._read_body()
        if body is None:
            return
        matched = self.server.match(self.command, path)
        if matched is False and self.command == "OPTIONS" and self.server.preflight is not None:
            self._answer_preflight(self.server.preflight)
            return
        if not isinstance(matched, tuple):
            self._send_gateway_error(403, MISSING_TOKEN)
            return
        route, path_parameters = matched
        claims = None
        if route.authorized:
            claims = self._claims()
            if claims is None:
                self._send_gateway_error(401, UNAUTHORIZED)
                return
        event = self._proxy_event(route, path, url.query, path_parameters, body, claims)
        started = time.perf_counter()
        try:
            result = self.server.functions[route.function].invoke(event)
        except Exception as error:  # a crashed Lambda: API Gateway answers 502
            self.log_error("%s crashed: %r", route.function, error)
            self._send_gateway_error(502, {"message": "Internal server error"})
            return
        self._send_proxy_result(result, time.perf_counter() - started)

    def _answer_preflight(self, preflight: Preflight) -> None:
        """SAM's OPTIONS method of a path: a mock integration answering the CORS headers."""
        if preflight.authorized and self._claims() is None:
            self._send_gateway_error(401, UNAUTHORIZED)
            return
        headers = {name: [value] for name, value in preflight.headers.items()}
        self._send(200, b"", {"Content-Type": ["application/json"], **headers})

    def _read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send_gateway_error(413, {"message": "Request Too Long"})
            return None
        return self.rfile.read(length) if length else b""

    def _claims(self) -> dict[str, Any] | None:
        header = self.headers.get("Authorization") or ""
        token = header[7:] if header.lower().startswith("bearer ") else header
        if not token:
            return None
        claims = verify_token(token.strip(), self.server.token_secret)
        return None if claims is None else authorizer_claims(claims)

    def _proxy_event(
        self,
        route: ApiRoute,
        path: str,
        query: str,
        path_parameters: dict[str, str],
        body: bytes,
        claims: dict[str, Any] | None,
    ) -> dict[str, Any]:
        multi_headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            multi_headers.setdefault(name, []).append(value)
        multi_query: dict[str, list[str]] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            multi_query.setdefault(name, []).append(value)
        content_type = (self.headers.get("Content-Type") or "").lower()
        is_text = not body or content_type.startswith(TEXT_TYPES)
        try:
            text_body = body.decode("utf-8") if is_text else None
        except UnicodeDecodeError:
            text_body = None
        now = time.time()
        context: dict[str, Any] = {
            "resourcePath": route.path,
            "resourceId": route.event,
            "httpMethod": self.command,
            "path": f"/{self.server.stage}{path}",
            "stage": self.server.stage,
            "requestId": str(uuid.uuid4()),
            "extendedRequestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "domainName": self.headers.get("Host", f"127.0.0.1:{self.server.port}"),
            "apiId": "local",
            "accountId": "000000000000",
            "protocol": self.request_version,
            "identity": {"sourceIp": self.client_address[0], "userAgent": self.headers.get("User-Agent")},
        }
        if claims is not None:
            context["authorizer"] = {"claims": claims}
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": self.command,
            "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_parameters or None,
            "stageVariables": None,
            "requestContext": context,
            "body": (text_body if text_body is not None else base64.b64encode(body).decode()) if body else None,
            "isBase64Encoded": bool(body) and text_body is None,
        }

    def _send_proxy_result(self, result: Any, seconds: float) -> None:
        if not isinstance(result, dict) or "statusCode" not in result:
            self._send_gateway_error(502, {"message": "Internal server error"})
            return
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
        headers: dict[str, list[str]] = {}
        for name, value in (result.get("headers") or {}).items():
            headers[name] = [str(value)]
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers.setdefault(name, [])
            headers[name] += [str(v) for v in values if str(v) not in headers[name]]
        headers["X-Local-Integration-Latency"] = [f"{seconds * 1000:.1f}"]
        self._send(int(result["statusCode"]), payload, headers)

    def _send_gateway_error(self, status: int, payload: Any) -> None:
        """One of API Gateway's own answers, with the headers the template gives its type."""
        headers = {name: [value] for name, value in self.server.gateway_responses.for_status(status).items()}
        body = json.dumps(payload).encode()
        self._send(status, body, {"Content-Type": ["application/json"], "Cache-Control": ["no-store"], **headers})

    def _send(self, status: int, body: bytes, headers: dict[str, list[str]]) -> None:
        self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else None)
        for name, values in headers.items():
            if name.lower() in ("content-length", "connection", "transfer-encoding"):
                continue
            for value in values:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

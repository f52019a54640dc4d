"""The dashboard on an origin of its own, as CloudFront serves it in AWS.

The built files of `dashboard/dist`, a deep link answered with `index.html` (the distribution's
custom error responses), `/config.json` naming the API's origin (what the deploy uploads), and
on every answer the headers of the template's response headers policy (Content-Security-Policy,
nosniff, frame options, referrer policy, HSTS). GET and HEAD only, as the distribution allows.
"""

from __future__ import annotations

import json
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from commcenter_local.http_server import LocalHTTPServer

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = (
    b"<!doctype html><title>commcenter</title><p>The dashboard is not built: run <code>make dashboard</code>.</p>"
)


class LocalDashboard(LocalHTTPServer):
    def __init__(self, port: int, root: Path, config: dict[str, Any], headers: dict[str, str]) -> None:
        super().__init__(("127.0.0.1", port), DashboardRequestHandler)
        self.root = root
        self.config = json.dumps(config).encode()
        self.response_headers = headers


class DashboardRequestHandler(BaseHTTPRequestHandler):
    server: LocalDashboard
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._refuse_method()

    def do_PUT(self) -> None:
        self._refuse_method()

    def do_PATCH(self) -> None:
        self._refuse_method()

    def do_DELETE(self) -> None:
        self._refuse_method()

    def do_OPTIONS(self) -> None:
        self._refuse_method()

    def log_message(self, format: str, *args: Any) -> None:
        """Static files: nothing worth a log line."""

    def _refuse_method(self) -> None:
        """CloudFront's answer to a method the distribution does not allow."""
        self.close_connection = True
        self._send(
            403, b"This distribution is not configured to allow the HTTP request method.", "text/plain", NO_CACHE
        )

    def _serve(self) -> None:
        path = urlsplit(self.path).path or "/"
        if path == "/config.json":
            self._send(200, self.server.config, "application/json", NO_CACHE)
            return
        root = self.server.root
        index = root / "index.html"
        if not index.exists():
            self._send(200, NOT_BUILT, "text/html; charset=utf-8", NO_CACHE)
            return
        target = (root / unquote(path).lstrip("/")).resolve()
        if not target.is_file() or root.resolve() not in target.parents:
            target = index  # a route of the single-page app
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        cache = NO_CACHE if target == index else IMMUTABLE
        self._send(200, target.read_bytes(), content_type, cache)

    def _send(self, status: int, body: bytes, content_type: str, cache: str) -> None:
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", cache)
        for name, value in self.server.response_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

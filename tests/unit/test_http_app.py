"""The app every API function is built from: domain errors become their status, CORS when asked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commcenter.errors import NotFoundError
from commcenter.http import app as http_app
from commcenter.http.app import create_app
from commcenter.settings import Settings


def proxy_event(path: str) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": {},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": path, "httpMethod": "GET", "requestId": "r-1", "path": path},
        "body": None,
        "isBase64Encoded": False,
    }


def build_app() -> Any:
    app = create_app("test")

    @app.route("/found")
    def found() -> dict[str, str]:
        return {"hello": "there"}

    @app.route("/missing")
    def missing() -> None:
        raise NotFoundError("no such thing")

    return app


@pytest.mark.parametrize("origin", ["", "https://d111.cloudfront.net"])
def test_answers_name_the_dashboard_origin_only_when_it_is_another_origin(
    origin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.from_env({"DASHBOARD_ORIGIN": origin + "/" if origin else ""})
    monkeypatch.setattr(http_app, "get_settings", lambda: settings)
    app = build_app()
    ok = app(proxy_event("/found"), None)
    refused = app(proxy_event("/missing"), None)
    assert ok["statusCode"] == 200 and json.loads(ok["body"]) == {"hello": "there"}
    assert refused["statusCode"] == 404
    assert json.loads(refused["body"])["error"]["message"] == "no such thing"
    for answer in (ok, refused):
        headers = {k.lower(): v for k, v in answer.get("headers", {}).items()}
        if origin:
            assert headers["access-control-allow-origin"] == origin
        else:
            assert "access-control-allow-origin" not in headers


def test_every_answer_tells_browsers_not_to_sniff_its_type() -> None:
    """JSON (and TwiML) must never be read as HTML or script: every answer says nosniff, the
    refusals and Chalice's own answers (an unsupported content type, a crash) included."""
    app: http_app.ServiceApp = build_app()

    @app.route("/form", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
    def form() -> dict[str, str]:
        return {}

    @app.route("/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    post = proxy_event("/form")
    wrong_type = {
        **post,
        "httpMethod": "POST",
        "requestContext": {**post["requestContext"], "httpMethod": "POST"},
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "body": "{}",
    }
    answers = [app(proxy_event(path), None) for path in ("/found", "/missing", "/crash")] + [app(wrong_type, None)]
    assert [answer["statusCode"] for answer in answers] == [200, 404, 500, 415]
    for answer in answers:
        headers = {k.lower(): v for k, v in answer.get("headers", {}).items()}
        assert headers["x-content-type-options"] == "nosniff", answer

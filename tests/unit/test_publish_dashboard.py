"""The dashboard's deployment: its runtime config comes from the stack, each file gets the right headers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "publish_dashboard", Path(__file__).resolve().parents[2] / "infra" / "deploy" / "publish_dashboard.py"
)
assert SPEC is not None and SPEC.loader is not None
publish_dashboard = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(publish_dashboard)

OUTPUTS = {
    "ApiUrl": "https://abc.execute-api.eu-west-3.amazonaws.com/prod/",
    "Region": "eu-west-3",
    "UserPoolId": "eu-west-3_AbC",
    "UserPoolClientId": "client123",
    "CognitoDomain": "cc-123.auth.eu-west-3.amazoncognito.com",
}


def test_runtime_config_names_this_stacks_api_and_user_pool() -> None:
    assert publish_dashboard.runtime_config(OUTPUTS) == {
        "apiBaseUrl": "https://abc.execute-api.eu-west-3.amazonaws.com/prod",
        "auth": {
            "mode": "cognito",
            "region": "eu-west-3",
            "userPoolId": "eu-west-3_AbC",
            "clientId": "client123",
            "domain": "cc-123.auth.eu-west-3.amazoncognito.com",
        },
    }


@pytest.mark.parametrize(
    ("key", "content_type", "cache"),
    [
        ("index.html", "text/html; charset=utf-8", "no-cache"),
        ("config.json", "application/json; charset=utf-8", "no-cache"),
        ("assets/index-3f9a.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        ("assets/index-77aa.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        ("favicon.svg", "image/svg+xml", "no-cache"),
    ],
)
def test_each_file_gets_its_type_and_caching(key: str, content_type: str, cache: str) -> None:
    headers = publish_dashboard.object_headers(key)
    assert headers == {"ContentType": content_type, "CacheControl": cache}


def test_missing_outputs_fail_loudly() -> None:
    with pytest.raises(KeyError):
        publish_dashboard.runtime_config({"ApiUrl": "https://x"})

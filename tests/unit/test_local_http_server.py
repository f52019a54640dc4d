"""The local stack's HTTP servers: a client gone before its answer is no server error."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from commcenter_local.http_server import LocalHTTPServer


@pytest.mark.parametrize("gone", [BrokenPipeError, ConnectionResetError])
def test_a_client_that_left_before_its_answer_prints_no_traceback(
    gone: type[ConnectionError], capsys: pytest.CaptureFixture[str]
) -> None:
    with LocalHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as server:
        try:
            raise gone("the browser navigated away")
        except ConnectionError:
            server.handle_error(None, ("127.0.0.1", server.port))  # type: ignore[arg-type]
    assert capsys.readouterr().err == ""


def test_any_other_fault_of_a_request_is_still_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with LocalHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as server:
        try:
            raise ValueError("a bug in a handler")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", server.port))  # type: ignore[arg-type]
    assert "ValueError: a bug in a handler" in capsys.readouterr().err

"""The threaded HTTP server under the local stack's gateway and dashboard site."""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from socket import socket
from typing import Any


class LocalHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: socket | tuple[bytes, socket], client_address: Any) -> None:
        # A browser that navigates away drops the requests it no longer needs: its answer has
        # nowhere to go, which is no fault of the server's, so no traceback for it.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

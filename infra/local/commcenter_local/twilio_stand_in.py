"""A local stand-in of Twilio's Messages and Recordings APIs, for the real clients to talk to.

It answers what Twilio answers (the message resource, Twilio's error body with its code), keeps
every message it accepted, and can be told how to answer the next creates: an error, or a
dropped connection after taking the message (the outcome a sender never learns).

The local stack runs one in sandbox mode (no Twilio account), so that the recordings and
voicemails `commcenter simulate` leaves are copied into the local bucket as Twilio's would be;
the tests run their own, told how to answer. Every recording is a real MP3 (`voicemail.mp3`,
five seconds of speech a browser plays), tagged with its sid so that no two are the same bytes.
`voicemail.mp3` was made once with Debian's espeak-ng and lame:
`espeak-ng -v en-us -s 155 -w voicemail.wav "Hi, this is a voicemail left on the local stack.
Please call me back."` then `lame -m m -b 16 --resample 16 voicemail.wav voicemail.mp3`.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from commcenter.channels.twilio_webhooks import requested_url
from commcenter.domain.clock import utc_now
from commcenter_local.simulate import sms_status

STATUS_PATH = "/twilio/sms/status"

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
RECORDING_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Recordings/(RE[0-9a-f]{32})\.(mp3|json)$")


@dataclass
class Behaviour:
    """How to answer one create: `ok`; `error` (status, code, message); `drop` (take the message,
    never answer); `drop_unsent` (never answer, never take it); `callback_first` (post the
    message's status callback, `message` naming the status, before answering the create)."""

    kind: str
    status: int = 201
    code: int | None = None
    message: str = ""


@dataclass
class TwilioStandIn:
    account_sid: str
    auth_token: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    creates: int = 0
    behaviours: deque[Behaviour] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    # Recordings: every valid sid has audio unless listed as missing; what was fetched and deleted.
    missing_recordings: set[str] = field(default_factory=set)
    fetched_paths: list[str] = field(default_factory=list)
    deleted_recordings: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer_next(self, *behaviours: Behaviour) -> None:
        self.behaviours.extend(behaviours)

    def start(self) -> TwilioStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                stand_in.handle_create(self)

            def do_GET(self) -> None:
                if RECORDING_PATH.match(urlparse(self.path).path):
                    stand_in.handle_recording(self)
                else:
                    stand_in.handle_list(self)

            def do_DELETE(self) -> None:
                stand_in.handle_recording(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def _authorised(self, request: BaseHTTPRequestHandler) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def handle_create(self, request: BaseHTTPRequestHandler) -> None:
        match = MESSAGES_PATH.match(urlparse(request.path).path)
        length = int(request.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode(), keep_blank_values=True).items()}
        if match is None or match.group(1) != self.account_sid:
            return _json(
                request, 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
            )
        if not self._authorised(request):
            return _json(request, 401, {"code": 20003, "message": "Authenticate", "status": 401})
        with self.lock:
            self.creates += 1
            behaviour = self.behaviours.popleft() if self.behaviours else Behaviour("ok")
        if behaviour.kind == "error":
            body = {
                "code": behaviour.code,
                "message": behaviour.message,
                "more_info": f"https://www.twilio.com/docs/errors/{behaviour.code}",
                "status": behaviour.status,
            }
            return _json(request, behaviour.status, body)
        if behaviour.kind == "drop_unsent":
            request.close_connection = True
            request.connection.close()
            return None
        resource = self._message(form)
        with self.lock:
            self.messages.append(resource)
        if behaviour.kind == "callback_first":
            callback = requested_url(str(form["StatusCallback"]))  # Twilio calls it without its fragment
            sms_status(
                callback.removesuffix(STATUS_PATH),
                self.auth_token,
                message_sid=resource["sid"],
                status=behaviour.message,
                from_number=str(form["From"]),
                to_number=str(form["To"]),
            ).raise_for_status()
        if behaviour.kind == "drop":
            # Twilio took the message, the sender never hears back.
            request.close_connection = True
            request.connection.close()
            return None
        return _json(request, 201, resource)

    def handle_recording(self, request: BaseHTTPRequestHandler) -> None:
        match = RECORDING_PATH.match(urlparse(request.path).path)
        if match is None or match.group(1) != self.account_sid or not self._authorised(request):
            return _json(request, 404, {"code": 20404, "message": "not found", "status": 404})
        sid = match.group(2)
        with self.lock:
            self.fetched_paths.append(f"{request.command} {request.path}")
        if sid in self.missing_recordings or sid in self.deleted_recordings:
            return _json(request, 404, {"code": 20404, "message": "not found", "status": 404})
        if request.command == "DELETE":
            with self.lock:
                self.deleted_recordings.append(sid)
            request.send_response(204)
            request.end_headers()
            return None
        audio = recording_audio(sid)
        request.send_response(200)
        request.send_header("Content-Type", "audio/mpeg")
        request.send_header("Content-Length", str(len(audio)))
        request.end_headers()
        request.wfile.write(audio)
        return None

    def handle_list(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        if MESSAGES_PATH.match(url.path) is None or not self._authorised(request):
            return _json(request, 404, {"code": 20404, "message": "not found", "status": 404})
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            found = [
                m
                for m in reversed(self.messages)
                if m["from"] == query.get("From", m["from"]) and m["to"] == query.get("To", m["to"])
            ]
        page_size = int(query.get("PageSize", "50"))
        return _json(
            request,
            200,
            {
                "messages": found[:page_size],
                "page": 0,
                "page_size": page_size,
                "next_page_uri": None,
                "previous_page_uri": None,
                "uri": url.path,
                "first_page_uri": url.path,
            },
        )

    def _message(self, form: dict[str, str]) -> dict[str, Any]:
        now = format_datetime(utc_now())
        return {
            "sid": "SM" + secrets.token_hex(16),
            "account_sid": self.account_sid,
            "from": form.get("From"),
            "to": form.get("To"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "error_code": None,
            "error_message": None,
            "api_version": "2010-04-01",
            "status_callback": form.get("StatusCallback"),
        }


def _json(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(data)))
    request.end_headers()
    request.wfile.write(data)


VOICEMAIL_MP3 = Path(__file__).with_name("voicemail.mp3")


def recording_audio(sid: str) -> bytes:
    """The bytes the stand-in serves for a recording: a playable MP3 whose ID3v1 tag (the
    trailing 128 bytes players read for a title) names the sid, so each recording differs."""
    title, artist = sid[:30], sid[30:60]
    tag = b"TAG" + _tag_field(title) + _tag_field(artist) + _tag_field("commcenter") + b"2026" + _tag_field("")
    return VOICEMAIL_MP3.read_bytes() + tag + b"\xff"  # genre: none


def _tag_field(text: str) -> bytes:
    return text.encode("latin-1")[:30].ljust(30, b"\x00")

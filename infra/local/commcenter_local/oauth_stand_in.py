"""A local OAuth 2.0 server standing in for Google's and Microsoft's sign-in, for the tests and
`make dev` ("Connect Google", "Connect Microsoft" without an account at either).

It serves, under `/google/` and `/microsoft/`, what commcenter uses of each provider:
- `authorize`: a click-through page ("sign in as ..., Allow or Cancel") that redirects to the
  client's `redirect_uri` with `code` and `state`, or with `error=access_denied`; an unknown
  client or a redirect URI it did not register is an error page (never a redirect), as at the
  providers;
- `token`: the `authorization_code` grant, checked as the providers check it (a code used once,
  within its minutes, for the client and redirect URI it was issued to, its PKCE S256 verifier),
  and the `refresh_token` grant; errors are RFC 6749's JSON (`invalid_grant`, `invalid_client`);
- `revoke`: a grant revoked (by its refresh or access token), as the rep does in their account.
Each keeps its provider's habits that a client can get wrong: Google gives a refresh token only
with `access_type=offline` and keeps it on refresh; Microsoft only with the `offline_access`
scope, and hands a new one on every refresh. The ID token names the account (`email`).

And, for the mail server: `/introspect` (RFC 7662: POST `token=...`, answered `{"active": true,
"email": ...}` while the access token is valid), which Dovecot's `oauth2` passdb calls to check
an XOAUTH2 login, and `/userinfo` (GET with the bearer token).

Tests drive it directly: `sign_in` plays the rep's click on the page (over HTTP), `revoke_account`
the rep removing commcenter's access, `expire_access_tokens` the passing of an hour.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import jwt
import requests

from commcenter_local.http_server import LocalHTTPServer

PROVIDERS = ("google", "microsoft")
CODE_SECONDS = 600  # an authorization code is good for ten minutes, once
ACCESS_TOKEN_SECONDS = 3600
LOCAL_CLIENT_ID = "commcenter-local"
LOCAL_CLIENT_SECRET = "commcenter-local-oauth-client-secret"  # noqa: S105 (the stand-in's own, known to the local stack only)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PATH = re.compile(r"^/(google|microsoft)/(authorize|token|revoke|userinfo)$")


@dataclass
class Client:
    secret: str
    # The redirect URIs registered for the client; empty: any http(s) URI (the local stack's
    # dashboard runs on a port chosen at start).
    redirect_uris: tuple[str, ...] = ()


@dataclass
class AuthorizationRequest:
    """A request the page shows, until the rep allows or cancels it."""

    provider: str
    client_id: str
    redirect_uri: str
    state: str | None
    scope: str
    code_challenge: str
    offline: bool
    login_hint: str


@dataclass
class Code:
    request: AuthorizationRequest
    email: str
    expires_at: float
    used: bool = False
    grant: Grant | None = None  # what the code gave, revoked if the code is replayed


@dataclass
class Grant:
    provider: str
    client_id: str
    email: str
    scope: str
    revoked: bool = False
    refresh_tokens: list[str] = field(default_factory=list)


@dataclass
class AccessToken:
    grant: Grant
    expires_at: float


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


@dataclass
class OAuthStandIn:
    clients: dict[str, Client] = field(default_factory=lambda: {LOCAL_CLIENT_ID: Client(LOCAL_CLIENT_SECRET)})
    access_token_seconds: int = ACCESS_TOKEN_SECONDS
    port: int = 0
    requests_: dict[str, AuthorizationRequest] = field(default_factory=dict)
    codes: dict[str, Code] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    # Every grant_type the token endpoint was asked for, in order (tests count the refreshes).
    token_requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: LocalHTTPServer | None = None

    # ------------------------------------------------------------ running

    @property
    def base_url(self) -> str:
        assert self.server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def introspection_url(self) -> str:
        return f"{self.base_url}/introspect"

    def start(self) -> OAuthStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                stand_in._answer(self)

            def do_POST(self) -> None:
                stand_in._answer(self)

        self.server = LocalHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, name="oauth-stand-in", daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def environment(self) -> dict[str, str]:
        """The settings that have the functions connect mailboxes through this stand-in (both
        providers, its own client)."""
        values = {"MAIL_OAUTH_BASE_URL": self.base_url}
        for provider in ("GOOGLE", "MICROSOFT"):
            values[f"{provider}_OAUTH_CLIENT_ID"] = LOCAL_CLIENT_ID
            values[f"{provider}_OAUTH_CLIENT_SECRET"] = LOCAL_CLIENT_SECRET
        return values

    def __enter__(self) -> OAuthStandIn:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # ------------------------------------------------------------ what tests do as the rep

    def sign_in(self, authorize_url: str, email: str, *, allow: bool = True) -> str:
        """See `sign_in` (this stand-in's page or another's: it is all HTTP)."""
        return sign_in(authorize_url, email, allow=allow)

    def revoke_account(self, email: str) -> None:
        """The rep removes commcenter's access from their account: every grant of `email` goes."""
        with self.lock:
            for grant in self.refresh_tokens.values():
                if grant.email == email.lower():
                    grant.revoked = True

    def expire_access_tokens(self) -> None:
        """An hour passes: every access token issued so far has expired."""
        with self.lock:
            for token in self.access_tokens.values():
                token.expires_at = 0

    # ------------------------------------------------------------ HTTP

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        query = _single(parse_qs(url.query, keep_blank_values=True))
        form: dict[str, str] = {}
        if request.command == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            form = _single(parse_qs(request.rfile.read(length).decode(), keep_blank_values=True))
        try:
            self._dispatch(request, url.path, query, form)
        except OAuthError as error:
            _json(request, error.status, {"error": error.error, "error_description": error.description})

    def _dispatch(
        self, request: BaseHTTPRequestHandler, path: str, query: dict[str, str], form: dict[str, str]
    ) -> None:
        post = request.command == "POST"
        match = PATH.match(path)
        if match is not None and match.group(2) == "authorize":
            if post:
                return self._consent(request, form)
            return self._authorize_page(request, match.group(1), query)
        status, body = self._api(request, match, path, form, post=post)
        return _json(request, status, body, no_store=path.endswith("/token"))

    def _api(
        self,
        request: BaseHTTPRequestHandler,
        match: re.Match[str] | None,
        path: str,
        form: dict[str, str],
        *,
        post: bool,
    ) -> tuple[int, dict[str, Any]]:
        """The JSON endpoints: the status and body of their answer."""
        if path == "/introspect" and post:
            return 200, self._introspect(form.get("token", ""))
        if match is None:
            return 404, {"error": "not_found"}
        provider, endpoint = match.groups()
        if endpoint == "userinfo":
            return 200, self._userinfo(request.headers.get("Authorization", ""))
        if not post:
            return 405, {"error": "method_not_allowed"}
        if endpoint == "token":
            return 200, self._token(provider, request, form)
        self._revoke(form.get("token", ""))
        return 200, {}

    def _authorize_page(self, request: BaseHTTPRequestHandler, provider: str, query: dict[str, str]) -> None:
        client = self.clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None:
            return _page(request, 400, "Error 401: invalid_client", "The OAuth client was not found.")
        if not _registered(client, redirect_uri):
            return _page(request, 400, "Error 400: redirect_uri_mismatch", "This redirect URI is not registered.")
        state = query.get("state")
        problem = _request_problem(query)
        if problem is not None:
            return _redirect(request, redirect_uri, {"error": "invalid_request", "error_description": problem}, state)
        scope = query["scope"]
        offline = query.get("access_type") == "offline" if provider == "google" else "offline_access" in scope.split()
        pending = AuthorizationRequest(
            provider=provider,
            client_id=query["client_id"],
            redirect_uri=redirect_uri,
            state=state,
            scope=scope,
            code_challenge=query["code_challenge"],
            offline=offline,
            login_hint=query.get("login_hint", ""),
        )
        request_id = secrets.token_urlsafe(16)
        with self.lock:
            self.requests_[request_id] = pending
        name = "Google" if provider == "google" else "Microsoft"
        body = (
            f"<p>commcenter asks to read, send and manage your mail ({html.escape(scope)}).</p>"
            f'<form method="post"><input type="hidden" name="request" value="{request_id}">'
            f'<label>Email <input name="email" type="email" required value="{html.escape(pending.login_hint)}">'
            "</label> "
            '<button name="decision" value="allow">Allow</button> '
            '<button name="decision" value="deny" formnovalidate>Cancel</button></form>'
        )
        return _page(request, 200, f"Sign in with {name} (local stand-in)", body)

    def _consent(self, request: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        with self.lock:
            pending = self.requests_.pop(form.get("request", ""), None)
        if pending is None:
            return _page(request, 400, "This sign-in expired", "Start again from commcenter.")
        if form.get("decision") != "allow":
            return _redirect(request, pending.redirect_uri, {"error": "access_denied"}, pending.state)
        email = form.get("email", "").strip().lower()
        if not EMAIL.match(email):
            return _page(request, 400, "Not an email address", html.escape(email))
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Code(request=pending, email=email, expires_at=time.time() + CODE_SECONDS)
        return _redirect(request, pending.redirect_uri, {"code": code}, pending.state)

    def _client_id(self, request: BaseHTTPRequestHandler, form: dict[str, str]) -> str:
        """The client authenticated by its secret, in the body or by HTTP Basic (RFC 6749 2.3.1)."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            raise OAuthError(401, "invalid_client", "The OAuth client was not found or its secret is wrong.")
        return client_id

    def _token(self, provider: str, request: BaseHTTPRequestHandler, form: dict[str, str]) -> dict[str, Any]:
        client_id = self._client_id(request, form)
        grant_type = form.get("grant_type", "")
        with self.lock:
            self.token_requests.append(grant_type)
            if grant_type == "authorization_code":
                return self._exchange(provider, client_id, form)
            if grant_type == "refresh_token":
                return self._refresh(provider, client_id, form.get("refresh_token", ""))
        raise OAuthError(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    def _exchange(self, provider: str, client_id: str, form: dict[str, str]) -> dict[str, Any]:
        code = self.codes.get(form.get("code", ""))
        if code is None or code.request.provider != provider or code.request.client_id != client_id:
            raise OAuthError(400, "invalid_grant", "Malformed auth code.")
        if code.used:
            # A replayed code: what it gave is revoked (RFC 6749 4.1.2).
            if code.grant is not None:
                code.grant.revoked = True
            raise OAuthError(400, "invalid_grant", "The authorization code was already redeemed.")
        code.used = True
        if code.expires_at < time.time():
            raise OAuthError(400, "invalid_grant", "The authorization code has expired.")
        if form.get("redirect_uri") != code.request.redirect_uri:
            raise OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request.")
        verifier = form.get("code_verifier", "")
        if not verifier or _challenge(verifier) != code.request.code_challenge:
            raise OAuthError(400, "invalid_grant", "The code_verifier does not match the code_challenge.")
        grant = Grant(provider=provider, client_id=client_id, email=code.email, scope=code.request.scope)
        code.grant = grant
        answer = self._access(grant)
        if code.request.offline:
            answer["refresh_token"] = self._new_refresh_token(grant)
        if "openid" in grant.scope.split():
            answer["id_token"] = self._id_token(grant)
        return answer

    def _refresh(self, provider: str, client_id: str, refresh_token: str) -> dict[str, Any]:
        grant = self.refresh_tokens.get(refresh_token)
        if grant is None or grant.provider != provider or grant.client_id != client_id or grant.revoked:
            raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        answer = self._access(grant)
        if provider == "microsoft":  # Microsoft hands a new refresh token on every refresh
            answer["refresh_token"] = self._new_refresh_token(grant)
        return answer

    def _access(self, grant: Grant) -> dict[str, Any]:
        token = secrets.token_urlsafe(32)
        self.access_tokens[token] = AccessToken(grant=grant, expires_at=time.time() + self.access_token_seconds)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.access_token_seconds,
            "scope": grant.scope,
        }

    def _new_refresh_token(self, grant: Grant) -> str:
        token = secrets.token_urlsafe(32)
        self.refresh_tokens[token] = grant
        grant.refresh_tokens.append(token)
        return token

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": f"{self.base_url}/{grant.provider}",
            "aud": grant.client_id,
            "sub": hashlib.sha256(grant.email.encode()).hexdigest()[:21],
            "email": grant.email,
            "email_verified": True,
            "iat": now,
            "exp": now + 3600,
        }
        if grant.provider == "microsoft":
            claims["preferred_username"] = grant.email
        return jwt.encode(claims, self.clients[grant.client_id].secret, algorithm="HS256")

    def _active(self, token: str) -> AccessToken | None:
        with self.lock:
            access = self.access_tokens.get(token)
        if access is None or access.grant.revoked or access.expires_at <= time.time():
            return None
        return access

    def _introspect(self, token: str) -> dict[str, Any]:
        access = self._active(token)
        if access is None:
            return {"active": False}
        grant = access.grant
        return {
            "active": True,
            "email": grant.email,
            "username": grant.email,
            "scope": grant.scope,
            "client_id": grant.client_id,
            "exp": int(access.expires_at),
            "token_type": "Bearer",
        }

    def _userinfo(self, authorization: str) -> dict[str, Any]:
        access = self._active(authorization.removeprefix("Bearer ").strip())
        if access is None:
            raise OAuthError(401, "invalid_token", "The access token is not valid.")
        return {"sub": hashlib.sha256(access.grant.email.encode()).hexdigest()[:21], "email": access.grant.email}

    def _revoke(self, token: str) -> None:
        with self.lock:
            grant = self.refresh_tokens.get(token)
            if grant is None and token in self.access_tokens:
                grant = self.access_tokens[token].grant
            if grant is not None:
                grant.revoked = True


def sign_in(authorize_url: str, email: str, *, allow: bool = True) -> str:
    """The rep opens `authorize_url` (a stand-in's sign-in page), signs in as `email` and allows
    (or cancels): the address the browser is then sent to (the client's redirect URI with `code`
    and `state`, or `error`). Over HTTP, as a browser would."""
    page = requests.get(authorize_url, timeout=10, allow_redirects=False)
    found = re.search(r'name="request" value="([^"]+)"', page.text)
    if page.status_code != 200 or found is None:
        raise AssertionError(f"the sign-in page did not open ({page.status_code}): {page.text[:300]}")
    answer = requests.post(
        authorize_url.split("?", 1)[0],
        data={"request": found.group(1), "email": email, "decision": "allow" if allow else "deny"},
        timeout=10,
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise AssertionError(f"the sign-in did not redirect ({answer.status_code}): {answer.text[:300]}")
    return str(answer.headers["Location"])


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def _request_problem(query: dict[str, str]) -> str | None:
    """What is wrong with an authorization request whose client and redirect URI are known."""
    if query.get("response_type") != "code":
        return "response_type must be code"
    if not query.get("scope"):
        return "scope is required"
    if not query.get("code_challenge") or query.get("code_challenge_method") != "S256":
        return "PKCE is required: code_challenge with code_challenge_method=S256"
    return None


def _registered(client: Client, redirect_uri: str) -> bool:
    if client.redirect_uris:
        return redirect_uri in client.redirect_uris
    return urlparse(redirect_uri).scheme in ("http", "https") and bool(urlparse(redirect_uri).netloc)


def _single(values: dict[str, list[str]]) -> dict[str, str]:
    return {key: items[0] for key, items in values.items()}


def _redirect(request: BaseHTTPRequestHandler, redirect_uri: str, params: dict[str, str], state: str | None) -> None:
    if state is not None:
        params = {**params, "state": state}
    parts = urlparse(redirect_uri)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    request.send_response(302)
    request.send_header("Location", urlunparse(parts._replace(query=query)))
    request.send_header("Content-Length", "0")
    request.end_headers()


def _json(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any], *, no_store: bool = False) -> None:
    data = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(data)))
    if no_store:
        request.send_header("Cache-Control", "no-store")
    request.end_headers()
    request.wfile.write(data)


def _page(request: BaseHTTPRequestHandler, status: int, title: str, body: str) -> None:
    data = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    ).encode()
    request.send_response(status)
    request.send_header("Content-Type", "text/html; charset=utf-8")
    request.send_header("Content-Length", str(len(data)))
    request.end_headers()
    request.wfile.write(data)

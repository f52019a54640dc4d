"""Google's and Microsoft's OAuth 2.0 endpoints, as a client of the authorization-code flow with
PKCE (RFC 6749, RFC 7636) that reads and sends mail by IMAP and SMTP.

This is the only module that talks to the providers' sign-in services: it builds the address the
rep is sent to, and exchanges a code or a refresh token for tokens at the token endpoint. What a
provider refuses is an `OAuthRefused` naming RFC 6749's error code (`invalid_grant`: the grant
was revoked or expired, or the code was used or is unknown); a provider that cannot be reached is
a `MailError` with plain words, as a mail server that cannot be reached is.

The client is a confidential one (commcenter exchanges the code on its server): its id comes from
the template's parameters, its secret from SSM. Locally, `MAIL_OAUTH_BASE_URL` points both
providers at the local stand-in (`commcenter_local.oauth_stand_in`), which serves the same paths
under `/google/` and `/microsoft/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode, urlparse

import msgspec

from commcenter.channels.stack_secrets import stack_secret
from commcenter.domain.clock import utc_now
from commcenter.domain.mailboxes import MailError
from commcenter.errors import ConfigurationError
from commcenter.settings import Settings, get_settings

if TYPE_CHECKING:
    import requests

OAuthProvider = Literal["google", "microsoft"]
OAUTH_PROVIDERS: tuple[OAuthProvider, ...] = ("google", "microsoft")
PROVIDER_NAMES: dict[OAuthProvider, str] = {"google": "Google", "microsoft": "Microsoft"}

# A call to the token endpoint must end well inside the API function's 15 s timeout.
TOKEN_TIMEOUT_SECONDS = 8

# What each provider is asked for: its mail over IMAP and SMTP (Google's one scope covers both),
# a refresh token (Google: `access_type=offline`; Microsoft: the `offline_access` scope), and the
# account's address in the ID token (`openid email`), the user name of the XOAUTH2 login.
_SCOPES: dict[OAuthProvider, str] = {
    "google": "https://mail.google.com/ openid email",
    "microsoft": (
        "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send "
        "offline_access openid email"
    ),
}
# `prompt=consent`: Google hands a refresh token only when the rep consents, not when a grant
# already exists; a reconnect must get a new one.
_EXTRA: dict[OAuthProvider, dict[str, str]] = {
    "google": {"access_type": "offline", "prompt": "consent"},
    "microsoft": {"prompt": "select_account"},
}


@dataclass(frozen=True, slots=True)
class ProviderEndpoints:
    authorize_url: str
    token_url: str
    revoke_url: str | None  # Microsoft has none: the rep removes the access in their account


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """What the token endpoint answered."""

    access_token: str
    expires_at: int  # epoch seconds
    refresh_token: str | None  # None on a refresh that keeps the same one (Google)
    id_claims: dict[str, Any]  # the ID token's claims ({} without one)


class OAuthRefused(Exception):
    """The provider refused the request; `error` is RFC 6749's code (5.2)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class _TokenAnswer(msgspec.Struct):
    access_token: str
    expires_in: int = 3600
    refresh_token: str | None = None
    id_token: str | None = None


class _ErrorAnswer(msgspec.Struct):
    error: str
    error_description: str = ""


def endpoints(provider: OAuthProvider, settings: Settings | None = None) -> ProviderEndpoints:
    settings = settings or get_settings()
    if settings.mail_oauth_base_url:
        base = f"{settings.mail_oauth_base_url}/{provider}"
        return ProviderEndpoints(
            f"{base}/authorize", f"{base}/token", f"{base}/revoke" if provider == "google" else None
        )
    if provider == "google":
        return ProviderEndpoints(
            "https://accounts.google.com/o/oauth2/v2/auth",
            "https://oauth2.googleapis.com/token",
            "https://oauth2.googleapis.com/revoke",
        )
    base = f"https://login.microsoftonline.com/{settings.microsoft_oauth_tenant}/oauth2/v2.0"
    return ProviderEndpoints(f"{base}/authorize", f"{base}/token", None)


def client_id(provider: OAuthProvider, settings: Settings | None = None) -> str | None:
    """The client id of `provider`, None when this stack is not set up to connect to it."""
    settings = settings or get_settings()
    return settings.google_oauth_client_id if provider == "google" else settings.microsoft_oauth_client_id


def _client(provider: OAuthProvider) -> tuple[str, str]:
    settings = get_settings()
    identifier = client_id(provider, settings)
    if provider == "google":
        secret = stack_secret(settings.google_oauth_client_secret, settings.google_oauth_client_secret_parameter)
    else:
        secret = stack_secret(settings.microsoft_oauth_client_secret, settings.microsoft_oauth_client_secret_parameter)
    if not identifier or not secret:
        raise ConfigurationError(
            f"Connecting {PROVIDER_NAMES[provider]} is not set up: set the stack's "
            f"{PROVIDER_NAMES[provider]}OAuthClientId and the client secret's SSM parameter"
        )
    return identifier, secret


def authorize_url(
    provider: OAuthProvider, *, state: str, code_challenge: str, redirect_uri: str, login_hint: str | None
) -> str:
    """The provider's sign-in page for this connection (PKCE S256)."""
    identifier = client_id(provider)
    if not identifier:
        raise ConfigurationError(f"Connecting {PROVIDER_NAMES[provider]} is not set up: no client id")
    params = {
        "response_type": "code",
        "client_id": identifier,
        "redirect_uri": redirect_uri,
        "scope": _SCOPES[provider],
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
        **_EXTRA[provider],
    }
    if login_hint:
        params["login_hint"] = login_hint
    return f"{endpoints(provider).authorize_url}?{urlencode(params)}"


def exchange_code(provider: OAuthProvider, *, code: str, code_verifier: str, redirect_uri: str) -> TokenGrant:
    """The tokens of the grant the rep just gave (the code from the redirect, once)."""
    return _token_request(
        provider,
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": code_verifier,
            "redirect_uri": redirect_uri,
        },
    )


def refresh(provider: OAuthProvider, refresh_token: str) -> TokenGrant:
    """A new access token from the grant's refresh token (and, at Microsoft, a new refresh token)."""
    return _token_request(provider, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def revoke(provider: OAuthProvider, token: str) -> bool:
    """Revoke the grant of `token` where the provider allows it (Google); False where it cannot
    be done from here (Microsoft) or failed. Never raises: forgetting the token is what counts."""
    url = endpoints(provider).revoke_url
    if url is None:
        return False
    import requests

    try:
        answer = requests.post(url, data={"token": token}, timeout=TOKEN_TIMEOUT_SECONDS)
    except requests.RequestException:
        return False
    return bool(answer.status_code == 200)


def _token_request(provider: OAuthProvider, form: dict[str, str]) -> TokenGrant:
    # Imported on use: requests costs the API's cold start some 50 ms, and only a connection
    # (or a poll's refresh, once an hour) needs it.
    import requests

    identifier, secret = _client(provider)
    url = endpoints(provider).token_url
    try:
        answer = requests.post(
            url,
            data={**form, "client_id": identifier, "client_secret": secret},
            headers={"Accept": "application/json"},
            timeout=TOKEN_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise _unreachable(provider, url, error) from None
    if answer.status_code == 200:
        try:
            token = msgspec.json.decode(answer.content, type=_TokenAnswer, strict=False)
        except msgspec.ValidationError:
            raise _odd_answer(provider, answer) from None
        return TokenGrant(
            access_token=token.access_token,
            expires_at=_now() + token.expires_in,
            refresh_token=token.refresh_token,
            id_claims=_claims(token.id_token, identifier),
        )
    if 400 <= answer.status_code < 500:
        try:
            refused = msgspec.json.decode(answer.content, type=_ErrorAnswer)
        except msgspec.ValidationError:
            raise _odd_answer(provider, answer) from None
        raise OAuthRefused(refused.error, refused.error_description)
    raise MailError(
        "connect",
        f"{PROVIDER_NAMES[provider]}'s sign-in service answered with an error (HTTP {answer.status_code}): "
        "it will be tried again",
    )


def _claims(id_token: str | None, audience: str) -> dict[str, Any]:
    """The ID token's claims. Its signature is not checked: it came straight from the token
    endpoint over TLS, which OpenID Connect Core (3.1.3.7) accepts in place of the signature;
    the audience is still checked to be this client."""
    if not id_token:
        return {}
    import jwt

    try:
        claims: dict[str, Any] = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    audiences = claims.get("aud")
    if audience not in (audiences if isinstance(audiences, list) else [audiences]):
        return {}
    return claims


def _odd_answer(provider: OAuthProvider, answer: requests.Response) -> MailError:
    return MailError(
        "protocol",
        f"{PROVIDER_NAMES[provider]}'s sign-in service gave an answer that is not OAuth 2.0 "
        f"(HTTP {answer.status_code})",
    )


def _unreachable(provider: OAuthProvider, url: str, error: requests.RequestException) -> MailError:
    import requests

    host = urlparse(url).hostname or url
    name = f"{PROVIDER_NAMES[provider]}'s sign-in service ({host})"
    if isinstance(error, requests.exceptions.SSLError):
        return MailError("tls", f"The certificate of {name} could not be verified")
    if isinstance(error, requests.exceptions.Timeout):
        return MailError("timeout", f"{name} did not answer in time")
    if "NameResolutionError" in repr(error) or "Name or service not known" in str(error):
        return MailError("dns", f"The name of {name} does not resolve")
    return MailError("connect", f"{name} could not be reached")


def _now() -> int:
    return int(utc_now().timestamp())

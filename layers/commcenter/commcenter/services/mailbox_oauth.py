"""Connecting a rep's mailbox with Google or Microsoft: OAuth 2.0's authorization code with PKCE.

Google Workspace and Microsoft 365 no longer take passwords over IMAP. "Connect Google" asks
`start` for the provider's sign-in address: a `state` (which connection the answer belongs to)
and a PKCE verifier are kept for ten minutes in the rep's mailbox (`oauth#{state}`); the rep
signs in there and is sent back to the dashboard with `code` and `state`, which hands them to
`finish`. That takes the state (once, only the rep's own), exchanges the code with the verifier,
keeps the grant's refresh token in the rep's mailbox secret (Secrets Manager) and saves the
mailbox as the provider's (its IMAP and SMTP servers, the account's address from the ID token).

The mailbox is then logged in to with XOAUTH2 and an access token, which `login_for` refreshes
when it expires within a minute (and stores back, so a warm poll does not refresh every minute).
A grant the rep revoked, or that expired, is `MailError("reconnect")`: the dashboard shows
"Reconnect" on the mailbox, and the poll waits for the rep instead of stopping in silence.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import urlparse

import msgspec

from commcenter.channels import oauth_client
from commcenter.channels.mail_transport import MailLogin, OAuthLogin, PasswordLogin
from commcenter.channels.oauth_client import PROVIDER_NAMES, OAuthProvider, OAuthRefused
from commcenter.data import mailbox_secrets, mailboxes
from commcenter.domain.clock import now_iso, utc_now
from commcenter.domain.mailboxes import DEFAULT_FIRST_SYNC_DAYS, MailboxSettings, MailError, ServerEndpoint
from commcenter.domain.reps import Rep
from commcenter.errors import BusyError, ConfigurationError, ConflictError, ValidationError
from commcenter.settings import get_settings

STATE_SECONDS = 600  # a connection must be finished within ten minutes of its start
# An access token that expires within this many seconds is refreshed before a login: an IMAP
# session opened with it must not outlive it in the middle of a poll.
REFRESH_MARGIN_SECONDS = 60
MAX_REDIRECT_URI_CHARS = 2000
MAX_CODE_CHARS = 4096
STATE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
SAVE_ATTEMPTS = 3
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# The servers of each provider's mailboxes (Google: IMAPS and SMTPS; Microsoft 365: IMAPS and
# submission with STARTTLS).
PROVIDER_SERVERS: dict[OAuthProvider, tuple[ServerEndpoint, ServerEndpoint]] = {
    "google": (ServerEndpoint("imap.gmail.com", 993, "tls"), ServerEndpoint("smtp.gmail.com", 465, "tls")),
    "microsoft": (
        ServerEndpoint("outlook.office365.com", 993, "tls"),
        ServerEndpoint("smtp.office365.com", 587, "starttls"),
    ),
}


class OAuthStartInput(msgspec.Struct, forbid_unknown_fields=True):
    provider: OAuthProvider
    redirect_uri: str  # where the provider sends the rep back (the dashboard's own page)


class OAuthStartView(msgspec.Struct):
    authorize_url: str  # the provider's sign-in page, to open in the rep's browser


class OAuthFinishInput(msgspec.Struct, forbid_unknown_fields=True):
    state: str
    code: str


def available_providers() -> list[OAuthProvider]:
    """The providers this stack can connect (a client id is configured for each)."""
    return [provider for provider in oauth_client.OAUTH_PROVIDERS if oauth_client.client_id(provider)]


def code_challenge(verifier: str) -> str:
    """PKCE's S256 challenge of `verifier` (RFC 7636, 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def start(rep: Rep, provider: str, redirect_uri: str) -> OAuthStartView:
    """Begin connecting `rep`'s mailbox with `provider`: the address of its sign-in page.

    `redirect_uri` must be a page of the dashboard (its origin, when the stack knows it): the
    code the provider sends there is worth the rep's mail. A 400 names the wrong field."""
    known = _provider(provider)
    uri = _checked_redirect_uri(redirect_uri)
    if not oauth_client.client_id(known):
        raise ValidationError(
            f"Connecting {PROVIDER_NAMES[known]} is not set up on this installation",
            {"provider": "not set up"},
        )
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters of RFC 7636's alphabet
    now = int(utc_now().timestamp())
    mailboxes.save_oauth_state(
        rep.id,
        state,
        {"provider": known, "verifier": verifier, "redirect_uri": uri},
        expires_at=now + STATE_SECONDS,
    )
    url = oauth_client.authorize_url(
        known, state=state, code_challenge=code_challenge(verifier), redirect_uri=uri, login_hint=rep.email
    )
    return OAuthStartView(authorize_url=url)


def finish(rep: Rep, state: str, code: str) -> MailboxSettings:
    """Finish the connection `state` of `rep` with the provider's `code`: the grant kept in the
    rep's mailbox secret, the mailbox saved as the provider's. A state that is not this rep's,
    was finished already or is older than ten minutes, and a code the provider refuses, are a
    400 that changes nothing stored (the rep connects again)."""
    if not STATE_PATTERN.match(state):
        raise ValidationError("This is not a connection commcenter started", {"state": "malformed"})
    if not code or len(code) > MAX_CODE_CHARS:
        raise ValidationError("The provider's answer has no usable code", {"code": "missing or too long"})
    pending = mailboxes.take_oauth_state(rep.id, state, now=int(utc_now().timestamp()))
    if pending is None:
        raise ValidationError(
            "This connection was not started here, is finished already, or is more than ten minutes old: connect again",
            {"state": "unknown or expired"},
        )
    provider = _provider(str(pending.get("provider")))
    name = PROVIDER_NAMES[provider]
    grant = _exchanged(provider, code, pending)
    if not grant.refresh_token:
        raise ValidationError(
            f"{name} gave no lasting access to the mailbox: connect again and allow access",
            {"code": "no refresh token"},
        )
    address = _account_address(grant.id_claims)
    if address is None:
        raise ValidationError(f"{name} did not say which account signed in: connect again", {"code": "no email"})
    mailbox_secrets.put(
        rep.id,
        {
            "provider": provider,
            "refresh_token": grant.refresh_token,
            "access_token": grant.access_token,
            "expires_at": grant.expires_at,
        },
    )
    saved = _save_provider_settings(rep.id, provider, address)
    _forget_reconnect(rep.id)
    return saved


def login_for(settings: MailboxSettings, *, renew: bool = False) -> MailLogin:
    """How to log in to `settings`' mailbox, whatever its kind: the poll and the connection test
    call this one function. A password mailbox: its stored password. A Google or Microsoft one:
    an access token for XOAUTH2, refreshed when it expires within a minute (and stored back).

    A `MailError` when it cannot: `login` (no password stored), `reconnect` (no grant, or the
    provider says it was revoked or expired: only the rep can connect again), or a provider out
    of reach (`connect`, `timeout`, `dns`, `tls`) or refusing this stack's client (`protocol`),
    which the poll tries again later.

    `renew`: refresh the access token even if the stored one has not expired, for a caller whose
    login with it the mail server refused (a grant revoked since: the refresh then says so)."""
    secret = mailbox_secrets.get(settings.rep_id)
    if settings.auth == "password":
        password = (secret or {}).get("password")
        if not isinstance(password, str) or not password:
            raise MailError("login", "No password is stored for this mailbox: enter it in Settings, Mailbox")
        return PasswordLogin(username=settings.username, password=password)
    provider = _provider(settings.auth)
    return OAuthLogin(
        username=settings.username, access_token=_access_token(settings.rep_id, provider, secret, renew=renew)
    )


def _access_token(
    rep_id: str, provider: OAuthProvider, secret: dict[str, Any] | None, *, renew: bool = False, again: bool = True
) -> str:
    name = PROVIDER_NAMES[provider]
    refresh_token = (secret or {}).get("refresh_token")
    if secret is None or secret.get("provider") != provider or not isinstance(refresh_token, str) or not refresh_token:
        raise MailError("reconnect", f"The {name} account is not connected: connect it again")
    valid = None if renew else _valid_access_token(secret)
    if valid is not None:
        return valid
    try:
        grant = oauth_client.refresh(provider, refresh_token)
    except OAuthRefused as refused:
        if refused.error != "invalid_grant":
            raise MailError(
                "protocol",
                f"{name} refused this installation's OAuth client ({refused.error}): an administrator must check it",
            ) from None
        # The rep may have connected again from another process: this one's copy of the secret
        # would be older than the grant that replaced it.
        newer = mailbox_secrets.get(rep_id, fresh=True) if again else None
        if newer is not None and newer.get("refresh_token") != refresh_token:
            return _access_token(rep_id, provider, newer, again=False)
        raise MailError("reconnect", f"The {name} account's access was revoked or expired: connect it again") from None
    except ConfigurationError as error:
        raise MailError("protocol", error.message) from None
    mailbox_secrets.put(
        rep_id,
        {
            **secret,
            "access_token": grant.access_token,
            "expires_at": grant.expires_at,
            # Microsoft hands a new refresh token on each refresh; Google keeps the first.
            "refresh_token": grant.refresh_token or refresh_token,
        },
    )
    return grant.access_token


def _valid_access_token(secret: dict[str, Any]) -> str | None:
    """The stored access token, unless it expires within the margin."""
    access_token, expires_at = secret.get("access_token"), secret.get("expires_at")
    if not isinstance(access_token, str) or not access_token or not isinstance(expires_at, int | float):
        return None
    return access_token if expires_at > utc_now().timestamp() + REFRESH_MARGIN_SECONDS else None


def _exchanged(provider: OAuthProvider, code: str, pending: dict[str, Any]) -> oauth_client.TokenGrant:
    name = PROVIDER_NAMES[provider]
    try:
        return oauth_client.exchange_code(
            provider,
            code=code,
            code_verifier=str(pending.get("verifier")),
            redirect_uri=str(pending.get("redirect_uri")),
        )
    except OAuthRefused as refused:
        if refused.error in ("invalid_grant", "invalid_request"):
            raise ValidationError(
                f"{name} did not accept this sign-in ({refused.description or refused.error}): connect again",
                {"code": f"refused by {name}"},
            ) from None
        raise ConfigurationError(
            f"{name} refused this installation's OAuth client ({refused.error}): an administrator must check "
            f"its {name} client id and secret"
        ) from None
    except MailError as error:
        raise BusyError(f"{error.message}: connect again in a moment", code="provider_unreachable") from None


def _save_provider_settings(rep_id: str, provider: OAuthProvider, address: str) -> MailboxSettings:
    """The mailbox saved as `provider`'s account `address`, whatever it was before (its first
    sync window kept): the rep's choice is the newest, so a change made meanwhile is read again
    and replaced, a few times at most."""
    imap, smtp = PROVIDER_SERVERS[provider]
    for _ in range(SAVE_ATTEMPTS):
        current = mailboxes.get_settings(rep_id)
        now = now_iso()
        wanted = MailboxSettings(
            rep_id=rep_id,
            address=address,
            username=address,
            auth=provider,
            imap=imap,
            smtp=smtp,
            first_sync_days=current.first_sync_days if current else DEFAULT_FIRST_SYNC_DAYS,
            created_at=current.created_at if current and current.created_at else now,
            updated_at=now,
            version=current.version if current else 0,
        )
        try:
            return mailboxes.save_settings(wanted)
        except ConflictError:
            continue
    raise ConflictError("the mailbox settings kept changing meanwhile: connect again")


def _forget_reconnect(rep_id: str) -> None:
    """A new grant answers a "reconnect": the mailbox is polled at the next run, not after its
    backoff, and the dashboard no longer asks the rep to reconnect."""
    health = mailboxes.get_health(rep_id)
    if health.error_kind == "reconnect" or health.retry_at is not None:
        mailboxes.save_health(
            rep_id,
            msgspec.structs.replace(health, error_kind=None, error=None, error_since=None, failures=0, retry_at=None),
        )


def _account_address(claims: dict[str, Any]) -> str | None:
    """The signed-in account's address: the ID token's `email` (Microsoft: else the
    `preferred_username`, the account's sign-in name, which is its address)."""
    for claim in ("email", "preferred_username"):
        value = claims.get(claim)
        if isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            return value.lower()
    return None


def _provider(provider: str) -> OAuthProvider:
    for known in oauth_client.OAUTH_PROVIDERS:
        if provider == known:
            return known
    raise ValidationError("provider must be google or microsoft", {"provider": "unknown"})


def _checked_redirect_uri(redirect_uri: str) -> str:
    """`redirect_uri` if it may receive the code: an absolute https address (http on this
    machine only), without a fragment, on the dashboard's origin when the stack knows it."""
    if len(redirect_uri) > MAX_REDIRECT_URI_CHARS:
        raise ValidationError("redirect_uri is too long", {"redirect_uri": "too long"})
    parts = urlparse(redirect_uri)
    loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not (parts.scheme == "https" or loopback) or not parts.netloc or parts.fragment or parts.username:
        raise ValidationError(
            "redirect_uri must be an https address of the dashboard", {"redirect_uri": "not an https address"}
        )
    origin = get_settings().dashboard_origin
    if origin and f"{parts.scheme}://{parts.netloc}" != origin:
        raise ValidationError(
            "redirect_uri must be a page of the dashboard", {"redirect_uri": "not the dashboard's origin"}
        )
    return redirect_uri

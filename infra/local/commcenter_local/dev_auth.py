"""Development sign-in: the local gateway's stand-in for API Gateway's Cognito authorizer.

A development token is a JWT signed with a secret of this machine's local stack, carrying the
claims a Cognito ID token carries (`sub`, `email`, `email_verified`, `cognito:username`,
`token_use`). The gateway hands them to the functions as API Gateway's Cognito authorizer does:
every value a string (`authorizer_claims`).
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import jwt

ISSUER = "commcenter-local"
ALGORITHM = "HS256"
TOKEN_HOURS = 12
SECRET_FILE = "dev-token-secret"  # noqa: S105 (a file name, not a secret)
TWILIO_TOKEN_FILE = "twilio-auth-token"  # noqa: S105 (a file name, not a secret)


def token_secret(data_dir: Path) -> str:
    """`DEV_TOKEN_SECRET`, else a secret generated once into the data folder (readable by its owner only)."""
    return os.environ.get("DEV_TOKEN_SECRET") or local_secret(data_dir, SECRET_FILE)


def local_secret(data_dir: Path, name: str) -> str:
    """A secret generated once into the data folder (readable by its owner only), then reused."""
    path = data_dir / name
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret)
    return secret


def issue_token(
    email: str,
    data_dir: Path,
    hours: float = TOKEN_HOURS,
    *,
    sub: str | None = None,
    email_verified: bool = True,
    secret: str | None = None,
) -> str:
    """A token for the user pool's user `sub` (by default one derived from the email, so that a
    rep keeps one identity across tokens) whose email claim is `email`, verified or not; signed
    with `secret` (a running stack's), else the data folder's (`token_secret`)."""
    now = int(time.time())
    user = sub or str(uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{email.lower()}"))
    claims = {
        "sub": user,
        "email": email,  # as the user pool keeps it: in the case it was typed
        "email_verified": email_verified,
        "cognito:username": user,
        "token_use": "id",
        "iss": ISSUER,
        "iat": now,
        "exp": now + int(hours * 3600),
    }
    return jwt.encode(claims, secret or token_secret(data_dir), algorithm=ALGORITHM)


def verify_token(token: str, secret: str) -> dict[str, Any] | None:
    """The token's claims, or None when it is not a valid, unexpired token of this stack."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "email", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    return dict(claims)


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """The claims as API Gateway's Cognito authorizer puts them in `requestContext.authorizer`:
    every value a string (`"true"` for a boolean, a number's digits)."""
    return {name: _claim_text(value) for name, value in claims.items()}


def _claim_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)

"""Each rep's mailbox secret, in Secrets Manager (locally, the same API served by the local stack).

One secret per rep, named `{MAILBOX_SECRETS_PREFIX}{rep_id}`, holding JSON: `{"password": ...}`
for a password or app password, `{"refresh_token": ..., "provider": ...}` for an OAuth grant
(with the last access token and its expiry, so that a warm poll does not refresh it each
minute). Reads go through powertools' Parameters with a short cache; a write drops this
process's cached copy, so the process that changed a secret reads it back at once and the
others within `SECRET_MAX_AGE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import json
from functools import cache
from typing import Any

from commcenter.errors import ConfigurationError
from commcenter.settings import get_settings

SECRET_MAX_AGE_SECONDS = 300


def secret_name(rep_id: str) -> str:
    return f"{get_settings().mailbox_secrets_prefix}{rep_id}"


@cache
def _client() -> Any:
    # Imported on use: boto3 costs the cold start of functions that never read a secret.
    import boto3

    settings = get_settings()
    return boto3.client("secretsmanager", region_name=settings.region, endpoint_url=settings.secrets_endpoint)


@cache
def _provider() -> Any:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=_client())


def get(rep_id: str, *, fresh: bool = False) -> dict[str, Any] | None:
    """The rep's mailbox secret, or None when none is stored. `fresh`: read from Secrets Manager
    even if this process holds a copy (another process may have changed it since)."""
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    try:
        value = _provider().get(
            secret_name(rep_id), transform="json", max_age=SECRET_MAX_AGE_SECONDS, force_fetch=fresh
        )
    except GetParameterError as error:
        if "ResourceNotFoundException" in str(error):
            return None
        raise ConfigurationError(f"the mailbox secret could not be read: {error}") from error
    return value if isinstance(value, dict) else None


def put(rep_id: str, secret: dict[str, Any]) -> None:
    """Store the rep's mailbox secret (create it, or add a new version)."""
    client = _client()
    name = secret_name(rep_id)
    text = json.dumps(secret, separators=(",", ":"))
    try:
        client.put_secret_value(SecretId=name, SecretString=text)
    except client.exceptions.ResourceNotFoundException:
        try:
            client.create_secret(Name=name, SecretString=text, Description="A rep's mailbox secret (commcenter)")
        except client.exceptions.ResourceExistsException:
            # Created meanwhile by another request: this one's value is the newer.
            client.put_secret_value(SecretId=name, SecretString=text)
    _forget(name)


def delete(rep_id: str) -> None:
    """Delete the rep's mailbox secret at once (no recovery window: the rep disconnected it)."""
    client = _client()
    name = secret_name(rep_id)
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
        client.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    _forget(name)


def _forget(name: str) -> None:
    """Drop this process's cached copy of `name` (powertools caches by name and transform)."""
    store = _provider().store  # keyed by (name, transform, ...)
    for key in [key for key in store if key and key[0] == name]:
        store.pop(key, None)

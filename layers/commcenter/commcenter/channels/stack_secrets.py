"""The stack's own secrets (Twilio's auth token, an OAuth client's secret): the environment
locally, an SSM SecureString in AWS, whose name the template passes."""

from __future__ import annotations

# Cached inside the warm function; a rotated secret is picked up within this many seconds.
SECRET_MAX_AGE_SECONDS = 300


def stack_secret(value: str | None, parameter: str | None) -> str | None:
    """A secret from the environment (local), else from its SSM SecureString (AWS), cached."""
    if value:
        return value
    if parameter:
        # Imported on use: powertools' parameters pull in boto3, which the cold start should not pay for.
        from aws_lambda_powertools.utilities.parameters import get_parameter

        stored = get_parameter(parameter, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS)
        if isinstance(stored, str) and stored:
            return stored
    return None

"""Where Twilio secrets come from: SSM Parameter Store in AWS, the environment locally."""

from __future__ import annotations

from commcenter.errors import ConfigurationError
from commcenter.settings import get_settings

# Cached inside the warm function; a rotated token is picked up within this many seconds.
TOKEN_MAX_AGE_SECONDS = 300


def twilio_auth_token() -> str:
    settings = get_settings()
    value = _secret(settings.twilio_auth_token, settings.twilio_auth_token_parameter)
    if value is None:
        raise ConfigurationError("no Twilio auth token: set TWILIO_AUTH_TOKEN or TWILIO_AUTH_TOKEN_PARAMETER")
    return value


def twilio_api_key_secret() -> str | None:
    """The secret of the API key that signs Voice access tokens; None when none is configured."""
    settings = get_settings()
    return _secret(settings.twilio_api_key_secret, settings.twilio_api_key_secret_parameter)


def _secret(value: str | None, parameter: str | None) -> str | None:
    """A secret from the environment (local), else from its SSM SecureString (AWS), cached."""
    if value:
        return value
    if parameter:
        # Imported on use: powertools' parameters pull in boto3, which the cold start should not pay for.
        from aws_lambda_powertools.utilities.parameters import get_parameter

        stored = get_parameter(parameter, decrypt=True, max_age=TOKEN_MAX_AGE_SECONDS)
        if isinstance(stored, str) and stored:
            return stored
    return None

"""Where the Twilio auth token comes from: SSM Parameter Store in AWS, the environment locally."""

from __future__ import annotations

from commcenter.errors import ConfigurationError
from commcenter.settings import get_settings

# Cached inside the warm function; a rotated token is picked up within this many seconds.
TOKEN_MAX_AGE_SECONDS = 300


def twilio_auth_token() -> str:
    settings = get_settings()
    if settings.twilio_auth_token:
        return settings.twilio_auth_token
    if settings.twilio_auth_token_parameter:
        # Imported on use: powertools' parameters pull in boto3, which the cold start should not pay for.
        from aws_lambda_powertools.utilities.parameters import get_parameter

        value = get_parameter(settings.twilio_auth_token_parameter, decrypt=True, max_age=TOKEN_MAX_AGE_SECONDS)
        if isinstance(value, str) and value:
            return value
    raise ConfigurationError("no Twilio auth token: set TWILIO_AUTH_TOKEN or TWILIO_AUTH_TOKEN_PARAMETER")

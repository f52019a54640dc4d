"""Where Twilio secrets come from: SSM Parameter Store in AWS, the environment locally."""

from __future__ import annotations

from commcenter.channels.stack_secrets import stack_secret
from commcenter.errors import ConfigurationError
from commcenter.settings import get_settings


def twilio_auth_token() -> str:
    settings = get_settings()
    value = stack_secret(settings.twilio_auth_token, settings.twilio_auth_token_parameter)
    if value is None:
        raise ConfigurationError("no Twilio auth token: set TWILIO_AUTH_TOKEN or TWILIO_AUTH_TOKEN_PARAMETER")
    return value


def twilio_api_key_secret() -> str | None:
    """The secret of the API key that signs Voice access tokens; None when none is configured."""
    settings = get_settings()
    return stack_secret(settings.twilio_api_key_secret, settings.twilio_api_key_secret_parameter)

"""Checking `X-Twilio-Signature` against the public URL Twilio called.

Behind API Gateway the URL a function sees (stage prefix, custom domain, port, scheme) is not
the one Twilio signed, so the URL is rebuilt from the configured public base URL plus the route.
twilio's RequestValidator tries the URL with and without its default port: Twilio signs voice
callbacks without the port and SMS callbacks with it.
"""

from __future__ import annotations

from twilio.request_validator import RequestValidator, get_signature_algorithm

from commcenter.channels.twilio_form import TwilioForm


def public_url(base_url: str, path: str, query_string: str = "") -> str:
    url = base_url.rstrip("/") + path
    return f"{url}?{query_string}" if query_string else url


def is_signed_by_twilio(
    auth_token: str, url: str, form: TwilioForm, signature: str | None, settings_header: str | None = None
) -> bool:
    if not signature or not auth_token:
        return False
    validator = RequestValidator(auth_token)
    return bool(validator.validate(url, form, signature, algorithm=get_signature_algorithm(settings_header)))


def sign(auth_token: str, url: str, form: TwilioForm) -> str:
    """The signature Twilio would send for `form` posted to `url` (used by the simulators and tests)."""
    return str(RequestValidator(auth_token).compute_signature(url, form))

"""Twilio webhooks behind Chalice: verify the signature, parse the form, answer with TwiML."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalice.app import Request, Response

from commcenter.channels.twilio_credentials import twilio_auth_token
from commcenter.channels.twilio_form import TwilioForm, parse_form
from commcenter.channels.twilio_signature import is_signed_by_twilio, public_url
from commcenter.channels.twilio_webhooks import with_retries
from commcenter.errors import ConfigurationError, ForbiddenError
from commcenter.observability import logger
from commcenter.settings import get_settings

FORM = "application/x-www-form-urlencoded"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def verified_form(request: Request) -> TwilioForm:
    """The webhook's parameters, once the signature proves Twilio sent them; else a 403."""
    context: dict[str, Any] = request.context or {}
    path = context.get("resourcePath") or context.get("path") or ""
    base = public_base_url(request)
    raw_query = request.query_params
    query = urlencode([(k, v) for k in raw_query for v in raw_query.getlist(k)]) if raw_query else ""
    url = public_url(base, path, query)
    headers = request.headers
    form = parse_form(request.raw_body, is_base64=False)
    signature = headers.get("x-twilio-signature")
    if not is_signed_by_twilio(
        twilio_auth_token(), url, form, signature, headers.get("x-twilio-webhooks-signature-settings")
    ):
        logger.warning(
            "refused an unsigned or forged Twilio webhook",
            extra={"url": url, "has_signature": bool(signature), "source_ip": _source_ip(context)},
        )
        raise ForbiddenError("the request is not signed by Twilio")
    return form


def public_base_url(request: Request) -> str:
    """The base URL Twilio reaches this stack at: configured, else the execute-api URL in use."""
    return get_settings().public_base_url or _execute_api_url(request.context or {})


def webhook_url(request: Request, path: str) -> str:
    """The URL Twilio is given to call this stack's `path`, with Twilio's connection overrides."""
    return with_retries(public_base_url(request) + path)


def twiml_response(twiml: str = EMPTY_TWIML) -> Response:
    return Response(body=twiml, status_code=200, headers={"Content-Type": "text/xml; charset=utf-8"})


def _execute_api_url(context: dict[str, Any]) -> str:
    """The execute-api URL a request arrived on: what Twilio signed when no custom domain is configured."""
    domain, stage = context.get("domainName"), context.get("stage")
    if not domain or not stage:
        raise ConfigurationError("PUBLIC_BASE_URL is not set and the request names no API domain")
    return f"https://{domain}/{stage}"


def _source_ip(context: dict[str, Any]) -> str | None:
    identity = context.get("identity") or {}
    value = identity.get("sourceIp")
    return value if isinstance(value, str) else None

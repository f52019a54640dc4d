"""Settings of every function, read once from the environment and validated.

The template sets these variables in AWS; the local stack sets them from the same template.
Nothing else in the code reads `os.environ`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from commcenter.errors import ConfigurationError

_TABLE_VARIABLES = {
    "reps": "REPS_TABLE",
    "records": "RECORDS_TABLE",
    "search_terms": "SEARCH_TERMS_TABLE",
    "handles": "HANDLES_TABLE",
    "activities": "ACTIVITIES_TABLE",
    "conversations": "CONVERSATIONS_TABLE",
    "counters": "COUNTERS_TABLE",
    "message_refs": "MESSAGE_REFS_TABLE",
    "opt_outs": "OPT_OUTS_TABLE",
    "mailboxes": "MAILBOXES_TABLE",
    "reminders": "REMINDERS_TABLE",
    "quick_replies": "QUICK_REPLIES_TABLE",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """What a function needs to know about the stack it runs in."""

    stage: str
    region: str
    tables: dict[str, str]
    dynamodb_endpoint: str | None
    phone_default_region: str
    public_base_url: str
    twilio_auth_token: str | None
    twilio_auth_token_parameter: str | None
    # The dashboard's origin when it is served from another origin than the API (CloudFront in
    # AWS): API answers name it in Access-Control-Allow-Origin. Empty when both share an origin.
    dashboard_origin: str = ""
    # Sending SMS: without an account SID the stack runs in sandbox mode (nothing leaves it).
    twilio_account_sid: str | None = None
    # Where the Twilio REST client sends its requests; only ever set to reach a local stand-in.
    twilio_api_base_url: str | None = None
    # Browser calling (Voice access tokens): an API key, its secret and the TwiML App.
    twilio_api_key_sid: str | None = None
    twilio_api_key_secret: str | None = None
    twilio_api_key_secret_parameter: str | None = None
    twilio_twiml_app_sid: str | None = None
    # Call recordings: the bucket they are copied into, and whether Twilio's copy is then deleted.
    recordings_bucket: str | None = None
    delete_recordings_from_twilio: bool = True
    s3_endpoint: str | None = None  # local only (the local stack's S3)
    # Email: the bucket of raw messages and attachments, and the Secrets Manager names of the
    # mailboxes' secrets (this prefix + the rep's id).
    mail_bucket: str | None = None
    mailbox_secrets_prefix: str = "commcenter/mailboxes/"
    secrets_endpoint: str | None = None  # local only (the local stack's Secrets Manager)
    # Local only: the CA that signs the local mail server's certificate, trusted besides the
    # system's (certificates are always verified; in AWS only the system's CAs are trusted).
    mail_ca_file: str | None = None
    # "Connect Google" / "Connect Microsoft" (OAuth 2.0): each provider's client id (an
    # identifier) and its secret, from the environment locally, else from its SSM SecureString;
    # Microsoft's tenant (`common`: any work, school or personal account).
    google_oauth_client_id: str | None = None
    google_oauth_client_secret: str | None = None
    google_oauth_client_secret_parameter: str | None = None
    microsoft_oauth_client_id: str | None = None
    microsoft_oauth_client_secret: str | None = None
    microsoft_oauth_client_secret_parameter: str | None = None
    microsoft_oauth_tenant: str = "common"
    # Local only: where both providers' sign-in is served instead (the local OAuth stand-in).
    mail_oauth_base_url: str | None = None
    # Reminder emails: their From address (empty: reminders fire without an email). Sent through
    # SES, or, when a host is set (the local stack), through that SMTP server (STARTTLS, its
    # certificate verified, a login when a username is set).
    reminder_sender: str = ""
    notify_smtp_host: str | None = None
    notify_smtp_port: int = 587
    notify_smtp_username: str | None = None
    notify_smtp_password: str | None = None

    def table(self, name: str) -> str:
        """The physical name of a table, by its short name (`records`, `activities`, ...)."""
        try:
            return self.tables[name]
        except KeyError:
            variable = _TABLE_VARIABLES.get(name, name.upper())
            raise ConfigurationError(f"table '{name}' is not configured: set {variable}") from None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        source = os.environ if env is None else env
        region = source.get("PHONE_DEFAULT_REGION", "US").upper()
        if len(region) != 2 or not region.isalpha():
            raise ConfigurationError(f"PHONE_DEFAULT_REGION must be a two-letter region code, got {region!r}")
        return cls(
            stage=source.get("STAGE", "local"),
            region=source.get("AWS_REGION") or source.get("AWS_DEFAULT_REGION") or "us-east-1",
            tables={name: source[var] for name, var in _TABLE_VARIABLES.items() if source.get(var)},
            dynamodb_endpoint=source.get("DYNAMODB_ENDPOINT") or None,
            phone_default_region=region,
            public_base_url=source.get("PUBLIC_BASE_URL", "").rstrip("/"),
            twilio_auth_token=source.get("TWILIO_AUTH_TOKEN") or None,
            twilio_auth_token_parameter=source.get("TWILIO_AUTH_TOKEN_PARAMETER") or None,
            dashboard_origin=source.get("DASHBOARD_ORIGIN", "").rstrip("/"),
            twilio_account_sid=source.get("TWILIO_ACCOUNT_SID") or None,
            twilio_api_base_url=source.get("TWILIO_API_BASE_URL") or None,
            twilio_api_key_sid=source.get("TWILIO_API_KEY_SID") or None,
            twilio_api_key_secret=source.get("TWILIO_API_KEY_SECRET") or None,
            twilio_api_key_secret_parameter=source.get("TWILIO_API_KEY_SECRET_PARAMETER") or None,
            twilio_twiml_app_sid=source.get("TWILIO_TWIML_APP_SID") or None,
            recordings_bucket=source.get("RECORDINGS_BUCKET") or None,
            delete_recordings_from_twilio=source.get("DELETE_RECORDINGS_FROM_TWILIO", "true").lower() == "true",
            s3_endpoint=source.get("S3_ENDPOINT") or None,
            mail_bucket=source.get("MAIL_BUCKET") or None,
            mailbox_secrets_prefix=source.get("MAILBOX_SECRETS_PREFIX") or "commcenter/mailboxes/",
            secrets_endpoint=source.get("SECRETS_ENDPOINT") or None,
            mail_ca_file=source.get("MAIL_CA_FILE") or None,
            google_oauth_client_id=source.get("GOOGLE_OAUTH_CLIENT_ID") or None,
            google_oauth_client_secret=source.get("GOOGLE_OAUTH_CLIENT_SECRET") or None,
            google_oauth_client_secret_parameter=source.get("GOOGLE_OAUTH_CLIENT_SECRET_PARAMETER") or None,
            microsoft_oauth_client_id=source.get("MICROSOFT_OAUTH_CLIENT_ID") or None,
            microsoft_oauth_client_secret=source.get("MICROSOFT_OAUTH_CLIENT_SECRET") or None,
            microsoft_oauth_client_secret_parameter=source.get("MICROSOFT_OAUTH_CLIENT_SECRET_PARAMETER") or None,
            microsoft_oauth_tenant=source.get("MICROSOFT_OAUTH_TENANT") or "common",
            mail_oauth_base_url=(source.get("MAIL_OAUTH_BASE_URL") or "").rstrip("/") or None,
            reminder_sender=source.get("REMINDER_SENDER", "").strip(),
            notify_smtp_host=source.get("NOTIFY_SMTP_HOST") or None,
            notify_smtp_port=_port(source.get("NOTIFY_SMTP_PORT") or "587"),
            notify_smtp_username=source.get("NOTIFY_SMTP_USERNAME") or None,
            notify_smtp_password=source.get("NOTIFY_SMTP_PASSWORD") or None,
        )


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigurationError(f"NOTIFY_SMTP_PORT must be a port number, got {text!r}")
    return int(text)


@cache
def get_settings() -> Settings:
    """The settings of this process (read on first use, so tests can set the environment first)."""
    return Settings.from_env()

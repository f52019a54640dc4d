"""The whole product on this machine: DynamoDB Local, the template's functions behind a local API
Gateway, the scheduled functions on their schedules and the dashboard.

The API and the dashboard are two origins, as execute-api and CloudFront are in AWS: the browser
applies CORS and the dashboard's Content-Security-Policy here exactly as it will there.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from email import policy as email_policy
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any

from commcenter.channels.twilio_rest import SANDBOX_ACCOUNT_SID
from commcenter_local.dashboard_site import LocalDashboard
from commcenter_local.dev_auth import TWILIO_TOKEN_FILE, local_secret, token_secret
from commcenter_local.dynamodb_local import DynamoDBLocal, create_tables, free_port
from commcenter_local.functions import LoadedFunction, load_functions
from commcenter_local.gateway import GatewayResponses, LocalGateway, Preflight
from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints, ReceivedMail
from commcenter_local.oauth_stand_in import OAuthStandIn
from commcenter_local.object_storage import LocalS3, local_bucket_name
from commcenter_local.running_stack import RunningStack, alive, find_running_stack, register, unregister
from commcenter_local.scheduler import Scheduler
from commcenter_local.template import Template, load_template, resolve_environment, resolve_local_string
from commcenter_local.twilio_stand_in import TwilioStandIn

ROOT = Path(__file__).resolve().parents[3]
STATE_FILE = "stack.json"
# The From address of reminder emails in the local stack (unless REMINDER_SENDER says another):
# they go to the local SMTP server, which logs each one it receives.
LOCAL_REMINDER_SENDER = "reminders@commcenter.localhost"


@dataclass
class StackOptions:
    port: int = 3000  # the API's (0: a free port)
    dashboard_port: int = 0  # the dashboard's origin (0: a free port)
    data_dir: Path = field(default_factory=lambda: ROOT / ".local")
    in_memory: bool = False
    schedules: bool = True
    public_base_url: str | None = None
    twilio_auth_token: str | None = None
    phone_default_region: str | None = None
    # Both set: outbound SMS really go through Twilio; else the stack keeps them in a sandbox outbox.
    twilio_account_sid: str | None = None
    twilio_api_base_url: str | None = None
    # Without an account: a local stand-in of Twilio's REST API holds the recordings of the calls
    # `commcenter simulate` makes, and the functions copy them from it as from Twilio.
    local_twilio: bool = False
    # "Connect Google" / "Connect Microsoft" sign in at a local stand-in of both providers
    # (`oauth_stand_in`): the flow runs whole without an OAuth client at either.
    local_oauth: bool = False
    # A local Dovecot and SMTP server (`mail_server`), the demo rep's mailbox connected to them.
    local_mail: bool = False
    # All three set: browser calling (Voice access tokens) works against real Twilio.
    twilio_api_key_sid: str | None = None
    twilio_api_key_secret: str | None = None
    twilio_twiml_app_sid: str | None = None

    @classmethod
    def from_env(cls) -> StackOptions:
        """The options `commcenter dev` takes from the environment (and an ignored `.env`)."""
        env = {**read_dotenv(ROOT / ".env"), **os.environ}
        data_dir = Path(env.get("COMMCENTER_DATA_DIR", ".local"))
        port = int(env.get("PORT", "3000"))
        return cls(
            port=port,
            dashboard_port=int(env.get("DASHBOARD_PORT") or (port + 1 if port else 0)),
            data_dir=data_dir if data_dir.is_absolute() else ROOT / data_dir,
            public_base_url=env.get("PUBLIC_BASE_URL") or None,
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
            phone_default_region=env.get("PHONE_DEFAULT_REGION") or None,
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
            local_twilio=not env.get("TWILIO_ACCOUNT_SID"),
            local_oauth=True,
            local_mail=True,
            twilio_api_key_sid=env.get("TWILIO_API_KEY_SID") or None,
            twilio_api_key_secret=env.get("TWILIO_API_KEY_SECRET") or None,
            twilio_twiml_app_sid=env.get("TWILIO_TWIML_APP_SID") or None,
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file (comments and blank lines skipped, quotes removed)."""
    if not path.exists():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        key, _, value = stripped.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


class LocalStack:
    def __init__(self, options: StackOptions | None = None, template_path: Path | None = None) -> None:
        self.options = options or StackOptions()
        self.template: Template = load_template(template_path or ROOT / "template.yaml")
        self.data_dir = self.options.data_dir
        self.dynamodb = DynamoDBLocal(data_dir=None if self.options.in_memory else self.data_dir / "dynamodb")
        self.s3 = LocalS3()
        self.twilio: TwilioStandIn | None = None  # Twilio's REST API, played locally (`local_twilio`)
        self.mail: LocalMailServers | None = None  # the local mail servers (`local_mail`)
        self.mail_endpoints: MailServerEndpoints | None = None
        self.oauth: OAuthStandIn | None = None  # Google's and Microsoft's sign-in, played locally (`local_oauth`)
        self.functions: dict[str, LoadedFunction] = {}
        self.gateway: LocalGateway | None = None
        self.dashboard: LocalDashboard | None = None
        self.scheduler: Scheduler | None = None
        self._serving: threading.Thread | None = None
        self._token_secret: str | None = None  # what the gateway checks development tokens with
        self._registered = False
        self.port = self.options.port or free_port()
        self.dashboard_port = self.options.dashboard_port or free_port()

    @property
    def base_url(self) -> str:
        """The API's origin (execute-api's part): webhooks, tokens and the dashboard's requests."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def dashboard_url(self) -> str:
        """The dashboard's origin (CloudFront's part)."""
        return f"http://127.0.0.1:{self.dashboard_port}"

    def local_values(self) -> dict[str, str]:
        """What the names of the template's `!Sub` strings the stack reads (the API's CORS
        setting and gateway responses, the dashboard's response headers) stand for here."""
        return {
            "DashboardDistribution.DomainName": self.dashboard_url,  # https://${...}: the whole origin
            # The Content-Security-Policy's variables: the origins the dashboard reaches.
            "ApiOrigin": self.base_url,
            "RecordingsOrigin": self.s3.endpoint,
            "CognitoOrigin": "",  # development tokens: no hosted sign-in to reach
        }

    @property
    def dynamodb_endpoint(self) -> str:
        return self.dynamodb.endpoint

    def bucket_names(self) -> dict[str, str]:
        return {logical_id: local_bucket_name(logical_id) for logical_id in self.template.buckets}

    def table_names(self) -> dict[str, str]:
        """Local table names: the template's logical ids (one stack per DynamoDB Local)."""
        return {table.logical_id: table.logical_id for table in self.template.tables}

    def environment(self) -> dict[str, str]:
        """The variables every function sees locally, resolved from the template."""
        options = self.options
        overrides: dict[str, str | None] = {
            "STAGE": "local",
            "PUBLIC_BASE_URL": options.public_base_url or self.base_url,
            "TWILIO_AUTH_TOKEN_PARAMETER": None,  # the name of an SSM parameter: AWS only
            "DASHBOARD_ORIGIN": self.dashboard_url,
            "TWILIO_API_KEY_SECRET_PARAMETER": None,  # an SSM parameter name: AWS only
            "GOOGLE_OAUTH_CLIENT_SECRET_PARAMETER": None,  # SSM parameter names: AWS only
            "MICROSOFT_OAUTH_CLIENT_SECRET_PARAMETER": None,
            "MAILBOX_SECRETS_PREFIX": "commcenter-local/mailboxes/",
        }
        if options.phone_default_region:
            overrides["PHONE_DEFAULT_REGION"] = options.phone_default_region
        for variable, value in (
            ("TWILIO_ACCOUNT_SID", options.twilio_account_sid),
            ("TWILIO_API_KEY_SID", options.twilio_api_key_sid),
            ("TWILIO_TWIML_APP_SID", options.twilio_twiml_app_sid),
        ):
            if value:
                overrides[variable] = value
        merged: dict[str, str] = {}
        for function in self.template.functions:
            resources = {**self.table_names(), **self.bucket_names()}
            for name, value in resolve_environment(function, resources, self.template.parameters, overrides).items():
                if merged.get(name, value) != value:
                    raise ValueError(f"{name} differs between functions; the local stack runs them in one process")
                merged[name] = value
        merged.update(
            {
                "AWS_REGION": "us-east-1",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "DYNAMODB_ENDPOINT": self.dynamodb.endpoint,
                "S3_ENDPOINT": self.s3.endpoint,
                # moto's server answers Secrets Manager on the same port as S3.
                "SECRETS_ENDPOINT": self.s3.endpoint,
            }
        )
        merged.update(self._stand_ins_environment())
        if options.twilio_api_key_secret:
            merged["TWILIO_API_KEY_SECRET"] = options.twilio_api_key_secret
        # Without a real token the webhooks still verify signatures: against a token of this
        # machine's stack, which `commcenter simulate` signs with.
        merged["TWILIO_AUTH_TOKEN"] = self.twilio_auth_token()
        return merged

    def _stand_ins_environment(self) -> dict[str, str]:
        """Where the functions reach what stands in locally for Twilio, the OAuth providers and a
        mail server."""
        found: dict[str, str] = {}
        if self.options.twilio_api_base_url:
            found["TWILIO_API_BASE_URL"] = self.options.twilio_api_base_url
        elif self.twilio is not None:
            found["TWILIO_API_BASE_URL"] = self.twilio.base_url
        found.update(self.oauth.environment() if self.oauth is not None else {})
        if self.mail_endpoints is not None:
            # The local mail servers' certificates are signed by a CA of this stack, trusted besides
            # the system's (never instead: certificates are always verified).
            found["MAIL_CA_FILE"] = str(self.mail_endpoints.ca_file)
            # Reminder emails go to the local SMTP server instead of SES (STARTTLS, no login).
            smtp = self.mail_endpoints.smtp_starttls
            found["NOTIFY_SMTP_HOST"] = smtp.host
            found["NOTIFY_SMTP_PORT"] = str(smtp.port)
            found["REMINDER_SENDER"] = os.environ.get("REMINDER_SENDER") or LOCAL_REMINDER_SENDER
        return found

    def twilio_auth_token(self) -> str:
        return self.options.twilio_auth_token or local_secret(self.data_dir, TWILIO_TOKEN_FILE)

    def start(self) -> LocalStack:
        self.dynamodb.start()
        try:
            self.s3.start()
            if self.options.local_twilio and not self.options.twilio_account_sid:
                # Sandbox mode stays (texts are kept, never sent): the stand-in only serves recordings.
                self.twilio = TwilioStandIn(SANDBOX_ACCOUNT_SID, self.twilio_auth_token()).start()
            if self.options.local_oauth:
                self.oauth = OAuthStandIn().start()
            if self.options.local_mail:
                self.mail = LocalMailServers()
                self.mail_endpoints = self.mail.start()
                if self.mail.smtp is not None:
                    self.mail.smtp.notify(log_reminder_email)
            os.environ.update(self.environment())
            _forget_cached_settings()
            create_tables(self.dynamodb.client(), self.template.tables, self.table_names())
            self.s3.create_buckets(list(self.bucket_names().values()), os.environ["AWS_REGION"])
            self.functions = load_functions(self.template.functions, ROOT)
            local_values = self.local_values()
            self._token_secret = token_secret(self.data_dir)
            self.gateway = LocalGateway(
                self.port,
                self.template.routes,
                self.functions,
                self._token_secret,
                preflight=Preflight.from_template(self.template.api_cors, local_values),
                gateway_responses=GatewayResponses.from_template(self.template.gateway_responses, local_values),
            )
            self.port = self.gateway.port
            self._serving = threading.Thread(target=self.gateway.serve_forever, name="gateway", daemon=True)
            self._serving.start()
            self.dashboard = LocalDashboard(
                self.dashboard_port,
                ROOT / "dashboard" / "dist",
                # The runtime configuration the deploy uploads: the API is another origin.
                {"apiBaseUrl": self.base_url, "auth": {"mode": "dev"}},
                {
                    name: resolve_local_string(value, local_values)
                    for name, value in self.template.dashboard_headers.items()
                },
            )
            threading.Thread(target=self.dashboard.serve_forever, name="dashboard", daemon=True).start()
            if self.options.schedules:
                self.scheduler = Scheduler(self.template.schedules, self.functions)
                self.scheduler.start()
            self._write_state()
            self._register()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None
        if self.gateway is not None:
            self.gateway.shutdown()
            self.gateway.server_close()
            self.gateway = None
        if self.dashboard is not None:
            self.dashboard.shutdown()
            self.dashboard.server_close()
            self.dashboard = None
        self.dynamodb.stop()
        self.s3.stop()
        if self.twilio is not None:
            self.twilio.stop()
            self.twilio = None
        if self.oauth is not None:
            self.oauth.stop()
            self.oauth = None
        if self.mail is not None:
            self.mail.stop()
            self.mail = self.mail_endpoints = None
        if self._registered:
            unregister(self.port)
            self._registered = False
        (self.data_dir / STATE_FILE).unlink(missing_ok=True)

    def _write_state(self) -> None:
        """Where the running stack is, for `commcenter seed`, `import` and `token` in another shell.

        It holds the functions' environment, the Twilio auth token included, and the secret
        development tokens are signed with: readable by its owner only (0600, whatever the umask
        or an older copy's mode), replaced atomically.
        """
        if self.options.in_memory:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        state = {
            "base_url": self.base_url,
            "pid": os.getpid(),
            "token_secret": self._token_secret,
            "environment": self.environment(),
        }
        descriptor, scratch = tempfile.mkstemp(prefix=f".{STATE_FILE}.", dir=self.data_dir)  # 0600
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(json.dumps(state, indent=2))
            os.replace(scratch, self.data_dir / STATE_FILE)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise

    def _register(self) -> None:
        """Note the stack among the user's running ones, so commands in another shell find it
        without being told its data folder or port (`running_stack`)."""
        if self.options.in_memory:
            return
        register(RunningStack(root=str(ROOT), pid=os.getpid(), port=self.port, data_dir=str(self.data_dir)))
        self._registered = True

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def log_reminder_email(mail: ReceivedMail) -> None:
    """Where a developer reads the reminder emails the local stack sends: one line each, on the
    stack's output (other mail the local SMTP server receives is left unsaid)."""
    from commcenter.channels.reminder_mail import REMINDER_HEADER

    message = BytesParser(policy=email_policy.default).parsebytes(mail.content, headersonly=True)
    reminder_id = message.get(REMINDER_HEADER)
    if reminder_id is None:
        return
    to = ", ".join(mail.rcpt_tos)
    print(f"reminder email to {to}: {message.get('Subject', '')} (reminder {reminder_id})", flush=True)


def running_stack_state() -> dict[str, Any]:
    """The state of the stack `commcenter dev` runs, wherever it keeps its data (its API's URL, its
    functions' environment, the secret its tokens are signed with, `data_dir`); or exits saying
    how to start one, or what to set to reach it.

    `COMMCENTER_DATA_DIR` and `PORT` (environment, then `.env`) are needed only to pick one of
    several stacks, or one the user's registry does not list (`running_stack`).
    """
    env = {**read_dotenv(ROOT / ".env"), **os.environ}
    named_dir = Path(env["COMMCENTER_DATA_DIR"]) if env.get("COMMCENTER_DATA_DIR") else None
    data_dir = named_dir if named_dir is None or named_dir.is_absolute() else ROOT / named_dir
    port = int(env["PORT"]) if env.get("PORT") else None
    state = _live_state(data_dir) if data_dir is not None else None
    if state is None:
        data_dir = find_running_stack(ROOT, data_dir=data_dir, port=port)
        state = _live_state(data_dir)
        if state is None:
            raise SystemExit(f"the local stack keeping its data in {data_dir} has just stopped: start it again")
    return {**state, "data_dir": str(data_dir)}


def _live_state(data_dir: Path) -> dict[str, Any] | None:
    """The state file of a stack running with this data folder (not one a killed stack left)."""
    path = data_dir / STATE_FILE
    try:
        state: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    pid = state.get("pid")
    return state if isinstance(pid, int) and alive(pid) else None


def attach_to_running_stack() -> dict[str, Any]:
    """Point this process at the stack `commcenter dev` runs (its environment), or explain how to start one."""
    state = running_stack_state()
    os.environ.update(state["environment"])
    _forget_cached_settings()
    return state


def _forget_cached_settings() -> None:
    from commcenter.data.base import forget_connections
    from commcenter.settings import get_settings

    get_settings.cache_clear()
    forget_connections()

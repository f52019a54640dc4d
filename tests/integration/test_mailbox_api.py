"""A rep's own mailbox through the API: connected with a password kept in Secrets Manager (never
shown again), changed, refused with the field named and nothing changed, its sync health shown,
retried now, disconnected.

Each test makes its own rep, so no demo rep is left with a mailbox for the poll's tests.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import msgspec
import pytest
from api_support import Api
from iam_policy import denied, grants_needed
from stack_environment import environment

from commcenter.data import mailbox_secrets, mailboxes
from commcenter.data import reps as reps_data
from commcenter.domain.mailboxes import FirstSyncProgress, FolderCursor, MailError, SyncHealth, after_failure
from commcenter.domain.reps import Rep
from commcenter.observability import logger
from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints
from commcenter_local.oauth_stand_in import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, OAuthStandIn
from commcenter_local.stack import LocalStack

MAILBOX = "/api/me/mailbox"
PASSWORD = "correct horse battery staple"


def form(**changes: Any) -> dict[str, Any]:
    """The settings form as the dashboard sends it for a fresh mailbox."""
    body: dict[str, Any] = {
        "address": "Dana.Rep@Northwind.example",
        "username": "dana.rep@northwind.example",
        "imap": {"host": "IMAP.Northwind.example.", "port": 993, "tls": "tls"},
        "smtp": {"host": "smtp.northwind.example", "port": 587, "tls": "starttls"},
        "password": PASSWORD,
        "version": 0,
    }
    body.update(changes)
    return body


@pytest.fixture
def rep() -> Rep:
    """A rep of the team with no mailbox yet."""
    suffix = uuid.uuid4().hex[:10]
    rep = Rep(id=f"rep-{suffix}", name=f"Mailbox {suffix}", email=f"mailbox-{suffix}@northwind.example")
    reps_data.create(rep)
    return rep


@pytest.fixture
def dana(rep: Rep, api_url: str, dev_token: Callable[[str], str]) -> Iterator[Api]:
    """That rep, signed in; the mailbox disconnected after the test."""
    api = Api(api_url, {"Authorization": f"Bearer {dev_token(rep.email)}"})
    try:
        yield api
    finally:
        assert api("DELETE", MAILBOX).status_code == 204


def connect(api: Api, **changes: Any) -> dict[str, Any]:
    answer = api("PUT", MAILBOX, form(**changes))
    assert answer.status_code == 200, answer.text
    assert PASSWORD not in answer.text
    return dict(answer.json())


def test_a_rep_without_a_mailbox_is_told_so(dana: Api) -> None:
    assert dana.ok("GET", MAILBOX) == {
        "connected": False,
        "mailbox": None,
        "secret_stored": False,
        "health": {
            "last_success_at": None,
            "last_attempt_at": None,
            "messages_synced": 0,
            "error_kind": None,
            "error": None,
            "error_since": None,
            "user_must_act": False,
            "retry_at": None,
            "first_sync": None,
        },
        "connect_with": [],  # no OAuth client is set up on this stack
    }


def test_a_rep_connects_a_mailbox_and_its_password_never_comes_back(dana: Api, rep: Rep) -> None:
    shown = connect(dana)
    assert shown["connected"] is True and shown["secret_stored"] is True
    assert shown["mailbox"] == {
        "address": "dana.rep@northwind.example",
        "username": "dana.rep@northwind.example",
        "auth": "password",
        "imap": {"host": "imap.northwind.example", "port": 993, "tls": "tls"},
        "smtp": {"host": "smtp.northwind.example", "port": 587, "tls": "starttls"},
        "first_sync_days": 90,
        "version": 1,
    }
    read = dana("GET", MAILBOX)
    assert read.json() == shown and PASSWORD not in read.text
    # Stored where the poll reads it, and only there: the table holds no secret.
    assert mailbox_secrets.get(rep.id) == {"password": PASSWORD}
    assert PASSWORD not in repr(mailboxes.load(rep.id))
    assert rep.id in mailboxes.list_polled()


def test_a_change_without_the_password_keeps_the_stored_one(dana: Api, rep: Rep) -> None:
    first = connect(dana)
    changed = dana.ok(
        "PUT",
        MAILBOX,
        form(
            password=None,
            address="dana@northwind.example",
            imap={"host": "imap.northwind.example", "port": 143, "tls": "starttls"},  # same server
            first_sync_days=30,
            version=first["mailbox"]["version"],
        ),
    )
    assert changed["mailbox"]["address"] == "dana@northwind.example"
    assert changed["mailbox"]["imap"] == {"host": "imap.northwind.example", "port": 143, "tls": "starttls"}
    assert changed["mailbox"]["first_sync_days"] == 30 and changed["mailbox"]["version"] == 2
    assert changed["secret_stored"] is True
    assert mailbox_secrets.get(rep.id) == {"password": PASSWORD}
    # Left out, the first sync's window stays as it was; a new password replaces the old.
    again = connect(dana, password="a new one", version=2)
    assert again["mailbox"]["first_sync_days"] == 30
    assert mailbox_secrets.get(rep.id) == {"password": "a new one"}


def test_the_first_connection_needs_a_password(dana: Api, rep: Rep) -> None:
    refused = dana("PUT", MAILBOX, form(password=None))
    assert refused.status_code == 400 and refused.json()["error"]["fields"] == {"password": "required"}
    assert dana.ok("GET", MAILBOX)["connected"] is False
    assert mailbox_secrets.get(rep.id) is None


@pytest.mark.parametrize("server", ["imap", "smtp"])
def test_the_stored_password_is_never_sent_to_another_server(dana: Api, rep: Rep, server: str) -> None:
    connect(dana)
    moved = {**form()[server], "host": "mail.elsewhere.example"}
    refused = dana("PUT", MAILBOX, form(password=None, version=1, **{server: moved}))
    assert refused.status_code == 400, refused.text
    assert set(refused.json()["error"]["fields"]) == {"password"}
    assert dana.ok("GET", MAILBOX)["mailbox"][server]["host"] == form()[server]["host"].lower().rstrip(".")
    # With the password typed for it, the new server is taken.
    assert connect(dana, version=1, **{server: moved})["mailbox"][server]["host"] == "mail.elsewhere.example"


def test_a_stale_change_is_refused_and_changes_nothing(dana: Api, rep: Rep) -> None:
    connect(dana)
    connect(dana, password=None, first_sync_days=7, version=1)  # another tab saved meanwhile
    refused = dana("PUT", MAILBOX, form(password="from the stale tab", first_sync_days=365, version=1))
    assert refused.status_code == 409, refused.text
    assert dana.ok("GET", MAILBOX)["mailbox"]["first_sync_days"] == 7
    assert mailbox_secrets.get(rep.id) == {"password": PASSWORD}
    fresh = dana("PUT", MAILBOX, form(version=0))  # "none yet" while one is stored
    assert fresh.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"address": "dana"}, "address"),
        ({"address": "dana@northwind"}, "address"),
        ({"username": "  "}, "username"),
        ({"username": "dana\r\nA1 LOGOUT"}, "username"),
        ({"imap": {"host": "", "port": 993, "tls": "tls"}}, "imap.host"),
        ({"imap": {"host": "imaps://imap.northwind.example", "port": 993, "tls": "tls"}}, "imap.host"),
        ({"imap": {"host": "imap.northwind.example:993", "port": 993, "tls": "tls"}}, "imap.host"),
        ({"imap": {"host": "imap_northwind.example", "port": 993, "tls": "tls"}}, "imap.host"),
        ({"imap": {"host": "-imap.northwind.example", "port": 993, "tls": "tls"}}, "imap.host"),
        ({"imap": {"host": "10.0.0.300", "port": 993, "tls": "tls"}}, "imap.host"),
        ({"smtp": {"host": "a" * 64 + ".example", "port": 465, "tls": "tls"}}, "smtp.host"),
        ({"imap": {"host": "imap.northwind.example", "port": 0, "tls": "tls"}}, "imap.port"),
        ({"smtp": {"host": "smtp.northwind.example", "port": 65536, "tls": "tls"}}, "smtp.port"),
        ({"smtp": {"host": "smtp.northwind.example", "port": "587", "tls": "starttls"}}, "smtp.port"),
        ({"imap": {"host": "imap.northwind.example", "port": 143, "tls": "none"}}, "imap.tls"),
        ({"imap": {"host": "imap.northwind.example", "port": 143, "tls": "tls", "verify": False}}, "imap"),
        ({"first_sync_days": 0}, "first_sync_days"),
        ({"first_sync_days": 3651}, "first_sync_days"),
        ({"password": ""}, "password"),
        ({"password": "line\nbreak"}, "password"),
        ({"password": "x" * 1025}, "password"),
        ({"auth": "google"}, "body"),
        ({"imap": None}, "imap"),
    ],
    ids=[
        "address-no-at",
        "address-no-dot",
        "username-blank",
        "username-command",
        "host-empty",
        "host-url",
        "host-port",
        "host-underscore",
        "host-hyphen",
        "host-bad-ip",
        "host-long-label",
        "port-zero",
        "port-too-high",
        "port-string",
        "tls-none",
        "endpoint-unknown-field",
        "days-zero",
        "days-too-many",
        "password-empty",
        "password-line-break",
        "password-too-long",
        "unknown-field",
        "server-missing",
    ],
)
def test_a_refused_form_names_the_field_and_changes_nothing(
    dana: Api, rep: Rep, changes: dict[str, Any], field: str
) -> None:
    before = connect(dana)
    refused = dana("PUT", MAILBOX, form(version=1, **changes))
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert field in error["fields"] or (field == "body" and error["fields"]), error
    assert dana.ok("GET", MAILBOX) == before
    assert mailbox_secrets.get(rep.id) == {"password": PASSWORD}


def test_every_wrong_field_is_named_at_once(dana: Api) -> None:
    refused = dana(
        "PUT",
        MAILBOX,
        form(
            address="nobody",
            imap={"host": "imap.northwind.example", "port": 99999, "tls": "tls"},
            smtp={"host": "smtp..northwind.example", "port": 587, "tls": "starttls"},
        ),
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"address", "imap.port", "smtp.host"}


def test_servers_are_named_by_host_name_or_address(dana: Api) -> None:
    shown = connect(
        dana,
        imap={"host": "127.0.0.1", "port": 10993, "tls": "tls"},
        smtp={"host": "[::1]", "port": 10465, "tls": "tls"},
    )
    assert shown["mailbox"]["imap"]["host"] == "127.0.0.1" and shown["mailbox"]["smtp"]["host"] == "::1"
    version = shown["mailbox"]["version"]
    shown = connect(dana, imap={"host": "localhost", "port": 993, "tls": "tls"}, version=version)
    assert shown["mailbox"]["imap"]["host"] == "localhost"
    version = shown["mailbox"]["version"]
    shown = connect(dana, imap={"host": "Mail.Bücher.example", "port": 993, "tls": "tls"}, version=version)
    assert shown["mailbox"]["imap"]["host"] == "mail.xn--bcher-kva.example"


def test_another_mailbox_starts_its_sync_again(dana: Api, rep: Rep) -> None:
    """Another server or user: the folders' checkpoints were another mailbox's, and would skip mail."""
    connect(dana)
    cursor = FolderCursor(role="inbox", name="INBOX", uidvalidity=7, highest_uid=4_000)
    assert mailboxes.save_cursor(rep.id, cursor)
    mailboxes.save_health(rep.id, SyncHealth(last_success_at="2026-11-25T09:30:00Z", messages_synced=4_000))

    # The same mailbox reached another way keeps them.
    same = connect(
        dana, password=None, imap={"host": "imap.northwind.example", "port": 143, "tls": "starttls"}, version=1
    )
    assert same["health"]["messages_synced"] == 4_000
    assert mailboxes.load(rep.id).cursors == {"inbox": cursor}

    other = connect(dana, password=None, username="sales@northwind.example", version=2)
    assert other["health"]["messages_synced"] == 0 and other["health"]["last_success_at"] is None
    state = mailboxes.load(rep.id)
    assert state.cursors == {} and state.health == SyncHealth()
    assert state.settings is not None and state.settings.username == "sales@northwind.example"
    assert other["mailbox"]["version"] == 1 and mailbox_secrets.get(rep.id) == {"password": PASSWORD}


def test_the_sync_health_is_shown_in_plain_words_and_retried_now(dana: Api, rep: Rep) -> None:
    connect(dana)
    failed = after_failure(
        SyncHealth(last_success_at="2026-11-25T09:30:00Z", messages_synced=120),
        MailError("login", "The server refused the user name or password"),
        at="2026-11-25T09:31:00Z",
    )
    mailboxes.save_health(rep.id, failed)
    health = dana.ok("GET", MAILBOX)["health"]
    assert health["error_kind"] == "login" and health["error"] == "The server refused the user name or password"
    assert health["user_must_act"] is True and health["retry_at"] == failed.retry_at  # an hour on
    assert health["last_success_at"] == "2026-11-25T09:30:00Z" and health["messages_synced"] == 120

    retried = dana.ok("POST", f"{MAILBOX}/retry")
    assert retried["health"]["retry_at"] is None
    assert retried["health"]["error"] == "The server refused the user name or password"  # until a poll succeeds
    assert mailboxes.get_health(rep.id).retry_at is None
    assert dana.ok("GET", MAILBOX) == retried


def test_saving_new_settings_clears_the_backoff(dana: Api, rep: Rep) -> None:
    """The rep fixed the password: the next poll tries it, not an hour later."""
    connect(dana)
    failed = after_failure(
        SyncHealth(), MailError("login", "The server refused the user name or password"), at="2026-11-25T09:31:00Z"
    )
    mailboxes.save_health(rep.id, failed)
    saved = connect(dana, password="the right one", version=1)
    assert saved["health"]["retry_at"] is None and mailboxes.get_health(rep.id).retry_at is None


def test_a_first_sync_shows_its_progress(dana: Api, rep: Rep) -> None:
    connect(dana)
    progress = FirstSyncProgress(total=5_000, done=1_200, started_at="2026-11-25T09:30:00Z")
    mailboxes.save_health(rep.id, SyncHealth(first_sync=progress, messages_synced=1_200))
    shown = dana.ok("GET", MAILBOX)["health"]["first_sync"]
    assert shown == {"total": 5_000, "done": 1_200, "started_at": "2026-11-25T09:30:00Z", "finished_at": None}


def test_retry_without_a_mailbox_is_a_404(dana: Api) -> None:
    answer = dana("POST", f"{MAILBOX}/retry")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def test_disconnecting_forgets_settings_health_and_secret(dana: Api, rep: Rep) -> None:
    connect(dana)
    mailboxes.save_health(rep.id, SyncHealth(messages_synced=3))
    assert mailboxes.save_cursor(rep.id, FolderCursor(role="sent", name="Sent", uidvalidity=1, highest_uid=3))
    assert dana("DELETE", MAILBOX).status_code == 204
    assert dana.ok("GET", MAILBOX)["connected"] is False
    state = mailboxes.load(rep.id)
    assert state.settings is None and state.cursors == {} and state.health == SyncHealth()
    assert mailbox_secrets.get(rep.id) is None and rep.id not in mailboxes.list_polled()
    assert dana("DELETE", MAILBOX).status_code == 204  # again: nothing left, still done
    # Connected again, it starts afresh.
    assert connect(dana)["mailbox"]["version"] == 1


def test_each_rep_sees_only_their_own_mailbox(dana: Api, bruno: Api) -> None:
    connect(dana)
    assert bruno.ok("GET", MAILBOX)["connected"] is False


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What every function logs during the test, as written."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger(logger.name).removeHandler(handler)


def test_no_log_line_carries_the_password(dana: Api, log_lines: io.StringIO) -> None:
    connect(dana)
    assert (
        dana("PUT", MAILBOX, form(version=1, imap={"host": "bad host", "port": 993, "tls": "tls"})).status_code == 400
    )
    assert dana("PUT", MAILBOX, form(version=7)).status_code == 409
    assert dana("PUT", MAILBOX, form(version=1, password=[PASSWORD])).status_code == 400
    written = log_lines.getvalue()
    assert "request refused" in written  # the refusals were logged, without what was sent
    assert PASSWORD not in written


def test_the_api_reaches_the_mailboxes_secrets_and_no_other() -> None:
    """The IAM check of these tests names a secret as the template's grant does."""
    mailbox = grants_needed("secretsmanager", "GetSecretValue", {"SecretId": "commcenter-local/mailboxes/rep-1"})
    assert not denied("ApiFunction", mailbox)
    other = grants_needed("secretsmanager", "GetSecretValue", {"SecretId": "commcenter-local/twilio-auth-token"})
    assert denied("ApiFunction", other)


# ---------------------------------------------------------------- Connect Google / Microsoft


@pytest.fixture
def oauth(local_stack: LocalStack) -> Iterator[OAuthStandIn]:
    """The stack connects mailboxes through the local stand-in of Google's and Microsoft's sign-in."""
    with OAuthStandIn() as stand_in:
        settings = {
            "GOOGLE_OAUTH_CLIENT_ID": LOCAL_CLIENT_ID,
            "GOOGLE_OAUTH_CLIENT_SECRET": LOCAL_CLIENT_SECRET,
            "MICROSOFT_OAUTH_CLIENT_ID": LOCAL_CLIENT_ID,
            "MICROSOFT_OAUTH_CLIENT_SECRET": LOCAL_CLIENT_SECRET,
            "MAIL_OAUTH_BASE_URL": stand_in.base_url,
        }
        with environment(settings):
            yield stand_in


def connect_account(api: Api, oauth: OAuthStandIn, back: str, provider: str, email: str) -> dict[str, Any]:
    """The rep presses Connect, signs in at the provider and comes back: the mailbox as shown."""
    started = api.ok("POST", f"{MAILBOX}/oauth/start", {"provider": provider, "redirect_uri": back})
    location = oauth.sign_in(started["authorize_url"], email)
    assert location.startswith(back + "?")
    answer = {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}
    return dict(api.ok("POST", f"{MAILBOX}/oauth/finish", {"state": answer["state"], "code": answer["code"]}))


def test_a_rep_connects_a_google_account(dana: Api, rep: Rep, oauth: OAuthStandIn, local_stack: LocalStack) -> None:
    assert dana.ok("GET", MAILBOX)["connect_with"] == ["google", "microsoft"]
    back = f"{local_stack.dashboard_url}/settings/mailbox/connected"
    shown = connect_account(dana, oauth, back, "google", "Dana.Rep@Gmail.example")
    assert shown["connected"] is True and shown["secret_stored"] is True
    assert shown["mailbox"]["auth"] == "google"
    assert shown["mailbox"]["address"] == shown["mailbox"]["username"] == "dana.rep@gmail.example"
    assert shown["mailbox"]["imap"] == {"host": "imap.gmail.com", "port": 993, "tls": "tls"}
    secret = mailbox_secrets.get(rep.id)
    assert secret is not None and secret["provider"] == "google"
    # Nothing of the grant reaches the browser.
    read = dana("GET", MAILBOX)
    assert read.json() == shown
    for token in (secret["refresh_token"], secret["access_token"]):
        assert token not in read.text

    # A change of the first sync's window keeps the account; another user name needs a password.
    version = shown["mailbox"]["version"]
    body = {key: shown["mailbox"][key] for key in ("address", "username", "imap", "smtp")}
    kept = dana.ok("PUT", MAILBOX, {**body, "first_sync_days": 14, "version": version})
    assert kept["mailbox"]["auth"] == "google" and kept["mailbox"]["first_sync_days"] == 14
    assert mailbox_secrets.get(rep.id) == secret
    refused = dana("PUT", MAILBOX, {**body, "username": "someone.else@gmail.example", "version": version + 1})
    assert refused.status_code == 400 and set(refused.json()["error"]["fields"]) == {"password"}
    # With a password typed, the mailbox logs in with it instead.
    password = dana.ok("PUT", MAILBOX, {**body, "password": PASSWORD, "version": version + 1})
    assert password["mailbox"]["auth"] == "password"
    assert mailbox_secrets.get(rep.id) == {"password": PASSWORD}


def test_a_connection_the_provider_did_not_send_back_changes_nothing(
    dana: Api, rep: Rep, oauth: OAuthStandIn, local_stack: LocalStack
) -> None:
    connect(dana)
    back = f"{local_stack.dashboard_url}/settings/mailbox/connected"
    started = dana.ok("POST", f"{MAILBOX}/oauth/start", {"provider": "microsoft", "redirect_uri": back})
    state = parse_qs(urlparse(started["authorize_url"]).query)["state"][0]
    refused = dana("POST", f"{MAILBOX}/oauth/finish", {"state": state, "code": "not-the-providers"})
    assert refused.status_code == 400, refused.text
    assert dana.ok("GET", MAILBOX)["mailbox"]["auth"] == "password"
    assert mailbox_secrets.get(rep.id) == {"password": PASSWORD}
    elsewhere = dana("POST", f"{MAILBOX}/oauth/start", {"provider": "google", "redirect_uri": "https://evil.example/"})
    assert elsewhere.status_code == 400 and "redirect_uri" in elsewhere.json()["error"]["fields"]
    unknown = dana("POST", f"{MAILBOX}/oauth/start", {"provider": "yahoo", "redirect_uri": back})
    assert unknown.status_code == 400 and "provider" in unknown.json()["error"]["fields"]


# ---------------------------------------------------------------- Test connection


@pytest.fixture(scope="module")
def mail_servers() -> Iterator[tuple[LocalMailServers, MailServerEndpoints]]:
    """A real Dovecot and SMTP server on 127.0.0.1, their certificates signed by a CA of their own."""
    servers = LocalMailServers()
    endpoints = servers.start()
    try:
        yield servers, endpoints
    finally:
        servers.stop()


@pytest.fixture
def mail_account(mail_servers: tuple[LocalMailServers, MailServerEndpoints]) -> Iterator[dict[str, Any]]:
    """A mailbox of the local servers, as the form names it, trusted through MAIL_CA_FILE as the
    local stack trusts them."""
    servers, endpoints = mail_servers
    name = f"dana-{uuid.uuid4().hex[:8]}"
    servers.add_user(name, PASSWORD)
    with environment({"MAIL_CA_FILE": str(endpoints.ca_file)}):
        yield form(
            address=f"{name}@commcenter.test",
            username=name,
            imap=msgspec.to_builtins(endpoints.imap_tls),
            smtp=msgspec.to_builtins(endpoints.smtp_starttls),
        )


def steps_of(report: dict[str, Any]) -> list[tuple[str, bool, str | None]]:
    return [(step["step"], step["ok"], step["kind"]) for step in report["steps"]]


def test_a_connection_test_tells_each_step_and_stores_nothing(
    dana: Api, rep: Rep, mail_account: dict[str, Any]
) -> None:
    report = dana.ok("POST", f"{MAILBOX}/test", mail_account)
    assert report["ok"] is True, report
    assert steps_of(report) == [("imap", True, None), ("sent_folder", True, None), ("smtp", True, None)]
    assert all(step["message"] for step in report["steps"])
    assert dana.ok("GET", MAILBOX)["connected"] is False and mailbox_secrets.get(rep.id) is None

    wrong = dana.ok("POST", f"{MAILBOX}/test", {**mail_account, "password": "not it"})
    assert wrong["ok"] is False
    assert steps_of(wrong) == [("imap", False, "login"), ("smtp", False, "login")]  # no Sent folder without IMAP
    assert "not it" not in json.dumps(wrong)


def test_a_connection_test_uses_the_stored_password_for_the_same_servers(
    dana: Api, mail_account: dict[str, Any]
) -> None:
    refused = dana("POST", f"{MAILBOX}/test", {**mail_account, "password": None})
    assert refused.status_code == 400 and set(refused.json()["error"]["fields"]) == {"password"}
    connect(dana, **{key: mail_account[key] for key in ("address", "username", "imap", "smtp")})
    stored = dana.ok("POST", f"{MAILBOX}/test", {**mail_account, "password": None, "version": 1})
    assert stored["ok"] is True, stored
    # Another server never gets the stored password, not even for a test.
    elsewhere = {**mail_account["smtp"], "host": "localhost"}
    moved = dana("POST", f"{MAILBOX}/test", {**mail_account, "password": None, "smtp": elsewhere})
    assert moved.status_code == 400 and set(moved.json()["error"]["fields"]) == {"password"}


def test_a_connection_test_of_a_wrong_form_names_the_field(dana: Api) -> None:
    refused = dana("POST", f"{MAILBOX}/test", form(imap={"host": "imap northwind", "port": 993, "tls": "tls"}))
    assert refused.status_code == 400 and set(refused.json()["error"]["fields"]) == {"imap.host"}

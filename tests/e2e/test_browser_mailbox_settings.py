"""The mailbox in Settings (E1): a rep connects it (a provider's preset or their own servers, or
a Google account through the local OAuth stand-in), tests it against a real Dovecot and SMTP
server first, sees their refusals at the field, never sees the password again, follows the
sync's health (the error in plain words, Retry now, Reconnect, a first sync's progress) and
disconnects it; on a phone too.

Each test signs in a rep of its own, so no demo rep is left with a mailbox.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
import requests
from e2e_support import screenshot
from playwright.sync_api import Locator, Page, Request, expect
from stack_environment import environment
from test_browser_phone_screens import assert_fits_phones

from commcenter.data import mailbox_secrets, mailboxes
from commcenter.data import reps as reps_data
from commcenter.domain.mailboxes import FirstSyncProgress, MailError, SyncHealth, after_failure
from commcenter.domain.reps import Rep
from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints
from commcenter_local.oauth_stand_in import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, OAuthStandIn
from commcenter_local.scheduler import scheduled_event
from commcenter_local.stack import LocalStack

pytestmark = pytest.mark.browser

MAILBOX = "/api/me/mailbox"
PASSWORD = "app password 7f3k"


@dataclass
class SignedInRep:
    rep: Rep
    token: str
    api_url: str

    def api(self, method: str, path: str, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return requests.request(method, self.api_url + path, json=body, headers=headers, timeout=30)


@pytest.fixture
def dana(page: Page, api_url: str, dev_token: Callable[[str], str]) -> Iterator[SignedInRep]:
    """A rep of the team with no mailbox, signed in on the page; disconnected after the test."""
    suffix = uuid.uuid4().hex[:10]
    rep = Rep(id=f"rep-{suffix}", name=f"Dana {suffix}", email=f"dana-{suffix}@northwind.example")
    reps_data.create(rep)
    signed = SignedInRep(rep, dev_token(rep.email), api_url)
    page.goto(f"/#token={signed.token}")
    expect(page.get_by_test_id("signed-in-rep")).to_contain_text(rep.name)
    try:
        yield signed
    finally:
        assert signed.api("DELETE", MAILBOX).status_code == 204


def mailbox_section(page: Page) -> Locator:
    page.goto("/settings")
    section = page.get_by_role("region", name="Mailbox", exact=True)
    expect(section.get_by_label("Email address")).to_be_visible()  # loaded
    return section


def server(section: Locator, legend: str) -> Locator:
    return section.get_by_role("group", name=legend)


def is_mailbox_put(request: Request) -> bool:
    return request.method == "PUT" and request.url.endswith(MAILBOX)


def connect_through_api(dana: SignedInRep) -> dict[str, Any]:
    body = {
        "address": dana.rep.email,
        "username": dana.rep.email,
        "imap": {"host": "imap.northwind.example", "port": 993, "tls": "tls"},
        "smtp": {"host": "smtp.northwind.example", "port": 587, "tls": "starttls"},
        "password": PASSWORD,
        "version": 0,
    }
    answer = dana.api("PUT", MAILBOX, body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_rep_connects_their_mailbox_and_never_sees_the_password_again(page: Page, dana: SignedInRep) -> None:
    section = mailbox_section(page)
    expect(section.get_by_role("region", name="Sync")).to_have_count(0)  # nothing to sync yet
    imap, smtp = server(section, "Incoming mail (IMAP)"), server(section, "Outgoing mail (SMTP)")

    # A provider's preset fills its servers; Other keeps them, to be changed.
    provider = section.get_by_role("group", name="Provider")
    provider.get_by_role("button", name="Microsoft 365").click()
    expect(imap.get_by_label("Server")).to_have_value("outlook.office365.com")
    expect(smtp.get_by_label("Server")).to_have_value("smtp.office365.com")
    expect(smtp.get_by_label("Port")).to_have_value("587")
    expect(smtp.get_by_label("Security")).to_have_value("starttls")
    provider.get_by_role("button", name="Google").click()
    expect(imap.get_by_label("Server")).to_have_value("imap.gmail.com")
    expect(section).to_contain_text("app password")
    provider.get_by_role("button", name="Other (IMAP)").click()
    expect(provider.get_by_role("button", name="Other (IMAP)")).to_have_attribute("aria-pressed", "true")
    expect(imap.get_by_label("Server")).to_have_value("imap.gmail.com")

    # The user name follows the address until typed; a usual port follows its security mode.
    section.get_by_label("Email address").fill(dana.rep.email)
    expect(section.get_by_label("User name")).to_have_value(dana.rep.email)
    section.get_by_label("Password").fill(PASSWORD)
    imap.get_by_label("Server").fill("imap_northwind.example")
    imap.get_by_label("Security").select_option("starttls")
    expect(imap.get_by_label("Port")).to_have_value("143")
    imap.get_by_label("Security").select_option("tls")
    expect(imap.get_by_label("Port")).to_have_value("993")
    smtp.get_by_label("Server").fill("smtp.northwind.example")
    smtp.get_by_label("Security").select_option("starttls")
    expect(smtp.get_by_label("Port")).to_have_value("587")  # from Google's 465
    smtp.get_by_label("Port").fill("99999")

    # What the browser can check is refused before anything is sent, at the field.
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request) if is_mailbox_put(request) else None)
    section.get_by_role("button", name="Connect mailbox").click()
    expect(smtp.get_by_label("Port")).to_have_attribute("aria-invalid", "true")
    expect(smtp.get_by_label("Port")).to_be_focused()
    expect(smtp).to_contain_text("A port is a number from 1 to 65535")
    assert sent == []

    # What the API refuses is shown at its field, and nothing is connected.
    smtp.get_by_label("Port").fill("587")
    with page.expect_response(lambda response: is_mailbox_put(response.request)) as refused:
        section.get_by_role("button", name="Connect mailbox").click()
    assert refused.value.status == 400
    expect(imap.get_by_label("Server")).to_have_attribute("aria-invalid", "true")
    expect(imap).to_contain_text("Not a server name")
    expect(imap.get_by_label("Server")).to_be_focused()
    assert dana.api("GET", MAILBOX).json()["connected"] is False

    imap.get_by_label("Server").fill("IMAP.Northwind.example")
    with page.expect_request(is_mailbox_put) as put:
        section.get_by_role("button", name="Connect mailbox").click()
    assert json.loads(put.value.post_data or "") == {
        "address": dana.rep.email,
        "username": dana.rep.email,
        "imap": {"host": "IMAP.Northwind.example", "port": 993, "tls": "tls"},
        "smtp": {"host": "smtp.northwind.example", "port": 587, "tls": "starttls"},
        "password": PASSWORD,
        "first_sync_days": 90,
        "version": 0,
    }
    expect(section.get_by_role("status").filter(has_text="Connected")).to_have_text(
        "Connected. The first sync, starting within a minute, takes your mail of the last 90 days."
    )
    # The form starts again from what was saved: the host as the API keeps it, no password in it.
    expect(imap.get_by_label("Server")).to_have_value("imap.northwind.example")
    password = section.get_by_label("Password")
    expect(password).to_have_value("")
    expect(password).to_have_accessible_description(re.compile("A password is stored. Leave this empty to keep it"))
    sync = section.get_by_role("region", name="Sync")
    expect(sync.get_by_test_id("mailbox-last-sync")).to_have_text("Not yet: it starts within a minute")
    expect(section.get_by_role("button", name="Save mailbox")).to_be_visible()
    assert mailbox_secrets.get(dana.rep.id) == {"password": PASSWORD}

    # Read again, the page shows what is stored, and the password appears nowhere in it.
    page.reload()
    section = page.get_by_role("region", name="Mailbox", exact=True)
    expect(section.get_by_label("Email address")).to_have_value(dana.rep.email)
    expect(server(section, "Incoming mail (IMAP)").get_by_label("Server")).to_have_value("imap.northwind.example")
    expect(section.get_by_role("group", name="Provider").get_by_role("button", name="Other (IMAP)")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert PASSWORD not in page.content()
    screenshot(page, "settings-mailbox-connected")


def test_a_change_keeps_the_password_and_a_new_server_asks_for_it(page: Page, dana: SignedInRep) -> None:
    connect_through_api(dana)
    section = mailbox_section(page)
    section.get_by_label("First sync: mail of the last … days").fill("30")
    with page.expect_request(is_mailbox_put) as put:
        section.get_by_role("button", name="Save mailbox").click()
    body = json.loads(put.value.post_data or "")
    assert "password" not in body and body["first_sync_days"] == 30 and body["version"] == 1
    expect(section.get_by_role("status").filter(has_text="Saved")).to_have_text(
        "Saved. The next sync, within a minute, uses these settings."
    )

    # Another server: the page says the password must be typed again, and the API refuses without it.
    smtp = server(section, "Outgoing mail (SMTP)")
    smtp.get_by_label("Server").fill("smtp.elsewhere.example")
    password = section.get_by_label("Password")
    expect(password).to_have_accessible_description(re.compile("Type the password again for the new server"))
    section.get_by_role("button", name="Save mailbox").click()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    assert dana.api("GET", MAILBOX).json()["mailbox"]["smtp"]["host"] == "smtp.northwind.example"
    password.fill("for the new one")
    section.get_by_role("button", name="Save mailbox").click()
    expect(section.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    assert dana.api("GET", MAILBOX).json()["mailbox"]["smtp"]["host"] == "smtp.elsewhere.example"
    assert mailbox_secrets.get(dana.rep.id) == {"password": "for the new one"}


def test_a_change_made_elsewhere_meanwhile_is_not_written_over(page: Page, dana: SignedInRep) -> None:
    shown = connect_through_api(dana)
    section = mailbox_section(page)
    # Another tab saves first.
    elsewhere = {**shown["mailbox"], "first_sync_days": 7}
    elsewhere.pop("auth")
    assert dana.api("PUT", MAILBOX, elsewhere).status_code == 200
    section.get_by_label("First sync: mail of the last … days").fill("365")
    section.get_by_role("button", name="Save mailbox").click()
    alert = section.get_by_role("alert").filter(has_text="changed elsewhere")
    expect(alert).to_be_visible()
    assert dana.api("GET", MAILBOX).json()["mailbox"]["first_sync_days"] == 7
    alert.get_by_role("button", name="Reload them").click()
    expect(section.get_by_label("First sync: mail of the last … days")).to_have_value("7")
    expect(section.get_by_role("alert")).to_have_count(0)


def test_the_sync_health_shows_the_error_in_plain_words_and_retries_now(page: Page, dana: SignedInRep) -> None:
    connect_through_api(dana)
    failed = after_failure(
        SyncHealth(last_success_at="2026-11-25T09:30:00.000Z", messages_synced=1_234),
        MailError("login", "The server refused the user name or password"),
        at="2099-01-01T09:31:00.000Z",  # its next try an hour later: in the future
    )
    mailboxes.save_health(dana.rep.id, failed)
    section = mailbox_section(page)
    sync = section.get_by_role("region", name="Sync")
    expect(sync.get_by_test_id("mailbox-messages")).to_have_text("1,234")
    expect(sync.get_by_test_id("mailbox-last-sync").locator("time")).to_have_attribute(
        "datetime", "2026-11-25T09:30:00.000Z"
    )
    error = sync.get_by_role("alert")
    expect(error).to_contain_text("The server refused the user name or password")
    expect(error).to_contain_text("Check the user name and password below, then save them.")
    expect(error).to_contain_text(re.compile(r"Next try in \d+ years?"))
    expect(sync.get_by_role("button", name="Reconnect")).to_have_count(0)  # a password, not a grant

    sync.get_by_role("button", name="Retry now").click()
    expect(sync.get_by_role("status")).to_have_text("The next sync, within a minute, tries your mailbox again.")
    expect(error).to_contain_text("Next try at the next sync, within a minute.")
    assert mailboxes.get_health(dana.rep.id).retry_at is None
    screenshot(page, "settings-mailbox-error")


def test_a_first_sync_shows_its_progress_and_the_health_follows_the_polls(page: Page, dana: SignedInRep) -> None:
    connect_through_api(dana)
    started = "2026-11-25T09:30:00.000Z"
    progress = FirstSyncProgress(total=5_000, done=1_200, started_at=started)
    mailboxes.save_health(dana.rep.id, SyncHealth(first_sync=progress, messages_synced=1_200))
    page.clock.install()  # the page's timers, moved on by the test
    section = mailbox_section(page)
    sync = section.get_by_role("region", name="Sync")
    bar = sync.get_by_role("progressbar", name="First sync")
    expect(bar).to_have_attribute("value", "1200")
    expect(bar).to_have_attribute("max", "5000")
    expect(sync).to_contain_text("1,200 of 5,000 messages")

    # The poll goes on; the page reads the health again by itself, the form as it was typed.
    section.get_by_label("First sync: mail of the last … days").fill("45")
    done = FirstSyncProgress(total=5_000, done=5_000, started_at=started, finished_at="2026-11-25T09:34:00.000Z")
    mailboxes.save_health(
        dana.rep.id, SyncHealth(first_sync=done, messages_synced=5_000, last_success_at="2026-11-25T09:34:00.000Z")
    )
    page.clock.run_for(31_000)
    expect(sync.get_by_test_id("mailbox-messages")).to_have_text("5,000")
    expect(bar).to_have_count(0)
    expect(section.get_by_label("First sync: mail of the last … days")).to_have_value("45")


def test_disconnecting_asks_first_then_forgets_the_mailbox(page: Page, dana: SignedInRep) -> None:
    connect_through_api(dana)
    section = mailbox_section(page)
    section.get_by_role("button", name="Disconnect mailbox").click()
    dialog = page.get_by_role("dialog", name="Disconnect your mailbox?")
    expect(dialog).to_contain_text("The mail already synced stays")
    dialog.get_by_role("button", name="Cancel").click()
    assert dana.api("GET", MAILBOX).json()["connected"] is True

    section.get_by_role("button", name="Disconnect mailbox").click()
    dialog.get_by_role("button", name="Disconnect").click()
    expect(dialog).to_be_hidden()
    expect(section.get_by_role("button", name="Connect mailbox")).to_be_visible()
    expect(section.get_by_label("Email address")).to_have_value("")
    expect(section.get_by_role("region", name="Sync")).to_have_count(0)
    assert dana.api("GET", MAILBOX).json()["connected"] is False
    assert mailbox_secrets.get(dana.rep.id) is None


def test_the_mailbox_settings_on_a_phone(page: Page, dana: SignedInRep) -> None:
    """Connected, failing and in its first sync: every part fits a phone and is fingertip-sized."""
    connect_through_api(dana)
    failed = after_failure(
        SyncHealth(first_sync=FirstSyncProgress(total=800, done=200, started_at="2026-11-25T09:30:00.000Z")),
        MailError("connect", "The server imap.northwind.example refused the connection on port 993"),
        at="2099-01-01T09:31:00.000Z",
    )
    mailboxes.save_health(dana.rep.id, failed)
    page.set_viewport_size({"width": 390, "height": 844})
    section = mailbox_section(page)
    expect(section.get_by_role("region", name="Sync").get_by_role("alert")).to_be_visible()
    section.scroll_into_view_if_needed()
    assert_fits_phones(page, "the mailbox settings")
    screenshot(page, "settings-mailbox-phone")


# ---------------------------------------------------------------- against real mail servers


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
def trusted_mail_servers(mail_servers: tuple[LocalMailServers, MailServerEndpoints]) -> Iterator[MailServerEndpoints]:
    """The stack trusts the local servers' CA besides the system's (MAIL_CA_FILE), as `make dev` does."""
    _, endpoints = mail_servers
    with environment({"MAIL_CA_FILE": str(endpoints.ca_file)}):
        yield endpoints


def fill_server(group: Locator, endpoint: dict[str, Any]) -> None:
    group.get_by_label("Server").fill(endpoint["host"])
    group.get_by_label("Security").select_option(endpoint["tls"])
    group.get_by_label("Port").fill(str(endpoint["port"]))


def test_a_rep_tests_the_connection_before_connecting(
    page: Page,
    dana: SignedInRep,
    mail_servers: tuple[LocalMailServers, MailServerEndpoints],
    trusted_mail_servers: MailServerEndpoints,
) -> None:
    servers, endpoints = mail_servers
    user = f"dana-{uuid.uuid4().hex[:8]}"
    servers.add_user(user, PASSWORD)
    section = mailbox_section(page)
    section.get_by_label("Email address").fill(f"{user}@commcenter.test")
    section.get_by_label("User name").fill(user)
    section.get_by_label("Password").fill("not the password")
    fill_server(server(section, "Incoming mail (IMAP)"), msgspec.to_builtins(endpoints.imap_tls))
    fill_server(server(section, "Outgoing mail (SMTP)"), msgspec.to_builtins(endpoints.smtp_starttls))
    expect(section.get_by_text("Try these settings before saving them.")).to_be_visible()

    # A wrong password: the servers' refusal in plain words, step by step; nothing is stored.
    section.get_by_role("button", name="Test connection").click()
    steps = section.get_by_role("list", name="Connection test")
    expect(steps.get_by_role("listitem")).to_have_count(2)  # no Sent folder without IMAP
    expect(steps.get_by_role("listitem").nth(0)).to_contain_text("Incoming mail (IMAP): failed")
    expect(steps.get_by_role("listitem").nth(0)).to_contain_text(re.compile("user name or password", re.I))
    expect(steps.get_by_role("listitem").nth(1)).to_contain_text("Outgoing mail (SMTP): failed")
    expect(section.get_by_text("Something does not work yet: see below.")).to_be_visible()
    assert dana.api("GET", MAILBOX).json()["connected"] is False
    screenshot(page, "settings-mailbox-test-failed")

    # Any change makes the last test say nothing; the right password passes every step.
    section.get_by_label("Password").fill(PASSWORD)
    expect(steps).to_have_count(0)
    section.get_by_role("button", name="Test connection").click()
    expect(section.get_by_text("Everything works.")).to_be_visible()
    expect(steps.get_by_role("listitem")).to_have_count(3)
    for index, name in enumerate(("Incoming mail (IMAP)", "Sent folder", "Outgoing mail (SMTP)")):
        expect(steps.get_by_role("listitem").nth(index)).to_contain_text(f"{name}: works")
    expect(steps).to_contain_text("Sent")  # the folder found
    section.get_by_role("button", name="Connect mailbox").click()
    expect(section.get_by_role("status").filter(has_text="Connected")).to_be_visible()
    assert mailbox_secrets.get(dana.rep.id) == {"password": PASSWORD}

    # Saved, the test uses the stored password (none typed) for the same servers.
    section.get_by_role("button", name="Test connection").click()
    expect(section.get_by_text("Everything works.")).to_be_visible()
    screenshot(page, "settings-mailbox-test-passed")


# ---------------------------------------------------------------- Connect Google


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


def test_a_rep_connects_a_google_account_and_reconnects_it(page: Page, dana: SignedInRep, oauth: OAuthStandIn) -> None:
    section = mailbox_section(page)
    expect(section.get_by_role("button", name="Connect Google")).to_have_count(0)  # Other (IMAP) shown
    section.get_by_role("group", name="Provider").get_by_role("button", name="Google").click()
    section.get_by_role("button", name="Connect Google").click()

    # The provider's sign-in page (the stand-in's click-through), then back to the dashboard.
    expect(page.get_by_role("heading", name="Sign in with Google (local stand-in)")).to_be_visible()
    assert page.url.startswith(oauth.base_url + "/google/authorize?")
    page.get_by_label("Email").fill("Dana.Rep@Gmail.example")
    page.get_by_role("button", name="Allow").click()
    section = page.get_by_role("region", name="Mailbox", exact=True)
    expect(section.get_by_role("status").filter(has_text="Connected with Google")).to_have_text(
        "Connected with Google as dana.rep@gmail.example. The first sync starts within a minute."
    )
    expect(page).to_have_url(re.compile(r"/settings$"))  # the code is not left in the address
    expect(section.get_by_test_id("mailbox-account")).to_have_text("Connected with Google as dana.rep@gmail.example.")
    expect(server(section, "Incoming mail (IMAP)").get_by_label("Server")).to_have_value("imap.gmail.com")
    expect(section.get_by_label("Password")).to_have_accessible_description(
        re.compile("Connected with your Google account: no password is needed")
    )
    shown = dana.api("GET", MAILBOX).json()
    assert shown["mailbox"]["auth"] == "google" and shown["mailbox"]["address"] == "dana.rep@gmail.example"
    secret = mailbox_secrets.get(dana.rep.id)
    assert secret is not None and secret["refresh_token"] not in page.content()

    # The account's access is revoked: the poll records it, and the page offers Reconnect.
    oauth.revoke_account("dana.rep@gmail.example")
    revoked = after_failure(
        SyncHealth(),
        MailError("reconnect", "The Google account's access was revoked or expired: connect it again"),
        at="2099-01-01T09:31:00.000Z",
    )
    mailboxes.save_health(dana.rep.id, revoked)
    page.reload()
    sync = page.get_by_role("region", name="Sync")
    expect(sync.get_by_role("alert")).to_contain_text("Connect the account again to resume the sync.")
    sync.get_by_role("button", name="Reconnect").click()
    expect(page.get_by_role("heading", name="Sign in with Google (local stand-in)")).to_be_visible()
    page.get_by_role("button", name="Allow").click()
    section = page.get_by_role("region", name="Mailbox", exact=True)
    expect(section.get_by_role("status").filter(has_text="Connected with Google")).to_be_visible()
    expect(page.get_by_role("region", name="Sync").get_by_role("alert")).to_have_count(0)  # the error is gone
    assert mailboxes.get_health(dana.rep.id).error_kind is None


def test_a_sign_in_cancelled_at_the_provider_connects_nothing(
    page: Page, dana: SignedInRep, oauth: OAuthStandIn
) -> None:
    section = mailbox_section(page)
    section.get_by_role("group", name="Provider").get_by_role("button", name="Microsoft 365").click()
    section.get_by_role("button", name="Connect Microsoft").click()
    expect(page.get_by_role("heading", name="Sign in with Microsoft (local stand-in)")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    section = page.get_by_role("region", name="Mailbox", exact=True)
    expect(section.get_by_role("alert")).to_have_text("The sign-in was cancelled: nothing was connected.")
    expect(page).to_have_url(re.compile(r"/settings$"))
    assert dana.api("GET", MAILBOX).json()["connected"] is False


def run_mail_poll(stack: LocalStack) -> None:
    """One run of the scheduled mail poll, as EventBridge starts it."""
    (schedule,) = [s for s in stack.template.schedules if s.function == "MailPollFunction"]
    stack.functions["MailPollFunction"].invoke(scheduled_event(schedule, datetime.now(UTC)))


def test_the_health_follows_the_polls_of_a_real_mailbox(
    page: Page,
    dana: SignedInRep,
    local_stack: LocalStack,
    mail_servers: tuple[LocalMailServers, MailServerEndpoints],
    trusted_mail_servers: MailServerEndpoints,
) -> None:
    servers, endpoints = mail_servers
    user = f"dana-{uuid.uuid4().hex[:8]}"
    servers.add_user(user, PASSWORD)
    assert servers.dovecot is not None
    for n in range(3):
        message = (
            f"From: Hélène Durand <helene-{n}@acme.example>\r\nTo: {user}@commcenter.test\r\n"
            f"Subject: Seats {n}\r\nMessage-ID: <seats-{n}-{user}@acme.example>\r\n"
            "Date: Tue, 24 Nov 2026 09:00:00 +0000\r\n\r\nHow many seats?\r\n"
        )
        servers.dovecot.append(user, "INBOX", message.encode(), date=datetime.now(UTC) - timedelta(days=1))
    body = {
        "address": f"{user}@commcenter.test",
        "username": user,
        "imap": msgspec.to_builtins(endpoints.imap_tls),
        "smtp": msgspec.to_builtins(endpoints.smtp_starttls),
        "password": PASSWORD,
        "version": 0,
    }
    assert dana.api("PUT", MAILBOX, body).status_code == 200
    section = mailbox_section(page)
    sync = section.get_by_role("region", name="Sync")
    expect(sync.get_by_test_id("mailbox-last-sync")).to_have_text("Not yet: it starts within a minute")

    run_mail_poll(local_stack)
    page.reload()
    sync = page.get_by_role("region", name="Sync")
    expect(sync.get_by_test_id("mailbox-last-sync")).to_have_text("just now")
    expect(sync.get_by_test_id("mailbox-messages")).to_have_text("3")
    expect(sync.get_by_role("alert")).to_have_count(0)

    # The password changed elsewhere (a wrong one saved here): the next poll's refusal, in words.
    section = page.get_by_role("region", name="Mailbox", exact=True)
    section.get_by_label("Password").fill("an old password")
    section.get_by_role("button", name="Save mailbox").click()
    expect(section.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    run_mail_poll(local_stack)
    page.reload()
    sync = page.get_by_role("region", name="Sync")
    expect(sync.get_by_role("alert")).to_contain_text(re.compile("user name or password", re.I))
    expect(sync.get_by_role("alert")).to_contain_text("Check the user name and password below, then save them.")
    expect(sync.get_by_test_id("mailbox-messages")).to_have_text("3")
    screenshot(page, "settings-mailbox-after-polls")

"""Sending email from the dashboard (E5) in Chromium, through a real local SMTP server: a new email
written and sent (what the server received), its draft surviving a reload, a click retried after
the network failed sending it once, its opens (a privacy proxy's fetch labelled apart); a reply
("Re:", the quote, the threading headers); a recipient the SMTP server refused (the email shown in
Sent with its error, then sent by Retry), a message the server may have sent (Retry only after a
confirm), a recipient refused of two; the composer on a phone."""

from __future__ import annotations

import email
import email.policy
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
import requests
from e2e_mailbox import Mailbox, signed_in_mailbox
from e2e_support import create_record, screenshot
from playwright.sync_api import Page, Request, Route, expect
from stack_environment import environment

from commcenter_local.mail_server import LocalMailServers, MailServerEndpoints, ReceivedMail

pytestmark = pytest.mark.browser

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def mailbox(
    page: Page,
    api_url: str,
    dev_token: Callable[[str], str],
    mail_servers: tuple[LocalMailServers, MailServerEndpoints],
) -> Iterator[Mailbox]:
    """A rep signed in, their mailbox on the local servers, which the stack trusts (MAIL_CA_FILE)."""
    _, endpoints = mail_servers
    with (
        environment({"MAIL_CA_FILE": str(endpoints.ca_file)}),
        signed_in_mailbox(page, api_url, dev_token, mail_servers) as box,
    ):
        yield box


def received_by(mailbox: Mailbox, subject: str) -> list[EmailMessage]:
    """What the local SMTP server accepted from this rep with this subject, parsed."""
    assert mailbox.servers.smtp is not None
    found: list[EmailMessage] = []
    mail: ReceivedMail
    for mail in mailbox.servers.smtp.received:
        parsed = email.message_from_bytes(mail.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        if mail.login == mailbox.user and parsed["Subject"] == subject:
            found.append(parsed)
    return found


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


def add_recipient(page: Page, field: str, address: str) -> None:
    page.get_by_label(field, exact=True).fill(address)
    page.get_by_label(field, exact=True).press("Enter")


def test_a_rep_writes_a_new_email_keeps_its_draft_over_a_reload_and_sends_it_once(page: Page, mailbox: Mailbox) -> None:
    customer = f"olga-{uuid.uuid4().hex[:6]}@acme.example"
    subject = f"Pilot {uuid.uuid4().hex[:6]}"
    page.goto("/center/email")
    page.get_by_role("button", name="New email").click()
    composer = page.get_by_role("dialog", name="New email")
    expect(composer).to_contain_text(f"From {mailbox.address}")
    add_recipient(page, "To", "not-an-address")
    expect(composer.get_by_text("Not an email address: not-an-address").first).to_be_visible()
    composer.get_by_role("button", name="Remove not-an-address").click()
    add_recipient(page, "To", customer)
    expect(composer.get_by_role("list", name="To recipients")).to_contain_text(customer)
    composer.get_by_label("Subject").fill(subject)
    composer.get_by_label("Message").fill("Hello Olga,\nhere is the pilot plan.")

    # The draft survives a reload.
    page.reload()
    page.get_by_role("button", name="New email").click()
    composer = page.get_by_role("dialog", name="New email")
    expect(composer.get_by_role("list", name="To recipients")).to_contain_text(customer)
    expect(composer.get_by_label("Subject")).to_have_value(subject)
    expect(composer.get_by_label("Message")).to_have_value("Hello Olga,\nhere is the pilot plan.")

    # The network fails on the first Send: the composer stays, with the error and Retry; the
    # retried click carries the same request id.
    sent_ids: list[str] = []

    def note(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/api/emails/send"):
            sent_ids.append(json.loads(request.post_data or "{}")["client_request_id"])

    page.on("request", note)
    failures = {"left": 1}

    def fail_once(route: Route) -> None:
        if failures["left"] and route.request.method == "POST":
            failures["left"] -= 1
            route.abort("connectionreset")
        else:
            route.fallback()

    page.route("**/api/emails/send", fail_once)
    composer.get_by_role("button", name="Send").click()
    expect(composer.get_by_role("alert")).to_contain_text("cannot be reached")
    assert received_by(mailbox, subject) == []  # the request never reached the server
    composer.get_by_label("Message").press("Control+Enter")  # Ctrl+Enter sends too (a retry here)
    expect(page.get_by_test_id("toast")).to_have_text("Sent")
    sent_at = time.monotonic()
    expect(composer).to_be_hidden()
    assert len(sent_ids) == 2 and sent_ids[0] == sent_ids[1], sent_ids
    assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", sent_ids[0])
    page.unroute("**/api/emails/send")

    (message,) = received_by(mailbox, subject)
    assert message["To"] == customer
    assert mailbox.address in message["From"]
    assert "here is the pilot plan." in body_text(message)

    # Sent: the email, not opened yet; its draft is gone.
    page.get_by_role("button", name="Sent").click()
    sent = page.get_by_role("region", name="Sent", exact=True)
    row = sent.get_by_test_id("email-row").filter(has_text=subject)
    expect(row).to_contain_text("Not opened")

    # Its pixel fetched by Apple Mail's privacy proxy (no open), then by a person's browser.
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    found = re.search(r'<img src="([^"]+/mail/o/[^"]+)"', html.get_content())
    assert found, "no open pixel in the email sent"
    pixel = found.group(1)
    requests.get(pixel, headers={"User-Agent": "Mozilla/5.0"}, allow_redirects=False, timeout=10)
    page.reload()
    row = page.get_by_role("region", name="Sent", exact=True).get_by_test_id("email-row").filter(has_text=subject)
    expect(row).to_contain_text("Not opened")
    expect(row).to_contain_text("Fetched by a mail proxy")
    time.sleep(max(0.0, sent_at + 11 - time.monotonic()))  # a fetch just after the send is no person's
    requests.get(pixel, headers={"User-Agent": BROWSER}, allow_redirects=False, timeout=10)
    page.reload()
    row = page.get_by_role("region", name="Sent", exact=True).get_by_test_id("email-row").filter(has_text=subject)
    expect(row).to_contain_text("Opened 1×, last just now")
    row.get_by_role("button").first.click()
    opens = page.get_by_role("region", name="Email", exact=True).get_by_role("list", name="Opens")
    expect(opens.get_by_role("listitem")).to_have_count(2)
    expect(opens.get_by_role("listitem").first).to_contain_text("Opened")
    expect(opens.get_by_role("listitem").last).to_contain_text("Apple Mail fetched it")
    page.get_by_role("button", name="New email").click()
    composer = page.get_by_role("dialog", name="New email")
    expect(composer.get_by_label("Subject")).to_have_value("")
    # Escape on an empty composer closes it; on a written one it asks first.
    composer.get_by_label("Message").fill("Second thoughts")
    composer.get_by_label("Message").press("Escape")
    expect(composer.get_by_role("group", name="Discard this email?")).to_be_visible()
    composer.get_by_role("button", name="Discard", exact=True).click()
    expect(composer).to_be_hidden()
    page.get_by_role("button", name="New email").click()
    expect(page.get_by_role("dialog", name="New email").get_by_label("Message")).to_have_value("")
    page.get_by_role("dialog", name="New email").get_by_label("Message").press("Escape")
    expect(page.get_by_role("dialog", name="New email")).to_be_hidden()


def test_a_reply_says_re_once_quotes_the_original_and_threads(page: Page, mailbox: Mailbox) -> None:
    known = f"marc-{uuid.uuid4().hex[:6]}@acme.example"
    create_record(mailbox.api, kind="lead", first_name="Marc", last_name="Reply", emails=[{"address": known}])
    mailbox.receive(known, "Re: Seats for the pilot", days_ago=1)
    mailbox.poll()
    original = mailbox.api("GET", "/api/emails", tab="inbox").json()["items"][0]
    detail = mailbox.api("GET", f"/api/emails/{original['id']}").json()

    page.goto("/center/email")
    page.get_by_role("region", name="Inbox", exact=True).get_by_role("button", name="Re: Seats for the pilot").click()
    reader = page.get_by_role("region", name="Email", exact=True)
    reader.get_by_role("button", name="Reply", exact=True).click()
    composer = page.get_by_role("dialog", name="Reply")
    expect(composer.get_by_role("list", name="To recipients")).to_have_text(re.compile(re.escape(known)))
    expect(composer.get_by_label("Subject")).to_have_value("Re: Seats for the pilot")  # not "Re: Re:"
    quote = composer.get_by_label("Message")
    expect(quote).to_have_value(
        re.compile(r"On .+, " + re.escape(known) + r" wrote:\n> Text of Re: Seats for the pilot")
    )
    quote.press("Control+Home")
    quote.press_sequentially("Ten seats it is.")
    composer.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("toast")).to_have_text("Sent")

    (message,) = received_by(mailbox, "Re: Seats for the pilot")
    assert message["To"] == known
    original_id = f"<{detail['message_id'].strip('<>')}>"
    assert message["In-Reply-To"] == original_id
    assert message["References"].split()[-1] == original_id
    text = body_text(message)
    assert text.startswith("Ten seats it is.")
    assert "> Text of Re: Seats for the pilot" in text


def test_a_send_the_server_refused_waits_in_sent_with_its_error_until_retried(page: Page, mailbox: Mailbox) -> None:
    assert mailbox.servers.smtp is not None
    smtp = mailbox.servers.smtp
    address = f"nora-{uuid.uuid4().hex[:6]}@acme.example"
    lead = create_record(
        mailbox.api, kind="lead", first_name="Nora", last_name="Refused", emails=[{"address": address}]
    )
    smtp.refuse_recipients.add(address)

    # From the lead's page: Email on their address.
    page.goto(f"/records/{lead['id']}")
    page.get_by_role("button", name=f"Email {address}").click()
    composer = page.get_by_role("dialog", name="Email Nora Refused")
    expect(composer.get_by_role("list", name="To recipients")).to_contain_text(address)
    composer.get_by_label("Subject").fill("Our offer")
    composer.get_by_label("Message").fill("Please find our offer.")
    composer.get_by_role("button", name="Send").click()

    # The server kept it with its error: the Sent tab shows it open, with Retry.
    expect(page).to_have_url(re.compile(r"/center/email\?section=sent&open=[0-9a-f]{64}$"))
    reader = page.get_by_role("region", name="Email", exact=True)
    state = reader.get_by_test_id("send-state")
    expect(state).to_contain_text("Not sent:")
    row = page.get_by_role("region", name="Sent", exact=True).get_by_test_id("email-row").filter(has_text="Our offer")
    expect(row).to_contain_text("Not sent")
    expect(row.get_by_role("button", name="Retry")).to_be_visible()
    expect(reader.get_by_role("button", name="Reply", exact=True)).to_have_count(0)  # retried, not answered
    screenshot(page, "email-not-sent")
    assert received_by(mailbox, "Our offer") == []
    # On a phone the error and Retry fit the row and the reader, nothing scrolls sideways.
    for width in (360, 390):
        page.set_viewport_size({"width": width, "height": 800})
        expect(state.get_by_role("button", name="Retry")).to_be_in_viewport()
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), width
    screenshot(page, "email-not-sent-phone")
    page.set_viewport_size({"width": 1440, "height": 900})

    # The address accepted again, Retry: sent, once.
    smtp.refuse_recipients.discard(address)
    state.get_by_role("button", name="Retry").click()
    expect(page.get_by_test_id("toast")).to_have_text("Sent")
    expect(reader.get_by_test_id("send-state")).to_have_count(0)
    expect(row).not_to_contain_text("Not sent")
    assert len(received_by(mailbox, "Our offer")) == 1


def test_an_email_perhaps_sent_is_sent_again_only_once_the_rep_confirms(page: Page, mailbox: Mailbox) -> None:
    assert mailbox.servers.smtp is not None
    smtp = mailbox.servers.smtp
    dropped = f"dora-{uuid.uuid4().hex[:6]}@acme.example"
    refused = f"rene-{uuid.uuid4().hex[:6]}@acme.example"
    smtp.drop_after_message_to.add(dropped)
    smtp.refuse_recipients.add(refused)
    page.goto("/center/email")
    page.get_by_role("button", name="New email").click()
    composer = page.get_by_role("dialog", name="New email")
    add_recipient(page, "To", dropped)
    composer.get_by_label("Subject").fill("Perhaps sent")
    composer.get_by_label("Message").fill("Did it leave?")
    composer.get_by_role("button", name="Send").click()

    # The server took the message and hung up before answering: it may have been sent.
    reader = page.get_by_role("region", name="Email", exact=True)
    state = reader.get_by_test_id("send-state")
    expect(state).to_contain_text("May not have been sent")
    row = (
        page.get_by_role("region", name="Sent", exact=True).get_by_test_id("email-row").filter(has_text="Perhaps sent")
    )
    expect(row).to_contain_text("May not have been sent")
    smtp.drop_after_message_to.discard(dropped)
    state.get_by_role("button", name="Retry").click()
    confirm = page.get_by_role("dialog", name="Send it again?")
    expect(confirm).to_contain_text("It may have been sent already")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert len(received_by(mailbox, "Perhaps sent")) == 1  # nothing sent without the confirm
    state.get_by_role("button", name="Retry").click()
    page.get_by_role("dialog", name="Send it again?").get_by_role("button", name="Send again").click()
    expect(page.get_by_test_id("toast")).to_have_text("Sent")
    expect(row).not_to_contain_text("May not have been sent")
    assert len(received_by(mailbox, "Perhaps sent")) == 2

    # One recipient refused of two: sent, and the reader names the one refused.
    page.get_by_role("button", name="New email").click()
    composer = page.get_by_role("dialog", name="New email")
    add_recipient(page, "To", dropped)
    add_recipient(page, "To", refused)
    composer.get_by_label("Subject").fill("Half delivered")
    composer.get_by_label("Message").fill("To both of you.")
    composer.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("toast")).to_have_text("Sent")
    sent = page.get_by_role("region", name="Sent", exact=True)
    sent.get_by_role("button", name="Half delivered").click()
    expect(reader.get_by_test_id("email-refused")).to_contain_text(refused)
    (message,) = received_by(mailbox, "Half delivered")
    assert refused in message["To"] and dropped in message["To"]


def test_the_composer_fits_a_phone(page: Page, mailbox: Mailbox) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/center/email")
    page.get_by_role("button", name="New email").click()
    composer = page.get_by_role("dialog", name="New email")
    add_recipient(page, "To", f"a-rather-long-address-{uuid.uuid4().hex}@a-long-domain.example")
    composer.get_by_role("button", name="Cc", exact=True).click()
    add_recipient(page, "Cc", "second@acme.example")
    composer.get_by_label("Subject").fill("A subject " * 10)
    composer.get_by_label("Message").fill("A line " * 200)
    box = composer.bounding_box()
    assert box is not None
    assert box["x"] == 0 and box["width"] == 360, box  # the whole screen
    for scroller in ("document.scrollingElement", "document.querySelector('dialog[open]')"):
        assert page.evaluate(f"{scroller}.scrollWidth <= {scroller}.clientWidth"), scroller
    expect(composer.get_by_role("button", name="Send")).to_be_in_viewport()
    screenshot(page, "email-composer-phone", full_page=False)
    page.set_viewport_size({"width": 1440, "height": 900})
    screenshot(page, "email-composer", full_page=False)

"""The Email tabs through the API, with mail synced from a real Dovecot: Inbox, Sent, Colleagues,
Archived, one email whole, read and unread (reaching the mail server at the next poll), archive,
search by sender and by subject; bad input refused with nothing changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import requests
from conftest import MailUser
from mail_support import DOMAIN, Api, connect, contact_with, message, poll, stranger

from commcenter.channels.imap_mailbox import ImapMailbox
from commcenter.data import mailboxes as mailboxes_data
from commcenter.domain.mailboxes import ServerEndpoint
from commcenter.domain.reps import Rep
from commcenter.services import email_tabs
from commcenter_local.mail_server import LocalDovecot
from commcenter_local.stack import LocalStack


class Mailbox:
    """The rep's mail: a contact who writes, a colleague, what the rep sent; synced once."""

    def __init__(self, rep: Rep, user: MailUser, dovecot: LocalDovecot, api: Api) -> None:
        self.rep, self.user, self.dovecot, self.api = rep, user, dovecot, api
        self.known = stranger()
        self.record_id = contact_with(self.known, rep)
        html = '<p>Our quote <img src="https://tracker.example/pixel.png"><script>alert(1)</script></p>'
        mail = user.address
        dovecot.append(
            user.name, "INBOX", message(self.known, mail, "Quote", days_ago=3, attachment=b"%PDF-quote", html=html)
        )
        dovecot.append(user.name, "INBOX", message(self.known, mail, "Follow-up", days_ago=2), flags=[b"\\Seen"])
        dovecot.append(user.name, "INBOX", message(f"bob@{DOMAIN}", mail, "Lunch?", days_ago=1))
        dovecot.append(user.name, "Sent", message(mail, self.known, "Re: Quote", days_ago=2.5))
        assert poll(rep).messages == 4

    def id_of(self, tab: str, subject: str) -> str:
        (row,) = [row for row in self.api.tab(tab) if row["subject"] == subject]
        return str(row["id"])

    def server_seen(self) -> dict[str, bool]:
        """Each INBOX message's \\Seen flag on the server, by subject."""
        endpoint = ServerEndpoint(host="127.0.0.1", port=self.dovecot.imaps_port, tls="tls")
        with ImapMailbox(endpoint, self.user.login) as box:
            box.select("INBOX")
            fetched = list(box.fetch(box.uids_above(0)))
        return {_subject(item.raw): item.seen for item in fetched}


def _subject(raw: bytes) -> str:
    for line in raw.decode().splitlines():
        if line.startswith("Subject: "):
            return line.removeprefix("Subject: ")
    return ""


@pytest.fixture
def mailbox(
    local_stack: LocalStack, mail_user: MailUser, dovecot: LocalDovecot, api_url: str, dev_token: Callable[[str], str]
) -> Mailbox:
    rep = connect(mail_user, dovecot)
    return Mailbox(rep, mail_user, dovecot, Api(api_url, dev_token(rep.email)))


def test_each_tab_lists_its_emails_newest_first_with_whom_and_what(mailbox: Mailbox) -> None:
    api = mailbox.api
    inbox = api.tab("inbox")
    assert [(r["subject"], r["read"], r["has_attachments"]) for r in inbox] == [
        ("Follow-up", True, False),
        ("Quote", False, True),
    ]
    quote = inbox[1]
    assert quote["from"]["address"] == mailbox.known and quote["to"] == [{"address": mailbox.user.address}]
    assert quote["record"]["id"] == mailbox.record_id and quote["record"]["display_name"] == "Hélène Mail"
    assert quote["preview"] == "Body of Quote" and quote["direction"] == "inbound" and quote["tab"] == "inbox"
    # The record's feed names each email by the same id, to open it whole (E4).
    feed = api.ok("GET", f"/api/records/{mailbox.record_id}/activities")["items"]
    assert {a["summary"]: a["data"]["key"] for a in feed if a["type"] == "email"}["Quote"] == quote["id"]
    (sent,) = api.tab("sent")
    assert (sent["subject"], sent["direction"], sent["opens"], sent["opened"]) == ("Re: Quote", "outbound", 0, False)
    assert api.subjects("colleagues") == ["Lunch?"] and api.subjects("archived") == []
    assert api.ok("GET", "/api/emails/counts") == {"inbox": 1, "suggested": 0}

    page = api.ok("GET", "/api/emails", tab="inbox", limit=1)
    assert [r["subject"] for r in page["items"]] == ["Follow-up"] and page["next_cursor"]
    rest = api.ok("GET", "/api/emails", tab="inbox", limit=1, cursor=page["next_cursor"])
    assert [r["subject"] for r in rest["items"]] == ["Quote"]


def test_one_email_whole_with_safe_html_and_its_attachment(mailbox: Mailbox) -> None:
    email = mailbox.api.ok("GET", f"/api/emails/{mailbox.id_of('inbox', 'Quote')}")
    assert email["subject"] == "Quote" and email["text"].startswith("Body of Quote")
    assert "<script" not in email["html"] and "alert" not in email["html"]
    assert 'data-remote-src="https://tracker.example/pixel.png"' in email["html"]
    assert ' src="https://' not in email["html"]
    (attachment,) = email["attachments"]
    assert (attachment["filename"], attachment["content_type"], attachment["size"]) == (
        "quote.pdf",
        "application/pdf",
        10,
    )
    download = requests.get(attachment["url"], timeout=10)
    assert download.status_code == 200 and download.content == b"%PDF-quote"
    assert "quote.pdf" in download.headers["Content-Disposition"]


def test_read_and_unread_reach_the_mail_server_at_the_next_poll(mailbox: Mailbox) -> None:
    api = mailbox.api
    quote = mailbox.id_of("inbox", "Quote")
    assert api.ok("POST", "/api/emails/read", {"ids": [quote], "read": True}) == {"changed": 1}
    assert api.ok("POST", "/api/emails/read", {"ids": [quote], "read": True}) == {"changed": 0}
    assert api.ok("GET", "/api/emails/counts")["inbox"] == 0
    assert [r["read"] for r in api.tab("inbox")] == [True, True]
    assert mailbox.server_seen()["Quote"] is False  # the API never talks IMAP
    assert [f.seen for f in mailboxes_data.load(mailbox.rep.id).flags] == [True]

    assert poll(mailbox.rep).outcome == "synced"  # nothing new, but the flag was set
    assert mailbox.server_seen() == {"Quote": True, "Follow-up": True, "Lunch?": False}
    assert mailboxes_data.load(mailbox.rep.id).flags == []

    # All of a tab, unread: the count, then the server, follow.
    assert api.ok("POST", "/api/emails/read", {"all": True, "tab": "inbox", "read": False}) == {"changed": 2}
    assert api.ok("GET", "/api/emails/counts")["inbox"] == 2
    poll(mailbox.rep)
    assert mailbox.server_seen() == {"Quote": False, "Follow-up": False, "Lunch?": False}
    # The next poll sees the server's own changes (its CONDSTORE answer) and changes nothing here.
    poll(mailbox.rep)
    assert api.ok("GET", "/api/emails/counts")["inbox"] == 2


def test_archive_moves_emails_to_archived_and_back(mailbox: Mailbox) -> None:
    api = mailbox.api
    quote = mailbox.id_of("inbox", "Quote")
    assert api.ok("POST", "/api/emails/archive", {"ids": [quote], "archived": True}) == {"changed": 1}
    assert api.subjects("inbox") == ["Follow-up"]
    assert [(r["subject"], r["tab"]) for r in api.tab("archived")] == [("Quote", "archived")]
    assert api.ok("GET", f"/api/emails/{quote}")["tab"] == "archived"
    assert api.ok("POST", "/api/emails/archive", {"all": True, "tab": "colleagues", "archived": True}) == {"changed": 1}
    assert api.subjects("archived") == ["Lunch?", "Quote"] and api.subjects("colleagues") == []
    assert api.ok("POST", "/api/emails/archive", {"all": True, "tab": "archived", "archived": False}) == {"changed": 2}
    assert api.subjects("inbox") == ["Follow-up", "Quote"] and api.subjects("colleagues") == ["Lunch?"]


def test_search_by_sender_within_a_tab(mailbox: Mailbox) -> None:
    api = mailbox.api
    assert api.subjects("inbox", **{"from": mailbox.known.upper()}) == ["Follow-up", "Quote"]
    assert api.subjects("sent", **{"from": mailbox.known}) == ["Re: Quote"]
    assert api.subjects("inbox", **{"from": stranger()}) == []
    assert api.subjects("colleagues", **{"from": f"bob@{DOMAIN}"}) == ["Lunch?"]
    refused = api("GET", "/api/emails", tab="inbox", **{"from": "not an address"})
    assert refused.status_code == 400 and "from" in refused.json()["error"]["fields"]


def test_search_by_subject_within_a_tab_alone_or_with_the_sender(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, mail = mailbox.api, mailbox.user.address
    for subject, days_ago in (("Révision du devis pour Hélène", 0.5), ("Devis signé", 0.4)):
        mailbox.dovecot.append(mailbox.user.name, "INBOX", message(mailbox.known, mail, subject, days_ago=days_ago))
    assert poll(mailbox.rep).messages == 2
    # Words in any order, each the start of a word of the subject, case and accents aside.
    assert api.subjects("inbox", q="helene REVIS") == ["Révision du devis pour Hélène"]
    assert api.subjects("inbox", q="quote") == ["Quote"]
    assert api.subjects("inbox", q="  follow  ") == ["Follow-up"]
    assert api.subjects("inbox", q="uote") == [] and api.subjects("inbox", q="quote devis") == []
    assert api.subjects("sent", q="re quote") == ["Re: Quote"] and api.subjects("colleagues", q="lunch") == ["Lunch?"]
    # With the sender: what both find.
    assert api.subjects("inbox", q="quote", **{"from": mailbox.known}) == ["Quote"]
    assert api.subjects("inbox", q="quote", **{"from": stranger()}) == []
    assert api.subjects("colleagues", q="lunch", **{"from": f"bob@{DOMAIN}"}) == ["Lunch?"]
    assert api.subjects("colleagues", q="dinner", **{"from": f"bob@{DOMAIN}"}) == []

    # A page of what it found, and the rest after its cursor.
    first = api.ok("GET", "/api/emails", tab="inbox", q="devis", limit=1)
    assert [r["subject"] for r in first["items"]] == ["Devis signé"] and first["next_cursor"]
    rest = api.ok("GET", "/api/emails", tab="inbox", q="devis", limit=5, cursor=first["next_cursor"])
    assert [r["subject"] for r in rest["items"]] == ["Révision du devis pour Hélène"] and rest["next_cursor"] is None

    # Each request reads a bounded part of the tab: here one email, so a search for the oldest
    # answers nothing three times, with a cursor to go on each time, then finds it.
    monkeypatch.setattr(email_tabs, "SEARCH_PAGES", 1)
    monkeypatch.setattr(email_tabs, "SEARCH_PAGE_SIZE", 1)
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        rows, cursor = email_tabs.list_emails(mailbox.rep, "inbox", 25, cursor, query="quote")
        pages.append([row.subject for row in rows])
        if cursor is None:
            break
    assert pages[:4] == [[], [], [], ["Quote"]] and not any(pages[4:])

    too_long = api("GET", "/api/emails", tab="inbox", q="x" * 201)
    assert too_long.status_code == 400 and too_long.json()["error"]["fields"] == {"q": "too long"}
    assert api.subjects("inbox", q="q" * 200) == []
    no_words = api("GET", "/api/emails", tab="inbox", q="?!")
    assert no_words.status_code == 400 and no_words.json()["error"]["fields"] == {"q": "no words"}


def test_bad_input_is_refused_and_changes_nothing(
    mailbox: Mailbox, mail_user: MailUser, dovecot: LocalDovecot, api_url: str, dev_token: Callable[[str], str]
) -> None:
    api = mailbox.api
    quote = mailbox.id_of("inbox", "Quote")
    assert api("GET", "/api/emails", tab="suggested").status_code == 400
    assert api("GET", "/api/emails/not-an-id").status_code == 400
    assert api("GET", f"/api/emails/{'0' * 64}").status_code == 404
    refusals = [
        ("/api/emails/read", {"ids": [quote, "0" * 64], "read": True}, 404),
        ("/api/emails/read", {"read": True}, 400),
        ("/api/emails/read", {"ids": [quote]}, 400),
        ("/api/emails/read", {"ids": [quote], "all": True, "tab": "inbox", "read": True}, 400),
        ("/api/emails/archive", {"all": True, "tab": "nowhere", "archived": True}, 400),
        ("/api/emails/archive", {"ids": [quote] * 101, "archived": True}, 400),
    ]
    for path, body, status in refusals:
        answer = api("POST", path, body)
        assert answer.status_code == status, (body, answer.text)
    assert [(r["subject"], r["read"]) for r in api.tab("inbox")] == [("Follow-up", True), ("Quote", False)]
    assert mailboxes_data.load(mailbox.rep.id).flags == []

    # Another rep's email is as unknown as one that does not exist.
    other = connect(type(mail_user)(f"rep-{uuid.uuid4().hex[:12]}", "x"), dovecot)
    other_api = Api(api_url, dev_token(other.email))
    assert other_api("GET", f"/api/emails/{quote}").status_code == 404
    assert other_api("POST", "/api/emails/archive", {"ids": [quote], "archived": True}).status_code == 404
    assert api.subjects("inbox") == ["Follow-up", "Quote"]

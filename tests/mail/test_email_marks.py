"""Star (A1) and thread (A2) on emails as on the other channels, from the record's feed and from
the email reader (which addresses the email by its key), and the feed filtered by them (A3);
mail synced from a real Dovecot, teammates through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import MailUser
from mail_support import Api, connect, contact_with, message, poll, stranger

from commcenter_local.mail_server import LocalDovecot
from commcenter_local.stack import LocalStack

TEAMMATE = "bruno@northwind.example"  # a demo rep: sees the team's records, not this rep's mail


class Mail:
    """A rep's mail with one contact: two emails received, one sent, and a note on the record."""

    def __init__(self, rep_api: Api, teammate: Api, record_id: str) -> None:
        self.api, self.teammate, self.record_id = rep_api, teammate, record_id
        self.feed_path = f"/api/records/{record_id}/activities"

    def feed(self, *, by: Api | None = None, **params: str) -> list[dict[str, Any]]:
        return list((by or self.api).ok("GET", self.feed_path, **params)["items"])

    def summaries(self, **params: str) -> list[str]:
        return [item["summary"] for item in self.api.ok("GET", self.feed_path, **params)["items"]]

    def in_feed(self, subject: str) -> dict[str, Any]:
        (item,) = [item for item in self.feed(type="email") if item["summary"] == subject]
        return item

    def key_of(self, subject: str) -> str:
        return str(self.in_feed(subject)["data"]["key"])


@pytest.fixture
def mail(
    local_stack: LocalStack, mail_user: MailUser, dovecot: LocalDovecot, api_url: str, dev_token: Callable[[str], str]
) -> Mail:
    rep = connect(mail_user, dovecot)
    known = stranger()
    record_id = contact_with(known, rep)
    me = mail_user.address
    dovecot.append(mail_user.name, "INBOX", message(known, me, "Quote", days_ago=3))
    dovecot.append(mail_user.name, "INBOX", message(known, me, "Follow-up", days_ago=2))
    dovecot.append(mail_user.name, "Sent", message(me, known, "Re: Quote", days_ago=2.5))
    assert poll(rep).messages == 3
    mail = Mail(Api(api_url, dev_token(rep.email)), Api(api_url, dev_token(TEAMMATE)), record_id)
    mail.api.ok("POST", f"/api/records/{record_id}/notes", {"body": "Wants the quote by Friday"})
    return mail


def test_an_email_is_starred_and_threaded_from_the_feed_and_the_feed_filters_by_both(mail: Mail) -> None:
    quote, sent = mail.in_feed("Quote"), mail.in_feed("Re: Quote")
    assert quote["starred"] is False and quote["thread_id"] is None

    starred = mail.api.ok(
        "PATCH", f"{mail.feed_path}/{quote['id']}", {"occurred_at": quote["occurred_at"], "starred": True}
    )
    assert starred["type"] == "email" and starred["starred"] is True and starred["data"]["key"] == quote["data"]["key"]
    # Anyone who can see the record marks it: a teammate threads the email the rep sent.
    threaded = mail.teammate.ok(
        "PATCH", f"{mail.feed_path}/{sent['id']}", {"occurred_at": sent["occurred_at"], "in_thread": True}
    )
    assert threaded["thread_id"] == "main" and threaded["starred"] is False

    assert mail.summaries(type="email", starred="true") == ["Quote"]
    assert mail.summaries(starred="true") == ["Quote"]
    assert mail.summaries(type="email", thread="main") == ["Re: Quote"]
    assert mail.summaries(type="note", starred="true") == []
    assert [i["summary"] for i in mail.feed(by=mail.teammate, type="email", starred="true")] == ["Quote"]
    # The email is still the rep's email: the reader sees the marks, its tab is unchanged.
    detail = mail.api.ok("GET", f"/api/emails/{quote['data']['key']}")
    assert (detail["starred"], detail["thread_id"], detail["tab"]) == (True, None, "inbox")

    # Taken out of the thread it stays in the feed, unstarred it leaves the starred filter.
    mail.api.ok("PATCH", f"{mail.feed_path}/{sent['id']}", {"occurred_at": sent["occurred_at"], "in_thread": False})
    mail.api.ok("PATCH", f"{mail.feed_path}/{quote['id']}", {"occurred_at": quote["occurred_at"], "starred": False})
    assert mail.summaries(thread="main") == [] and mail.summaries(starred="true") == []
    assert mail.summaries(type="email") == ["Follow-up", "Re: Quote", "Quote"]


def test_the_email_reader_stars_and_threads_the_email_it_opened_by_its_key(mail: Mail) -> None:
    key = mail.key_of("Follow-up")
    detail = mail.api.ok("GET", f"/api/emails/{key}")
    # What the reader needs to mark it through the record's feed: the record, the activity, when.
    assert detail["record"]["id"] == mail.record_id
    assert detail["starred"] is False and detail["thread_id"] is None
    path = f"{mail.feed_path}/{detail['activity_id']}"
    marked = mail.api.ok("PATCH", path, {"occurred_at": detail["at"], "starred": True, "in_thread": True})
    assert marked["data"]["key"] == key

    assert mail.summaries(type="email", starred="true") == ["Follow-up"]
    assert mail.summaries(type="email", thread="main") == ["Follow-up"]
    assert mail.summaries(starred="true", thread="main") == ["Follow-up"]
    again = mail.api.ok("GET", f"/api/emails/{key}")
    assert (again["starred"], again["thread_id"]) == (True, "main")

    # A mark that does not locate the email (another time) changes nothing and says so.
    wrong = mail.api("PATCH", path, {"occurred_at": "2020-01-01T00:00:00.000Z", "starred": False})
    assert wrong.status_code == 404
    assert mail.summaries(type="email", starred="true") == ["Follow-up"]

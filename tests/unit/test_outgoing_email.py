"""An email the rep writes, built as the MIME message sent and the one kept: read back with the
product's own parser (headers, both parts, encoded words), threading, a derived Message-ID, and
input that would inject a header refused."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.policy import default

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.email_message import parse_email
from commcenter.domain.emails import dedupe_key_of
from commcenter.domain.facts import EmailAddress
from commcenter.domain.ids import checked_request_id
from commcenter.domain.outgoing_email import (
    OutgoingEmail,
    checked_subject,
    checked_text,
    for_keeping,
    for_sending,
    message_id_for,
    recipients_of,
    reply_threading,
    text_to_html,
)
from commcenter.errors import ValidationError

PIXEL_URL = "https://api.team.example/mail/o/T0k3n_-x"
WHEN = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


def outgoing(**changes: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "sender": EmailAddress("zoe@team.example", "Zoë Rép"),
        "to": recipients_of(["Hélène Müller <helene@client.example>"], "to", least=1),
        "cc": recipients_of(["boss@client.example"], "cc"),
        "subject": "Devis — année 2026",
        "text": "Bonjour Hélène,\n\nle devis: https://team.example/q?a=1&b=2.\nÀ bientôt <Zoë>",
        "message_id": message_id_for("R1", "req-12345678", "zoe@team.example"),
        "date": WHEN,
    }
    values.update(changes)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


def test_the_sent_message_reads_back_with_its_headers_both_parts_and_the_pixel() -> None:
    mail = outgoing()
    parsed = parse_email(for_sending(mail, PIXEL_URL))
    assert parsed.warnings == ()
    assert parsed.subject == "Devis — année 2026"
    assert parsed.sender == EmailAddress("zoe@team.example", "Zoë Rép")
    assert parsed.to == (EmailAddress("helene@client.example", "Hélène Müller"),)
    assert parsed.cc == (EmailAddress("boss@client.example", ""),)
    assert parsed.message_id == mail.message_id and parsed.dedupe_key == dedupe_key_of(mail.message_id)
    assert parsed.date == WHEN and parsed.in_reply_to is None and parsed.references == ()
    assert parsed.text.rstrip("\n") == mail.text
    assert parsed.html is not None
    # The text escaped, its link clickable (the sentence's full stop left out of it).
    assert "À bientôt &lt;Zoë&gt;" in parsed.html
    assert 'href="https://team.example/q?a=1&amp;b=2"' in parsed.html and "</a>." in parsed.html
    # The pixel is there (the reader shows remote images only on request).
    assert f'data-remote-src="{PIXEL_URL}"' in parsed.html


def test_the_kept_message_is_the_same_without_the_pixel_and_building_again_gives_the_same_bytes() -> None:
    mail = outgoing()
    sent, kept = for_sending(mail, PIXEL_URL), for_keeping(mail)
    assert PIXEL_URL.encode() not in kept and b"<img" not in kept
    assert for_keeping(mail) == kept and for_sending(mail, PIXEL_URL) == sent
    sent_parsed, kept_parsed = parse_email(sent), parse_email(kept)
    assert (sent_parsed.subject, sent_parsed.text, sent_parsed.message_id) == (
        kept_parsed.subject,
        kept_parsed.text,
        kept_parsed.message_id,
    )


def test_headers_are_ascii_lines_and_the_structure_is_multipart_alternative() -> None:
    raw = for_sending(outgoing(subject="Ünïcödé " + "word " * 60), PIXEL_URL)
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    head.decode("ascii")  # non-ASCII names and subjects travel as encoded words
    message = email.message_from_bytes(raw, policy=default)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
    assert message.get_all("MIME-Version") == ["1.0"]


def test_a_reply_carries_in_reply_to_and_the_references_then_the_original() -> None:
    older = tuple(f"m{n}@old.example" for n in range(30))
    in_reply_to, references = reply_threading("orig@client.example", older)
    assert in_reply_to == "orig@client.example"
    assert len(references) == 20 and references[-1] == "orig@client.example" and references[0] == "m11@old.example"
    parsed = parse_email(for_keeping(outgoing(in_reply_to=in_reply_to, references=references)))
    assert parsed.in_reply_to == "orig@client.example" and parsed.references == references
    # It belongs to the thread of the first message it refers to, as the sync reads threads.
    assert parsed.thread_id == dedupe_key_of("m11@old.example")[:32]


def test_the_message_id_is_derived_from_the_rep_and_the_request_at_the_mailbox_domain() -> None:
    first = message_id_for("R1", "req-12345678", "Zoe@Team.Example")
    assert first == message_id_for("R1", "req-12345678", "zoe@team.example")
    assert first.endswith("@team.example") and len(first.partition("@")[0]) == 32
    assert first != message_id_for("R2", "req-12345678", "zoe@team.example")
    assert first != message_id_for("R1", "req-12345679", "zoe@team.example")


@pytest.mark.parametrize(
    ("subject", "text", "recipients"),
    [
        ("Hello\r\nBcc: victim@evil.example", "hi", ["a@client.example"]),
        ("Hello\nX-Injected: 1", "hi", ["a@client.example"]),
        ("ok", "hi", ["Eve\r\nBcc: victim@evil.example <a@client.example>"]),
        ("ok", "hi", ["a@client.example\r\nBcc: victim@evil.example"]),
        ("ok", "hi", ["not an address"]),
        ("ok", "hi", ["a@client.example, b@client.example"]),
        ("ok", "hi", []),
        ("ok", " \n\t ", ["a@client.example"]),
        ("x" * 999, "hi", ["a@client.example"]),
    ],
)
def test_input_that_would_break_or_inject_a_header_is_refused(subject: str, text: str, recipients: list[str]) -> None:
    with pytest.raises(ValidationError):
        checked_subject(subject)
        checked_text(text)
        recipients_of(recipients, "to", least=1)


def test_a_sender_name_with_a_line_break_cannot_be_built() -> None:
    with pytest.raises(ValidationError):
        for_keeping(outgoing(sender=EmailAddress("zoe@team.example", "Zoë\r\nBcc: x@evil.example")))


@pytest.mark.parametrize("value", ["short", "has space1", "x" * 65, "ok/slash12"])
def test_a_client_request_id_is_8_to_64_safe_characters(value: str) -> None:
    with pytest.raises(ValidationError):
        checked_request_id(value)
    assert checked_request_id("Ab-_1234") == "Ab-_1234"


def test_recipients_are_kept_once_with_their_names_and_idna_domains() -> None:
    found = recipients_of(["A <a@Client.Example>", "a@client.example", "b@bücher.example"], "to")
    assert found == (EmailAddress("a@client.example", "A"), EmailAddress("b@xn--bcher-kva.example", ""))


def test_paragraphs_and_line_breaks_are_kept_and_markup_is_text() -> None:
    assert text_to_html("one\ntwo\n\n\nthree <script>") == (
        '<p style="margin:0 0 1em 0">one<br>\ntwo</p>\n<p style="margin:0 0 1em 0">three &lt;script&gt;</p>'
    )
    assert 'href="https://www.team.example"' in text_to_html("see www.team.example")
    assert '"https://x.example/&quot;onmouseover' not in text_to_html('https://x.example/"onmouseover=alert(1)')


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=120),
    st.text(min_size=1, max_size=400).filter(lambda t: t.strip() != ""),
)
def test_any_subject_and_text_read_back_as_written(subject: str, text: str) -> None:
    body = checked_text(text)
    parsed = parse_email(for_keeping(outgoing(subject=subject, text=body)))
    assert parsed.subject == " ".join(subject.split())
    assert parsed.text.rstrip("\n") == body.rstrip("\n")
    assert parsed.message_id == outgoing().message_id and parsed.warnings == ()


@given(st.text(alphabet=st.characters(whitelist_categories=("Cc", "Zl", "Zp"), blacklist_characters="\t"), min_size=1))
def test_a_subject_or_name_with_any_control_character_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        checked_subject(f"Hello {bad} there")
    with pytest.raises(ValidationError):
        for_keeping(outgoing(sender=EmailAddress("zoe@team.example", f"Zoë {bad}")))

"""Reading raw email: a corpus of malformed and exotic MIME (tests/unit/mail_corpus), the HTML made
safe, and properties over random and damaged messages (never raises, a stable dedupe key)."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commcenter.domain.email_message import (
    HTML_LIMIT,
    PREVIEW_LENGTH,
    ParsedEmail,
    parse_email,
)
from commcenter.domain.facts import EmailAddress

CORPUS = Path(__file__).parent / "mail_corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.eml"))
TRACE_HEADERS = (
    b"Return-Path: <bounce@relay.example>\r\n"
    b"Delivered-To: rep@team.example\r\n"
    b"Received: from relay.example (relay.example [192.0.2.1]) by mx.team.example; Tue, 1 Oct 2024 10:00:00 +0000\r\n"
)


def read(name: str) -> tuple[bytes, ParsedEmail]:
    raw = (CORPUS / name).read_bytes()
    return raw, parse_email(raw)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def assert_well_formed(parsed: ParsedEmail, raw: bytes) -> None:
    """What every parse promises, whatever the input."""
    assert re.fullmatch(r"[0-9a-f]{64}", parsed.dedupe_key)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,32}", parsed.thread_id)
    assert parsed.size == len(raw)
    assert len(parsed.preview) <= PREVIEW_LENGTH
    assert "\n" not in parsed.preview
    assert parsed.html is None or len(parsed.html.encode()) <= HTML_LIMIT
    assert parsed.date is None or parsed.date.tzinfo is not None
    texts = [parsed.message_id, parsed.subject, parsed.text, parsed.preview, parsed.html or "", *parsed.warnings]
    texts += [party.name + party.address for party in (*parsed.to, *parsed.cc, *parsed.reply_to)]
    texts += [parsed.sender.name + parsed.sender.address] if parsed.sender else []
    texts += [attachment.filename + attachment.content_type for attachment in parsed.attachments]
    for text in texts:
        text.encode("utf-8")  # no lone surrogate: storable and sendable as JSON
    for attachment in parsed.attachments:
        assert attachment.filename and "/" not in attachment.filename and "\\" not in attachment.filename
        assert re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", attachment.content_type)
        assert attachment.size == len(attachment.content)


# --- the corpus, case by case ------------------------------------------------------------------


def test_iso_2022_jp_headers_and_body() -> None:
    _, parsed = read("iso_2022_jp.eml")
    assert parsed.subject == "会議の件"
    assert parsed.sender == EmailAddress(address="taro@example.jp", name="山田太郎")
    # ① is not in plain ISO-2022-JP: read with the JIS X 0213 extension its sender used.
    assert parsed.text == "お世話になっております。\n来週の会議①について。\n"
    assert parsed.date == datetime(2024, 3, 6, 0, 30, tzinfo=UTC)
    assert parsed.warnings == ()


def test_latin1_label_is_read_as_windows_1252() -> None:
    _, parsed = read("windows_1252_labelled_latin1.eml")
    assert parsed.subject == "Devis “signé”"
    assert parsed.text == "Le devis “final” est à 1\xa0200 € – merci.\n"
    assert parsed.sender == EmailAddress(address="renee@example.fr", name="Renée Dubois")
    assert parsed.preview == "Le devis “final” est à 1 200 € – merci."


def test_a_part_that_claims_utf8_and_is_windows_1252() -> None:
    _, parsed = read("utf8_label_but_windows_1252.eml")
    assert parsed.text == "Un café crème, s'il vous plaît.\n"
    assert parsed.subject == "Café crème"
    assert "The text claims UTF-8 but is not all UTF-8: the rest read as Windows-1252" in parsed.warnings


def test_broken_encoded_words() -> None:
    _, parsed = read("broken_encoded_words.eml")
    # Missing padding, a character split across two words, a bad escape, a word glued to text.
    assert parsed.subject == "Café and crème, broken=ZZ, textglued"
    assert parsed.sender == EmailAddress(address="hans@example.de", name="Müller, Hans")
    assert parsed.to == (
        EmailAddress(address="k@example.org", name="Qapla"),  # unknown charset: read as UTF-8
        EmailAddress(address="jose@example.es", name="José"),  # an encoded word inside quotes
    )
    assert any("damaged encoded word" in warning for warning in parsed.warnings)
    assert any("x-klingon" in warning for warning in parsed.warnings)


def test_a_message_without_message_id_is_known_by_its_content() -> None:
    raw, parsed = read("missing_message_id.eml")
    assert parsed.message_id == ""
    assert parsed.dedupe_key == parse_email(raw).dedupe_key
    # Another folder's copy (trace headers, CRLF or LF) is the same message...
    assert parse_email(TRACE_HEADERS + raw).dedupe_key == parsed.dedupe_key
    assert parse_email(raw.replace(b"\r\n", b"\n")).dedupe_key == parsed.dedupe_key
    # ...another body, subject or date is another message.
    assert parse_email(raw.replace(b"wrote no", b"wrote no real")).dedupe_key != parsed.dedupe_key
    assert parse_email(raw.replace(b"No id here", b"No id there")).dedupe_key != parsed.dedupe_key
    assert parse_email(raw.replace(b"10:00:00", b"10:00:01")).dedupe_key != parsed.dedupe_key
    assert parsed.thread_id == parsed.dedupe_key[:32]


def test_alternative_in_mixed_in_related() -> None:
    _, parsed = read("nested_alternative_in_mixed_in_related.eml")
    assert parsed.text == "Plain version: see the logo."
    assert parsed.html == '<p>HTML version: see the <b>logo</b> <img data-cid="logo@example.com" alt="logo"></p>'
    pdf, logo = parsed.attachments
    assert (pdf.filename, pdf.content_type, pdf.inline, pdf.content[:8]) == (
        "quote.pdf",
        "application/pdf",
        False,
        b"%PDF-1.4",
    )
    assert (logo.content_type, logo.content_id, logo.inline, logo.content[:4]) == (
        "image/png",
        "logo@example.com",
        True,
        b"\x89PNG",
    )
    assert logo.filename == "attachment-2.png"
    assert parsed.to == (EmailAddress("rep@team.example", "Rep"), EmailAddress("other@example.org", "Other"))
    assert parsed.cc == (EmailAddress("boss@example.com", "Boss"),)
    assert parsed.reply_to == (EmailAddress("sales@example.com"),)
    assert parsed.date == datetime(2024, 3, 10, 17, 0, tzinfo=UTC)


def test_apple_mail_layout_root_named_by_start_and_trailing_text() -> None:
    _, parsed = read("apple_mixed_alternative_related.eml")
    assert parsed.html == '<div>Here is the first photo.<img data-cid="photo@icloud.example"></div>'
    assert parsed.text == "Here is the first photo.\n\nAnd a line Apple Mail put after it."
    (photo,) = parsed.attachments
    assert (photo.filename, photo.content_id, photo.inline) == ("photo.png", "photo@icloud.example", True)


def test_8bit_bytes_and_a_nameless_line_in_headers() -> None:
    _, parsed = read("8bit_garbage_in_headers.eml")
    # Raw UTF-8 (as SMTPUTF8 sends it) and raw Windows-1252 in one header: each read as itself.
    assert parsed.subject == "Présentation été ÿþ end"
    assert parsed.sender == EmailAddress(address="juergen@example.de", name="Jürgen Müller")
    assert parsed.to[1] == EmailAddress(address="andre@example.fr", name="André")
    # The line without a field name does not end the headers: Date and Content-Type are read.
    assert parsed.date == datetime(2024, 3, 12, 7, 0, tzinfo=UTC)
    assert parsed.text == "Body after garbage.\n"
    assert "A header line without a name was read as the continuation of the one before" in parsed.warnings


def test_headers_without_a_body() -> None:
    _, parsed = read("no_body.eml")
    assert (parsed.subject, parsed.text, parsed.preview, parsed.html, parsed.attachments) == (
        "Only headers",
        "",
        "",
        None,
        (),
    )
    assert parsed.message_id == "nobody-1@example.com"


def test_only_html_gives_text_and_safe_html() -> None:
    _, parsed = read("only_html_hostile.eml")
    html = parsed.html
    assert html is not None
    assert parsed.text.startswith("Spring offers\nDear customer,\nour prices & terms.\nCell A Cell B")
    assert "96" not in parsed.text and "Page title" not in parsed.text  # Outlook's <xml>, the <title>
    assert parsed.preview.startswith("Spring offers Dear customer, our prices & terms.")
    lowered = html.lower()
    for gone in ("<script", "<style", "<meta", "<base", "<link", "<form", "<input", "<iframe", "<object", "<embed"):
        assert gone not in lowered
    for gone in ("<svg", "<video", "<audio", "onload", "onerror", "onclick", "javascript", "vbscript", "data:text"):
        assert gone not in lowered
    assert "url(" not in lowered and "position" not in lowered and "background=" not in lowered
    assert ' src="http' not in lowered and "srcset" not in lowered and "/relative.gif" not in lowered
    assert '<img data-remote-src="https://track.example/pixel.gif" width="1" height="1">' in html
    assert '<img src="data:image/png;base64,iVBORw0KGgo=">' in html
    assert (
        '<a href="https://shop.example/offer?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">the offer</a>'
        in html
    )
    assert '<a href="mailto:sales@news.example" target="_blank" rel="noopener noreferrer">write to us</a>' in html
    assert '<h1 style="color:#333;font-family:Arial">Spring offers</h1>' in html
    assert '<td style="color:red">Cell A</td>' in html  # the property that fetched is gone, colour kept
    assert "<span>escaped</span>" in html  # a style hiding url( behind a CSS escape is dropped whole
    assert '<table width="600" cellpadding="4" bgcolor="#ffffff">' in html


def test_html_part_named_by_its_meta_charset_then_a_list_footer() -> None:
    _, parsed = read("html_part_with_list_footer.eml")
    assert parsed.subject == "Привет"
    assert parsed.html == "<p>Привет, команда!</p><p>Quote attached.</p>"
    # The HTML has no plain version: its own text comes first, then the footer's.
    assert parsed.text == "Привет, команда!\nQuote attached.\n\n--\nteam-list mailing list: https://lists.example/team"
    assert parsed.warnings == ()


def test_calendar_invite_is_kept_as_an_attachment() -> None:
    _, parsed = read("calendar_invite.eml")
    assert parsed.text == "Demo call on Thursday at 3pm."
    assert parsed.html == "<p>Demo call on <b>Thursday</b> at 3pm.</p>"
    (invite,) = parsed.attachments
    assert (invite.filename, invite.content_type) == ("invite.ics", "text/calendar")
    assert b"SUMMARY:Demo call" in invite.content


def test_attached_message_is_one_attachment_that_reads_again() -> None:
    _, parsed = read("attached_message.eml")
    assert parsed.text == "See the message below."
    (forwarded,) = parsed.attachments
    assert (forwarded.filename, forwarded.content_type) == ("Original résumé.eml", "message/rfc822")
    inner = parse_email(forwarded.content)
    assert (inner.message_id, inner.subject, inner.text) == (
        "inner-1@example.com",
        "Original résumé",
        "The original text.",
    )
    assert [attachment.filename for attachment in inner.attachments] == ["inner.pdf"]


def test_damaged_base64_is_decoded_as_far_as_it_goes() -> None:
    _, parsed = read("bad_base64.eml")
    assert parsed.text == "Bonjour, voici le devis.\n"
    (cut,) = parsed.attachments
    assert cut.filename == "cut.bin"
    assert cut.content == bytes(range(33))  # the last letters hold no whole byte
    assert "A base64 part is damaged: decoded as far as it goes" in parsed.warnings


def test_a_message_cut_short_keeps_what_came() -> None:
    _, parsed = read("truncated_multipart.eml")
    assert parsed.text == "The first part is whole."
    assert [attachment.filename for attachment in parsed.attachments] == ["half.pdf"]
    assert "The message ends before its last MIME boundary (it may be cut short)" in parsed.warnings


def test_reply_threads_to_its_root() -> None:
    _, parsed = read("thread_reply_lf_only.eml")
    assert parsed.message_id == "Reply-2@Mail.Example.COM"  # as sent
    assert parsed.in_reply_to == "reply-1@mail.example.com"  # the comment after it left out
    assert parsed.references == ("root-0@mail.example.com", "reply-1@mail.example.com")
    assert parsed.preview == "Yes, approved."  # the quote and the line introducing it left out
    root = parse_email(b"Message-ID: <root-0@MAIL.example.com>\r\nSubject: Budget\r\n\r\nIs it approved?\r\n")
    assert parsed.thread_id == root.thread_id == root.dedupe_key[:32]
    # A reply naming only its parent (no References) joins the parent's thread.
    child = parse_email(b"Message-ID: <c@x.example>\r\nIn-Reply-To: <root-0@mail.example.com>\r\n\r\nYes\r\n")
    assert child.thread_id == root.thread_id


def test_odd_headers_charsets_and_file_names() -> None:
    _, parsed = read("odd_headers_and_charsets.eml")
    assert parsed.message_id == "no-brackets-id-42"
    assert parsed.sender is None  # MAILER-DAEMON names no address
    assert parsed.to == ()  # undisclosed-recipients:;
    assert parsed.cc == (
        EmailAddress(address="dup@example.com", name="Duplicate"),
        EmailAddress(address="rene@xn--bcher-kva.example", name="René"),
    )
    assert parsed.date is None
    assert "The Date header could not be read: 'not a date at all'" in parsed.warnings
    # An unknown charset, UTF-7 with a lone surrogate, and 8-bit text with no charset.
    assert parsed.text == "Café in an unknown charset.\n\nA lone surrogate: \ufffd here.\n\nNo charset: naïve."
    names = [(attachment.filename, attachment.content_type) for attachment in parsed.attachments]
    assert names == [
        ("evilname.exe", "application/octet-stream"),  # no folders, no control characters
        ("déjà vu.png", "image/png"),  # RFC 2231
        ("attachment-3.txt", "text/plain"),  # an unreadable type is text/plain (RFC 2045)
    ]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.stem)
def test_every_corpus_message_reads_the_same_in_any_folder(path: Path) -> None:
    raw = path.read_bytes()
    parsed = parse_email(raw)
    assert_well_formed(parsed, raw)
    assert parse_email(raw) == parsed
    assert parse_email(TRACE_HEADERS + raw).dedupe_key == parsed.dedupe_key


# --- sizes and depths made here ----------------------------------------------------------------


def test_huge_attachment() -> None:
    content = bytes(range(256)) * (12 * 1024 * 1024 // 256)  # 12 MB
    message = EmailMessage()
    message["Message-ID"] = "<huge@example.com>"
    message["Subject"] = "Big file"
    message.set_content("See attached.")
    message.add_attachment(content, maintype="application", subtype="octet-stream", filename="big.bin")
    raw = message.as_bytes()
    parsed = parse_email(raw)
    assert parsed.text == "See attached.\n"
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.size) == ("big.bin", len(content))
    assert attachment.content == content
    assert parsed.warnings == ()


def test_html_beyond_256_kb_is_cut_between_tags() -> None:
    rows = "".join(f'<tr><td style="color:red">Row {index} &amp; more</td></tr>' for index in range(12_000))
    raw = (
        b"Message-ID: <big-html@example.com>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + f"<table>{rows}</table>".encode()
    )
    parsed = parse_email(raw)
    assert parsed.html is not None
    assert HTML_LIMIT - 200 < len(parsed.html.encode()) <= HTML_LIMIT
    assert parsed.html.rfind("<") < parsed.html.rfind(">")  # never ends inside a tag
    assert "The HTML is longer than 256 KB: it was cut there (the raw message has it whole)" in parsed.warnings
    assert parsed.text.endswith("Row 11999 & more")  # the text is derived from all of it


def nested(depth: int) -> bytes:
    parts = b"Content-Type: text/plain\r\n\r\ninnermost\r\n"
    for level in range(depth):
        boundary = f"b{level}".encode()
        parts = (
            b"Content-Type: multipart/mixed; boundary="
            + boundary
            + b"\r\n\r\n--"
            + boundary
            + b"\r\n"
            + parts
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
    return b"Message-ID: <deep@example.com>\r\nSubject: Deep\r\n" + parts


def test_parts_nested_too_deep_are_left_to_the_raw_message() -> None:
    parsed = parse_email(nested(60))
    assert parsed.text == ""
    assert "Parts nested too deep were not read (the raw message has them)" in parsed.warnings
    assert (parsed.message_id, parsed.subject) == ("deep@example.com", "Deep")
    assert parse_email(nested(20)).text == "innermost\n"


def test_a_message_the_parser_cannot_read_keeps_its_headers() -> None:
    raw = nested(3000)  # deeper than the standard parser's recursion goes
    parsed = parse_email(raw)
    assert (parsed.message_id, parsed.subject) == ("deep@example.com", "Deep")
    assert parsed.dedupe_key == sha256("deep@example.com")
    assert any(warning.startswith("The message's body could not be read") for warning in parsed.warnings)
    assert_well_formed(parsed, raw)


# --- identity ----------------------------------------------------------------------------------


def test_message_id_compares_its_domain_without_case() -> None:
    def key(message_id: bytes) -> str:
        return parse_email(b"Message-ID: " + message_id + b"\r\n\r\nx").dedupe_key

    assert (
        key(b"<Abc.123@Mail.EXAMPLE.com>") == key(b"<Abc.123@mail.example.com>") == sha256("Abc.123@mail.example.com")
    )
    assert key(b"<Abc.123@mail.example.com>") != key(b"<abc.123@mail.example.com>")  # the local part is the sender's
    assert key(b"  <Abc.123@mail.example.com>  (a comment)") == key(b"<Abc.123@mail.example.com>")


def test_addresses_are_lower_cased_with_an_idna_domain() -> None:
    raw = "From: Zoë <Zoe.Martin@Bücher.Example>\r\nTo: a@b.example, A@B.EXAMPLE, c@d.example\r\n\r\n".encode()
    parsed = parse_email(raw)
    assert parsed.sender == EmailAddress(address="zoe.martin@xn--bcher-kva.example", name="Zoë")
    assert parsed.to == (EmailAddress("a@b.example"), EmailAddress("c@d.example"))


# --- the HTML made safe ------------------------------------------------------------------------


def html_of(markup: str) -> str:
    parsed = parse_email(b"Content-Type: text/html; charset=utf-8\r\n\r\n" + markup.encode())
    return parsed.html or ""


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<p onclick="x()" onmouseover="y()">a</p>', "<p>a</p>"),
        ('<img src="x" onerror="alert(1)">', "<img>"),
        ('<a href="javascript:alert(1)">a</a>', '<a target="_blank" rel="noopener noreferrer">a</a>'),
        ('<a href="java&#x09;script:alert(1)">a</a>', '<a target="_blank" rel="noopener noreferrer">a</a>'),
        ('<a href="vbscript:x">a</a>', '<a target="_blank" rel="noopener noreferrer">a</a>'),
        ('<a href="data:text/html,x">a</a>', '<a target="_blank" rel="noopener noreferrer">a</a>'),
        ('<a href="cid:part1">a</a>', '<a target="_blank" rel="noopener noreferrer">a</a>'),
        (
            '<a href="tel:+15550100">call</a>',
            '<a href="tel:+15550100" target="_blank" rel="noopener noreferrer">call</a>',
        ),
        (
            '<img src="https://t.example/p.gif?u=1&amp;v=2">',
            '<img data-remote-src="https://t.example/p.gif?u=1&amp;v=2">',
        ),
        ('<img src="HTTP://T.example/p.gif">', '<img data-remote-src="HTTP://T.example/p.gif">'),
        ('<img src="cid:&lt;a%40b&gt;">', '<img data-cid="a@b">'),
        ('<img src="data:image/gif;base64,R0lGOD">', '<img src="data:image/gif;base64,R0lGOD">'),
        ('<img src="data:text/html,x">', "<img>"),
        ('<img src="ftp://t.example/p.gif">', "<img>"),
        ('<form action="https://e.example"><input name="p">text</form>', "text"),
        ('<iframe src="https://e.example">x</iframe><object data="y">z</object>after', "after"),
        ('<p style="color: red; background: url(https://t.example/x)">a</p>', '<p style="color:red">a</p>'),
        ('<p style="font-family: url(https://t.example/x)">a</p>', "<p>a</p>"),
        ('<p style="color: red; background-image: url(https://t.example/x)">a</p>', '<p style="color:red">a</p>'),
        ('<p style="color: red; behavior: url(x.htc); position: fixed">a</p>', '<p style="color:red">a</p>'),
        ('<p style="font-family: \\75 rl(https://t.example/x)">a</p>', "<p>a</p>"),
        ('<p style="font-family: u/**/rl(https://t.example/x)">a</p>', "<p>a</p>"),
        ('<td background="https://t.example/bg.png" bgcolor="#fff">a</td>', "a"),
        (
            '<table><tr><td background="https://t.example/bg.png" bgcolor="#fff">a</td></tr></table>',
            '<table><tbody><tr><td bgcolor="#fff">a</td></tr></tbody></table>',
        ),
        ('<font color="red" face="Arial">a</font>', '<font color="red" face="Arial">a</font>'),
        (
            '<a title="&quot; src=&quot;https://t.example/x" href="https://ok.example">a</a>',
            '<a title="&quot; src=&quot;https://t.example/x" href="https://ok.example" target="_blank" '
            'rel="noopener noreferrer">a</a>',
        ),
        ('<img alt="a > b" src="https://t.example/x">', '<img alt="a &gt; b" data-remote-src="https://t.example/x">'),
        ('<p>text with src="https://t.example/x" in it</p>', '<p>text with src="https://t.example/x" in it</p>'),
    ],
)
def test_html_is_made_safe(markup: str, expected: str) -> None:
    assert html_of(markup) == expected


DANGERS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<scr<script>ipt>alert(1)</script>",
        '<img src="https://t.example/a.gif">',
        "<img src=https://t.example/b.gif>",
        '<img src="//t.example/c.gif">',
        '<img srcset="https://t.example/d.gif 2x">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<p style="background:url(https://t.example/e.gif)">x</p>',
        '<p style="font-family:\\75 rl(https://t.example/f.gif)">x</p>',
        '<p style="color:u\\rl(x)">x</p>',
        '<svg><image href="https://t.example/g.gif"/></svg>',
        '<body onload="alert(1)">',
        '<div onmouseover="alert(1)">x</div>',
        '<input type="image" src="https://t.example/h.gif">',
        '<video poster="https://t.example/i.gif">',
        '<link rel="stylesheet" href="https://t.example/j.css">',
        "<style>@import url(https://t.example/k.css);</style>",
        '<table background="https://t.example/l.gif"><tr><td>x</td></tr></table>',
        '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        '<meta http-equiv="refresh" content="0;url=https://t.example/">',
        "<!--",
        '"',
        "'",
        "<",
        ">",
        "<p>",
        "</td>",
        "&lt;",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(DANGERS, st.text(max_size=8)), max_size=12))
def test_no_assembly_of_dangers_survives(pieces: list[str]) -> None:
    html = html_of("".join(pieces)).lower()
    assert "<script" not in html and "<style" not in html and "<iframe" not in html and "<svg" not in html
    assert re.search(r"<[^>]*\son[a-z]+=", html) is None  # no event handler attribute
    # Nothing that fetches: no source but a data:image one, and links only on <a>.
    assert re.search(r'<(?!a\s)[^>]*\s(?:src|srcset|background|poster|data|action|href)="(?!data:image/)', html) is None
    assert "url(" not in html and "javascript:" not in html and "<link" not in html and "<meta" not in html


# --- properties over any bytes -----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    parsed = parse_email(raw)
    assert_well_formed(parsed, raw)
    assert parse_email(raw).dedupe_key == parsed.dedupe_key


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A corpus message with bytes flipped, cut, inserted or deleted."""
    raw = bytearray(draw(st.sampled_from(CORPUS_FILES)).read_bytes())
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        position = draw(st.integers(min_value=0, max_value=max(len(raw) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip" and raw:
            raw[position] = draw(st.integers(min_value=0, max_value=255))
        elif action == "cut":
            del raw[position:]
        elif action == "insert":
            raw[position:position] = draw(
                st.sampled_from(
                    [b"\r\n", b"\n\n", b"--", b"=?", b"?=", b"\xff\xfe", b"<", b"\x00", b"=\r\n", b"--b\r\n"]
                )
            )
        else:
            del raw[position : position + draw(st.integers(min_value=1, max_value=40))]
    return bytes(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_corpus_messages_never_raise(raw: bytes) -> None:
    parsed = parse_email(raw)
    assert_well_formed(parsed, raw)
    assert parse_email(raw).dedupe_key == parsed.dedupe_key


HEADER_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    subject=HEADER_TEXT,
    body=st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    with_id=st.booleans(),
    charset=st.sampled_from(["utf-8", "iso-8859-1", "iso-2022-jp", "windows-1251"]),
    html=st.booleans(),
)
def test_a_message_in_any_folder_has_one_dedupe_key(
    subject: str, body: str, with_id: bool, charset: str, html: bool
) -> None:
    message = EmailMessage()
    message["From"] = "Ann <ann@example.com>"
    message["To"] = "rep@team.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 1 Oct 2024 10:00:00 +0000"
    if with_id:
        message["Message-ID"] = "<prop-1@example.com>"
    try:
        body.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    message.set_content(body, charset=charset)
    if html:
        message.add_alternative(f"<p>{body}</p>", subtype="html")
    raw = message.as_bytes()
    parsed = parse_email(raw)
    assert_well_formed(parsed, raw)
    assert parsed.subject == " ".join(subject.split())
    assert parse_email(TRACE_HEADERS + raw).dedupe_key == parsed.dedupe_key
    assert parse_email(raw.replace(b"\r\n", b"\n")).dedupe_key == parsed.dedupe_key
    if with_id:
        assert parsed.dedupe_key == sha256("prop-1@example.com")


def test_base64_body_of_a_known_text() -> None:
    text = "Grüße aus Köln — 東京"
    raw = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(
        text.encode()
    )
    assert parse_email(raw).text == text

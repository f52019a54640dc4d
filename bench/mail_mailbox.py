"""A generated mailbox for the mail benchmarks: what a rep's INBOX and Sent hold after some months.

`generate()` is deterministic for a seed and an anchor date: 5,000 messages of some 86 MB by
default, of mixed sizes (a long tail of long texts), a tenth with attachments (a few of them
large), a quarter HTML (alternative, HTML alone, or HTML with an inline image in a related part),
in several charsets (UTF-8, ISO-8859-1, windows-1252, KOI8-R, ISO-2022-JP, Shift_JIS, GB2312),
with encoded words and RFC 2231 file names, in threads (In-Reply-To and References), a fifth sent
by the rep, some from the rep's colleagues, a few without a Message-ID. Messages are written as
bytes (CRLF lines, as IMAP carries them) by a small MIME writer of its own, so each charset and
transfer encoding is exactly the one chosen, as mail clients really send them.

`write_maildir()` puts messages into a Maildir folder directly, named so that Dovecot assigns
UIDs in date order and with the date as file time (Dovecot's INTERNALDATE for Maildir): far
faster than 5,000 IMAP APPENDs, and the server reads them as it reads delivered mail.
`fill_mailbox()` does so for a user of the local Dovecot (`commcenter_local.mail_server`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import math
import os
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

MB = 1_000_000
DEFAULT_COUNT = 5_000
DEFAULT_TOTAL_BYTES = 86 * MB
DEFAULT_SEED = 13
DEFAULT_SPAN_DAYS = 80  # inside the first sync's default window (90 days)
REP_ADDRESS = "alice@northwind.example"
REP_NAME = "Alice Martin"
ATTACHMENT_SHARE = 0.10
HTML_SHARE = 0.25
SENT_SHARE = 0.20
REPLY_SHARE = 0.40
NO_MESSAGE_ID_SHARE = 0.01
MAX_ATTACHMENT_BYTES = 6 * MB

Folder = Literal["INBOX", "Sent"]
CRLF = b"\r\n"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True, slots=True)
class GeneratedMessage:
    folder: Folder
    raw: bytes
    date: datetime
    seen: bool
    message_id: str  # without <>; "" when the message has none
    charset: str
    html: bool
    attachments: int
    in_reply_to: str | None


@dataclass(frozen=True, slots=True)
class Language:
    charsets: tuple[str, ...]
    words: tuple[str, ...]
    subjects: tuple[str, ...]
    greeting: str
    closing: str


ENGLISH = Language(
    charsets=("utf-8", "us-ascii"),
    words=_words(
        "the proposal pricing seats renewal contract meeting next week budget approval team rollout "
        "onboarding training invoice quarter forecast pipeline demo trial integration support ticket "
        "we can schedule call review numbers legal procurement signature timeline discount volume "
        "thanks for your time let me know if questions attached updated version agenda notes"
    ),
    subjects=(
        "Proposal for {n} seats",
        "Follow-up on our call",
        "Renewal terms for {y}",
        "Invoice {n}",
        "Demo next week?",
        "Pricing question",
        "Onboarding plan",
        "Contract draft v{n}",
    ),
    greeting="Hi {name},",
    closing="Best regards,",
)
FRENCH = Language(
    charsets=("iso-8859-1", "utf-8"),
    words=_words(
        "proposition tarif réunion été déjà prévu équipe démarrage échéance reçu à côté où "
        "contrat signé délai budget accordé présentation très intéressé première étape sécurité "
        "données hébergées facturation trimestre élève façon garçon noël forêt crème"
    ),
    subjects=(
        "Proposition pour {n} postes",
        "Suite à notre réunion",
        "Échéancier {y}",
        "Facture n° {n}",
        "Présentation de la démo",
        "Questions sécurité",
    ),
    greeting="Bonjour {name},",
    closing="Bien cordialement,",
)
GERMAN = Language(
    charsets=("windows-1252", "iso-8859-1"),
    words=_words(
        "Angebot Größe Übersicht für Besprechung nächste Woche Vertrag Kündigung Lösung Schlüssel "
        "Gebühr € Zusammenfassung – Prüfung „Entwurf“ Änderungen Mitarbeiter Schulung Straße "
        "Rückmeldung Grüße möglich Termin Verlängerung Rabatt"
    ),
    subjects=(
        "Angebot für {n} Lizenzen",
        "Rückfragen zum Vertrag",
        "Verlängerung {y} – Entwurf",
        "Rechnung Nr. {n}",
        "Termin nächste Woche",
    ),
    greeting="Hallo {name},",
    closing="Viele Grüße",
)
RUSSIAN = Language(
    charsets=("koi8-r", "utf-8"),
    words=_words(
        "предложение договор встреча цена лицензии продление счёт команда внедрение обучение "
        "поддержка неделя бюджет согласование подпись срок скидка объём спасибо вопросы"
    ),
    subjects=("Предложение на {n} лицензий", "Договор {y}", "Счёт № {n}", "Встреча на следующей неделе"),
    greeting="Здравствуйте, {name}!",
    closing="С уважением,",
)
JAPANESE = Language(
    charsets=("iso-2022-jp", "shift_jis", "utf-8"),
    words=_words(
        "お世話になっております 見積もり 会議 契約 更新 ライセンス 価格 導入 研修 サポート "
        "来週 予算 承認 署名 納期 割引 ご確認 よろしくお願いします 資料 添付"
    ),
    subjects=("{n}ライセンスのお見積もり", "契約更新について", "会議の日程", "請求書 {n}"),
    greeting="{name} 様",
    closing="よろしくお願いいたします。",
)
CHINESE = Language(
    charsets=("gb2312", "utf-8"),
    words=_words("您好 合同 会议 价格 许可 续约 发票 团队 部署 培训 支持 下周 预算 批准 签字 期限 折扣 谢谢 附件 资料"),
    subjects=("{n}个许可的报价", "关于续约", "下周会议", "发票 {n}"),
    greeting="{name}，您好：",
    closing="此致敬礼",
)
LANGUAGES: tuple[tuple[Language, float], ...] = (
    (ENGLISH, 0.55),
    (FRENCH, 0.12),
    (GERMAN, 0.10),
    (RUSSIAN, 0.08),
    (JAPANESE, 0.09),
    (CHINESE, 0.06),
)
FIRST_NAMES = _words(
    "Hélène Marcus Priya Tomás Sam Lena Noah Emma Yuki Olga Wei Jürgen Chloé Ana Omar Ines Ravi Sofia "
    "Dmitri Mei Lucas Zoë Kenji Amara"
)
LAST_NAMES = _words(
    "Durand Reed Nair Álvarez Porter Fischer Smith Müller Tanaka Ivanova Zhang Weber Dubois Silva Haddad "
    "García Rao Rossi Petrov Chen Martin Brown Sato Okafor"
)
DOMAINS = _words(
    "acme.example globex.example initech.example vandelay.example umbrella.example hooli.example "
    "stark.example wayne.example tyrell.example cyberdyne.example soylent.example wonka.example "
    "gringotts.example oscorp.example aperture.example"
)
COLLEAGUE_DOMAIN = REP_ADDRESS.split("@", 1)[1]
ZONES = (UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=9)))
ATTACHMENT_KINDS: tuple[tuple[str, str, bytes], ...] = (
    ("application/pdf", "pdf", b"%PDF-1.7\n"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff\xe0"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", b"PK\x03\x04"),
    ("application/zip", "zip", b"PK\x03\x04"),
)
ATTACHMENT_NAMES = ("Proposal", "Quote", "Résumé", "Übersicht", "契約書", "Invoice", "Screenshot", "Data export")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    address: str
    language: Language


@dataclass
class Thread:
    subject: str
    person: Person
    references: list[str] = field(default_factory=list)
    last_text: str = ""


@dataclass(frozen=True, slots=True)
class AttachmentSpec:
    content_type: str
    filename: str
    weight: float
    magic: bytes
    seed: int


@dataclass
class MessageSpec:
    index: int
    folder: Folder
    date: datetime
    seen: bool
    message_id: str
    sender: Person
    recipient: Person
    cc: Person | None
    subject: str
    language: Language
    charset: str
    text: str
    html: Literal["", "alternative", "only", "related"]
    in_reply_to: str | None
    references: tuple[str, ...]
    attachments: list[AttachmentSpec]
    attachment_bytes: list[int] = field(default_factory=list)


# --- the MIME writer -------------------------------------------------------------------------------


def _wrap(encoded: bytes, width: int = 76) -> bytes:
    return CRLF.join(encoded[i : i + width] for i in range(0, len(encoded), width)) + CRLF


def _transfer_encode(body: bytes, cte: str) -> bytes:
    if cte == "base64":
        return _wrap(base64.b64encode(body))
    if cte == "quoted-printable":
        return binascii.b2a_qp(body.replace(b"\r\n", b"\n")).replace(b"\n", CRLF) + CRLF
    return body.replace(b"\r\n", b"\n").replace(b"\n", CRLF) + CRLF  # 7bit / 8bit


def encoded_words(text: str, charset: str) -> str:
    """`text` as RFC 2047 encoded words in `charset` (ASCII text stays as it is), each word short
    enough for a header line and encoded on its own (so ISO-2022-JP escapes never straddle two)."""
    if text.isascii():
        return text
    if not _fits(text, charset):  # a Latin name in a Japanese message: as mail clients do, in UTF-8
        charset = "utf-8"
    chunk = 10 if charset.lower() in {"iso-2022-jp", "shift_jis", "gb2312", "koi8-r"} else 18
    words = []
    for start in range(0, len(text), chunk):
        part = text[start : start + chunk].encode(charset)
        words.append(f"=?{charset}?B?{base64.b64encode(part).decode()}?=")
    return "\r\n ".join(words)


def _address(person: Person, charset: str) -> str:
    return f"{encoded_words(person.name, charset)} <{person.address}>"


def _header(name: str, value: str) -> bytes:
    return f"{name}: {value}".encode("ascii") + CRLF


def _leaf(content_type: str, cte: str, body: bytes, extra: Sequence[str] = ()) -> bytes:
    head = _header("Content-Type", content_type) + _header("Content-Transfer-Encoding", cte)
    head += b"".join(line.encode("ascii") + CRLF for line in extra)
    return head + CRLF + _transfer_encode(body, cte)


def _multipart(subtype: str, parts: Sequence[bytes], boundary: str) -> bytes:
    out = [_header("Content-Type", f'multipart/{subtype}; boundary="{boundary}"'), CRLF]
    out.append(b"This is a multi-part message in MIME format." + CRLF)
    for part in parts:
        out += [b"--" + boundary.encode() + CRLF, part]
    out.append(b"--" + boundary.encode() + b"--" + CRLF)
    return b"".join(out)


def _text_cte(charset: str, rng: random.Random) -> str:
    if charset in {"us-ascii", "iso-2022-jp"}:
        return "7bit"
    if charset in {"koi8-r", "shift_jis", "gb2312"}:
        return rng.choice(("base64", "8bit"))
    return rng.choice(("quoted-printable", "8bit", "base64"))


def _html_of(spec: MessageSpec, rng: random.Random, *, inline_cid: str | None) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in spec.text.split("\n") if line)
    rows = "\n".join(
        f'<tr><td style="padding:4px">{rng.choice(spec.language.words)}</td><td>{rng.randint(1, 999)}</td></tr>'
        for _ in range(rng.randint(1, 6))
    )
    image = f'<img src="cid:{inline_cid}" alt="logo">' if inline_cid else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="{cs}"><style>p{{margin:0 0 8px}}</style></head>'
        '<body style="font-family:Arial,sans-serif">\n{image}{paragraphs}\n<table>\n{rows}\n</table>\n'
        '<p><a href="https://{domain}/offer?id={n}">{link}</a></p>\n'
        '<img src="https://tracker.{domain}/open.gif?m={n}" width="1" height="1" alt="">\n'
        "</body></html>"
    ).format(
        cs=spec.charset,
        image=image,
        paragraphs=paragraphs,
        rows=rows,
        domain=spec.sender.address.split("@")[1],
        n=spec.index,
        link=rng.choice(spec.language.words),
    )


def _body_part(spec: MessageSpec, rng: random.Random) -> bytes:
    charset = spec.charset
    text_cte = _text_cte(charset, rng)
    text = _leaf(f"text/plain; charset={charset}", text_cte, spec.text.encode(charset))
    if not spec.html:
        return text
    cid = f"logo{spec.index}@bench" if spec.html == "related" else None
    html_bytes = _html_of(spec, rng, inline_cid=cid).encode(charset, errors="xmlcharrefreplace")
    html = _leaf(f"text/html; charset={charset}", _text_cte(charset, rng), html_bytes)
    if spec.html == "only":
        return html
    alternative = _multipart("alternative", [text, html], f"alt-{spec.index}")
    if spec.html == "alternative":
        return alternative
    logo = _leaf("image/png", "base64", b"\x89PNG\r\n\x1a\n" + rng.randbytes(600), [f"Content-ID: <{cid}>"])
    return _multipart("related", [alternative, logo], f"rel-{spec.index}")


def _attachment_part(attachment: AttachmentSpec, size: int) -> bytes:
    content = attachment.magic + random.Random(attachment.seed).randbytes(max(0, size - len(attachment.magic)))
    if attachment.filename.isascii():
        disposition = f'attachment; filename="{attachment.filename}"'
        name = f'; name="{attachment.filename}"'
    else:
        disposition = f"attachment; filename*=utf-8''{quote(attachment.filename)}"
        name = ""
    return _leaf(f"{attachment.content_type}{name}", "base64", content, [f"Content-Disposition: {disposition}"])


def render(spec: MessageSpec, rng: random.Random) -> bytes:
    """The message as sent: headers then its MIME tree, CRLF lines."""
    charset = spec.charset if spec.charset != "us-ascii" else "utf-8"
    head = [
        _header("Return-Path", f"<{spec.sender.address}>"),
        _header("Date", format_datetime(spec.date)),
        _header("From", _address(spec.sender, charset)),
        _header("To", _address(spec.recipient, charset)),
    ]
    if spec.cc is not None:
        head.append(_header("Cc", _address(spec.cc, charset)))
    head.append(_header("Subject", encoded_words(spec.subject, charset)))
    if spec.message_id:
        head.append(_header("Message-ID", f"<{spec.message_id}>"))
    if spec.in_reply_to:
        head.append(_header("In-Reply-To", f"<{spec.in_reply_to}>"))
        head.append(_header("References", "\r\n ".join(f"<{ref}>" for ref in spec.references)))
    head += [_header("MIME-Version", "1.0"), _header("X-Mailer", "bench-generator 1.0")]
    body = _body_part(spec, rng)
    if spec.attachments:
        parts = [body] + [_attachment_part(a, n) for a, n in zip(spec.attachments, spec.attachment_bytes, strict=True)]
        body = _multipart("mixed", parts, f"mixed-{spec.index}")
    return b"".join(head) + body


def base64_bytes(size: int) -> int:
    """Bytes `size` bytes take in a base64 body of 76-character CRLF lines."""
    encoded = 4 * math.ceil(size / 3)
    return encoded + 2 * math.ceil(encoded / 76)


# --- the plan --------------------------------------------------------------------------------------


def _people(rng: random.Random, count: int) -> list[Person]:
    # Each language gets its share of the people (stratified, then shuffled), even in a small mailbox.
    languages = [_language_at((i + 0.5) / count) for i in range(count)]
    rng.shuffle(languages)
    people = []
    for i, language in enumerate(languages):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        domain = COLLEAGUE_DOMAIN if i % 12 == 0 else rng.choice(DOMAINS)
        local = f"{first}.{last}".lower().encode("ascii", errors="ignore").decode() or "contact"
        people.append(Person(f"{first} {last}", f"{local}{i}@{domain}", language))
    return people


def _language_at(position: float) -> Language:
    """The language whose share of the cumulative weights covers `position` (0..1)."""
    covered = 0.0
    for language, weight in LANGUAGES:
        covered += weight
        if position < covered:
            return language
    return LANGUAGES[-1][0]


def _text(rng: random.Random, language: Language, name: str, quoted: str) -> str:
    length = min(40_000, max(60, int(rng.lognormvariate(6.6, 1.0))))  # median ~ 740 characters
    sep = "" if language in (JAPANESE, CHINESE) else " "
    lines, size = [language.greeting.format(name=name.split(maxsplit=1)[0]), ""], 0
    while size < length:
        words = [rng.choice(language.words) for _ in range(rng.randint(6, 14))]
        line = sep.join(words)
        lines.append(line)
        size += len(line)
    lines += ["", language.closing, REP_NAME if name != REP_NAME else ""]
    if quoted:
        lines += ["", *(f"> {line}" for line in quoted.splitlines()[:40])]
    return "\n".join(lines)


def _fits(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def _message_id(rng: random.Random, domain: str) -> str:
    return f"{rng.randbytes(8).hex()}.{rng.randint(1000, 9999)}@mail.{domain}"


def _attachments(rng: random.Random, index: int) -> list[AttachmentSpec]:
    found = []
    for n in range(rng.choices((1, 2, 3), (0.7, 0.2, 0.1))[0]):
        content_type, extension, magic = rng.choice(ATTACHMENT_KINDS)
        filename = f"{rng.choice(ATTACHMENT_NAMES)} {index}-{n}.{extension}"
        found.append(AttachmentSpec(content_type, filename, rng.lognormvariate(0, 1.4), magic, rng.getrandbits(48)))
    return found


def _chosen(rng: random.Random, count: int, share: float) -> set[int]:
    return set(rng.sample(range(count), round(count * share)))


def plan(count: int, seed: int, anchor: datetime, span_days: int) -> list[MessageSpec]:
    """Who writes to whom, when, in which charset, with what, before any byte is written."""
    rng = random.Random(seed)
    people = _people(rng, max(20, count // 12))
    rep = Person(REP_NAME, REP_ADDRESS, ENGLISH)
    with_attachments = _chosen(rng, count, ATTACHMENT_SHARE)
    with_html = _chosen(rng, count, HTML_SHARE)
    sent = _chosen(rng, count, SENT_SHARE)
    without_id = _chosen(rng, count, NO_MESSAGE_ID_SHARE)
    start = anchor - timedelta(days=span_days)
    step = timedelta(days=span_days) / count
    threads: list[Thread] = []
    specs = []
    for index in range(count):
        thread = rng.choice(threads[-200:]) if threads and rng.random() < REPLY_SHARE else None
        person = thread.person if thread else rng.choice(people)
        folder: Folder = "Sent" if index in sent else "INBOX"
        sender, recipient = (rep, person) if folder == "Sent" else (person, rep)
        language = person.language
        charset = rng.choice(language.charsets)
        subject = rng.choice(language.subjects).format(n=rng.randint(2, 500), y=anchor.year)
        if thread:
            subject = thread.subject if thread.subject.startswith("Re: ") else f"Re: {thread.subject}"
        offset = timedelta(seconds=int(rng.uniform(0, step.total_seconds() * 0.9)))  # whole seconds, as in Date:
        date = (start + step * index + offset).replace(microsecond=0).astimezone(rng.choice(ZONES))
        message_id = "" if index in without_id else _message_id(rng, sender.address.split("@")[1])
        cc = rng.choice(people) if rng.random() < 0.15 else None
        text = _text(rng, language, recipient.name, thread.last_text if thread else "")
        charset = charset if _fits(text, charset) else "utf-8"  # as a mail client picks one that fits
        html_kind = rng.choices(("alternative", "only", "related"), (0.7, 0.15, 0.15))[0] if index in with_html else ""
        references = tuple(thread.references[-10:]) if thread else ()
        specs.append(
            MessageSpec(
                index=index,
                folder=folder,
                date=date,
                seen=folder == "Sent" or rng.random() < 0.7,
                message_id=message_id,
                sender=sender,
                recipient=recipient,
                cc=cc,
                subject=subject,
                language=language,
                charset=charset,
                text=text,
                html=html_kind,  # type: ignore[arg-type]
                in_reply_to=references[-1] if references else None,
                references=references,
                attachments=_attachments(rng, index) if index in with_attachments else [],
            )
        )
        if message_id:
            if thread is None:
                thread = Thread(subject=subject, person=person)
                threads.append(thread)
            thread.references.append(message_id)
            thread.last_text = text[:1500]
    return specs


def _size_attachments(specs: list[MessageSpec], seed: int, total_bytes: int) -> None:
    """Share what the messages leave of `total_bytes` around empty attachments among the
    attachments, by each one's drawn weight (a long tail: a few are megabytes)."""
    for spec in specs:
        spec.attachment_bytes = [0] * len(spec.attachments)
    base = sum(len(render(spec, _rng_of(seed, spec))) for spec in specs)
    attachments = [a for spec in specs for a in spec.attachments]
    if not attachments:
        return
    weight = sum(a.weight for a in attachments)
    budget = max(0, total_bytes - base) * 57 / 78  # base64: 57 bytes take a 78-byte line
    for spec in specs:
        spec.attachment_bytes = [
            max(512, min(MAX_ATTACHMENT_BYTES, int(budget * a.weight / weight))) for a in spec.attachments
        ]


def _rng_of(seed: int, spec: MessageSpec) -> random.Random:
    """The choices made while writing one message (transfer encodings, HTML details): its own
    generator, so that writing it again writes the same bytes."""
    return random.Random(seed * 1_000_003 + spec.index)


def generate(
    count: int = DEFAULT_COUNT,
    *,
    seed: int = DEFAULT_SEED,
    total_bytes: int = DEFAULT_TOTAL_BYTES,
    anchor: datetime | None = None,
    span_days: int = DEFAULT_SPAN_DAYS,
) -> list[GeneratedMessage]:
    """`count` messages, dated over the `span_days` before `anchor` (the start of today, UTC, by
    default), in date order; the same seed and anchor give the same bytes."""
    anchor = anchor or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    specs = plan(count, seed, anchor, span_days)
    _size_attachments(specs, seed, total_bytes)
    messages = []
    for spec in specs:
        messages.append(
            GeneratedMessage(
                folder=spec.folder,
                raw=render(spec, _rng_of(seed, spec)),
                date=spec.date.astimezone(UTC),
                seen=spec.seen,
                message_id=spec.message_id,
                charset=spec.charset,
                html=bool(spec.html),
                attachments=len(spec.attachments),
                in_reply_to=spec.in_reply_to,
            )
        )
    return messages


def small_messages(count: int, *, seed: int, before: datetime, offset: int = 0) -> Iterable[GeneratedMessage]:
    """`count` short plain messages dated a year before `before` (outside any first-sync window):
    a large mailbox's history, cheap to write, for measuring what a poll costs beside it."""
    rng = random.Random(seed)
    for index in range(offset, offset + count):
        date = before - timedelta(days=365, seconds=count - index)
        message_id = f"old{index}.{rng.getrandbits(32):08x}@mail.{DOMAINS[index % len(DOMAINS)]}"
        raw = b"".join(
            [
                _header("Date", format_datetime(date)),
                _header("From", f"Old Correspondent <old{index % 97}@{DOMAINS[index % len(DOMAINS)]}>"),
                _header("To", f"{REP_NAME} <{REP_ADDRESS}>"),
                _header("Subject", f"Archive message {index}"),
                _header("Message-ID", f"<{message_id}>"),
                _header("MIME-Version", "1.0"),
                _header("Content-Type", "text/plain; charset=us-ascii"),
                CRLF,
                (f"Message {index} of an old thread. " * rng.randint(2, 20)).encode() + CRLF,
            ]
        )
        yield GeneratedMessage("INBOX", raw, date, True, message_id, "us-ascii", False, 0, None)


# --- Maildir ---------------------------------------------------------------------------------------


def maildir_name(message: GeneratedMessage, sequence: int) -> str:
    """A Maildir file name Dovecot sorts by (its time comes first), with the size Dovecot reads
    instead of a stat (S=) and the \\Seen flag (:2,S)."""
    unique = hashlib.sha1(message.raw[:256] + sequence.to_bytes(8, "big")).hexdigest()[:12]
    stamp = int(message.date.timestamp())
    return f"{stamp}.M{sequence:06d}P{unique}.bench,S={len(message.raw)}:2,{'S' if message.seen else ''}"


def write_maildir(
    folder: Path, messages: Iterable[GeneratedMessage], *, start: int = 0, owner: tuple[int, int] | None = None
) -> int:
    """Write `messages` into the Maildir `folder` (its cur/, new/ and tmp/ made if missing), each
    file's time its date; owned by `owner` (uid, gid) when given. Returns how many were written."""
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        if owner:
            os.chown(folder / sub, *owner)
    if owner:
        os.chown(folder, *owner)
    written = 0
    cur = folder / "cur"
    for sequence, message in enumerate(messages, start=start):
        path = cur / maildir_name(message, sequence)
        path.write_bytes(message.raw)
        stamp = message.date.timestamp()
        os.utime(path, (stamp, stamp))
        if owner:
            os.chown(path, *owner)
        written += 1
    return written


def fill_mailbox(dovecot: Any, user: str, folders: dict[str, Iterable[GeneratedMessage]]) -> dict[str, int]:
    """Put messages into the folders of `user` of a running `LocalDovecot` (INBOX, or a folder
    made when the user was), straight into its Maildir, then have Dovecot index them now
    (`doveadm force-resync`). Returns how many each folder got."""
    home = Path(dovecot.mail_dir) / user.lower() / "Maildir"
    owner = (home.stat().st_uid, home.stat().st_gid)
    written = {}
    for folder, messages in folders.items():
        path = home if folder.upper() == "INBOX" else home / f".{folder}"
        if not path.is_dir():
            raise FileNotFoundError(f"{user} has no folder {folder} (Maildir {path})")
        written[folder] = write_maildir(path, messages, owner=owner)
    dovecot.doveadm("force-resync", "-u", user.lower(), "*")
    return written

"""An email as a mailbox hands it over, read into what the product shows and keeps (pure).

`parse_email` turns the raw bytes of a message (RFC 5322 and MIME, as IMAP fetches them) into
its identity (Message-ID, a dedupe key, its thread), its headers and addresses, the plain text
with a preview, HTML made safe to show, and the attachments. It never raises: mail is written by
every program ever made, so whatever cannot be read fully is kept as far as it could be read and
named in `warnings`. The caller keeps the raw message whole (the mail bucket), so a better parser
can derive all of this again later.

How it reads:
- The MIME structure comes from the standard library's parser under the `compat32` policy, and
  this module decodes the headers itself (RFC 2047 encoded words, 8-bit bytes as UTF-8 else as
  Windows-1252). Measured here on 3,000 generated messages (68 MB: a quarter HTML, a tenth with
  an attachment, five charsets, threads), best of three runs on a shared machine: the whole of
  `parse_email`, 1.0-1.4 ms a message; the same work with `email.policy.default` (its header
  objects, `get_body`, `iter_attachments`, the same sanitiser), 3.1-4.6 ms, most of it in its
  header parser, which is written in Python; the MIME structure alone, 0.5-0.7 ms against
  1.0 ms. compat32 is also the more forgiving: a damaged header never becomes an exception or a
  header object that cannot be read, since this module decodes the raw value itself.
- Charsets: a label is decoded with what its senders really write (ISO-8859-1 as Windows-1252,
  Shift_JIS as CP932, GB2312 as GB18030, ISO-2022-JP with its extensions, as browsers do). Text
  that claims UTF-8 and is not, 8-bit bytes with no label (raw in a header) and an unknown label
  are read as UTF-8 where the bytes are UTF-8 and as Windows-1252 where they are not, so text
  mixing both keeps every character. Each guess is a warning.
- Identity: `dedupe_key` is the SHA-256 of the Message-ID (its domain lower-cased, as RFC 5322
  compares it), or, for a message without one, of its Date, From, To, Subject and raw body, which
  every folder's copy shares (trace headers such as Received differ and are left out). One
  message is one activity whatever folder or poll it came through.
- Threads: `thread_id` names the thread's root: the first of References, else In-Reply-To, else
  the message itself. A root message's `thread_id` is its `dedupe_key` cut to 32 characters, so
  every reply names the same value as the message it started from.

The HTML is for a sandboxed iframe in the dashboard, and is made safe here whatever the iframe
does (nh3, an allow-list sanitiser): no script, style sheet, form, frame, object or event handler
survives; links keep http(s), mailto and tel only and open in a new tab without a referrer;
inline styles keep an allow-list of properties, and a style that could fetch anything (`url(`,
`image-set(`, CSS escapes, comments) is dropped whole. No image is fetched from a foreign origin
until the rep asks: an http(s) image's address moves to `data-remote-src`; an image of the
message itself (`cid:`) becomes `data-cid` (the dashboard points it at the stored attachment);
`data:image/...` stays (it fetches nothing). The result is cut at 256 KB (a warning says so): the
caller decides what goes into the activity item and what into the bucket.
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import errors as email_errors
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32
from email.utils import getaddresses, mktime_tz, parsedate_tz
from urllib.parse import unquote

import nh3

from commcenter.domain.emails import dedupe_key_of
from commcenter.domain.facts import EmailAddress
from commcenter.domain.handles import normalize_email
from commcenter.errors import ValidationError

HTML_LIMIT = 256 * 1024  # bytes of the sanitised HTML (UTF-8)
HTML_READ_LIMIT = 4 * 1024 * 1024  # characters of HTML handed to the sanitiser at most
PREVIEW_LENGTH = 200
THREAD_ID_LENGTH = 32
MAX_DEPTH = 32  # MIME parts nested deeper are not read (the raw message has them)
MAX_ADDRESSES = 1000  # in one header
MAX_REFERENCES = 100
MAX_WARNINGS = 20
_MAX_ID_LENGTH = 998  # a header line's limit (RFC 5322)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str  # never empty: a name is made from the type when the message gives none
    content_type: str  # "type/subtype", lower-cased; application/octet-stream when unreadable
    size: int  # of `content`, decoded
    content: bytes
    content_id: str | None  # without <>: what a cid: image of the HTML names
    inline: bool  # shown in the body (an image of the HTML) rather than attached


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    message_id: str  # without <>, as sent (case kept); "" when missing
    dedupe_key: str  # 64 hex characters, stable across folders and polls (see the module's doc)
    in_reply_to: str | None
    references: tuple[str, ...]
    thread_id: str  # <= 32 URL-safe characters naming the thread's root
    subject: str
    sender: EmailAddress | None
    to: tuple[EmailAddress, ...]
    cc: tuple[EmailAddress, ...]
    reply_to: tuple[EmailAddress, ...]
    date: datetime | None  # aware, UTC
    text: str  # the plain text, or text derived from the HTML
    preview: str  # <= 200 characters, whitespace collapsed, quoted lines left out
    html: str | None  # sanitised, <= 256 KB
    attachments: tuple[Attachment, ...]
    warnings: tuple[str, ...]  # what could not be read fully, in plain words
    size: int  # of the raw message


def parse_email(raw: bytes) -> ParsedEmail:
    """Read a raw message. Never raises: what cannot be read is a warning (the raw message is kept
    by the caller, so nothing is lost)."""
    try:
        return _parse(raw)
    except Exception as error:  # the one promise of this function
        return _parse_headers_only(raw, error)


# --- headers -----------------------------------------------------------------------------------


class _RawHeaders(Compat32):
    """compat32, with a header read as it came (8-bit bytes as surrogates): this module decodes it
    (compat32 would wrap such a value in a `Header` object of the unknown-8bit charset)."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


_POLICY = _RawHeaders()
_PARSER = BytesParser(policy=_POLICY)  # stateless between calls: shared by threads
_GENERATOR_POLICY = _POLICY.clone(linesep="\r\n", max_line_length=0)


class _Warnings:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        if text not in self.items and len(self.items) < MAX_WARNINGS:
            self.items.append(text)


@dataclass(frozen=True, slots=True)
class _Headers:
    message_id: str
    dedupe_key: str
    in_reply_to: str | None
    references: tuple[str, ...]
    thread_id: str
    subject: str
    sender: EmailAddress | None
    to: tuple[EmailAddress, ...]
    cc: tuple[EmailAddress, ...]
    reply_to: tuple[EmailAddress, ...]
    date: datetime | None


def _read_headers(message: Message, raw: bytes, warnings: _Warnings) -> _Headers:
    def header(name: str) -> str | None:
        value = message.get(name)
        return None if value is None else _header_text(str(value), name, warnings)

    message_id = _message_id(header("Message-ID"), warnings)
    replied = _ids(header("In-Reply-To"))
    references = _references(header("References"))
    if message_id:
        dedupe_key = dedupe_key_of(message_id)
    else:
        parts = (header("Date"), header("From"), header("To"), header("Subject"))
        dedupe_key = _content_key(parts, raw)
    in_reply_to = replied[0] if replied else None
    senders = _addresses(message, "From", warnings) or _addresses(message, "Sender", warnings)
    return _Headers(
        message_id=message_id,
        dedupe_key=dedupe_key,
        in_reply_to=in_reply_to,
        references=references,
        thread_id=_thread_id(references, in_reply_to, dedupe_key),
        subject=_collapse(_decode_words(header("Subject") or "", warnings, "the Subject")),
        sender=senders[0] if senders else None,
        to=_addresses(message, "To", warnings),
        cc=_addresses(message, "Cc", warnings),
        reply_to=_addresses(message, "Reply-To", warnings),
        date=_date(header("Date"), warnings),
    )


_FOLD = re.compile(r"\r?\n(?=[ \t])")
_LINE_BREAKS = re.compile(r"[\r\n]+")


def _header_text(value: str, name: str, warnings: _Warnings) -> str:
    """A header's value unfolded, its 8-bit bytes decoded (encoded words are left to the caller:
    an address list is split before its names are decoded)."""
    if not value.isascii():  # bytes above 127 came through as surrogates
        data = value.encode("utf-8", "surrogateescape")
        value = _decode_bytes(data, None, warnings, f"the {name} header")
    return _LINE_BREAKS.sub(" ", _FOLD.sub("", value)).strip()


_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _collapse(text: str) -> str:
    """One line of text to show: whitespace runs made one space, control characters left out."""
    return " ".join(_CONTROLS.sub("", text).split())


# An RFC 2047 encoded word; a language after "*" (RFC 2231) is allowed and ignored.
_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")


def _decode_words(text: str, warnings: _Warnings, where: str) -> str:
    """Decode the RFC 2047 encoded words of a header's text. Adjacent words are joined without the
    space between them (RFC 2047 6.2) and their bytes decoded together, so a character split
    across two words, as some mailers write it, comes out whole."""
    if "=?" not in text:
        return text
    pieces: list[str] = []
    pending: list[tuple[str, bytes]] = []  # adjacent encoded words, merged by charset
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        gap = text[position : match.start()]
        if gap and not (pending and gap.isspace()):
            pieces.extend(_decode_bytes(data, charset, warnings, where) for charset, data in pending)
            pending.clear()
            pieces.append(gap)
        charset = match.group(1).lower()
        data = _word_bytes(match.group(2), match.group(3), warnings, where)
        if pending and pending[-1][0] == charset:
            pending[-1] = (charset, pending[-1][1] + data)
        else:
            pending.append((charset, data))
        position = match.end()
    pieces.extend(_decode_bytes(data, charset, warnings, where) for charset, data in pending)
    pieces.append(text[position:])
    return "".join(pieces)


_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def _word_bytes(encoding: str, payload: str, warnings: _Warnings, where: str) -> bytes:
    data = payload.encode("utf-8", "surrogateescape")
    if encoding in "qQ":
        return binascii.a2b_qp(data, header=True)
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        warnings.add(f"A damaged encoded word in {where} was read as far as it goes")
        letters = _NOT_BASE64.sub(b"", data)
        if len(letters) % 4 == 1:  # a lone last letter holds no whole byte
            letters = letters[:-1]
        return binascii.a2b_base64(letters + b"=" * (-len(letters) % 4))


_ID_IN_BRACKETS = re.compile(r"<([^<>\s]{1,998})>")  # 998: a header line's limit (RFC 5322)


def _ids(value: str | None) -> list[str]:
    """The message ids a header names, in order: `<...>` tokens, else words with an "@" (ids
    written without their brackets)."""
    if not value:
        return []
    found = _ID_IN_BRACKETS.findall(value)
    if found:
        return found
    return [word.strip("<>") for word in re.split(r"[\s,]+", value) if "@" in word][:MAX_REFERENCES]


def _message_id(value: str | None, warnings: _Warnings) -> str:
    if value is None:
        return ""
    ids = _ids(value)
    if ids:
        return ids[0]
    bare = value.strip().strip("<>").strip()
    if bare and len(bare.split()) == 1 and len(bare) <= _MAX_ID_LENGTH:
        return bare  # an id without "@" or brackets: still the sender's id
    warnings.add("The Message-ID header could not be read: the message is known by its content")
    return ""


def _references(value: str | None) -> tuple[str, ...]:
    unique = list(dict.fromkeys(_ids(value)))
    if len(unique) > MAX_REFERENCES:  # the root first, then the nearest ancestors
        unique = [unique[0], *unique[-(MAX_REFERENCES - 1) :]]
    return tuple(unique)


def _content_key(parts: tuple[str | None, ...], raw: bytes) -> str:
    """The dedupe key of a message without a Message-ID: what every copy of it shares."""
    digest = hashlib.sha256(b"content:")
    for part in parts:
        digest.update(_collapse(part or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    digest.update(_raw_body(raw))
    return digest.hexdigest()


def _raw_body(raw: bytes) -> bytes:
    ends = [index for index in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if index >= 0]
    if not ends:
        return b""
    start = min(ends)
    return raw[start:].replace(b"\r\n", b"\n").strip()


def _thread_id(references: tuple[str, ...], in_reply_to: str | None, dedupe_key: str) -> str:
    root = references[0] if references else in_reply_to
    return (dedupe_key_of(root) if root else dedupe_key)[:THREAD_ID_LENGTH]


def _addresses(message: Message, name: str, warnings: _Warnings) -> tuple[EmailAddress, ...]:
    values = message.get_all(name)
    if not values:
        return ()
    texts = [_header_text(str(value), name, warnings) for value in values]
    found: dict[str, EmailAddress] = {}
    for display, address in getaddresses(texts)[:MAX_ADDRESSES]:
        party = _address(display, address, warnings, name)
        if party is not None:
            found.setdefault(party.address, party)
    if not found and any("@" in text for text in texts):
        warnings.add(f"The {name} header names no address that could be read")
    return tuple(found.values())


def _address(display: str, address: str, warnings: _Warnings, header: str) -> EmailAddress | None:
    where = f"the {header} header"
    address = "".join(_decode_words(address, warnings, where).split())
    if "@" not in address.strip("@"):
        return None
    try:
        normalised = normalize_email(address)
    except ValidationError:  # not an address the CRM could match, but what the header says
        normalised = address.strip("<>").lower()
    name = _collapse(_decode_words(display, warnings, where)).strip("'\" ")
    if name.lower() in (normalised, address.lower()):
        name = ""
    return EmailAddress(address=normalised, name=name)


def _date(value: str | None, warnings: _Warnings) -> datetime | None:
    if not value:
        return None
    try:
        parts = parsedate_tz(value)
        if parts is None:
            raise ValueError(value)
        if parts[9] is None:  # no zone: taken as UTC
            parts = (*parts[:9], 0)
        return datetime.fromtimestamp(mktime_tz(parts), UTC)
    except (ValueError, TypeError, IndexError, OverflowError, OSError):
        warnings.add(f"The Date header could not be read: {value[:60]!r}")
        return None


# --- charsets ----------------------------------------------------------------------------------

_UTF8_LABELS = frozenset({"utf-8", "utf8", "utf_8", "unicode-1-1-utf-8", "x-unicode20utf8"})
_UNLABELLED = frozenset(
    {"", "us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso-646-us", "unknown-8bit", "x-unknown"}
    | {"unknown", "8bit", "default", "binary", "none", "charset", "x-user-defined"}
)
# Labels whose senders write a superset of them: decoded with the superset, as browsers do.
_LATIN1 = ("cp1252", "latin-1")
_SUPERSETS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819"), _LATIN1),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5"), ("cp1254", "iso8859-9")),
    **dict.fromkeys(("tis-620", "iso-8859-11", "windows-874"), ("cp874",)),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j"), ("cp932",)),
    **dict.fromkeys(("iso-2022-jp", "csiso2022jp"), ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_3")),
    **dict.fromkeys(("euc-jp", "x-euc-jp"), ("euc_jp", "euc_jis_2004")),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "chinese", "cp936"), ("gb18030",)),
    **dict.fromkeys(("big5", "big-5", "cn-big5", "x-x-big5", "csbig5"), ("big5hkscs",)),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "ks_c_5601", "korean", "csksc56011987", "windows-949"), ("cp949",)),
}
# Labels of charsets that write ASCII text as ASCII (so ASCII bytes need no decoder).
_ASCII_BASED = re.compile(r"(?:iso[-_]?8859|windows-|cp125|koi8|gb|big5|shift|sjis|euc|ks_c|tis|latin)")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _decode_bytes(data: bytes, charset: str | None, warnings: _Warnings, where: str) -> str:
    """Bytes as text, whatever their label says; never raises, never returns a lone surrogate
    (which could not be stored or encoded as UTF-8)."""
    label = (charset or "").strip().strip("\"'").lower()
    unlabelled = label in _UNLABELLED or label in _UTF8_LABELS
    if data.isascii() and (unlabelled or _ASCII_BASED.match(label)):
        return data.decode("ascii")
    if unlabelled:
        return _utf8_or_windows(data, label, warnings, where)
    chain = _SUPERSETS.get(label, (label,))
    for codec in chain:
        try:
            return _SURROGATE.sub("\ufffd", data.decode(codec))
        except UnicodeDecodeError:
            continue
        except (LookupError, ValueError):  # a label Python does not know as a text encoding
            warnings.add(f"Unknown charset {label[:40]!r} in {where}: read as UTF-8 or Windows-1252")
            return _utf8_or_windows(data, "", warnings, where)
    warnings.add(f"Bytes that are not {label} in {where} were replaced")
    return _SURROGATE.sub("\ufffd", data.decode(chain[0], "replace"))


def _utf8_or_windows(data: bytes, label: str, warnings: _Warnings, where: str) -> str:
    """UTF-8 where the bytes are UTF-8, Windows-1252 where they are not: a header or a part that
    mixes both (a quote pasted from an older mail) keeps every character of each."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if label in _UTF8_LABELS:
        warnings.add(f"{where[0].upper()}{where[1:]} claims UTF-8 but is not all UTF-8: the rest read as Windows-1252")
    else:
        warnings.add(f"8-bit text without a charset in {where}: read as UTF-8 where it is, else as Windows-1252")
    return data.decode("utf-8", _WINDOWS_1252_WHERE_INVALID)


def _windows_1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: the bytes that are not UTF-8, read as Windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = bytes(error.object[error.start : error.end])
    try:
        return bad.decode("cp1252"), error.end
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return bad.decode("latin-1"), error.end


_WINDOWS_1252_WHERE_INVALID = "commcenter.windows-1252-where-invalid"
codecs.register_error(_WINDOWS_1252_WHERE_INVALID, _windows_1252_bytes)


# --- body --------------------------------------------------------------------------------------

_DEFECTS: dict[type[email_errors.MessageDefect], str] = {
    email_errors.NoBoundaryInMultipartDefect: "A multipart part has no boundary: read as plain text",
    email_errors.StartBoundaryNotFoundDefect: "A multipart part's boundary never appears: its parts are missing",
    email_errors.CloseBoundaryNotFoundDefect: "The message ends before its last MIME boundary (it may be cut short)",
    email_errors.MultipartInvariantViolationDefect: "A multipart part holds no parts",
    email_errors.FirstHeaderLineIsContinuationDefect: "Some header lines are malformed",
    email_errors.MisplacedEnvelopeHeaderDefect: "Some header lines are malformed",
    email_errors.MissingHeaderBodySeparatorDefect: "Some header lines are malformed",
    email_errors.InvalidBase64PaddingDefect: "A base64 part is damaged: decoded as far as it goes",
    email_errors.InvalidBase64CharactersDefect: "A base64 part is damaged: decoded as far as it goes",
    email_errors.InvalidBase64LengthDefect: "A base64 part is damaged: decoded as far as it goes",
}
_EXTENSIONS = {
    "text/calendar": ".ics",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/csv": ".csv",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "message/rfc822": ".eml",
    "message/global": ".eml",
}
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
# The charset an HTML part names in itself, for when its Content-Type names none.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset=["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def _written(text: str | _TextOfHtml) -> bool:
    return isinstance(text, str) and bool(text.strip())


@dataclass(frozen=True, slots=True)
class _TextOfHtml:
    """In the body's text, the place of an HTML part that has no plain version: its text goes there."""

    html: str


class _BodyReader:
    """Walks the MIME tree: text and HTML of the body, everything else an attachment."""

    def __init__(self, warnings: _Warnings) -> None:
        self.warnings = warnings
        self.texts: list[str | _TextOfHtml] = []
        self.htmls: list[str] = []
        self.attachments: list[Attachment] = []

    def read(self, part: Message, depth: int = 0) -> None:
        self._note_defects(part)
        if depth > MAX_DEPTH:
            self.warnings.add("Parts nested too deep were not read (the raw message has them)")
            return
        try:
            if part.get_content_maintype() == "message":
                self._attach_message(part)
            elif part.is_multipart():
                self._read_multipart(part, depth)
            else:
                self._read_leaf(part)
        except RecursionError:
            raise
        except Exception as error:  # one unreadable part leaves the others readable
            self.warnings.add(f"A part of the message could not be read ({type(error).__name__})")

    def _read_multipart(self, part: Message, depth: int) -> None:
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        subtype = part.get_content_subtype()
        if subtype == "alternative":
            self._read_alternative(children, depth)
            return
        if subtype == "related":
            children = _root_first(part, children)
        for child in children:
            self.read(child, depth + 1)

    def _read_alternative(self, children: list[Message], depth: int) -> None:
        """The richest version of each kind: the last with text, the last with HTML (RFC 2046
        orders alternatives from plainest to richest); what else they hold is attached."""
        versions = []
        for child in children:
            version = _BodyReader(self.warnings)
            version.read(child, depth + 1)
            versions.append(version)
            self.attachments.extend(version.attachments)
        with_text = [version for version in versions if any(_written(text) for text in version.texts)]
        with_text = with_text or [version for version in versions if version.texts]
        with_html = [version for version in versions if version.htmls]
        if with_text:
            self.texts.extend(with_text[-1].texts)
        if with_html:
            self.htmls.extend(with_html[-1].htmls)

    def _read_leaf(self, part: Message) -> None:
        content_type = part.get_content_type()
        filename = self._filename(part)
        body = filename is None and part.get_content_disposition() != "attachment"
        # A multipart part without a boundary: its text is all there is.
        if part.get_content_maintype() == "multipart" or (body and content_type == "text/plain"):
            self.texts.append(self._text_of(part))
        elif body and content_type == "text/html":
            html = self._text_of(part)
            self.htmls.append(html)
            self.texts.append(_TextOfHtml(html))
        else:
            content = part.get_payload(decode=True)
            self._note_defects(part)
            self._attach(part, content if isinstance(content, bytes) else b"", content_type, filename)

    def _text_of(self, part: Message) -> str:
        data = part.get_payload(decode=True)
        self._note_defects(part)
        if not isinstance(data, bytes):
            return ""
        charset = part.get_content_charset()
        if part.get_content_type() == "text/html":
            where = "the HTML"
            found = None if charset else _META_CHARSET.search(data, 0, 4096)
            charset = found.group(1).decode("ascii").lower() if found else charset
        else:
            where = "the text"
        text = _decode_bytes(data, charset, self.warnings, where)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _attach_message(self, part: Message) -> None:
        """An attached message (a forward, a bounce's original, a delivery report): one
        attachment, its own parts left inside it."""
        payload = part.get_payload()
        if isinstance(payload, list):
            inner = [item for item in payload if isinstance(item, Message)]
            content = b"".join(self._message_bytes(item) for item in inner)
            subject = inner[0].get("Subject") if inner else None
        else:
            data = part.get_payload(decode=True)
            content, subject = (data if isinstance(data, bytes) else b""), None
        filename = self._filename(part)
        if filename is None and subject and part.get_content_type() in _EXTENSIONS:
            title = _decode_words(_header_text(str(subject), "Subject", self.warnings), self.warnings, "a subject")
            filename = _clean_filename(title[:120] + _EXTENSIONS[part.get_content_type()])
        self._attach(part, content, part.get_content_type(), filename)

    def _message_bytes(self, message: Message) -> bytes:
        from email.generator import BytesGenerator  # only for attached messages: kept off the cold start
        from io import BytesIO

        buffer = BytesIO()
        try:
            BytesGenerator(buffer, mangle_from_=False, policy=_GENERATOR_POLICY).flatten(message)
        except Exception as error:  # the raw message has it whole
            self.warnings.add(f"An attached message could not be written out ({type(error).__name__})")
            return b""
        return buffer.getvalue()

    def _attach(self, part: Message, content: bytes, content_type: str, filename: str | None) -> None:
        content_id = _content_id(part.get("Content-ID"))
        disposition = part.get_content_disposition()
        safe_type = content_type if _CONTENT_TYPE.fullmatch(content_type) else "application/octet-stream"
        if filename is None and safe_type == "text/calendar":
            filename = "invite.ics"
        number = len(self.attachments) + 1
        self.attachments.append(
            Attachment(
                filename=filename or f"attachment-{number}{_EXTENSIONS.get(safe_type, '.bin')}",
                content_type=safe_type,
                size=len(content),
                content=content,
                content_id=content_id,
                inline=disposition == "inline" or (disposition is None and content_id is not None),
            )
        )

    def _filename(self, part: Message) -> str | None:
        try:
            name = part.get_filename()
        except Exception:  # a damaged RFC 2231 parameter
            self.warnings.add("An attachment's file name could not be read")
            return None
        if not name:
            return None
        text = _header_text(str(name), "file name", self.warnings)
        return _clean_filename(_decode_words(text, self.warnings, "a file name"))

    def _note_defects(self, part: Message) -> None:
        for defect in part.defects:
            words = _DEFECTS.get(type(defect))
            if words is None:
                words = f"The MIME structure is damaged ({type(defect).__name__})"
            self.warnings.add(words)


def _root_first(part: Message, children: list[Message]) -> list[Message]:
    """multipart/related: the part its `start` parameter names first (else the first)."""
    start = _content_id(part.get_param("start"))
    for index, child in enumerate(children):
        if start and _content_id(child.get("Content-ID")) == start:
            return [child, *children[:index], *children[index + 1 :]]
    return children


def _content_id(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace").strip()
    found = re.search(r"<([^<>]*)>", text)
    text = (found.group(1) if found else text).strip()
    return text[:250] or None


def _clean_filename(name: str) -> str | None:
    """A file name safe to show and to store under: no folders, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _collapse("".join(char for char in name if char.isprintable())).strip(". ")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[:190]}.{extension}" if dot and len(extension) <= 9 else name[:200]
    return name or None


# --- HTML --------------------------------------------------------------------------------------

_TAGS = (nh3.ALLOWED_TAGS | {"font", "tfoot"}) - {"map", "area"}
# Removed with everything inside them (other tags missing from _TAGS are unwrapped: their text
# stays). `xml` and `title` hold no body text (Outlook's office settings, the page's title).
_CLEAN_CONTENT_TAGS = {"script", "style", "title", "xml", "iframe", "frame", "frameset", "object"}
_CLEAN_CONTENT_TAGS |= {"embed", "applet", "noscript", "noembed", "noframes", "template", "svg", "math"}
_CLEAN_CONTENT_TAGS |= {"head", "select", "textarea", "button", "audio", "video", "canvas"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"style", "title", "dir", "lang", "align", "valign", "width", "height", "bgcolor"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "border", "hspace", "vspace"},
    "table": {"border", "cellpadding", "cellspacing", "summary", "frame", "rules"},
    "td": {"colspan", "rowspan", "nowrap", "headers", "scope"},
    "th": {"colspan", "rowspan", "nowrap", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value", "type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "hr": {"size", "noshade", "color"},
}
# Properties that lay out and colour text and boxes; none of them takes an image.
_STYLE_PROPERTIES = {
    "color", "background-color", "opacity", "display", "visibility", "float", "clear",
    "font", "font-family", "font-size", "font-style", "font-weight", "font-variant", "line-height",
    "letter-spacing", "word-spacing", "word-break", "word-wrap", "overflow-wrap", "white-space",
    "text-align", "text-decoration", "text-decoration-color", "text-decoration-line", "text-transform",
    "text-indent", "vertical-align", "direction", "list-style-type", "list-style-position",
    "width", "height", "min-width", "max-width", "min-height", "max-height", "table-layout",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "border", "border-top", "border-right", "border-bottom", "border-left", "border-color",
    "border-style", "border-width", "border-radius", "border-collapse", "border-spacing",
    "border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
    "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
    "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
}  # fmt: skip
# What in a style could fetch or hide something (nh3 decodes CSS escapes: `\75 rl(` is `url(`).
_STYLE_DANGERS = ("url(", "image(", "image-set(", "src(", "expression(", "\\", "/*", "@")
# cid and data pass nh3 only to be sorted below: cid: and data:image/ for images, neither for links.
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
_LINK = re.compile(r"(?:https?|mailto|tel):", re.IGNORECASE)
# nh3's output is serialised HTML: `"`, `<` and `>` inside a value are escaped, so a tag is
# `<name` then ` attribute="value"` pairs up to the next `>`.
_TAG_WITH_ATTRIBUTES = re.compile(r"<([a-z][a-z0-9]*)(\s[^>]*)>")
_ATTRIBUTE = re.compile(r'\s([^\s="]+)="([^"]*)"')


def _sanitise(source: str, warnings: _Warnings) -> str:
    if len(source) > HTML_READ_LIMIT:
        source = source[:HTML_READ_LIMIT]
        warnings.add("The HTML is longer than 4 MB: only its beginning was read")
    cleaned = nh3.clean(
        source,
        tags=_TAGS,
        clean_content_tags=_CLEAN_CONTENT_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        filter_style_properties=_STYLE_PROPERTIES,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _TAG_WITH_ATTRIBUTES.sub(_rewrite_tag, cleaned).strip()


def _rewrite_tag(match: re.Match[str]) -> str:
    name, attributes = match.group(1), match.group(2)
    if name not in ("a", "img") and ' style="' not in attributes:
        return match.group(0)
    kept = (_rewrite_attribute(name, found.group(1), found.group(2)) for found in _ATTRIBUTE.finditer(attributes))
    return f"<{name}{''.join(attribute for attribute in kept if attribute)}>"


def _rewrite_attribute(tag: str, name: str, value: str) -> str | None:
    """One attribute of the sanitised HTML (`value` as serialised: escaped), kept, moved or
    dropped."""
    if name == "style":
        style = "".join(html_lib.unescape(value).lower().split())
        return None if not style or any(danger in style for danger in _STYLE_DANGERS) else f' style="{value}"'
    if tag == "img" and name == "src":
        return _image_source(value)
    if tag == "a" and name == "href":
        return f' href="{value}"' if _LINK.match(html_lib.unescape(value).strip()) else None
    return f' {name}="{value}"'


def _image_source(value: str) -> str | None:
    url = html_lib.unescape(value).strip()
    scheme = url[:11].lower()
    if scheme.startswith(("http://", "https://")):
        return f' data-remote-src="{value}"'  # fetched only when the rep asks
    if scheme.startswith("cid:"):
        return f' data-cid="{html_lib.escape(unquote(url[4:]).strip("<>"), quote=True)}"'
    if scheme == "data:image/":
        return f' src="{value}"'
    return None


_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_BREAK = re.compile(
    r"<(?:br|hr)\b[^>]*>|</(?:p|div|tr|li|h[1-6]|table|blockquote|pre|ul|ol|dl|dt|dd|center|section"
    r"|article|header|footer|address|figure|details|summary)>"
)
_CELL_END = re.compile(r"</t[dh]>")
_ANY_TAG = re.compile(r"<[^>]*>")


def _html_text(sanitised: str) -> str:
    """The text a reader sees in sanitised HTML: a line per block, cells apart."""
    flat = _CELL_END.sub(" ", _BREAK.sub("\n", _SPACES.sub(" ", sanitised)))
    lines = (_collapse(line) for line in html_lib.unescape(_ANY_TAG.sub("", flat)).split("\n"))
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def _cap_html(html: str, warnings: _Warnings) -> str:
    data = html.encode("utf-8")
    if len(data) <= HTML_LIMIT:
        return html
    cut = data[:HTML_LIMIT].decode("utf-8", "ignore")
    opening = cut.rfind("<")
    if opening > cut.rfind(">"):  # never end inside a tag
        cut = cut[:opening]
    warnings.add("The HTML is longer than 256 KB: it was cut there (the raw message has it whole)")
    return cut


# --- the whole message -------------------------------------------------------------------------


def _parse(raw: bytes) -> ParsedEmail:
    warnings = _Warnings()
    message = _PARSER.parsebytes(_repair_header_lines(raw, warnings))
    headers = _read_headers(message, raw, warnings)
    body = _BodyReader(warnings)
    body.read(message)
    html: str | None = None
    text = ""
    if any(_written(part) for part in body.texts):
        # An HTML part without a plain version among text parts (a footer after it): its own text.
        pieces = (part if isinstance(part, str) else _html_text(_sanitise(part.html, warnings)) for part in body.texts)
        text = "\n\n".join(piece for piece in pieces if piece.strip())
    if any(part.strip() for part in body.htmls):
        sanitised = _sanitise("".join(body.htmls), warnings)
        text = text or _html_text(sanitised)
        html = _cap_html(sanitised, warnings)
    return _assemble(headers, text, html, tuple(body.attachments), warnings, len(raw))


_HEADERS_END = re.compile(rb"\r?\n\r?\n")
# A line the standard parser reads as a header (or the mbox "From " line, or a continuation).
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[ \t]")
_NAMED_FIELD = re.compile(rb"[\x21-\x39\x3b-\x7e]+:")
_NOT_A_HEADER_LINE = re.compile(rb"^(?!From |[\x21-\x39\x3b-\x7e]*:|[ \t]).", re.MULTILINE)


def _repair_header_lines(raw: bytes, warnings: _Warnings) -> bytes:
    """A line without a field name among the headers (a long header folded without its leading
    space, as some mailers do) ends the headers for the standard parser, which then reads the
    rest of them, Content-Type included, as the body. Such a line followed by more fields is
    read as the continuation of the field before it instead."""
    end = _HEADERS_END.search(raw)
    block_end = end.start() if end else len(raw)
    block = raw[:block_end]
    if _NOT_A_HEADER_LINE.search(block, 1) is None:
        return raw
    lines = block.split(b"\n")
    last_field = max((index for index, line in enumerate(lines) if _NAMED_FIELD.match(line)), default=0)
    repaired = False
    for index in range(1, last_field):
        if not _HEADER_LINE.match(lines[index]):
            lines[index] = b" " + lines[index]
            repaired = True
    if not repaired:
        return raw
    warnings.add("A header line without a name was read as the continuation of the one before")
    return b"\n".join(lines) + raw[block_end:]


def _parse_headers_only(raw: bytes, error: Exception) -> ParsedEmail:
    """What can be read when the body cannot: the headers (the Message-ID above all, which keeps
    the message from being stored twice), else nothing but its size and a content hash."""
    warnings = _Warnings()
    warnings.add(f"The message's body could not be read ({type(error).__name__}): the raw message is kept whole")
    try:
        headers = _read_headers(_PARSER.parsebytes(raw, headersonly=True), raw, warnings)
        return _assemble(headers, "", None, (), warnings, len(raw))
    except Exception as second:  # the last resort keeps the promise
        digest = hashlib.sha256(b"content:" + bytes(raw)).hexdigest()
        return ParsedEmail(
            message_id="",
            dedupe_key=digest,
            in_reply_to=None,
            references=(),
            thread_id=digest[:THREAD_ID_LENGTH],
            subject="",
            sender=None,
            to=(),
            cc=(),
            reply_to=(),
            date=None,
            text="",
            preview="",
            html=None,
            attachments=(),
            warnings=(f"The message could not be read ({type(second).__name__}): the raw message is kept whole",),
            size=len(raw),
        )


def _assemble(
    headers: _Headers,
    text: str,
    html: str | None,
    attachments: tuple[Attachment, ...],
    warnings: _Warnings,
    size: int,
) -> ParsedEmail:
    return ParsedEmail(
        message_id=headers.message_id,
        dedupe_key=headers.dedupe_key,
        in_reply_to=headers.in_reply_to,
        references=headers.references,
        thread_id=headers.thread_id,
        subject=headers.subject,
        sender=headers.sender,
        to=headers.to,
        cc=headers.cc,
        reply_to=headers.reply_to,
        date=headers.date,
        text=text,
        preview=_preview(text),
        html=html,
        attachments=attachments,
        warnings=tuple(warnings.items),
        size=size,
    )


def _preview(text: str) -> str:
    """The first words of what the sender wrote: quoted lines (">") are left out unless they are
    all there is."""
    head = text[: PREVIEW_LENGTH * 40]
    lines = head.splitlines()
    own = [line for index, line in enumerate(lines) if not _quoting(lines, index)]
    words = _collapse(" ".join(own)) or _collapse(head)
    if len(words) <= PREVIEW_LENGTH:
        return words
    return words[: PREVIEW_LENGTH - 1].rstrip() + "…"


def _quoting(lines: list[str], index: int) -> bool:
    """A quoted line (">"), or the line introducing a quote ("On Monday, Ann wrote:")."""
    line = lines[index].strip()
    if line.startswith(">"):
        return True
    if not line.endswith(":"):
        return False
    following = next((later.strip() for later in lines[index + 1 :] if later.strip()), "")
    return following.startswith(">")

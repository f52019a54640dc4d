"""SMS: segments, opt-out keywords, delivery statuses and the shapes the API shows.

Pure rules, no I/O: what a message costs, what a keyword means, whether a status may replace
another.
"""

from __future__ import annotations

import hashlib
from typing import Literal

import msgspec

from commcenter.domain.folders import Folder, folder_deltas, returned_by_message
from commcenter.domain.handles import phone_for_people
from commcenter.domain.records import RecordSummary

MAX_SMS_BODY = 1600  # Twilio's limit for one message body (it splits it into segments)

# GSM 03.38: the basic set costs one septet, the extension table two (escape + character).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")

Encoding = Literal["GSM-7", "UCS-2"]


class SmsSegments(msgspec.Struct):
    characters: int
    segments: int
    encoding: Encoding


def count_segments(body: str) -> SmsSegments:
    """How many SMS a body is sent as, as carriers count them.

    GSM-7 fits 160 septets in one SMS and 153 per part once split (the rest is the
    concatenation header); a single character outside GSM-7 (an emoji, a curly quote) turns the
    whole message into UCS-2: 70 UTF-16 units alone, 67 per part. An emoji is two UTF-16 units
    and is never split across parts.
    """
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in body):
        units = [2 if c in _GSM_EXTENDED else 1 for c in body]
        return SmsSegments(len(body), _parts(units, 160, 153), "GSM-7")
    units = [2 if ord(c) > 0xFFFF else 1 for c in body]
    return SmsSegments(len(body), _parts(units, 70, 67), "UCS-2")


def _parts(units: list[int], single: int, per_part: int) -> int:
    total = sum(units)
    if total <= single:
        return 1
    parts, used = 1, 0
    for size in units:  # a character (escape pair, surrogate pair) never straddles two parts
        if used + size > per_part:
            parts, used = parts + 1, 0
        used += size
    return parts


# Twilio's default opt-out handling: a body that is exactly one keyword (any case, surrounding
# spaces ignored). "stop please" is an ordinary message.
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})

KeywordKind = Literal["opt_out", "opt_in", "help"]


def keyword_of(body: str) -> tuple[str, KeywordKind] | None:
    """The opt-out, opt-in or help keyword a body is, if it is exactly one."""
    word = body.strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return word, "opt_out"
    if word in OPT_IN_KEYWORDS:
        return word, "opt_in"
    if word in HELP_KEYWORDS:
        return word, "help"
    return None


# Delivery statuses in the order they can happen. A callback applies only if it ranks higher
# than what is stored: callbacks arrive out of order, and delivered must stay delivered.
# `pending`: stored before Twilio answered. `sandbox`: kept in the local outbox, never sent
# (`commcenter simulate sms --status` can still play its callbacks, for a demo).
STATUS_RANK: dict[str, int] = {
    "pending": 0,
    "retrying": 0,  # a failed message the rep asked to send again: any answer of Twilio's is later
    "sandbox": 1,
    "accepted": 2,
    "scheduled": 2,
    "queued": 3,
    "sending": 4,
    "sent": 5,
    "undelivered": 6,
    "failed": 6,
    "canceled": 6,
    "delivered": 7,
    "read": 8,
    "received": 8,
}


# An outbound message the rep may ask to send again: Twilio refused it, or it failed on the way.
RETRYABLE_STATUSES: tuple[str, ...] = ("failed", "undelivered")


def status_rank(status: str) -> int:
    """The rank of a status; one Twilio adds later ranks below every known one, so it never overrides."""
    return STATUS_RANK.get(status, -1)


# What a rep is told when Twilio refuses a message (error codes of Twilio's REST API).
TWILIO_ERROR_MESSAGES: dict[int, str] = {
    21610: "This number has opted out of your messages (it replied STOP).",
    21211: "This phone number is not valid.",
    21408: "SMS to this country is not enabled for your account.",
    21612: "This number cannot be reached by SMS from your number.",
    21614: "This number cannot receive SMS (it is not a mobile number).",
    30003: "The phone is unreachable or switched off.",
    30004: "The message was blocked by the recipient.",
    30005: "The number is unknown or no longer in service.",
    30006: "The number is a landline or cannot receive SMS.",
    30007: "The carrier filtered the message.",
}


def explain_twilio_error(code: int | None, status: int | None = None, fallback: str = "") -> str:
    """A sentence a rep can act on, for an error Twilio reported."""
    if code in TWILIO_ERROR_MESSAGES:
        return TWILIO_ERROR_MESSAGES[code]
    if status == 429:
        return "Twilio is busy (too many messages at once); nothing was sent, try again in a moment."
    if status is not None and status >= 500:
        return "Twilio is unavailable right now; nothing was sent, try again in a moment."
    return fallback or "Twilio refused the message."


def conversation_id(rep_number: str, remote: str, channel: Literal["sms", "call"] = "sms") -> str:
    """One conversation per (rep number, remote sender) and channel, with an id safe in a URL
    path: the texts and the calls of the same two numbers are two conversations, their ids
    prefixed by the channel so they never collide.

    A number is its digits. An alphanumeric sender ("ACME-BANK") has none to speak of, and two
    that differ only in punctuation or spaces are two senders: it is named by a digest of its
    exact form instead (a call from a withheld number, whose From is empty or a word, too).
    """
    return f"{channel}-{_digits(rep_number)}-{_sender_part(remote)}"


def _digits(number: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in number.removeprefix("+"))


def _sender_part(remote: str) -> str:
    if remote.startswith("+") and remote[1:].isdigit():
        return remote[1:]
    return "a" + hashlib.sha256(remote.encode()).hexdigest()[:24]


Section = Literal["matched", "unmatched", "ignored"]
SECTIONS: tuple[Section, ...] = ("matched", "unmatched", "ignored")


class SmsConversation(msgspec.Struct, kw_only=True):
    """A conversation as the SMS tab lists it."""

    id: str
    rep_id: str
    rep_number: str
    remote_number: str
    handle: str
    section: Section
    record: RecordSummary | None
    last_at: str
    last_preview: str
    last_direction: str
    unread: int
    opted_out: bool = False


class SendSmsInput(msgspec.Struct, forbid_unknown_fields=True):
    to: str
    body: str
    client_request_id: str
    record_id: str | None = None
    conversation_id: str | None = None


class PreviewInput(msgspec.Struct, forbid_unknown_fields=True):
    body: str


# The channels whose messages are kept in conversations (one per rep and remote handle): a
# call is one message of its conversation with the other party's number.
ConversationChannel = Literal["sms", "email", "call"]


class ConversationState(msgspec.Struct, kw_only=True):
    """A conversation as stored: who, where it is listed, its last message, what was counted.

    `rep_number`: the rep's own address on the channel (a Twilio number, a mailbox address)."""

    id: str
    rep_id: str
    rep_number: str
    remote_number: str
    handle: str
    record_id: str | None
    section: Section
    last_at: str
    last_preview: str
    last_direction: str
    unread: int
    version: int = 0
    channel: ConversationChannel = "sms"
    # Its folder for its viewer (`owner_id`, or the rep while nobody assigned it: see
    # `commcenter.domain.folders`); `follow_up_on`: the day picked, while in Follow-up.
    folder: Folder = "inbox"
    owner_id: str | None = None
    follow_up_on: str | None = None
    trashed_at: str | None = None
    # The last assignment: the rep who gave it to `owner_id`, and when.
    assigned_by: str | None = None
    assigned_at: str | None = None
    # Stored with its folder keys and counted in its viewer's folder counters (False: stored
    # before folders, until the re-index or its next write).
    folder_keys: bool = True


def with_message(
    state: ConversationState, *, at: str, preview: str, direction: str, read: bool = False
) -> ConversationState:
    """The conversation once a message is added: last message (never moved back in time by a
    late arrival), folder (a new inbound message brings it back to the Inbox), unread count (an
    inbound adds one, unless it arrives already `read`, as an email read in the rep's own client
    does; the rep's reply means the rep has read it)."""
    newest = at >= state.last_at
    # A reply read the conversation up to it; an older one fetched late (a mailbox's first sync
    # takes its folders one after the other) leaves what came after it unread.
    replied = 0 if newest else state.unread
    unread = state.unread + (0 if read else 1) if direction == "inbound" else replied
    # New traffic from the other side brings it back to the Inbox (from Spam: never).
    returned = returned_by_message(state) if direction == "inbound" and newest else state
    return msgspec.structs.replace(
        returned,
        last_at=at if newest else state.last_at,
        last_preview=preview if newest else state.last_preview,
        last_direction=direction if newest else state.last_direction,
        unread=unread,
        version=state.version + 1,
    )


# The channels whose unread messages a tab counts by section (the SMS tab, the Email tab's Inbox
# and Suggested people). A call conversation is counted by its viewer's folders only: the Calls
# tab counts its missed calls by counters of its own (`commcenter.domain.calls.missed_counter`).
SECTION_COUNTED_CHANNELS: frozenset[str] = frozenset({"sms", "email"})


def unread_counter(section: str, channel: str = "sms") -> str:
    """The name of a rep's counter of unread messages of a channel in a section (ignored traffic
    is not counted)."""
    return f"{channel}#{section}#unread"


def unread_deltas(before: ConversationState | None, after: ConversationState | None) -> dict[str, int]:
    """How much each of the rep's unread counters moves when a conversation goes from `before`
    to `after` (None: absent): the counters always equal the sum of the conversations."""
    deltas: dict[str, int] = {}
    for state, sign in ((before, -1), (after, 1)):
        if state is None or state.channel not in SECTION_COUNTED_CHANNELS:
            continue
        if state.section != "ignored" and state.unread:
            name = unread_counter(state.section, state.channel)
            deltas[name] = deltas.get(name, 0) + sign * state.unread
    return {name: delta for name, delta in deltas.items() if delta}


def conversation_deltas(
    before: ConversationState | None, after: ConversationState | None
) -> dict[tuple[str, str], int]:
    """Every counter a conversation's change moves, as (rep whose scope holds it, name): the
    rep's unread messages per section and the viewer's folders. One write moves them all with
    the conversation."""
    deltas = dict(folder_deltas(before, after))
    state = after or before
    if state is not None:
        for name, delta in unread_deltas(before, after).items():
            deltas[(state.rep_id, name)] = deltas.get((state.rep_id, name), 0) + delta
    return {key: delta for key, delta in deltas.items() if delta}


class OptOut(msgspec.Struct, kw_only=True, frozen=True):
    """The last opt-out (STOP family) or opt-in (START family) keyword a person sent the team."""

    number: str
    opted_out: bool
    keyword: str
    team_number: str  # the rep number it was sent to
    at: str


def opt_out_of(body: str, number: str, team_number: str, at: str) -> OptOut | None:
    """What an incoming message changes in its sender's opt-out, if it is such a keyword (HELP
    changes nothing: Twilio answers it)."""
    keyword = keyword_of(body)
    if keyword is None or keyword[1] == "help":
        return None
    return OptOut(number=number, opted_out=keyword[1] == "opt_out", keyword=keyword[0], team_number=team_number, at=at)


SUPPRESSION_PREFIX = "sha256:"


def suppression_key(number: str) -> str:
    """The key an opt-out keeps once its person was erased: the SHA-256 of the number (E.164, or
    an alphanumeric sender as it came), so the table no longer lists whom it names while a send
    to that number is still refused. A hash of a phone number is not anonymous: whoever holds a
    number can test it, and every number of a country can be tried."""
    return SUPPRESSION_PREFIX + hashlib.sha256(number.encode()).hexdigest()


def opted_out_refusal(opt_out: OptOut, home_region: str) -> str:
    """Why a text to an opted-out person is refused, before anything is sent; the numbers as people
    write them (`home_region`: the team's country)."""
    number, team_number = (phone_for_people(n, home_region) for n in (opt_out.number, opt_out.team_number))
    return (
        f"{number} opted out of the team's texts (replied {opt_out.keyword} to {team_number} "
        f"on {opt_out.at[:10]}): nobody on the team can text them until they text START to any team number"
    )

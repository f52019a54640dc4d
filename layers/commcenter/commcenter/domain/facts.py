"""What each channel records about an activity: one typed struct per channel, tagged by channel.

An activity's `data` is one of these, never a free-form dict: every service reads a call's
status or an SMS's sender as a field, and the API documents each shape. The tag (`channel`)
travels with the data, so a stored or served activity decodes to the right struct.
Optional fields that are not set stay absent when stored and served (`omit_defaults`), so a
condition such as "not answered yet" reads as the field's absence in the table.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec


class Facts(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="channel"):
    """Base of the channels' facts."""


class Media(msgspec.Struct):
    url: str
    content_type: str = ""


class SmsFacts(Facts, tag="sms"):
    status: str
    from_: str = msgspec.field(name="from")
    to: str
    segments: int
    encoding: str
    media: list[Media] = []
    # Delivery of an outbound message (a status never goes back: see domain.sms.STATUS_RANK).
    status_rank: int | None = None
    error_code: int | None = None
    error_message: str | None = None
    sandbox: bool = False
    keyword: str | None = None  # STOP, START, HELP, ... (the whole body, as Twilio reads it)
    # A message sent from the dashboard: the send's request id, which names the send's claim (so
    # erasing the person finds it: while the number was unmatched, nothing else leads to it).
    client_request_id: str | None = None


class CallRecording(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A call's recording or voicemail: at Twilio, copied into the bucket (`key`), or deleted."""

    sid: str | None = None
    duration: int | None = None
    kind: str | None = None  # "call" or "voicemail"
    stored: bool = False
    key: str | None = None
    bytes: int | None = None
    deleted_at: str | None = None
    by: str | None = None


class FollowUpFacts(msgspec.Struct):
    title: str
    due_at: str


class CallSummaryFacts(msgspec.Struct, kw_only=True):
    """What the rep wrote after the call (C8)."""

    outcome: str
    notes: str = ""
    subject: str = ""
    deal_id: str | None = None
    follow_up: FollowUpFacts | None = None
    by: str | None = None
    at: str | None = None


class CallFacts(Facts, tag="call"):
    status: str
    call_sid: str | None = None
    status_rank: int | None = None
    seq: int | None = None  # Twilio's SequenceNumber of the last status applied
    from_: str = msgspec.field(default="", name="from")
    to: str = ""
    remote: str = ""
    started_at: str | None = None
    answered_at: str | None = None
    ended_at: str | None = None
    duration: int | None = None
    answered_by: str | None = None  # "browser", "forward" or "callee"
    routed_to: str | None = None  # "voicemail" or "unavailable" when nobody could be rung
    declined: bool = False
    missed: bool = False
    voicemail: bool = False
    ignored: bool = False
    recording: CallRecording | None = None
    summary: CallSummaryFacts | None = None
    copy_of: str | None = None  # on a deal's copy of a call: the call's sort key


class EmailAddress(msgspec.Struct, frozen=True, omit_defaults=True):
    """A mailbox as a header names it: the address (lower-cased, IDNA domain) and a display name."""

    address: str
    name: str = ""


class EmailAttachment(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An attachment of a synced email, stored in the mail bucket under `key`."""

    filename: str
    content_type: str
    size: int
    key: str
    content_id: str | None = None
    inline: bool = False


class EmailOpen(msgspec.Struct, kw_only=True):
    """One fetch of a sent email's open pixel: when, what it was taken for ("open": a person
    opened it; "proxy": opened through a mail provider's image proxy, counted as an open;
    "prefetch": fetched by a proxy or scanner without anyone opening it), and in plain words."""

    at: str
    kind: str
    label: str


class EmailFacts(Facts, tag="email"):
    subject: str = ""
    opens: int = 0  # fetches of its open pixel taken for a person's ("open" and "proxy")
    ignored: bool = False
    message_id: str = ""  # as sent, without <>; "" when the message had none
    key: str = ""  # its dedupe key (the claim's): what the dashboard addresses it by, /api/emails/{key}
    from_: EmailAddress | None = msgspec.field(default=None, name="from")
    to: list[EmailAddress] = []
    cc: list[EmailAddress] = []
    in_reply_to: str | None = None
    references: list[str] = []
    thread: str = ""  # the thread it belongs to (In-Reply-To / References), for the thread's view
    folder: str = ""  # "inbox" or "sent": where the rep's mailbox holds it
    uid: int | None = None  # its IMAP UID there, under `uidvalidity` (read state goes back by it)
    uidvalidity: int | None = None
    seen: bool = False
    archived: bool = False
    colleague: bool = False  # exchanged with the rep's own domain (E7): kept apart from customers
    html: str | None = None  # sanitised (nh3), when small enough to keep in the item
    html_key: str | None = None  # the sanitised HTML in the mail bucket, when larger
    raw_key: str | None = None  # the message as fetched, in the mail bucket
    size: int = 0
    attachments: list[EmailAttachment] = []
    warnings: list[str] = []  # what could not be parsed fully
    # An email sent from the dashboard (E5); "" for synced mail. "sending" while the SMTP exchange
    # runs, then "sent", "failed" (nothing sent: send_error says why) or "unknown" (the server did
    # not confirm after the message's end: it may have been sent).
    send_status: str = ""
    send_error: str | None = None  # in plain words
    send_error_kind: str | None = None  # "dns", "tls", "login", "refused", ... (as a mailbox check's)
    sent_at: str | None = None  # when the server accepted it
    client_request_id: str | None = None  # the send's request id (its Message-ID derives from it)
    refused: list[str] = []  # recipients the server refused while accepting the others
    open_token: str | None = None  # the unguessable token of its open pixel
    prefetches: int = 0  # fetches of its pixel by a proxy or scanner without a person
    first_opened_at: str | None = None  # the first and last fetch counted in `opens`
    last_opened_at: str | None = None
    open_log: list[EmailOpen] = []  # the last OPEN_LOG_SIZE fetches of its pixel, oldest first


class ChatFacts(Facts, tag="chat"):
    pass


class NoteFacts(Facts, tag="note"):
    pass


class TaskFacts(Facts, tag="task", omit_defaults=False):
    due_at: str | None = None
    done: bool = False
    call_sid: str | None = None  # the call whose summary asked for it
    done_at: str | None = None  # when it was completed, and by which rep (absent while open)
    done_by: str | None = None


ChannelFacts = SmsFacts | CallFacts | EmailFacts | ChatFacts | NoteFacts | TaskFacts

FACTS_BY_TYPE: dict[str, type[Facts]] = {
    "sms": SmsFacts,
    "call": CallFacts,
    "email": EmailFacts,
    "chat": ChatFacts,
    "note": NoteFacts,
    "task": TaskFacts,
}

F = TypeVar("F", bound=Facts)


def facts_of(activity_type: str, values: dict[str, object]) -> ChannelFacts:
    """The facts an activity of `activity_type` stored as `values` (fields it does not know are left out)."""
    facts: ChannelFacts = msgspec.convert({**values, "channel": activity_type}, ChannelFacts)
    return facts


def stored_values(facts: Facts) -> dict[str, object]:
    """`facts` as stored in the table: plain values, without the tag (the activity's type is it)."""
    values: dict[str, object] = msgspec.to_builtins(facts)
    values.pop("channel", None)
    return values


def expect(facts: ChannelFacts, kind: type[F]) -> F:
    """`facts` as the channel's struct a caller relies on; a mismatch is a bug, not bad input."""
    if not isinstance(facts, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(facts).__name__}")
    return facts

"""Calls: where an incoming call goes, how call statuses order, when a call was missed.

Pure rules; the voice webhooks turn a `Route` into TwiML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import msgspec

from commcenter.domain.facts import CallFacts
from commcenter.domain.handles import phone_for_people
from commcenter.domain.sms import ConversationState

RouteKind = Literal["ring_browser", "forward", "voicemail", "unavailable", "done"]
DialStage = Literal["browser", "forward"]


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    number: str | None = None  # the forwarding number, for `forward`


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """A rep's call settings (C9), read from the rep's profile."""

    forwarding_number: str | None
    voicemail: bool
    recording: bool
    greeting: str

    @classmethod
    def of(cls, forwarding_number: str | None, settings: dict[str, object]) -> VoiceSettings:
        greeting = settings.get("voicemail_greeting")
        return cls(
            forwarding_number=forwarding_number or None,
            voicemail=bool(settings.get("voicemail", True)),
            recording=bool(settings.get("recording", False)),
            greeting=greeting if isinstance(greeting, str) and greeting.strip() else DEFAULT_GREETING,
        )


class CallSettingsInput(msgspec.Struct, forbid_unknown_fields=True):
    """What a rep sets for their own calls (C9): all of it, each time."""

    recording: bool
    voicemail: bool
    voicemail_greeting: str = ""
    forwarding_number: str | None = None


MAX_GREETING = 500
DEFAULT_GREETING = "Sorry, I can't take your call right now. Please leave a message after the tone."
UNAVAILABLE_MESSAGE = "Sorry, the person you are calling is not available. Please try again later."
RING_SECONDS = 20
VOICEMAIL_MAX_SECONDS = 120


def route_incoming(*, online: bool, on_call: bool, settings: VoiceSettings) -> Route:
    """A call to a rep's number: ring the browser if the rep can take it, else the fallback.

    An offline rep is away: the forwarding number rings. A rep already on a call is busy, not
    away (C5): the caller goes straight to voicemail or the unavailable message."""
    if online and not on_call:
        return Route("ring_browser")
    return fallback(settings, forward=not on_call)


def route_after_dial(stage: DialStage, dial_status: str, settings: VoiceSettings, *, declined: bool = False) -> Route:
    """What follows a `<Dial>`: nothing if it was answered, else the next fallback. A call the rep
    declined in the browser skips the forwarding number; one sent on (or not answered) rings it."""
    if dial_status == "completed":
        return Route("done")
    return fallback(settings, forward=stage == "browser" and not declined)


def fallback(settings: VoiceSettings, *, forward: bool) -> Route:
    """The forwarding number where it may ring (once), then voicemail where it is on, else the
    unavailable message."""
    if forward and settings.forwarding_number:
        return Route("forward", settings.forwarding_number)
    return Route("voicemail") if settings.voicemail else Route("unavailable")


# Call statuses in the order they happen; every final one ranks the same, and a later callback
# (by SequenceNumber) only replaces an earlier one of lower or equal rank.
CALL_STATUS_RANK: dict[str, int] = {
    "queued": 0,
    "initiated": 1,
    "ringing": 2,
    "in-progress": 3,
    "answered": 3,
    "completed": 4,
    "busy": 4,
    "failed": 4,
    "no-answer": 4,
    "canceled": 4,
}
FINAL_CALL_STATUSES = frozenset(s for s, rank in CALL_STATUS_RANK.items() if rank == 4)


def call_status_rank(status: str) -> int:
    return CALL_STATUS_RANK.get(status, -1)


AnsweredBy = Literal["browser", "forward"]


def is_missed(direction: str, answered_by: str | None) -> bool:
    """An inbound call neither the rep nor the forwarding number answered (voicemail included)."""
    return direction == "inbound" and answered_by is None


def call_title(direction: str | None, who: str) -> str:
    """A call as a feed titles it: "Call from Ada Lovelace", "Call to (415) 555-0101"."""
    return f"Call {'from' if direction == 'inbound' else 'to'} {who}"


def number_for_people(number: str, home_region: str) -> str:
    """The other party of a call as people read it: their number in the format of its country
    (national in the team's own), or "a withheld number" when the caller hid it."""
    return phone_for_people(number, home_region) if number.startswith("+") else "a withheld number"


# ---------------------------------------------------------------- calls as conversations


def call_preview(direction: str | None, facts: CallFacts) -> str:
    """A call as its conversation's last message reads in a folder row: "Incoming call" or
    "Outgoing call" while it lasts; once it ended, "Missed call" (or "Voicemail" when one was
    left) for an incoming call nobody answered, "Call, 3 min" for one answered either way, and
    "No answer" for a call the rep placed that nobody took."""
    if facts.status not in FINAL_CALL_STATUSES:
        return "Incoming call" if direction == "inbound" else "Outgoing call"
    if direction == "inbound" and is_missed(direction, facts.answered_by):
        return "Voicemail" if facts.voicemail else "Missed call"
    if direction != "inbound" and facts.status != "completed":
        return "No answer"
    return f"Call, {_length(facts.duration)}" if facts.duration else "Call"


def _length(seconds: int | None) -> str:
    seconds = seconds or 0
    return f"{seconds} s" if seconds < 60 else f"{round(seconds / 60)} min"


def with_call_ended(
    state: ConversationState, occurred_at: str, direction: str | None, facts: CallFacts
) -> ConversationState | None:
    """The call's conversation once the call ended (None: nothing changes). A call is written in
    its conversation when it starts, an incoming one unread (it may be missed) and one the rep
    places read, as a reply is. When it ends, and it is still the conversation's newest message,
    the row says how it went, and an incoming call answered (by the browser or the forwarding
    number) reads the conversation as a reply does: only a missed call (or a voicemail) stays
    unread. The same end applied again changes nothing."""
    if state.last_at != occurred_at:
        return None
    preview = call_preview(direction, facts)
    answered = direction == "inbound" and not is_missed(direction, facts.answered_by)
    unread = 0 if answered else state.unread
    if preview == state.last_preview and unread == state.unread:
        return None
    return msgspec.structs.replace(state, last_preview=preview, unread=unread, version=state.version + 1)


class PresenceInput(msgspec.Struct, forbid_unknown_fields=True):
    online: bool
    on_call: bool = False


class Presence(msgspec.Struct):
    online: bool
    on_call: bool
    updated_at: str


# ---------------------------------------------------------------- call summary (C8)

DEFAULT_CALL_OUTCOMES = (
    "Connected",
    "Left voicemail",
    "No answer",
    "Wrong number",
    "Not interested",
    "Call back later",
)
MAX_OUTCOMES = 30
MAX_SUMMARY_NOTES = 10_000


class FollowUp(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    due_at: str  # ISO-8601 with a time zone


class CallSummaryInput(msgspec.Struct, forbid_unknown_fields=True):
    """What a rep writes after a call: outcome, notes, the deal it was about, a follow-up."""

    outcome: str
    notes: str = ""
    deal_id: str | None = None
    subject: str = ""
    follow_up: FollowUp | None = None


class CallOutcomes(msgspec.Struct, forbid_unknown_fields=True):
    """The team's list of call outcomes (admins edit it)."""

    items: list[str]


def clean_outcomes(items: list[str]) -> list[str]:
    """Trimmed, non-empty, each once, in the given order; raises ValueError when unusable."""
    seen: list[str] = []
    for item in items:
        text = item.strip()
        if text and text not in seen:
            seen.append(text)
    if not seen:
        raise ValueError("at least one outcome is needed")
    if len(seen) > MAX_OUTCOMES or any(len(text) > 60 for text in seen):
        raise ValueError(f"at most {MAX_OUTCOMES} outcomes of at most 60 characters")
    return seen


def missed_counter(section: str) -> str:
    """The name of a rep's counter of missed calls not seen yet in a section."""
    return f"call#{section}#missed"


SEEN_AT = "call#seen_at"  # when the rep last saw the missed calls (epoch milliseconds)

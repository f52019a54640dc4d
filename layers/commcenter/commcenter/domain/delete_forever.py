"""Deleting conversations for good from Trash (I3), and the customer's card with the last of them.

A conversation is deleted for good only from Trash: with its messages, its counters and its
reminders. When that takes the last conversation (of every channel and every rep) with a
customer, the rep may also delete the customer's card: only after naming it (the confirmation
lists the cards that would be left without a conversation), and only when the rep may delete the
record (its owner or an admin); the card goes to the record trash, restorable by an admin like
every deleted record. Otherwise the card stays, and the answer says which stayed and why.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from commcenter.domain.records import Record

# Why a card named for deletion stays.
KeptReason = Literal["other_conversations", "not_permitted", "gone"]
KEPT_REASONS: dict[str, str] = {
    "other_conversations": "other conversations with this customer remain",
    "not_permitted": "only the record's owner or an admin can delete it",
    "gone": "the record is no longer there",
}


class DeleteForeverInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The conversations a deletion for good would take: these `ids`, or `all` of Trash (of a `source`)."""

    ids: list[str] = []
    all: bool = False
    source: str | None = None


class CardToDelete(msgspec.Struct, kw_only=True):
    """A customer of the conversations named: whether the rep may delete the card, and how many
    of the customer's conversations (every channel, every rep) would remain."""

    id: str
    display_name: str
    kind: str
    may_delete: bool
    other_conversations: int
    reason: str | None  # why the card would stay, in words (None: it may go with them)


class DeleteForeverPreview(msgspec.Struct, kw_only=True):
    """What deleting these conversations for good takes, before the rep confirms it."""

    conversations: int
    records: list[CardToDelete]


class KeptCard(msgspec.Struct, kw_only=True):
    """A card the rep asked to delete that stayed."""

    id: str
    reason: KeptReason
    message: str


def card_stays(rep_may_delete: bool, other_conversations: int) -> KeptReason | None:
    """Why a customer's card stays when the rep deletes conversations with them for good (None:
    it may go): while any conversation with them remains, or when the rep may not delete it."""
    if other_conversations > 0:
        return "other_conversations"
    if not rep_may_delete:
        return "not_permitted"
    return None


def card_to_delete(rep_may_delete: bool, record: Record, other_conversations: int) -> CardToDelete:
    reason = card_stays(rep_may_delete, other_conversations)
    return CardToDelete(
        id=record.id,
        display_name=record.display_name,
        kind=record.kind,
        may_delete=rep_may_delete,
        other_conversations=other_conversations,
        reason=KEPT_REASONS[reason] if reason else None,
    )


def kept(record_id: str, reason: KeptReason) -> KeptCard:
    return KeptCard(id=record_id, reason=reason, message=KEPT_REASONS[reason])

"""The Conversations table: one conversation per (rep number, remote handle) and channel (C1)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from commcenter.data.base import table_meta


class CenterIndex(GlobalSecondaryIndex["ConversationItem"]):
    class Meta:
        index_name = "center"
        projection = AllProjection()

    center_pk = UnicodeAttribute(hash_key=True)
    center_key = UnicodeAttribute(range_key=True)


class ConversationItem(Model):
    Meta = table_meta("conversations")

    conversation_id = UnicodeAttribute(hash_key=True)
    center_pk = UnicodeAttribute()
    center_key = UnicodeAttribute()
    channel = UnicodeAttribute()
    rep_id = UnicodeAttribute()
    rep_number = UnicodeAttribute(null=True)
    handle = UnicodeAttribute()
    record_id = UnicodeAttribute(null=True)
    section = UnicodeAttribute()
    last_at = UnicodeAttribute()
    last_preview = UnicodeAttribute(default="")
    unread = NumberAttribute(default=0)
    # The provider ids (Twilio Sids) already counted, so that a retried webhook changes nothing.
    recent_sids = UnicodeSetAttribute(null=True)

    center = CenterIndex()


def conversation_id(channel: str, rep_address: str, handle_value: str) -> str:
    """Deterministic id: the same rep number and remote number always make the same conversation."""
    return f"{channel}#{rep_address}#{handle_value}"

"""A stored conversation for the rules' tests: an SMS conversation of rep-a with +2, in the
Inbox, two unread; each test changes what it is about."""

from __future__ import annotations

from typing import Any

from commcenter.domain.sms import ConversationState


def a_conversation(**changes: Any) -> ConversationState:
    fields: dict[str, Any] = {
        "id": "sms-1-2",
        "rep_id": "rep-a",
        "rep_number": "+1",
        "remote_number": "+2",
        "handle": "phone:+2",
        "record_id": None,
        "section": "unmatched",
        "last_at": "2030-01-01T00:00:00Z",
        "last_preview": "",
        "last_direction": "inbound",
        "unread": 2,
    }
    return ConversationState(**{**fields, **changes})

"""Read and unread, kept the same in the rep's mailbox and in the dashboard.

An email read or marked unread in the rep's own mail client (a `\\Seen` flag the poll finds
changed, with CONDSTORE) is marked so here, and its conversation's unread count moves by one;
the flag set from the dashboard goes to the server the other way (the tabs' actions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import message_refs
from commcenter.domain.activities import Activity
from commcenter.domain.emails import dedupe_key_of
from commcenter.domain.facts import EmailFacts
from commcenter.domain.sms import ConversationState
from commcenter.services.external_ids import activity_of
from commcenter.services.sms_conversations import change_conversation

if TYPE_CHECKING:  # a type only: the API, which lists and marks emails, never loads the IMAP client
    from commcenter.channels.imap_mailbox import SeenChange


def apply_seen_changes(changes: Iterable[SeenChange], *, up_to_uid: int) -> int:
    """Apply the read state of messages the poll has stored already (UIDs up to `up_to_uid`:
    those above are new, and are stored with their flag as fetched); returns how many changed."""
    changed = 0
    for change in changes:
        if change.uid > up_to_uid or not change.message_id:
            continue
        activity = activity_of(message_refs.email_ref(dedupe_key_of(change.message_id)))
        if activity is not None and set_seen(activity, change.seen):
            changed += 1
    return changed


def set_seen(activity: Activity, seen: bool) -> bool:
    """Mark an email read or unread, and its conversation's unread count with it (an email the
    rep received; what the rep sent or a colleague's mail is counted nowhere). False when it
    already was."""
    facts = activity.data
    if not isinstance(facts, EmailFacts) or facts.seen == seen:
        return False
    if not activities_data.set_email_seen(activity, seen):
        return False
    if activity.direction == "inbound" and activity.conversation_id and not facts.colleague:

        def count(state: ConversationState | None) -> ConversationState | None:
            if state is None:
                return None
            unread = max(0, state.unread - 1) if seen else state.unread + 1
            if unread == state.unread:
                return None
            return msgspec.structs.replace(state, unread=unread, version=state.version + 1)

        change_conversation(activity.conversation_id, count)
    return True

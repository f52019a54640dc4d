"""Deleting conversations for good from Trash (I3), and the customer's card with the last of them.

A conversation goes only from Trash, and only its viewer deletes it (the caller has found every
one the rep views: `commcenter.services.folders`). Each goes step by step, its conversation item
last: its reminders (every rep's found by their subject, as an erasure finds them; one stored
before reminders had a subject, on the lists of its rep and its viewer), its messages with what
hangs on them (an email's objects in the mail bucket, a call's recording;
`person_data.erase_activity`, the erasure's own), then the conversation with its counters, in one
transaction conditional on its version. A run that stops halfway leaves the conversation in
Trash, to be deleted again. The claims of its messages' external ids (MessageRefs) stay: a retried
webhook or a re-polled email is still a duplicate and does not bring a message back. A new
message from the other side meanwhile brings the conversation back to the Inbox: it is left there,
with that message.

A customer's card goes with the conversations only when the rep named it (after the confirmation
listed it: `preview`), no conversation with the customer is left (every channel, every rep: the
record's handles on the Conversations table's `by_handle` index) and the rep may delete the
record; it goes to the record trash by `record_trash.move_to_trash`, as every deleted record.
"""

from __future__ import annotations

import time

from commcenter.data import conversations as conversations_data
from commcenter.data import records as records_data
from commcenter.domain.delete_forever import (
    CardToDelete,
    DeleteForeverPreview,
    KeptCard,
    KeptReason,
    card_stays,
    card_to_delete,
    kept,
)
from commcenter.domain.folders import FolderChange, takes_part, viewer_of
from commcenter.domain.records import Record, may_reassign_or_delete, record_handles
from commcenter.domain.reps import Rep
from commcenter.domain.sms import ConversationState
from commcenter.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from commcenter.observability import logger
from commcenter.services.person_data import PersonErasure, erase_conversation
from commcenter.services.record_trash import move_to_trash

# A request answers well within the API function's 15 s: the conversations not reached after
# this long stay in Trash, named in the answer, for the next request (a conversation of five SMS
# took about 0.25 s on DynamoDB Local, the machine loaded; a long one takes longer).
TIME_BUDGET_S = 8.0


def preview(rep: Rep, states: list[ConversationState]) -> DeleteForeverPreview:
    """What deleting these conversations for good takes: how many, and the customers they are
    with, each with whether the rep may delete the card and how many of the customer's other
    conversations would remain."""
    _check_in_trash(states)
    taken = {state.id for state in states}
    cards: list[CardToDelete] = []
    for record in _records_of(states):
        others = len(_conversations_with(record) - taken)
        cards.append(card_to_delete(may_reassign_or_delete(rep, record), record, others))
    return DeleteForeverPreview(conversations=len(states), records=cards)


def delete_forever(rep: Rep, states: list[ConversationState], delete_records: list[str]) -> FolderChange:
    """Delete these conversations of the rep's Trash for good, then the cards named in
    `delete_records` that are left without a conversation and that the rep may delete. A
    conversation outside Trash (409) or a card not of these conversations (400) refuses the whole
    action before anything changes. Those not reached within `TIME_BUDGET_S` stay in Trash,
    answered as `unfinished` (a card with one of them stays too, for the next request)."""
    _check_in_trash(states)
    customers = {state.record_id for state in states if state.record_id}
    named = list(dict.fromkeys(delete_records))
    strangers = [record_id for record_id in named if record_id not in customers]
    if strangers:
        raise ValidationError(
            "delete_records names only the customers of the conversations deleted", {"delete_records": "not theirs"}
        )
    deadline = time.monotonic() + TIME_BUDGET_S
    deleted, unfinished = 0, []
    for index, state in enumerate(states):
        if index and time.monotonic() > deadline:
            unfinished.append(state.id)
        elif _delete_conversation(state):
            deleted += 1
    removed: list[str] = []
    stayed: list[KeptCard] = []
    for record_id in named:
        reason = _delete_card(rep, record_id)
        if reason is None:
            removed.append(record_id)
        else:
            stayed.append(kept(record_id, reason))
    logger.info(
        "conversations deleted for good",
        extra={
            "conversations": deleted,
            "unfinished": len(unfinished),
            "records_deleted": len(removed),
            "records_kept": len(stayed),
        },
    )
    return FolderChange(changed=deleted, records_deleted=removed, records_kept=stayed, unfinished=unfinished)


def _check_in_trash(states: list[ConversationState]) -> None:
    outside = [state.id for state in states if state.folder != "trash"]
    if outside:
        raise ConflictError(
            f"only conversations in Trash can be deleted for good ({len(outside)} named are not)", "not_in_trash"
        )


def _records_of(states: list[ConversationState]) -> list[Record]:
    """The customers of these conversations (a record deleted meanwhile is none)."""
    ids = sorted({state.record_id for state in states if state.record_id})
    found = records_data.get_many(ids) if ids else {}
    return [found[record_id] for record_id in ids if record_id in found]


def _conversations_with(record: Record) -> set[str]:
    """Every conversation with the customer, of every channel and every rep: one Query of the
    keys-only `by_handle` index per number or address of theirs."""
    return {
        conversation_id
        for handle in record_handles(record)
        for conversation_id in conversations_data.ids_with_handle(handle.key)
    }


def _delete_conversation(state: ConversationState) -> bool:
    """One conversation for good (`erase_conversation`); whether it went: not when a message
    brought it back to the Inbox meanwhile. A second run of one deleted already finds nothing."""
    return erase_conversation(
        state.id, PersonErasure(), reps={state.rep_id, viewer_of(state)}, keep=lambda now: now.folder != "trash"
    )


def delete_conversation_now(rep: Rep, conversation_id: str) -> None:
    """The SMS tab's Delete: one of the rep's conversations for good, whatever its folder (another
    rep's is answered as one that does not exist)."""
    state = conversations_data.get(conversation_id)
    if state is None or not takes_part(state, rep.id):
        raise NotFoundError("no such conversation")
    erase_conversation(conversation_id, PersonErasure(), reps={state.rep_id, viewer_of(state)})
    logger.info("conversation deleted", extra={"conversation_id": conversation_id})


def _delete_card(rep: Rep, record_id: str) -> KeptReason | None:
    """Move a customer's card to the record trash when it may go; why it stays otherwise."""
    record = records_data.get(record_id)
    if record is None:
        return "gone"
    reason = card_stays(may_reassign_or_delete(rep, record), len(_conversations_with(record)))
    if reason is not None:
        return reason
    try:
        move_to_trash(record_id, rep)
    except ForbiddenError:
        return "not_permitted"
    except (NotFoundError, ConflictError):
        return "gone"
    return None

"""The conversation page (I4): one conversation of the rep's folders, with its customer's card.

The thread is not read here: a matched conversation shows its record's feed (every channel,
`activities.record_feed`), an unmatched one its own messages; the page asks those routes.
"""

from __future__ import annotations

import msgspec

from commcenter.data import opt_outs as opt_outs_data
from commcenter.data import records as records_data
from commcenter.domain.conversation_page import ConversationView, CustomerCard, OpenConversation
from commcenter.domain.reps import Rep
from commcenter.services import folders

# The channels whose other side is a phone number (an opt-out of SMS applies to it).
_PHONE_CHANNELS = frozenset({"sms", "call"})


def open_conversation(rep: Rep, conversation_id: str) -> ConversationView:
    """The conversation as its viewer sees it: a GetItem of it, one of its record, and for a
    number one of its opt-out. Another rep's (or none) is a 404."""
    state, row = folders.viewed_row(rep, conversation_id)
    record = records_data.get(state.record_id) if state.record_id else None
    opted_out = state.channel in _PHONE_CHANNELS and bool(opt_outs_data.opted_out_among([state.remote_number]))
    conversation = OpenConversation(
        **msgspec.structs.asdict(row),
        rep_number=state.rep_number,
        handle=state.handle,
        section=state.section,
        opted_out=opted_out,
    )
    return ConversationView(conversation=conversation, card=CustomerCard.of(record) if record else None)

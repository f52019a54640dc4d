"""The premises of an inbound message's one write, checked by DynamoDB Local in the write's own
transaction: what a new conversation was decided on (whose the sender's handle is, whether the rep
marked it spam) changed between its read and the write, so the write is refused, nothing is
written, and the message is decided again on what is there now."""

from __future__ import annotations

import uuid
from typing import Any

from api_support import ALICE, fresh_remote

from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data.inbound import InboundWrite
from commcenter.domain.handles import Handle, HandleState
from commcenter.domain.inbound import InboundOutcome
from commcenter.services.inbound import TablesInboundStore, store_inbound
from commcenter.services.reps import rep_by_email
from commcenter.services.sms_inbound import InboundSms, inbound_message


class MarkedSpamMeanwhile(TablesInboundStore):
    """The tables, with the rep marking the sender spam right after the pipeline read the
    sender's handle (before its write lands)."""

    def __init__(self, rep_id: str) -> None:
        self.rep_id = rep_id
        self.outcomes: list[InboundOutcome] = []

    def handle(self, handle: Handle) -> HandleState | None:
        state = super().handle(handle)
        if not self.outcomes:
            handles_data.set_spam_by(handle, self.rep_id, True)
        return state

    def write(self, write: InboundWrite) -> InboundOutcome:
        outcome = super().write(write)
        self.outcomes.append(outcome)
        return outcome


def test_a_sender_marked_spam_while_their_first_text_was_written_starts_in_spam(local_stack: Any) -> None:
    rep = rep_by_email(ALICE)
    assert rep.twilio_number
    sender = fresh_remote()
    store = MarkedSpamMeanwhile(rep.id)
    sms = InboundSms(sid=f"SM{uuid.uuid4().hex}", from_number=sender, to_number=rep.twilio_number, body="Buy now")
    message = inbound_message(sms, rep, rep.twilio_number)
    try:
        assert store_inbound(message, store) == "stored"
        # Decided first on a sender nobody marked: refused by the premise, written nothing.
        assert store.outcomes == ["premise_changed", "written"]
        conversation = conversations_data.get(message.conversation_id)
        assert conversation is not None and conversation.folder == "spam"
    finally:
        handles_data.set_spam_by(message.sender, rep.id, False)

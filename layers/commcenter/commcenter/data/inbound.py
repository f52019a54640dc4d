"""The one write of an inbound message (W2): exactly once per external id, all or nothing.

An inbound message (an SMS, a call, later an email or a chat) is written in one transaction:
the claim of its external id (conditional: the id was never claimed), its activity, its
conversation (conditional on the version read), the rep's counters it moves, the side effect of
a keyword (an opt-out), and condition checks on what it was decided on (whose the sender's
handle is, whether the rep's phone rings). The claim stays for good, so a delivery repeated
however late, after any number of other messages or after the message moved to a record, is
refused as a duplicate and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from commcenter.data import activities, conversations, counters, handles, message_refs, opt_outs, reps
from commcenter.data.base import Entry, transact_entries
from commcenter.domain.activities import Activity
from commcenter.domain.inbound import HandleUnchanged, InboundOutcome, Premise
from commcenter.domain.sms import ConversationState, OptOut

REFUSED = "ConditionalCheckFailed"


@dataclass(frozen=True, slots=True)
class InboundWrite:
    """Everything one inbound message writes. `ref`: the claim of its external id (see
    `message_refs`); `expected_version`: the conversation's version as read (None: new)."""

    ref: str
    activity: Activity
    conversation: ConversationState | None = None
    expected_version: int | None = None
    counters: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (rep, counter name): delta
    opt_out: OptOut | None = None
    premises: tuple[Premise, ...] = ()


def write_inbound(write: InboundWrite) -> InboundOutcome:
    activity = write.activity
    owner, sk = activities.stored_key(activity)
    checks = [_check(premise) for premise in write.premises]
    # The entries' order is the reasons' order: the checks, the claim, the message, the conversation.
    entries = [
        *checks,
        message_refs.claim_entry(write.ref, owner, sk, activity.occurred_at),
        activities.put_entry(activity),
    ]
    if write.conversation is not None:
        entries.append(conversations.save_entry(write.conversation, write.expected_version))
    if write.opt_out is not None:
        entries.append(opt_outs.record_entry(write.opt_out))
    entries += [
        counters.add_entry(counters.rep_scope(rep_id), name, delta)
        for (rep_id, name), delta in write.counters.items()
        if delta
    ]
    reasons = transact_entries(entries)
    if not reasons:
        if write.conversation is not None:
            conversations.remember_written(write.conversation)
        return "written"
    refused = {position for position, code in enumerate(reasons) if code == REFUSED}
    if len(checks) in refused:
        return "duplicate"
    if write.conversation is not None:
        conversations.forget_written(write.conversation.id)
    if any(position < len(checks) for position in refused):
        return "premise_changed"
    if write.conversation is not None and len(checks) + 2 in refused:
        return "conversation_changed"
    raise RuntimeError(f"an inbound write was refused for no known reason: {reasons}")


def _check(premise: Premise) -> Entry:
    if isinstance(premise, HandleUnchanged):
        return handles.state_check_entry(premise.handle, premise.state, premise.rep_id)
    return reps.reach_check_entry(premise.rep_id, premise.online, premise.on_call, premise.fresh_since)

"""What an inbound message is written on, and how its one write can end (pure values, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from commcenter.domain.handles import Handle, HandleState


@dataclass(frozen=True, slots=True)
class HandleUnchanged:
    """A premise: the handle still belongs to the record `state` names (or to none, ignored for
    the rep `rep_id` or not, as `state` says; None: no record, not ignored)."""

    handle: Handle
    state: HandleState | None
    rep_id: str | None


@dataclass(frozen=True, slots=True)
class ReachUnchanged:
    """A premise: the rep's softphone is still (online, on a call) as read; online only while
    its heartbeat is fresher than `fresh_since`."""

    rep_id: str
    online: bool
    on_call: bool
    fresh_since: str


Premise = HandleUnchanged | ReachUnchanged

# How the one write of an inbound message ended. `written`: everything, once. `duplicate`: its
# external id (MessageSid, CallSid, Message-ID) was stored before, by any delivery, however long
# ago: nothing written. `conversation_changed` / `premise_changed`: what it was decided on
# changed since it was read: nothing written; read again and decide again.
InboundOutcome = Literal["written", "duplicate", "conversation_changed", "premise_changed"]

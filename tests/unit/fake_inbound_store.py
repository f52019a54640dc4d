"""The inbound pipeline's tables, in memory: what `commcenter.data.inbound` promises, kept as a
dict would keep it, so that the pipeline's rules are tested without DynamoDB."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from commcenter.data.inbound import InboundWrite
from commcenter.domain.activities import Activity
from commcenter.domain.folders import folder_deltas
from commcenter.domain.handles import Handle, HandleState
from commcenter.domain.inbound import HandleUnchanged, InboundOutcome
from commcenter.domain.sms import ConversationState, OptOut


@dataclass
class FakeInboundStore:
    handles: dict[Handle, HandleState] = field(default_factory=dict)
    conversations: dict[str, ConversationState] = field(default_factory=dict)
    # What a warm function remembers of its own last writes (possibly stale).
    remembered: dict[str, ConversationState] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)
    activities: list[Activity] = field(default_factory=list)
    counters: Counter[tuple[str, str]] = field(default_factory=Counter)
    opt_outs: dict[str, OptOut] = field(default_factory=dict)
    outcomes: list[InboundOutcome] = field(default_factory=list)
    # Faults a test injects: what happens right after a handle is read (a concurrent change),
    # and an outcome every write gets instead of being applied.
    after_handle_read: Callable[[Handle], None] | None = None
    every_write: InboundOutcome | None = None

    def conversation(self, conversation_id: str, *, as_last_written: bool) -> ConversationState | None:
        if as_last_written and conversation_id in self.remembered:
            return self.remembered[conversation_id]
        return self.conversations.get(conversation_id)

    def handle(self, handle: Handle) -> HandleState | None:
        state = self.handles.get(handle)
        if self.after_handle_read is not None:
            self.after_handle_read(handle)
        return state

    def write(self, write: InboundWrite) -> InboundOutcome:
        outcome = self.every_write or self._outcome(write)
        self.outcomes.append(outcome)
        if outcome == "written":
            self._apply(write)
        elif write.conversation is not None:
            self.remembered.pop(write.conversation.id, None)
        return outcome

    def _outcome(self, write: InboundWrite) -> InboundOutcome:
        # As DynamoDB cancels the transaction: a claimed id wins over every other refusal.
        if write.ref in self.claims:
            return "duplicate"
        for premise in write.premises:
            if isinstance(premise, HandleUnchanged) and not self._still(premise):
                return "premise_changed"
        if write.conversation is not None:
            stored = self.conversations.get(write.conversation.id)
            if (stored.version if stored else None) != write.expected_version:
                return "conversation_changed"
        return "written"

    def _still(self, premise: HandleUnchanged) -> bool:
        """The premise as DynamoDB checks it: the same record, ignored for the rep or not, spam
        for the rep or not."""

        def seen(state: HandleState | None) -> tuple[str | None, bool, bool]:
            if state is None:
                return (None, False, False)
            return (state.record_id, state.ignored_for(premise.rep_id), state.spam_for(premise.rep_id))

        return seen(self.handles.get(premise.handle)) == seen(premise.state)

    def _apply(self, write: InboundWrite) -> None:
        self.claims.add(write.ref)
        self.activities.append(write.activity)
        if write.conversation is not None:
            self.conversations[write.conversation.id] = write.conversation
            self.remembered[write.conversation.id] = write.conversation
        for key, delta in write.counters.items():
            self.counters[key] += delta
        if write.opt_out is not None:
            self.opt_outs[write.opt_out.number] = write.opt_out

    def recount(self) -> Counter[tuple[str, str]]:
        """The reps' unread and folder counters as the conversations add up."""
        counts: Counter[tuple[str, str]] = Counter()
        for state in self.conversations.values():
            if state.section != "ignored" and state.unread:
                counts[(state.rep_id, f"sms#{state.section}#unread")] += state.unread
            for key, delta in folder_deltas(None, state).items():
                counts[key] += delta
        return counts

"""What routing and storing a call stand on: whose the other party's number is, and whether the
rep's softphone can ring.

Read once, then remembered by the warm function. The call is written in one transaction that
checks its premises still hold (a condition check on the number's handle and on the rep's
presence) next to the writes, so a call whose premises were remembered costs one round trip,
and one whose premises changed meanwhile writes nothing: it is read afresh and written again.
Routing never rests on stale data, and a number attached to a record between the read and the
write cannot leave its call under the number.
"""

from __future__ import annotations

from dataclasses import dataclass

from commcenter.data import handles as handles_data
from commcenter.data import reps as reps_data
from commcenter.data.base import read_together
from commcenter.domain.handles import Handle, HandleState
from commcenter.domain.inbound import HandleUnchanged, Premise, ReachUnchanged
from commcenter.services.softphone import presence_fresh_since, reach_of
from commcenter.warm_cache import Absent, WarmCache

# Enough for the numbers a busy team hears from within a function's life; each is a few bytes.
REMEMBERED_HANDLES = 4096
# Far more reps than a team has: the bound only keeps a function's memory flat.
REMEMBERED_REACHES = 1_000


@dataclass(frozen=True, slots=True)
class CallPremises:
    """The other party's handle state (None: no record, not ignored) and, for a call that may
    ring the browser, the rep's reach: (online, on a call)."""

    handle: Handle
    state: HandleState | None
    reach: tuple[bool, bool] | None

    def premises(self, rep_id: str) -> tuple[Premise, ...]:
        """What the call's write checks still holds (a condition check each)."""
        premises: list[Premise] = []
        if self.handle.resolvable:
            premises.append(HandleUnchanged(self.handle, self.state, rep_id))
        if self.reach is not None:
            online, on_call = self.reach
            premises.append(ReachUnchanged(rep_id, online, on_call, presence_fresh_since()))
        return tuple(premises)


# Each premise as this function last read or wrote it: possibly stale, which the call's
# transaction finds out (its condition checks), so a stale one costs a retry, never a wrong call.
_states: WarmCache[str, HandleState | None] = WarmCache(REMEMBERED_HANDLES)
_reaches: WarmCache[str, tuple[bool, bool]] = WarmCache(REMEMBERED_REACHES)


def premises_of(handle: Handle, rep_id: str | None) -> CallPremises:
    """The premises as remembered, or read when any is unknown.
    `rep_id`: the rep whose reach counts (None: the call does not ring the browser)."""
    return _remembered(handle, rep_id) or read(handle, rep_id)


def _remembered(handle: Handle, rep_id: str | None) -> CallPremises | None:
    """The premises as last read or written by this function; None if any is unknown.
    `rep_id`: the rep whose reach counts (None: the call does not ring the browser)."""
    state = _states.get(handle.key, Absent.ABSENT)
    if state is Absent.ABSENT:
        return None
    reach = None
    if rep_id is not None and (reach := _reaches.get(rep_id)) is None:
        return None
    return CallPremises(handle, state, reach)


def read(handle: Handle, rep_id: str | None) -> CallPremises:
    """The premises as stored now (one round trip), remembered for the next call."""
    state = None
    reach = None
    if rep_id is not None and handle.resolvable:
        state, presence = read_together(handles_data.read_of(handle), reps_data.presence_read(rep_id))
        reach = reach_of(presence)
    elif rep_id is not None:
        reach = reach_of(reps_data.get_presence(rep_id))
    elif handle.resolvable:
        state = handles_data.get(handle)
    premises = CallPremises(handle, state, reach)
    _remember(premises, rep_id)
    return premises


def _remember(premises: CallPremises, rep_id: str | None) -> None:
    _states.put(premises.handle.key, premises.state)
    if rep_id is not None and premises.reach is not None:
        _reaches.put(rep_id, premises.reach)

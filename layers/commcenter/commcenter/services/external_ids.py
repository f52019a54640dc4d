"""Finding the activity a provider id (CallSid, MessageSid) names, wherever it moved since."""

from __future__ import annotations

from commcenter.data import activities as activities_data
from commcenter.data import handles as handles_data
from commcenter.data import message_refs
from commcenter.domain.activities import Activity
from commcenter.domain.handles import Handle


def activity_of(ref_key: str) -> Activity | None:
    """The activity `ref_key` points to. A ref keeps the key the activity was stored under; once
    its number joined a record ("Add to existing", "Add to CRM") the activity lives on the
    record, under the same sort key."""
    ref = message_refs.get(ref_key)
    if ref is None or ref.owner is None or ref.sk is None:
        return None
    found = activities_data.get(ref.owner, ref.sk)
    if found is None and ref.owner.startswith("h#"):
        state = handles_data.get(Handle.from_key(ref.owner.removeprefix("h#")))
        if state is not None and state.record_id:
            found = activities_data.get(activities_data.owner_key(state.record_id, None), ref.sk)
    return found

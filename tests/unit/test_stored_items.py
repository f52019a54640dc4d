"""The items the hot writes send as they are (`stored_item`) are the items the models read and
write: every attribute the model declares, of the type it declares, and no other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from commcenter.data.activities import ActivityItem, stored_item
from commcenter.data.base import attribute_value, plain
from commcenter.data.conversations import ConversationItem
from commcenter.data.conversations import stored_item as stored_conversation
from commcenter.domain.activities import Activity
from commcenter.domain.facts import CallFacts, CallRecording, CallSummaryFacts, Media, SmsFacts
from commcenter.domain.sms import ConversationState

SMS = Activity(
    id="01JDQ3ZC0000000000000000AA",
    record_id=None,
    handle="phone:+13125550123",
    type="sms",
    occurred_at="2026-11-25T09:30:00.000Z",
    rep_id="rep-alice",
    direction="inbound",
    summary="Hi",
    body="Hi 👋",
    starred=True,
    thread_id="main",
    conversation_id="sms-14155550101-13125550123",
    external_id="SM1",
    data=SmsFacts(
        status="received",
        from_="+13125550123",
        to="+14155550101",
        segments=1,
        encoding="UCS-2",
        media=[Media(url="https://api.twilio.com/x", content_type="image/jpeg")],
        keyword="STOP",
    ),
)
CALL = Activity(
    id="01JDQ3ZC0000000000000000AB",
    record_id="rec-1",
    handle="phone:+13125550123",
    type="call",
    occurred_at="2026-11-25T09:31:00.000Z",
    rep_id="rep-alice",
    direction="inbound",
    data=CallFacts(
        status="no-answer",
        status_rank=5,
        seq=3,
        missed=True,
        duration=0,
        recording=CallRecording(sid="RE1", kind="voicemail", stored=True, key="k", bytes=10),
        summary=CallSummaryFacts(outcome="No answer", notes="Call back"),
    ),
)


def test_an_activity_item_is_what_the_model_reads_and_writes() -> None:
    for activity in (SMS, CALL):
        raw = stored_item(activity)
        assert ActivityItem.from_raw_data(raw).serialize() == raw
        assert {"owner", "sk", "type_key", "rep_key"} <= set(raw)
    assert "missed_pk" in stored_item(CALL) and "center_pk" in stored_item(CALL)
    assert {"starred_key", "thread_key"} <= set(stored_item(SMS))


def test_a_conversation_item_is_what_the_model_reads_and_writes() -> None:
    state = ConversationState(
        id="sms-14155550101-13125550123",
        rep_id="rep-alice",
        rep_number="+14155550101",
        remote_number="+13125550123",
        handle="phone:+13125550123",
        record_id=None,
        section="unmatched",
        last_at="2026-11-25T09:30:00.000Z",
        last_preview="",
        last_direction="inbound",
        unread=3,
        version=7,
    )
    raw = stored_conversation(state)
    assert ConversationItem.from_raw_data(raw).serialize() == raw
    assert "record_id" not in raw  # absent, as PynamoDB leaves a None attribute out


values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_attribute_values_decode_to_what_was_stored(value: object) -> None:
    assert plain(attribute_value(value)) == value

"""Call recordings and voicemails: copied into the project's bucket, played, deleted.

When Twilio says a recording is complete, it is fetched from Twilio's API (never from the URL
the callback names) and stored in the private recordings bucket; Twilio's copy is then deleted
where the setting says so. A recording that cannot be copied keeps its Twilio id on the call,
so nothing is lost, and the call is marked to be copied later (`retry_pending_copies`, the
reminders function's sweep), again and again until copied or given up with an alarm
(`commcenter.domain.recording_copy`). The browser plays a short-lived link to the bucket (S3
honours Range).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import msgspec

from commcenter.channels.twilio_recordings import RecordingUnavailable, delete_recording, fetch_recording
from commcenter.data import activities as activities_data
from commcenter.data import recordings as recordings_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import now_iso, to_iso, utc_now
from commcenter.domain.facts import CallFacts, CallRecording, expect
from commcenter.domain.recording_copy import next_copy_attempt
from commcenter.domain.reps import Rep
from commcenter.errors import ForbiddenError, NotFoundError
from commcenter.observability import logger
from commcenter.services.call_log import find_call
from commcenter.services.call_summary import update_deal_copy
from commcenter.settings import get_settings

CONTENT_TYPE = "audio/mpeg"
COPY_BATCH = 25  # calls per partition and sweep; a run takes a few seconds at most

CopyOutcome = Literal["copied", "retry", "given_up", "unavailable"]


class RecordingLink(msgspec.Struct):
    url: str
    expires_in: int
    content_type: str


@dataclass(frozen=True, slots=True)
class CopySweep:
    """One sweep of the recordings still to be copied: copied, to be tried again, given up."""

    copied: int
    retry: int
    given_up: int


def recording_completed(call_sid: str, recording_sid: str, duration: int | None, kind: str) -> bool:
    """Twilio finished a recording of a call (or a voicemail): note it, copy it, free Twilio's."""
    call = find_call(call_sid)
    if call is None:
        logger.info("recording of an unknown call", extra={"call_sid": call_sid, "recording_sid": recording_sid})
        return False
    current = expect(call.data, CallFacts).recording
    if current is not None and current.sid == recording_sid and (current.stored or current.deleted_at):
        return True  # a callback Twilio repeated: the recording is in the bucket (or deleted) already
    owner, sk = activities_data.stored_key(call)
    recording = CallRecording(sid=recording_sid, duration=duration, kind=kind)
    values: dict[str, object] = {"recording": recording}
    if kind == "voicemail":
        values["voicemail"] = True
    activities_data.set_data(owner, sk, values)
    update_deal_copy(call, values)
    _copy(call, recording, failed_before=0, now=utc_now())
    return True


def retry_pending_copies(now: datetime | None = None, limit: int = COPY_BATCH) -> CopySweep:
    """Try again the copies that failed and are due at `now` (a Query per partition of the
    `pending_copy` index, never a Scan)."""
    moment = now or utc_now()
    outcomes: Counter[CopyOutcome] = Counter()
    for pending in activities_data.pending_copies(to_iso(moment), limit):
        call = activities_data.get(pending.owner, pending.sk)
        if call is None:
            continue  # deleted since (the index entry goes with it)
        recording = expect(call.data, CallFacts).recording
        if recording is None or recording.sid is None or recording.stored or recording.deleted_at:
            activities_data.copy_given_up(pending.owner, pending.sk)  # nothing left to copy
            continue
        outcomes[_copy(call, recording, failed_before=pending.attempts, now=moment)] += 1
    return CopySweep(copied=outcomes["copied"], retry=outcomes["retry"], given_up=outcomes["given_up"])


def _copy(call: Activity, recording: CallRecording, *, failed_before: int, now: datetime) -> CopyOutcome:
    """Fetch the recording from Twilio into the bucket; on failure, mark when to try again."""
    recording_sid = recording.sid or ""
    call_sid = call.external_id or ""
    try:
        audio = fetch_recording(recording_sid)
        key = recordings_data.recording_key(call.rep_id or "unknown", call_sid, recording_sid)
        recordings_data.store(key, audio, CONTENT_TYPE)
    except RecordingUnavailable as error:
        return _not_copied(call, recording, failed_before + 1, now, error)
    except Exception as error:  # the bucket refused it: Twilio keeps it, tried again later
        logger.exception("recording fetched but not stored", extra={"call_sid": call_sid})
        return _not_copied(call, recording, failed_before + 1, now, RecordingUnavailable(repr(error)))
    owner, sk = activities_data.stored_key(call)
    stored = {"recording": msgspec.structs.replace(recording, stored=True, key=key, bytes=len(audio))}
    activities_data.recording_copied(owner, sk, stored)
    update_deal_copy(call, stored)
    if get_settings().delete_recordings_from_twilio:
        try:
            delete_recording(recording_sid)
        except Exception:  # Twilio keeps a copy: harmless, and retried by nobody
            logger.exception("recording copied but not deleted at Twilio", extra={"recording_sid": recording_sid})
    logger.info(
        "recording stored",
        extra={
            "call_sid": call_sid,
            "recording_sid": recording_sid,
            "kind": recording.kind,
            "tries": failed_before + 1,
        },
    )
    return "copied"


def _not_copied(
    call: Activity, recording: CallRecording, attempts: int, now: datetime, error: RecordingUnavailable
) -> CopyOutcome:
    owner, sk = activities_data.stored_key(call)
    facts = {"call_sid": call.external_id, "recording_sid": recording.sid, "tries": attempts, "reason": str(error)}
    retry_at = next_copy_attempt(attempts, now) if error.retryable else None
    if retry_at is not None:
        activities_data.mark_copy_pending(owner, sk, recording.sid or "", attempts, to_iso(retry_at))
        logger.warning("recording not copied yet: it stays at Twilio until the next try", extra=facts)
        return "retry"
    if attempts > 1:
        activities_data.copy_given_up(owner, sk)
    if not error.retryable:
        logger.warning("recording not copied: it stays at Twilio", extra=facts)
        return "unavailable"
    logger.error("recording copy given up: it stays at Twilio", extra=facts)
    return "given_up"


def playback(call_sid: str) -> RecordingLink:
    """A link to play a call's recording; any rep of the team may (records are the team's)."""
    stored_key = _stored_key(_call(call_sid))
    return RecordingLink(
        url=recordings_data.playback_link(stored_key),
        expires_in=recordings_data.LINK_SECONDS,
        content_type=CONTENT_TYPE,
    )


def delete(rep: Rep, call_sid: str) -> Activity:
    """Delete a call's recording for good: the rep who had the call, or an admin."""
    call = _call(call_sid)
    if call.rep_id != rep.id and rep.role != "admin":
        raise ForbiddenError("only the rep who had the call, or an admin, can delete its recording")
    stored_key = _stored_key(call)
    recordings_data.delete(stored_key)
    owner, sk = activities_data.stored_key(call)
    recording = expect(call.data, CallFacts).recording or CallRecording()
    deleted = CallRecording(sid=recording.sid, kind=recording.kind, deleted_at=now_iso(), by=rep.id)
    activities_data.set_data(owner, sk, {"recording": deleted})
    update_deal_copy(call, {"recording": deleted})
    stored = activities_data.get(owner, sk)
    if stored is None:
        raise NotFoundError("the call was deleted")
    return stored


def _call(call_sid: str) -> Activity:
    call = find_call(call_sid)
    if call is None:
        raise NotFoundError("no such call")
    return call


def _stored_key(call: Activity) -> str:
    recording = expect(call.data, CallFacts).recording
    if recording is None or not recording.stored or recording.key is None:
        raise NotFoundError("this call has no recording to play")
    return recording.key

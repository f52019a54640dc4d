"""Call recordings and voicemails: copied into the project's bucket, played, deleted.

When Twilio says a recording is complete, it is fetched from Twilio's API (never from the URL
the callback names) and stored in the private recordings bucket; Twilio's copy is then deleted
where the setting says so. A recording that cannot be copied keeps its Twilio id on the call,
so nothing is lost. The browser plays a short-lived link to the bucket (S3 honours Range).
"""

from __future__ import annotations

import msgspec

from commcenter.channels.twilio_recordings import RecordingUnavailable, delete_recording, fetch_recording
from commcenter.data import activities as activities_data
from commcenter.data import recordings as recordings_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import now_iso
from commcenter.domain.facts import CallFacts, CallRecording, expect
from commcenter.domain.reps import Rep
from commcenter.errors import ForbiddenError, NotFoundError
from commcenter.observability import logger
from commcenter.services.call_log import find_call
from commcenter.services.call_summary import update_deal_copy
from commcenter.settings import get_settings

CONTENT_TYPE = "audio/mpeg"


class RecordingLink(msgspec.Struct):
    url: str
    expires_in: int
    content_type: str


def recording_completed(call_sid: str, recording_sid: str, duration: int | None, kind: str) -> bool:
    """Twilio finished a recording of a call (or a voicemail): note it, copy it, free Twilio's."""
    call = find_call(call_sid)
    if call is None:
        logger.info("recording of an unknown call", extra={"call_sid": call_sid, "recording_sid": recording_sid})
        return False
    owner, sk = activities_data.stored_key(call)
    recording = CallRecording(sid=recording_sid, duration=duration, kind=kind)
    values: dict[str, object] = {"recording": recording}
    if kind == "voicemail":
        values["voicemail"] = True
    activities_data.set_data(owner, sk, values)
    update_deal_copy(call, values)
    key = recordings_data.recording_key(call.rep_id or "unknown", call_sid, recording_sid)
    try:
        audio = fetch_recording(recording_sid)
    except RecordingUnavailable as error:
        logger.warning("recording not copied: it stays at Twilio", extra={"call_sid": call_sid, "reason": str(error)})
        return True
    recordings_data.store(key, audio, CONTENT_TYPE)
    stored = {"recording": msgspec.structs.replace(recording, stored=True, key=key, bytes=len(audio))}
    activities_data.set_data(owner, sk, stored)
    update_deal_copy(call, stored)
    if get_settings().delete_recordings_from_twilio:
        try:
            delete_recording(recording_sid)
        except Exception:  # Twilio keeps a copy: harmless, and retried by nobody
            logger.exception("recording copied but not deleted at Twilio", extra={"recording_sid": recording_sid})
    logger.info("recording stored", extra={"call_sid": call_sid, "recording_sid": recording_sid, "kind": kind})
    return True


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

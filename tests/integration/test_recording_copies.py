"""A recording Twilio did not hand over is copied by a later sweep (the reminders function's,
a Query on the `pending_copy` index), tried again later and later, and given up after a day and
a half with an alarm-able count; never left at Twilio silently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api_support import ALICE_NUMBER, Api, recording_of

from commcenter.data import activities as activities_data
from commcenter.domain.clock import to_iso, utc_now
from commcenter.domain.recording_copy import COPY_ATTEMPTS
from commcenter.services.call_log import find_call
from commcenter.services.recordings import retry_pending_copies
from commcenter_local.scheduler import Scheduler
from commcenter_local.simulate import ACCOUNT_SID, new_sid, post_to, simulate_call
from commcenter_local.stack import LocalStack
from commcenter_local.twilio_stand_in import TwilioStandIn

_numbers = iter(range(300, 400))
EVERYTHING = 1000  # a sweep's limit large enough for whatever other tests left pending


def voicemail(api_url: str, token: str, remote: str | None = None) -> str:
    number = remote or f"+1208555{next(_numbers):04d}"
    return simulate_call(api_url, token, from_number=number, to_number=ALICE_NUMBER, outcome="voicemail").call_sid


def completed(api_url: str, token: str, call_sid: str, recording_sid: str) -> None:
    fields = [
        ("AccountSid", ACCOUNT_SID),
        ("CallSid", call_sid),
        ("RecordingSid", recording_sid),
        ("RecordingUrl", f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{recording_sid}"),
        ("RecordingStatus", "completed"),
        ("RecordingDuration", "4"),
    ]
    post_to(f"{api_url}/twilio/voice/recording?kind=call", token, fields).raise_for_status()


def pending(call_sid: str) -> activities_data.PendingCopy | None:
    """The call's entry on the `pending_copy` index, if it has one."""
    call = find_call(call_sid)
    assert call is not None
    owner, sk = activities_data.stored_key(call)
    far = to_iso(utc_now() + timedelta(days=365))
    found = [p for p in activities_data.pending_copies(far, EVERYTHING) if (p.owner, p.sk) == (owner, sk)]
    return found[0] if found else None


def fetches(twilio: TwilioStandIn, recording_sid: str) -> list[str]:
    return [path.split(" ")[0] for path in twilio.fetched_paths if recording_sid in path]


def a_failed_copy(api_url: str, token: str, twilio: TwilioStandIn, remote: str | None = None) -> tuple[str, str]:
    """A call whose recording Twilio did not hand over when it said it was complete."""
    call_sid = voicemail(api_url, token, remote)
    recording_sid = new_sid("RE")
    twilio.missing_recordings.add(recording_sid)
    completed(api_url, token, call_sid, recording_sid)
    return call_sid, recording_sid


def test_a_recording_not_handed_over_is_copied_by_a_later_sweep(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    start = utc_now()
    call_sid, recording_sid = a_failed_copy(api_url, twilio_auth_token, twilio_api)
    call = find_call(call_sid)
    assert call is not None and recording_of(call).sid == recording_sid and recording_of(call).stored is False
    first = pending(call_sid)
    assert first is not None and first.attempts == 1
    assert fetches(twilio_api, recording_sid) == ["GET"]

    # Not due yet: left alone.
    retry_pending_copies(now=start, limit=EVERYTHING)
    assert fetches(twilio_api, recording_sid) == ["GET"]
    # Due, Twilio still without it: tried again, and again later than the first time.
    retry_pending_copies(now=start + timedelta(minutes=6), limit=EVERYTHING)
    second = pending(call_sid)
    assert fetches(twilio_api, recording_sid) == ["GET", "GET"] and second is not None and second.attempts == 2

    # Twilio hands it over: copied, freed at Twilio, no longer pending, played.
    twilio_api.missing_recordings.discard(recording_sid)
    sweep = retry_pending_copies(now=start + timedelta(hours=1), limit=EVERYTHING)
    assert sweep.copied >= 1
    copied = find_call(call_sid)
    assert copied is not None and recording_of(copied).stored is True
    assert recording_of(copied).key == f"recordings/{copied.rep_id}/{call_sid}/{recording_sid}.mp3"
    assert fetches(twilio_api, recording_sid) == ["GET", "GET", "GET", "DELETE"]
    assert pending(call_sid) is None
    assert alice("GET", f"/api/calls/{call_sid}/recording").status_code == 200

    # Twilio repeating the callback now changes nothing (the recording is in the bucket).
    completed(api_url, twilio_auth_token, call_sid, recording_sid)
    again = find_call(call_sid)
    assert again is not None and recording_of(again) == recording_of(copied) and pending(call_sid) is None
    assert fetches(twilio_api, recording_sid) == ["GET", "GET", "GET", "DELETE"]


def test_a_copy_is_given_up_after_its_last_try(twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str) -> None:
    call_sid, recording_sid = a_failed_copy(api_url, twilio_auth_token, twilio_api)
    moment, given_up = utc_now(), 0
    for attempt in range(1, COPY_ATTEMPTS):
        entry = pending(call_sid)
        assert entry is not None and entry.attempts == attempt
        moment += timedelta(hours=7)
        given_up += retry_pending_copies(now=moment, limit=EVERYTHING).given_up
    assert len(fetches(twilio_api, recording_sid)) == COPY_ATTEMPTS
    assert given_up >= 1 and pending(call_sid) is None
    call = find_call(call_sid)
    assert call is not None and recording_of(call).sid == recording_sid and recording_of(call).stored is False


def test_the_schedule_runs_the_sweep_and_a_copy_follows_its_call_to_a_record(
    alice: Api, local_stack: LocalStack, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    remote = f"+1208555{next(_numbers):04d}"
    call_sid, recording_sid = a_failed_copy(api_url, twilio_auth_token, twilio_api, remote)
    # The number joins a record: the call moves from the number to the record, still to be copied.
    record = alice.contact(last_name="Latecopy")
    alice.ok("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{remote}"})
    entry = pending(call_sid)
    assert entry is not None and entry.owner == f"rec#{record['id']}" and entry.attempts == 1

    twilio_api.missing_recordings.discard(recording_sid)
    sweep = next(s for s in local_stack.template.schedules if s.event == "RetryRecordingCopies")
    assert (sweep.function, sweep.expression) == ("RemindersFunction", "rate(5 minutes)")
    # The schedule's run once the try is due (the function reads the clock: the entry is made due).
    activities_data.mark_copy_pending(entry.owner, entry.sk, recording_sid, 1, to_iso(utc_now() - timedelta(seconds=1)))
    result = Scheduler([sweep], local_stack.functions).run_once(sweep, datetime.now(UTC))
    assert result is not None and result["copied"] >= 1 and result["given_up"] == 0
    call = find_call(call_sid)
    assert call is not None and call.record_id == record["id"] and recording_of(call).stored is True
    assert pending(call_sid) is None


def test_what_can_never_be_copied_is_not_retried(alice: Api, api_url: str, twilio_auth_token: str) -> None:
    """Without a Twilio account (sandbox mode) there is nothing to ask again."""
    call_sid = voicemail(api_url, twilio_auth_token)
    call = find_call(call_sid)
    assert call is not None and recording_of(call).stored is False and pending(call_sid) is None

"""Recordings and voicemails: copied from Twilio's API into the bucket, played by link, deleted."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from api_support import ALICE_NUMBER, Api, call_facts, recording_of
from phone_numbers import fresh_phone as caller
from stack_environment import environment

from commcenter.data import recordings
from commcenter.domain.facts import CallRecording
from commcenter.services.call_log import find_call
from commcenter_local.simulate import ACCOUNT_SID, new_sid, post_to, simulate_call
from commcenter_local.twilio_stand_in import TwilioStandIn, recording_audio


def voicemail(api_url: str, token: str) -> str:
    """A call nobody answers, with a voicemail left; returns its CallSid."""
    return simulate_call(api_url, token, from_number=caller(), to_number=ALICE_NUMBER, outcome="voicemail").call_sid


def recording_callback(api_url: str, token: str, call_sid: str, recording_sid: str, url: str) -> None:
    fields = [
        ("AccountSid", ACCOUNT_SID),
        ("CallSid", call_sid),
        ("RecordingSid", recording_sid),
        ("RecordingUrl", url),
        ("RecordingStatus", "completed"),
        ("RecordingDuration", "4"),
    ]
    post_to(f"{api_url}/twilio/voice/recording?kind=call", token, fields).raise_for_status()


def test_a_voicemail_is_copied_played_by_range_and_freed_at_twilio(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    call_sid = voicemail(api_url, twilio_auth_token)
    call = find_call(call_sid)
    assert call is not None and call_facts(call).voicemail is True
    recording = recording_of(call)
    assert recording.stored is True and recording.kind == "voicemail"
    sid = recording.sid
    assert twilio_api.fetched_paths == [
        f"GET /2010-04-01/Accounts/{twilio_api.account_sid}/Recordings/{sid}.mp3",
        f"DELETE /2010-04-01/Accounts/{twilio_api.account_sid}/Recordings/{sid}.json",
    ]
    link = alice.ok("GET", f"/api/calls/{call_sid}/recording")
    assert link["content_type"] == "audio/mpeg" and link["expires_in"] == 300
    audio = recording_audio(sid)
    whole = requests.get(link["url"], timeout=10)
    assert whole.status_code == 200 and whole.content == audio
    part = requests.get(link["url"], headers={"Range": "bytes=3-12"}, timeout=10)
    assert part.status_code == 206 and part.content == audio[3:13]


def signed_query(link: str) -> dict[str, str]:
    """The link's query, one value per name (a repeated name fails)."""
    query = parse_qs(urlsplit(link).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


def test_a_link_is_signed_with_sigv4(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    call_sid = voicemail(api_url, twilio_auth_token)
    link = alice.ok("GET", f"/api/calls/{call_sid}/recording")["url"]
    query = signed_query(link)
    # Buckets created since 2020 refuse the legacy scheme (AWSAccessKeyId=...&Signature=...).
    assert not {"AWSAccessKeyId", "Signature", "Expires"} & query.keys()
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Credential"].endswith("/us-east-1/s3/aws4_request")
    assert query["X-Amz-Expires"] == "300" and query["X-Amz-SignedHeaders"] == "host"
    assert len(query["X-Amz-Signature"]) == 64
    assert requests.get(link, timeout=10).status_code == 200  # the local S3 checks the signature


def test_in_aws_a_link_names_the_buckets_regional_host() -> None:
    """Without a local endpoint (AWS): virtual-hosted on the bucket's region, the host the
    dashboard's Content-Security-Policy allows media from; us-east-1 included (not s3.amazonaws.com)."""
    for region in ("eu-west-3", "us-east-1"):
        aws = {"S3_ENDPOINT": "", "AWS_REGION": region, "RECORDINGS_BUCKET": "stack-recordings-1a2b"}
        with environment({**aws, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "example"}):
            link = recordings.playback_link("recordings/R1/CA1/RE1.mp3")
        url = urlsplit(link)
        assert (url.scheme, url.netloc, url.path) == (
            "https",
            f"stack-recordings-1a2b.s3.{region}.amazonaws.com",
            "/recordings/R1/CA1/RE1.mp3",
        )
        query = signed_query(link)
        assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
        assert query["X-Amz-Credential"].endswith(f"/{region}/s3/aws4_request")


def test_the_url_a_callback_names_is_never_followed(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    hits: list[str] = []

    class Elsewhere(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    elsewhere = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    try:
        call_sid = voicemail(api_url, twilio_auth_token)
        recording_sid = new_sid("RE")
        url = f"http://127.0.0.1:{elsewhere.server_address[1]}/steal"
        recording_callback(api_url, twilio_auth_token, call_sid, recording_sid, url)
        # An odd sid is not fetched at all; the call keeps it, nothing stored.
        odd_call = voicemail(api_url, twilio_auth_token)
        recording_callback(api_url, twilio_auth_token, odd_call, "RE../../Messages", url)
    finally:
        elsewhere.shutdown()
        elsewhere.server_close()
    assert hits == []
    assert (
        f"GET /2010-04-01/Accounts/{twilio_api.account_sid}/Recordings/{recording_sid}.mp3" in twilio_api.fetched_paths
    )
    odd = find_call(odd_call)
    assert odd is not None and recording_of(odd).sid == "RE../../Messages"
    assert recording_of(odd).stored is False
    assert alice("GET", f"/api/calls/{odd_call}/recording").status_code == 404


def test_without_a_twilio_account_a_recording_is_noted_not_copied(
    alice: Api, api_url: str, twilio_auth_token: str
) -> None:
    call_sid = voicemail(api_url, twilio_auth_token)
    call = find_call(call_sid)
    assert call is not None and recording_of(call).stored is False
    assert recording_of(call).sid.startswith("RE")
    assert alice("GET", f"/api/calls/{call_sid}/recording").status_code == 404


def test_a_recording_twilio_cannot_hand_over_stays_at_twilio(
    twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    call_sid = voicemail(api_url, twilio_auth_token)
    recording_sid = new_sid("RE")
    twilio_api.missing_recordings.add(recording_sid)
    recording_callback(api_url, twilio_auth_token, call_sid, recording_sid, "https://api.twilio.com/x")
    call = find_call(call_sid)
    assert call is not None and call_facts(call).recording == CallRecording(
        sid=recording_sid, duration=4, kind="call", stored=False
    )
    assert not any("DELETE" in path and recording_sid in path for path in twilio_api.fetched_paths)


def test_twilios_copy_is_kept_when_the_setting_says_so(
    twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    with environment({"DELETE_RECORDINGS_FROM_TWILIO": "false"}):
        call_sid = voicemail(api_url, twilio_auth_token)
    call = find_call(call_sid)
    assert call is not None and recording_of(call).stored is True
    assert twilio_api.deleted_recordings == []


def test_deleting_a_recording(
    alice: Api, bruno: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    call_sid = voicemail(api_url, twilio_auth_token)
    link = alice.ok("GET", f"/api/calls/{call_sid}/recording")["url"]
    assert bruno("DELETE", f"/api/calls/{call_sid}/recording").status_code == 403  # not his call
    assert bruno("GET", f"/api/calls/{call_sid}/recording").status_code == 200  # but he may listen
    deleted = alice.ok("DELETE", f"/api/calls/{call_sid}/recording")
    assert "key" not in deleted["data"]["recording"] and deleted["data"]["recording"]["deleted_at"]
    assert requests.get(link, timeout=10).status_code == 404
    assert alice("GET", f"/api/calls/{call_sid}/recording").status_code == 404
    assert alice("DELETE", f"/api/calls/{call_sid}/recording").status_code == 404


def test_a_deals_feed_follows_the_recording_of_a_call_filed_under_it(
    alice: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str
) -> None:
    remote = caller()
    contact = alice.contact(remote, last_name="Recorded")
    deal = alice.deal("Recorded deal", contact["id"])
    call_sid = simulate_call(
        api_url, twilio_auth_token, from_number=remote, to_number=ALICE_NUMBER, outcome="voicemail"
    ).call_sid
    summary = {"outcome": "Connected", "deal_id": deal["id"], "subject": "Renewal"}
    alice.ok("PUT", f"/api/calls/{call_sid}/summary", summary)

    def deal_copy_recording() -> dict[str, Any]:
        (copy,) = alice.ok("GET", f"/api/records/{deal['id']}/activities", type="call")["items"]
        assert copy["external_id"] == call_sid
        return dict(copy["data"]["recording"])

    first = deal_copy_recording()
    assert first["stored"] is True and first["kind"] == "voicemail"

    # A recording Twilio finishes after the summary was written reaches the deal's copy too.
    later = new_sid("RE")
    recording_callback(api_url, twilio_auth_token, call_sid, later, "https://api.twilio.com/x")
    copied = deal_copy_recording()
    assert copied["sid"] == later and copied["stored"] is True and copied["key"].endswith(f"/{later}.mp3")

    # Deleted, it is gone from the deal's feed as from the call: no player offers it.
    alice.ok("DELETE", f"/api/calls/{call_sid}/recording")
    gone = deal_copy_recording()
    assert "key" not in gone and gone["deleted_at"] and gone["sid"] == later

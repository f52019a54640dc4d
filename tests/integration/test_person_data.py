"""A person's data, on request: exported as one archive, erased everywhere (issue 11).

The audit reads every table whole and every object of the bucket after the erasure: none may
hold the person's number (E.164 or its national digits), name, or the words they exchanged.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import boto3
import pytest
import requests
from api_support import ALICE_NUMBER, Api, fresh_remote, receive, recording_of

from commcenter.data import recordings as recordings_data
from commcenter.data import reminders as reminders_data
from commcenter.domain.sms import conversation_id, suppression_key
from commcenter.services.call_log import find_call
from commcenter.settings import get_settings
from commcenter_local.dynamodb_local import LOCAL_CREDENTIALS
from commcenter_local.simulate import simulate_call
from commcenter_local.twilio_stand_in import Behaviour, TwilioStandIn, recording_audio

KEY_ID, SECRET = LOCAL_CREDENTIALS["aws_access_key_id"], LOCAL_CREDENTIALS["aws_secret_access_key"]
MEDIA_URL = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages/MM1/Media/ME1"


def read_every_table(ddb_endpoint: str, operations: list[str]) -> str:
    """Every item of every table, as one text. The audit's own full reads are Scans, which the
    autouse `no_scan` guard would count against the test: they are taken back out of the list
    the guard yields (only the Scans issued here, between the two marks; nothing else runs
    meanwhile), so a Scan issued by any request path of the test still fails it."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=ddb_endpoint,
        region_name=get_settings().region,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    start = len(operations)
    dump: list[Any] = []
    for table in client.list_tables()["TableNames"]:
        for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            dump.extend([table, page["Items"]])
    audit = operations[start:]
    del operations[start:]
    operations.extend(op for op in audit if op != "Scan")
    return json.dumps(dump, ensure_ascii=False)


def bucket_objects() -> dict[str, bytes]:
    settings = get_settings()
    client = boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint,
        region_name=settings.region,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    bucket = settings.recordings_bucket
    assert bucket is not None
    objects: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            body = client.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            objects[entry["Key"]] = body
    return objects


def counters(alice: Api) -> dict[str, Any]:
    return dict(alice.ok("GET", "/api/center/counts"))


@pytest.fixture
def person(alice: Api, bruno: Api, twilio_api: TwilioStandIn, api_url: str, twilio_auth_token: str) -> dict[str, Any]:
    """A contact with every kind of data: SMS in and out, an MMS, a voicemail recorded into the
    bucket whose summary is filed under a deal, a note, unmatched traffic from a second number
    added later, reminders of two reps naming them, and a STOP."""
    number, second = fresh_remote(), fresh_remote()
    tag = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])  # words no other test wrote
    first, last = f"Ottoline{tag}", f"Quirkwhistle{tag}"
    media_url = f"{MEDIA_URL}{tag}"
    before = counters(alice)
    record = alice.ok(
        "POST",
        "/api/records",
        {
            "kind": "contact",
            "first_name": first,
            "last_name": last,
            "phones": [{"number": number, "label": "mobile"}],
            "emails": [{"address": f"{first}.{last}@example.org", "label": "work"}],
        },
    )
    receive(api_url, twilio_auth_token, number, ALICE_NUMBER, f"marmalade{tag} avalanche tomorrow?")
    assert alice.send(number, f"periwinkle{tag} contract attached").status_code == 201
    # A text Twilio refused, which the rep asked to retry: its retry waits in the Reminders table.
    twilio_api.answer_next(Behaviour("error", status=400, code=30003, message="Unreachable destination handset"))
    refused = alice.send(number, f"nectarine{tag} second try")
    assert refused.status_code == 201 and refused.json()["data"]["status"] == "failed"
    retried = refused.json()
    retry_path = f"/api/sms/conversations/{retried['conversation_id']}/messages/{retried['id']}/retry"
    assert alice.ok("POST", retry_path, {"occurred_at": retried["occurred_at"]})["data"]["status"] == "retrying"
    receive(
        api_url, twilio_auth_token, number, ALICE_NUMBER, f"gooseberry{tag} photo", media=[(media_url, "image/jpeg")]
    )
    call_sid = simulate_call(
        api_url, twilio_auth_token, from_number=number, to_number=ALICE_NUMBER, outcome="voicemail"
    ).call_sid
    call = find_call(call_sid)
    assert call is not None
    recording = recording_of(call)
    assert recording.stored and recording.key
    deal = alice.deal("Quince partnership", record["id"])
    alice.ok(
        "PUT",
        f"/api/calls/{call_sid}/summary",
        {"outcome": "Connected", "notes": f"xylophone{tag} budget", "deal_id": deal["id"], "subject": "Renewal"},
    )
    assert len(alice.ok("GET", f"/api/records/{deal['id']}/activities")["items"]) == 1  # the call's copy
    alice.ok("POST", f"/api/records/{record['id']}/notes", {"body": f"tangerine{tag} allergy noted"})
    receive(api_url, twilio_auth_token, second, ALICE_NUMBER, f"lighthouse{tag} weekend plans")
    # Reminders naming the person: on the second number's conversation while it is unmatched
    # (no record), on the record by two reps (one cancelled), and one stored before reminders
    # carried their subject (found on its rep's list while pending).
    unmatched = conversation_id(ALICE_NUMBER, second)
    on_conversation = {"kind": "follow_up", "when": "tomorrow", "conversation_id": unmatched}
    alice.ok("POST", "/api/reminders", {**on_conversation, "note": f"damson{tag} ring {first}"})
    on_record = {"kind": "follow_up", "when": "in_3_days", "record_id": record["id"]}
    alice.ok("POST", "/api/reminders", {**on_record, "note": f"quandong{tag} {first} {last}"})
    cancelled = bruno.ok("POST", "/api/reminders", {**on_record, "note": f"bilberry{tag} {last}"})
    assert bruno("DELETE", f"/api/reminders/{cancelled['id']}").status_code == 204
    legacy = alice.ok("POST", "/api/reminders", {**on_conversation, "note": f"loquat{tag} {last}"})
    reminders_data.ReminderItem(legacy["id"]).update(actions=[reminders_data.ReminderItem.subject.remove()])
    # A text sent to the second number while it is unmatched: its send's ref is keyed by the rep
    # and the request, and points at the number itself (`h#phone:...`).
    assert alice.send(second, f"harpsichord{tag} see you then").status_code == 201
    alice.ok("POST", f"/api/records/{record['id']}/handles", {"handle": f"phone:{second}"})
    receive(api_url, twilio_auth_token, number, ALICE_NUMBER, "STOP")
    return {
        "record": alice.ok("GET", f"/api/records/{record['id']}"),
        "numbers": [number, second],
        "call_sid": call_sid,
        "recording_sid": recording.sid,
        "recording_key": recording.key,
        "deal": deal,
        "counters_before": before,
        "words": [
            f"marmalade{tag}",
            f"periwinkle{tag}",
            f"gooseberry{tag}",
            f"xylophone{tag}",
            f"tangerine{tag}",
            f"lighthouse{tag}",
            f"harpsichord{tag}",
            f"damson{tag}",
            f"nectarine{tag}",
            f"quandong{tag}",
            f"bilberry{tag}",
            f"loquat{tag}",
            first,
            last,
            f"{first}.{last}".lower(),
            media_url,
        ],
        "tag": tag,
        "name": (first, last),
        "media_url": media_url,
    }


def test_an_export_holds_the_record_every_activity_and_the_recordings(alice: Api, person: dict[str, Any]) -> None:
    record_id, tag = person["record"]["id"], person["tag"]
    answer = alice.ok("POST", f"/api/records/{record_id}/export")
    assert answer["expires_in"] == 300 and answer["filename"].endswith(".zip") and answer["recordings"] == 1
    download = requests.get(answer["url"], timeout=10)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == f'attachment; filename="{answer["filename"]}"'
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    record = json.loads(archive.read("record.json"))
    assert (record["first_name"], record["last_name"]) == person["name"]
    assert [p["number"] for p in record["phones"]] == person["numbers"]
    activities = json.loads(archive.read("activities.json"))
    assert answer["activities"] == len(activities)
    bodies = sorted(a["body"] for a in activities if a["type"] == "sms")
    assert bodies == sorted(
        [
            f"marmalade{tag} avalanche tomorrow?",
            f"periwinkle{tag} contract attached",
            f"nectarine{tag} second try",
            f"gooseberry{tag} photo",
            f"lighthouse{tag} weekend plans",
            f"harpsichord{tag} see you then",
            "STOP",
        ]
    )
    (mms,) = [a for a in activities if a["type"] == "sms" and a["data"].get("media")]
    assert mms["data"]["media"] == [{"url": person["media_url"], "content_type": "image/jpeg"}]
    (note,) = [a for a in activities if a["type"] == "note"]
    assert note["body"] == f"tangerine{tag} allergy noted"
    (call,) = [a for a in activities if a["type"] == "call"]
    assert call["external_id"] == person["call_sid"] and call["data"]["summary"]["notes"] == f"xylophone{tag} budget"
    assert {a["record_id"] for a in activities} == {record_id}  # the second number's traffic moved on
    assert archive.namelist() == ["record.json", "activities.json", f"recordings/{call['id']}.mp3"]
    assert archive.read(f"recordings/{call['id']}.mp3") == recording_audio(person["recording_sid"])


def test_an_erasure_leaves_nothing_of_the_person_but_a_suppressed_opt_out(
    alice: Api,
    bruno: Api,
    person: dict[str, Any],
    ddb_endpoint: str,
    no_scan: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = person["record"]
    record_id, name = record["id"], record["display_name"]
    number, second = person["numbers"]
    alice.ok("POST", f"/api/records/{record_id}/export")
    assert any(key.startswith(f"exports/{record_id}/") for key in bucket_objects())

    # Refused, changing nothing: not an admin, or the name not typed again.
    assert bruno("POST", f"/api/records/{record_id}/export").status_code == 403
    assert bruno("POST", f"/api/records/{record_id}/erase", {"confirm_name": name}).status_code == 403
    wrong = alice("POST", f"/api/records/{record_id}/erase", {"confirm_name": person["name"][0]})
    assert wrong.status_code == 400 and name in wrong.json()["error"]["message"]
    assert alice("POST", f"/api/records/{record_id}/erase", {}).status_code == 400
    assert (
        alice("POST", f"/api/records/{person['deal']['id']}/erase", {"confirm_name": "Quince partnership"}).status_code
        == 400
    )
    assert alice.ok("GET", f"/api/records/{record_id}")["version"] == record["version"]

    # An erasure that stops halfway (here: the bucket fails after the history went) is finished by the next.
    def unavailable(record_id: str) -> int:
        raise RuntimeError("S3 is unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(recordings_data, "delete_exports", unavailable)
        assert alice("POST", f"/api/records/{record_id}/erase", {"confirm_name": name.upper()}).status_code == 500
    erased = alice.ok("POST", f"/api/records/{record_id}/erase", {"confirm_name": name})
    assert erased["record"] == 1 and erased["exports"] == 1 and erased["handles"] == 3
    assert erased["opt_outs_suppressed"] == 1 and erased["activities"] == 0  # the first run took them
    assert erased["reminders"] == 0  # the first run deleted all four
    assert alice("GET", f"/api/records/{record_id}").status_code == 404
    assert alice("POST", f"/api/records/{record_id}/erase", {"confirm_name": name}).status_code == 404

    tables = read_every_table(ddb_endpoint, no_scan)
    national = [n.removeprefix("+1") for n in (number, second)]
    for trace in [number, second, *national, *person["words"]]:
        assert trace not in tables, f"{trace!r} is still in a table"
    # No claim (a webhook's, a call's, a send's) still says where the person's activities were.
    assert f"rec#{record_id}" not in tables
    assert suppression_key(number) in tables and suppression_key(second) not in tables
    objects = bucket_objects()
    assert person["recording_key"] not in objects
    assert not [key for key in objects if key.startswith(f"exports/{record_id}/")]
    for key, body in objects.items():
        for trace in [number, *national, *person["words"]]:
            assert trace.encode() not in body and trace not in key, f"{trace!r} is still in {key}"

    # The team's counts are as before the person's traffic: their unread SMS and missed call went.
    assert counters(alice) == person["counters_before"]
    assert alice.ok("GET", f"/api/records/{person['deal']['id']}/activities")["items"] == []
    # Texting the number again is still refused: the STOP stands.
    refused = alice.send(number, "hello again")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "opted_out"

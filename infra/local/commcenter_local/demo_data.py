"""Demo data for the local stack: a small team with leads, contacts, deals and some history.

Idempotent: every item has a fixed id and is written only if absent, so `commcenter dev` can
seed on every start and a half-finished seed completes on the next one.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import message_refs
from commcenter.data import recordings as recordings_data
from commcenter.data import records as records_data
from commcenter.data import reps as reps_data
from commcenter.domain.activities import Activity, summarize
from commcenter.domain.calls import FINAL_CALL_STATUSES, CallSummaryInput
from commcenter.domain.clock import clock_at, parse_iso, to_iso, utc_now
from commcenter.domain.emails import dedupe_key_of
from commcenter.domain.facts import CallFacts, CallRecording, EmailAddress, EmailFacts, expect, facts_of
from commcenter.domain.ids import stable_id
from commcenter.domain.mailboxes import MailboxSettings, ServerEndpoint
from commcenter.domain.outgoing_email import OutgoingEmail, message_id_for
from commcenter.domain.records import Email, Phone, RecordInput
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError
from commcenter.services import inbound_calls
from commcenter.services.call_log import CallEvent, find_call
from commcenter.services.call_status import call_status
from commcenter.services.call_summary import save_summary
from commcenter.services.email_send import write_sent_email
from commcenter.services.external_ids import activity_of
from commcenter.services.inbound import store_inbound
from commcenter.services.open_tracking import pixel_fetched
from commcenter.services.outbound_calls import outgoing_call
from commcenter.services.recordings import CONTENT_TYPE
from commcenter.services.records import create_record
from commcenter.services.sms_inbound import InboundSms, inbound_message
from commcenter_local.twilio_stand_in import recording_audio

DEMO_REPS = (
    Rep(
        id="rep-alice",
        name="Alice Martin",
        email="alice@northwind.example",
        role="admin",
        team="Sales",
        twilio_number="+14155550101",
        capabilities="voice+sms",
        forwarding_number="+14155550199",
        client_identity="alice",
        time_zone="America/Los_Angeles",
    ),
    Rep(
        id="rep-bruno",
        name="Bruno Costa",
        email="bruno@northwind.example",
        team="Sales",
        twilio_number="+14155550102",
        capabilities="voice+sms",
        client_identity="bruno",
        time_zone="America/New_York",
    ),
    Rep(
        id="rep-chloe",
        name="Chloé Dubois",
        email="chloe@northwind.example",
        team="Sales",
        twilio_number="+14155550103",
        capabilities="voice",
        client_identity="chloe",
        time_zone="Europe/Paris",
    ),
)


def _person(
    kind: str, first: str, last: str, company: str, phone: str, email: str, status: str, owner: str
) -> RecordInput:
    return RecordInput(
        kind=kind,  # type: ignore[arg-type]
        first_name=first,
        last_name=last,
        company_name=company,
        phones=[Phone(number=phone, label="mobile")],
        emails=[Email(address=email, label="work")],
        status=status,
        owner_id=owner,
        source="demo",
    )


DEMO_RECORDS: tuple[tuple[str, RecordInput], ...] = (
    (
        "lead-helene",
        _person("lead", "Hélène", "Durand", "Acme Corp", "+12025550143", "helene@acme.example", "new", "rep-alice"),
    ),
    (
        "lead-marcus",
        _person(
            "lead",
            "Marcus",
            "Reed",
            "Globex",
            "+12025550144",
            "marcus.reed@globex.example",
            "working",
            "rep-alice",
        ),
    ),
    (
        "lead-priya",
        _person(
            "lead",
            "Priya",
            "Nair",
            "Initech",
            "+12025550145",
            "priya@initech.example",
            "qualified",
            "rep-bruno",
        ),
    ),
    (
        "lead-tomas",
        _person(
            "lead",
            "Tomás",
            "Álvarez",
            "Vandelay Imports",
            "+13125550178",
            "tomas@vandelay.example",
            "unqualified",
            "rep-chloe",
        ),
    ),
    (
        "contact-sam",
        _person(
            "contact",
            "Sam",
            "Porter",
            "Umbrella Logistics",
            "+16175550100",
            "sam.porter@umbrella.example",
            "active",
            "rep-alice",
        ),
    ),
    (
        "contact-lena",
        _person("contact", "Lena", "Fischer", "Hooli", "+16175550101", "lena@hooli.example", "active", "rep-bruno"),
    ),
    (
        "contact-stark",
        RecordInput(
            kind="contact",
            is_company=True,
            company_name="Stark Industries",
            phones=[Phone(number="+12015550123", label="office")],
            emails=[Email(address="purchasing@stark.example", label="purchasing")],
            owner_id="rep-chloe",
            source="demo",
        ),
    ),
    (
        "deal-acme",
        RecordInput(
            kind="deal",
            name="Acme — 200 seats",
            amount="48000",
            currency="USD",
            stage="open",
            contact_ids=["lead-helene"],
            owner_id="rep-alice",
            source="demo",
        ),
    ),
    (
        "deal-umbrella",
        RecordInput(
            kind="deal",
            name="Umbrella renewal",
            amount="31500",
            currency="USD",
            stage="won",
            contact_ids=["contact-sam"],
            owner_id="rep-alice",
            source="demo",
        ),
    ),
    (
        "deal-hooli",
        RecordInput(
            kind="deal",
            name="Hooli pilot",
            amount="9000",
            currency="EUR",
            stage="lost",
            contact_ids=["contact-lena"],
            owner_id="rep-bruno",
            source="demo",
        ),
    ),
)

# The demo's calls, each with a CallSid of its own (seeding again finds the call by it).
DEMO_DISCOVERY_CALL_SID = "CA" + hashlib.sha256(b"demo-discovery-call").hexdigest()[:32]  # Alice to Hélène
DEMO_MISSED_CALL_SID = "CA" + hashlib.sha256(b"demo-missed-call").hexdigest()[:32]  # Sam to Alice

# (record, type, direction, rep, minutes ago, text, extra data); a call's text is its summary's notes
DEMO_HISTORY: tuple[tuple[str, str, str | None, str, int, str, dict[str, object]], ...] = (
    (
        "lead-helene",
        "note",
        None,
        "rep-alice",
        60 * 26,
        "Met Hélène at the trade fair. Interested in 200 seats, wants a pilot first.",
        {},
    ),
    (
        "lead-helene",
        "call",
        "outbound",
        "rep-alice",
        60 * 24,
        "Budget approved for Q1.",
        {
            "call_sid": DEMO_DISCOVERY_CALL_SID,
            "status": "completed",
            "duration": 754,
            "summary": {"outcome": "Connected", "subject": "Discovery call", "deal_id": "deal-acme"},
        },
    ),
    (
        "lead-helene",
        "sms",
        "inbound",
        "rep-alice",
        60 * 5,
        "Thanks Alice! Can we move the demo to Thursday? 🙏",
        {"status": "received", "from": "+12025550143", "to": "+14155550101", "segments": 1, "encoding": "UCS-2"},
    ),
    (
        "lead-helene",
        "email",
        "outbound",
        "rep-alice",
        60 * 3,
        "Pilot proposal for Acme Corp\n\nHi Hélène, please find the proposal attached.",
        {"request_id": "demo-pilot-proposal", "opened_after_minutes": [25, 95]},
    ),
    (
        "contact-sam",
        "call",
        "inbound",
        "rep-alice",
        60 * 50,
        "",
        {"call_sid": DEMO_MISSED_CALL_SID, "status": "no-answer", "duration": 0},
    ),
    ("contact-sam", "note", None, "rep-bruno", 60 * 30, "Renewal signed for two more years.", {}),
    (
        "lead-priya",
        "task",
        None,
        "rep-bruno",
        60 * 2,
        "Send the security questionnaire",
        {"due_in_days": 2},
    ),
)


def _due_dates(data: dict[str, object], now: datetime) -> dict[str, object]:
    """A task's due date, relative to when the demo is seeded."""
    days = data.get("due_in_days")
    if not isinstance(days, int):
        return data
    return {"due_at": to_iso(now + timedelta(days=days))}


def _seed_inbound_sms(index: int, rep_id: str, at: datetime, text: str, data: dict[str, object]) -> None:
    """An incoming SMS written as the SMS webhook writes one (the inbound pipeline's one write):
    in the rep's conversation with the number, counted unread, its MessageSid claimed, so that
    seeding again writes nothing."""
    rep = next(rep for rep in DEMO_REPS if rep.id == rep_id)
    to_number = str(data["to"])
    sid = "SM" + hashlib.sha256(f"demo-{index}".encode()).hexdigest()[:32]
    message = inbound_message(
        InboundSms(sid=sid, from_number=str(data["from"]), to_number=to_number, body=text), rep, to_number
    )
    store_inbound(replace(message, activity_id=stable_id(at, "demo", str(index)), occurred_at=to_iso(at)))


# The open pixel of the demo's sent email (an unguessable token in the product; fixed here).
DEMO_PROPOSAL_TOKEN = hashlib.sha256(b"demo-pilot-proposal-pixel").hexdigest()[:32]
# Who fetched it: Gmail's image proxy first, then a browser (both opens).
DEMO_OPENERS = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0"
    " Safari/605.1.15",
)


def _seed_sent_email(record_id: str, rep_id: str, at: datetime, text: str, data: dict[str, object]) -> None:
    """An email the rep sent from the dashboard, written as sending one writes it: stored
    ("sending") through the poll's path under the claim of its Message-ID (which the reader opens
    it by), its pixel's token claimed, accepted by the server, then opened through its pixel.
    Each step finds the email again by its claim, so seeding again writes nothing twice and a seed
    that stopped halfway is finished."""
    rep = next(rep for rep in DEMO_REPS if rep.id == rep_id)
    person = next(payload for key, payload in DEMO_RECORDS if key == record_id)
    subject, _, body = text.partition("\n\n")
    request_id = str(data["request_id"])
    message_id = message_id_for(rep.id, request_id, rep.email)
    email = OutgoingEmail(
        sender=EmailAddress(address=rep.email, name=rep.name),
        to=(EmailAddress(address=person.emails[0].address, name=f"{person.first_name} {person.last_name}"),),
        cc=(),
        subject=subject,
        text=body,
        message_id=message_id,
        date=at.replace(microsecond=0),
    )
    # The mailbox it went out through (never contacted: the seed sends nothing).
    endpoint = ServerEndpoint(host="mail.northwind.example", port=465)
    mailbox = MailboxSettings(rep_id=rep.id, address=rep.email, username=rep.email, imap=endpoint, smtp=endpoint)
    with clock_at(at):
        write_sent_email(rep, mailbox, email, request_id=request_id, token=DEMO_PROPOSAL_TOKEN, thread=None)
    ref = message_refs.email_ref(dedupe_key_of(message_id))
    activity, claim = activity_of(ref), message_refs.get(ref)
    if activity is None or claim is None or claim.owner is None or claim.sk is None:
        return
    facts = expect(activity.data, EmailFacts)
    if facts.send_status == "sending":
        message_refs.claim(message_refs.open_ref(DEMO_PROPOSAL_TOKEN), claim.owner, claim.sk, activity.occurred_at)
        sent_at = to_iso(at + timedelta(seconds=2))
        activities_data.set_send_outcome(activity, "sent", None, None, sent_at, [])
    minutes = data["opened_after_minutes"]
    assert isinstance(minutes, list)
    for index in range(facts.opens, len(minutes)):
        with clock_at(at + timedelta(minutes=minutes[index])):
            pixel_fetched(DEMO_PROPOSAL_TOKEN, DEMO_OPENERS[index % len(DEMO_OPENERS)])


def _seed_call(record_id: str, direction: str | None, rep_id: str, at: datetime, data: dict[str, object]) -> None:
    """A call written as the voice webhooks write one, at its time in the history: placed from the
    rep's browser (the dialled leg answered, then completed), or an incoming call nobody answered
    (the browser or the forwarding number rang, the caller hung up at the voicemail's greeting: a
    missed call, counted once). Each step is the product's own and finds the call again by its
    CallSid, so seeding again writes nothing twice and a seed that stopped halfway is finished."""
    rep = next(rep for rep in DEMO_REPS if rep.id == rep_id)
    sid, duration = str(data["call_sid"]), int(str(data["duration"]))
    call = find_call(sid)
    if call is not None:
        at = parse_iso(call.occurred_at)  # a seed that stopped halfway: the call keeps its time
        if expect(call.data, CallFacts).status in FINAL_CALL_STATUSES:
            return
    remote = next(payload for key, payload in DEMO_RECORDS if key == record_id).phones[0].number
    with clock_at(at):
        reporting = _place_call(sid, rep, remote) if direction == "outbound" else _miss_call(sid, rep, remote)
    with clock_at(at + timedelta(seconds=duration)):
        call_status(reporting, sid, str(data["status"]), 2, duration)


def _place_call(sid: str, rep: Rep, remote: str) -> str:
    """A call from the rep's browser to `remote`, answered; the CallSid of its dialled leg, which
    reports its statuses through the call (as Twilio's `<Dial><Number>` does)."""
    placed = outgoing_call(CallEvent(sid, f"client:{rep.client_identity}", remote))
    if isinstance(placed, str):
        raise RuntimeError(f"the demo's call to {remote} was refused: {placed}")
    leg = "CA" + hashlib.sha256(f"{sid}-dialled".encode()).hexdigest()[:32]
    call_status(leg, sid, "in-progress", 1, None)
    return leg


def _miss_call(sid: str, rep: Rep, remote: str) -> str:
    """A call from `remote` to the rep that no dial answers; the caller hangs up before the tone."""
    route = inbound_calls.incoming_call(CallEvent(sid, remote, rep.twilio_number or ""), rep)
    while route.kind in ("ring_browser", "forward"):
        stage = "browser" if route.kind == "ring_browser" else "forward"
        route = inbound_calls.dial_ended(sid, stage, "no-answer", rep)
    return sid


def _seed_call_summary(rep_id: str, notes: str, data: dict[str, object]) -> None:
    """The summary the history gives a call, saved as its rep saves one once the call ended;
    never over a summary the call has (the rep may have edited it since)."""
    wanted = data.get("summary")
    call = find_call(str(data["call_sid"]))
    if not isinstance(wanted, dict) or call is None:
        return
    facts = expect(call.data, CallFacts)
    if facts.summary is not None or not facts.ended_at:
        return
    rep = next(rep for rep in DEMO_REPS if rep.id == rep_id)
    with clock_at(parse_iso(facts.ended_at) + timedelta(minutes=2)):
        save_summary(rep, facts.call_sid or "", msgspec.convert({**wanted, "notes": notes}, CallSummaryInput))


# Marcus Reed's voicemail to Alice, its recording already copied into the bucket: one to play.
DEMO_VOICEMAIL_CALL_SID = "CA" + hashlib.sha256(b"demo-voicemail").hexdigest()[:32]
DEMO_VOICEMAIL_RECORDING_SID = "RE" + hashlib.sha256(b"demo-voicemail-recording").hexdigest()[:32]
DEMO_VOICEMAIL_FROM = "+12025550144"  # Marcus Reed's number


def _seed_voicemail() -> None:
    """Marcus's voicemail to Alice, written as the voice webhooks write a call nobody answered
    (incoming, the forwarding number's dial not answered, the voicemail left, completed: a missed
    call), its recording stored in the bucket as the copy from Twilio stores one. The local bucket
    keeps nothing across restarts: the audio is put back on every seed (unless a rep deleted it)."""
    alice = DEMO_REPS[0]
    sid = DEMO_VOICEMAIL_CALL_SID
    call = find_call(sid)
    if call is None:
        inbound_calls.incoming_call(CallEvent(sid, DEMO_VOICEMAIL_FROM, alice.twilio_number or ""), alice)
        inbound_calls.dial_ended(sid, "forward", "no-answer", alice)
        inbound_calls.dial_ended(sid, "voicemail", "", alice)
        call_status(sid, None, "completed", 2, 38)
        call = find_call(sid)
        if call is None:
            return
    recording = expect(call.data, CallFacts).recording
    if recording is not None and recording.deleted_at:
        return
    audio = recording_audio(DEMO_VOICEMAIL_RECORDING_SID)
    key = recordings_data.recording_key(alice.id, sid, DEMO_VOICEMAIL_RECORDING_SID)
    recordings_data.store(key, audio, CONTENT_TYPE)
    if recording is None or not recording.stored:
        stored = CallRecording(
            sid=DEMO_VOICEMAIL_RECORDING_SID, duration=5, kind="voicemail", stored=True, key=key, bytes=len(audio)
        )
        activities_data.recording_copied(*activities_data.stored_key(call), {"recording": stored, "voicemail": True})


@dataclass
class SeedSummary:
    reps: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    activities: int = 0


def seed_demo_data() -> SeedSummary:
    """Write what is missing of the demo data; returns what the demo contains."""
    summary = SeedSummary()
    for rep in DEMO_REPS:
        if reps_data.get(rep.id) is None:
            with suppress(ConflictError):  # another start seeded it at the same moment
                reps_data.create(rep)
        summary.reps.append(rep.email)
    admin = DEMO_REPS[0]
    for record_id, payload in DEMO_RECORDS:
        if records_data.get(record_id) is None:
            with suppress(ConflictError):
                create_record(payload, admin, record_id=record_id)
        summary.records.append(record_id)
    summary.activities += _seed_history(utc_now())
    _seed_voicemail()
    summary.activities += 1
    return summary


def _seed_history(now: datetime) -> int:
    """What is missing of the history, each item once; returns how many items it holds."""
    present: dict[str, dict[str, tuple[str, str]]] = {}
    for index, (record_id, kind, direction, rep_id, minutes_ago, text, data) in enumerate(DEMO_HISTORY):
        if record_id not in present:
            owner = activities_data.owner_key(record_id, None)
            items = activities_data.iter_owner(owner)
            present[record_id] = {item.external_id or "": (item.owner, item.sk) for item in items}
        written = present[record_id].get(f"demo-{index}")
        at = now - timedelta(minutes=minutes_ago)
        if kind == "call":
            if written is not None:  # an earlier version's bare activity: the call takes its place
                activities_data.delete(*written)
            _seed_call(record_id, direction, rep_id, at, data)
            _seed_call_summary(rep_id, text, data)
            continue
        if kind == "email":
            if written is not None:  # an earlier version's bare activity: the email takes its place
                activities_data.delete(*written)
            _seed_sent_email(record_id, rep_id, at, text, data)
            continue
        if written is not None:
            continue
        if kind == "sms":
            _seed_inbound_sms(index, rep_id, at, text, data)
            continue
        activities_data.put(
            Activity(
                id=stable_id(at, "demo", str(index)),
                record_id=record_id,
                handle=None,
                type=kind,  # type: ignore[arg-type]
                occurred_at=to_iso(at),
                rep_id=rep_id,
                direction=direction,  # type: ignore[arg-type]
                summary=summarize(text),
                body=text,
                external_id=f"demo-{index}",
                data=facts_of(kind, _due_dates(data, now)),
            )
        )
    return len(DEMO_HISTORY)

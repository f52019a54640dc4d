"""A burst of signed Twilio webhooks against a running stack, and a check of what it left behind.

`prepare` sets the scene through the stack's own doors (contacts through the API, outbound SMS
sent through the API, calls created by the incoming-call webhook) and plans the burst: incoming
SMS from contacts and from unmatched numbers to the reps' SMS numbers, the status callbacks of
the messages sent, the status callbacks of the calls; all shuffled, so a message's statuses and
a call's SequenceNumbers arrive out of order; a third of the webhooks sent twice, right after
the first delivery or replayed late, at the end. `fire` posts them from concurrent senders over
keep-alive connections, each signed beforehand as Twilio signs it, and records each answer and
its latency; `replay` posts again what failed, as Twilio's connection overrides
(`#rc=3&rp=5xx,ct,rt`) would. `check` reads the tables and the API: each message and call
stored exactly once, each status the highest one sent, each counter equal to a recount.

One implementation for the tests (`tests/integration/test_webhook_burst.py`) and the benchmark
(`bench/webhook_burst.py`).
"""

from __future__ import annotations

import http.client
import itertools
import math
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import boto3
import requests
from boto3.dynamodb.types import TypeDeserializer

from commcenter.channels.twilio_form import TwilioForm
from commcenter.channels.twilio_signature import public_url, sign
from commcenter.data.activities import owner_key
from commcenter.domain.calls import FINAL_CALL_STATUSES
from commcenter.domain.handles import Handle
from commcenter.domain.sms import conversation_id, status_rank
from commcenter.settings import get_settings
from commcenter_local.dev_auth import issue_token
from commcenter_local.dynamodb_local import LOCAL_CREDENTIALS
from commcenter_local.simulate import (
    ACCOUNT_SID,
    incoming_sms_params,
    new_sid,
    post_to,
    post_webhook,
    sms_status_params,
    voice_params,
)

SMS_INCOMING = "/twilio/sms/incoming"
SMS_STATUS = "/twilio/sms/status"
CALL_INCOMING = "/twilio/voice/incoming"
CALL_STATUS = "/twilio/voice/status"

SENDERS = 32
MESSAGES_PER_NUMBER = 12  # each number texts its rep a dozen times: late replays fall far behind
SENDS_PER_NUMBER = 4
CALLS_PER_NUMBER = 3
SETUP_WORKERS = 4
ERROR_CODE = 30003  # "unreachable": what a failed or undelivered callback carries

# Fictional numbers (555-01xx) in area codes no other test uses.
AREA_CODES = ("480", "385", "614", "737", "984", "629")
_serial = itertools.count()

# The statuses Twilio may report of one outbound message (each a subset of its life, in order;
# no two of the same rank, so the highest one is well defined).
SMS_STATUS_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("queued", "sent", "delivered"),
    ("queued", "sending", "sent", "delivered"),
    ("queued", "sent", "undelivered"),
    ("queued", "failed"),
    ("sent", "delivered"),
)
# A call's status callbacks, by SequenceNumber: ended, or still in progress when the burst stops.
CALL_STATUS_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("ringing", "in-progress", "completed"),
    ("ringing", "in-progress", "completed"),
    ("ringing", "in-progress"),
)
BODIES = (
    "Hi, are we still on for Tuesday?",
    "Thanks! Sending the signed copy tonight 👍",
    "Can you call me back after 3pm?",
    "Quick question about the invoice",
    "Great, see you there.",
    "Ça marche, merci ! 🙂",
)

Kind = Literal["sms", "sms_status", "call_status"]
Replay = Literal["", "right_after", "late"]


def fresh_number() -> str:
    """A fictional US number no other test uses, never the same twice in one process."""
    n = next(_serial)
    if n >= 100 * len(AREA_CODES):
        raise RuntimeError("the burst's fictional numbers are used up in this process")
    return f"+1{AREA_CODES[n // 100]}5550{100 + n % 100}"


@dataclass(frozen=True, slots=True)
class Stack:
    """Where the burst goes: the stack's URL, the auth token Twilio signs with, and the data folder
    whose secret signs development sign-in tokens (the API as each rep)."""

    base_url: str
    twilio_auth_token: str
    data_dir: Path
    admin_email: str = "alice@northwind.example"

    def api(self, email: str, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {issue_token(email, self.data_dir)}"}
        response = requests.request(method, self.base_url + path, json=body, headers=headers, timeout=30)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path} as {email}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None


@dataclass(frozen=True, slots=True)
class Rep:
    id: str
    email: str
    number: str
    sms: bool


@dataclass(frozen=True, slots=True)
class Party:
    """A remote number of the burst: a contact's (`record_id`) or unmatched."""

    number: str
    record_id: str | None

    @property
    def owner(self) -> str:
        """Where its messages and calls are stored (the record, else the number)."""
        return owner_key(self.record_id, Handle("phone", self.number).key)

    @property
    def section(self) -> str:
        return "matched" if self.record_id else "unmatched"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    sid: str
    rep: Rep
    party: Party


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message sent through the API, and the statuses its callbacks report."""

    sid: str
    rep: Rep
    party: Party
    statuses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlannedCall:
    """A call created by the incoming-call webhook; `statuses[n]` is the callback of SequenceNumber n."""

    sid: str
    rep: Rep
    party: Party
    answered: bool
    statuses: tuple[str, ...]

    @property
    def missed(self) -> bool:
        """Ended without the rep (browser or forwarding number) answering: counted once."""
        return not self.answered and self.statuses[-1] in FINAL_CALL_STATUSES


@dataclass(frozen=True, slots=True)
class Webhook:
    """One webhook as Twilio posts it. `key` names what it carries (a MessageSid, a MessageSid and
    a status, a CallSid and a SequenceNumber): two webhooks with one key are one delivery
    repeated. `replay` says whether this copy repeats an earlier one, and when."""

    kind: Kind
    path: str
    params: tuple[tuple[str, str], ...]
    key: str
    replay: Replay = ""


@dataclass
class BurstPlan:
    reps: list[Rep]
    webhooks: list[Webhook]
    inbound: list[InboundMessage]
    outbound: list[OutboundMessage]
    calls: list[PlannedCall]
    counts_before: dict[str, dict[str, int]]
    setup_seconds: float

    def kinds(self) -> Counter[str]:
        return Counter(webhook.kind for webhook in self.webhooks)

    def replays(self) -> Counter[str]:
        return Counter(webhook.replay for webhook in self.webhooks if webhook.replay)


@dataclass(frozen=True, slots=True)
class Answer:
    """How the stack answered one webhook: its HTTP status (0: no answer, the connection refused,
    reset or timed out) and how long it took."""

    status: int
    seconds: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def replayable(self) -> bool:
        """What Twilio's connection overrides (`rp=5xx,ct,rt`) send again: a 5xx or no answer."""
        return self.status == 0 or self.status >= 500


@dataclass
class Firing:
    answers: list[Answer]
    seconds: float

    def statuses(self) -> Counter[int]:
        return Counter(answer.status for answer in self.answers)


# ---------------------------------------------------------------- the plan


def prepare(stack: Stack, size: int, *, seed: int = 10) -> BurstPlan:
    """Set the scene and plan `size` webhooks: half incoming SMS, a quarter SMS status callbacks,
    a quarter call status callbacks, counted before a third of the total is added as repeats."""
    started = time.perf_counter()
    rng = random.Random(seed)
    reps = team_reps(stack)
    sms_reps = [rep for rep in reps if rep.sms]
    if not sms_reps:
        raise RuntimeError("no rep of the stack has an SMS number: seed the demo data first")
    repeats = size // 3
    originals = size - repeats
    sms_count, status_count = originals // 2, originals // 4
    call_count = originals - sms_count - status_count
    inbound = _plan_inbound(stack, rng, sms_reps, sms_count)
    outbound = _send_outbound(stack, rng, sms_reps, status_count)
    calls = _place_calls(stack, rng, reps, call_count)
    firsts = [*map(_sms_webhook(rng), inbound), *_status_webhooks(outbound), *_call_webhooks(calls)]
    webhooks = _with_repeats(rng, firsts, repeats)
    counts = {rep.id: center_counts(stack, rep) for rep in reps}
    return BurstPlan(reps, webhooks, inbound, outbound, calls, counts, time.perf_counter() - started)


def team_reps(stack: Stack) -> list[Rep]:
    """The stack's reps that have a Twilio number, as the API lists them."""
    listed = stack.api(stack.admin_email, "GET", "/api/reps")["items"]
    return [
        Rep(id=rep["id"], email=rep["email"], number=rep["twilio_number"], sms=rep["capabilities"] == "voice+sms")
        for rep in listed
        if rep.get("twilio_number")
    ]


def center_counts(stack: Stack, rep: Rep) -> dict[str, int]:
    """The rep's counters as the dashboard shows them: unread SMS and missed calls by section."""
    counts = stack.api(rep.email, "GET", "/api/center/counts")
    return {
        f"{channel}#{section}": int(counts[channel][section][name])
        for channel, name in (("sms", "unread"), ("calls", "missed"))
        for section in ("matched", "unmatched")
    }


def _parties(stack: Stack, rng: random.Random, count: int) -> list[Party]:
    """`count` fresh numbers, about half of them a contact's (created through the API)."""
    numbers = [fresh_number() for _ in range(count)]
    as_contact = [rng.random() < 0.5 for _ in numbers]

    def party(index: int) -> Party:
        number = numbers[index]
        if not as_contact[index]:
            return Party(number, None)
        body = {
            "kind": "contact",
            "first_name": "Burst",
            "last_name": f"Contact {number[-7:]}",
            "phones": [{"number": number, "label": "mobile"}],
        }
        return Party(number, str(stack.api(stack.admin_email, "POST", "/api/records", body)["id"]))

    with ThreadPoolExecutor(SETUP_WORKERS) as pool:
        return list(pool.map(party, range(count)))


def _plan_inbound(stack: Stack, rng: random.Random, reps: list[Rep], count: int) -> list[InboundMessage]:
    parties = _parties(stack, rng, max(2, math.ceil(count / MESSAGES_PER_NUMBER)))
    messages = []
    for index in range(count):
        party = parties[index % len(parties)]
        rep = reps[(index % len(parties)) % len(reps)]  # one rep per number: one conversation each
        messages.append(InboundMessage(new_sid("MM" if index % 10 == 9 else "SM"), rep, party))
    return messages


def _sms_webhook(rng: random.Random) -> Callable[[InboundMessage], Webhook]:
    def webhook(message: InboundMessage) -> Webhook:
        media: list[tuple[str, str]] = []
        if message.sid.startswith("MM"):
            media_url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message.sid}/Media/ME1"
            media = [(media_url, "image/jpeg")]
        params = incoming_sms_params(
            from_number=message.party.number,
            to_number=message.rep.number,
            body=rng.choice(BODIES),
            media=media,
            sid=message.sid,
        )
        return Webhook("sms", SMS_INCOMING, tuple(params), f"sms:{message.sid}")

    return webhook


def _send_outbound(stack: Stack, rng: random.Random, reps: list[Rep], callbacks: int) -> list[OutboundMessage]:
    """Messages sent through the API (the stack's sandbox gives each its MessageSid), enough of
    them for `callbacks` status callbacks."""
    patterns: list[tuple[str, ...]] = []
    while sum(map(len, patterns)) < callbacks:
        pattern = rng.choice(SMS_STATUS_PATTERNS)
        patterns.append(pattern[: callbacks - sum(map(len, patterns))])
    parties = _parties(stack, rng, max(1, math.ceil(len(patterns) / SENDS_PER_NUMBER)))
    bodies = [rng.choice(BODIES) for _ in patterns]

    def send(index: int) -> OutboundMessage:
        party = parties[index % len(parties)]
        rep = reps[(index % len(parties)) % len(reps)]
        body = {"to": party.number, "body": bodies[index], "client_request_id": uuid.uuid4().hex}
        sent = stack.api(rep.email, "POST", "/api/sms/messages", body)
        return OutboundMessage(str(sent["external_id"]), rep, party, patterns[index])

    with ThreadPoolExecutor(SETUP_WORKERS) as pool:
        return list(pool.map(send, range(len(patterns))))


def _status_webhooks(messages: list[OutboundMessage]) -> list[Webhook]:
    webhooks = []
    for message in messages:
        for status in message.statuses:
            params = sms_status_params(
                message_sid=message.sid,
                status=status,
                from_number=message.rep.number,
                to_number=message.party.number,
                error_code=ERROR_CODE if status in ("failed", "undelivered") else None,
            )
            webhooks.append(Webhook("sms_status", SMS_STATUS, tuple(params), f"sms_status:{message.sid}:{status}"))
    return webhooks


def _place_calls(stack: Stack, rng: random.Random, reps: list[Rep], callbacks: int) -> list[PlannedCall]:
    """Calls created by the incoming-call webhook (some answered through their dial's result),
    enough of them for `callbacks` status callbacks."""
    patterns: list[tuple[str, ...]] = []
    while sum(map(len, patterns)) < callbacks:
        pattern = rng.choice(CALL_STATUS_PATTERNS)
        patterns.append(pattern[: callbacks - sum(map(len, patterns))])
    parties = _parties(stack, rng, max(1, math.ceil(len(patterns) / CALLS_PER_NUMBER)))
    answer = [rng.random() < 0.4 for _ in patterns]

    def place(index: int) -> PlannedCall:
        party, rep, sid = parties[index % len(parties)], reps[index % len(reps)], new_sid("CA")
        response = post_webhook(stack.base_url, stack.twilio_auth_token, CALL_INCOMING, _call_params(sid, party, rep))
        if response.status_code != 200:
            raise RuntimeError(f"incoming call {sid}: {response.status_code} {response.text[:300]}")
        # The stack's own TwiML, not untrusted input.
        dial = ElementTree.fromstring(response.content).find("Dial")  # noqa: S314
        answered = answer[index] and dial is not None and bool(dial.get("action"))
        if answered and dial is not None:
            fields = [
                *_call_params(sid, party, rep, "in-progress"),
                ("DialCallStatus", "completed"),
                ("DialCallSid", new_sid("CA")),
                ("DialCallDuration", "42"),
                ("DialBridged", "true"),
            ]
            result = post_to(dial.get("action", ""), stack.twilio_auth_token, fields)
            if result.status_code != 200:
                raise RuntimeError(f"dial result of {sid}: {result.status_code} {result.text[:300]}")
        return PlannedCall(sid, rep, party, answered, patterns[index])

    with ThreadPoolExecutor(SETUP_WORKERS) as pool:
        return list(pool.map(place, range(len(patterns))))


def _call_params(sid: str, party: Party, rep: Rep, status: str = "ringing") -> list[tuple[str, str]]:
    return voice_params(sid, party.number, rep.number, status)


def _call_webhooks(calls: list[PlannedCall]) -> list[Webhook]:
    webhooks = []
    for call in calls:
        for sequence, status in enumerate(call.statuses):
            params = [*_call_params(call.sid, call.party, call.rep, status), ("SequenceNumber", str(sequence))]
            if status in FINAL_CALL_STATUSES:
                params += [("CallDuration", "47"), ("Duration", "1")]
            webhooks.append(Webhook("call_status", CALL_STATUS, tuple(params), f"call_status:{call.sid}:{sequence}"))
    return webhooks


def _with_repeats(rng: random.Random, firsts: list[Webhook], repeats: int) -> list[Webhook]:
    """The first deliveries shuffled, `repeats` of them sent twice: half right after the first
    delivery (the two may run at once), half replayed late, after everything else."""
    order = list(firsts)
    rng.shuffle(order)
    repeated = rng.sample(range(len(order)), min(repeats, len(order)))
    right_after = set(repeated[: len(repeated) // 2])
    late = [replace(order[index], replay="late") for index in repeated[len(repeated) // 2 :]]
    rng.shuffle(late)
    webhooks: list[Webhook] = []
    for index, webhook in enumerate(order):
        webhooks.append(webhook)
        if index in right_after:
            webhooks.append(replace(webhook, replay="right_after"))
    return webhooks + late


# ---------------------------------------------------------------- firing


@dataclass(frozen=True, slots=True)
class _Prepared:
    path: str
    headers: dict[str, str]
    body: bytes


def _prepared(base_url: str, auth_token: str, webhook: Webhook) -> _Prepared:
    """The request Twilio would send, signed over the public URL and the form."""
    signature = sign(auth_token, public_url(base_url, webhook.path), TwilioForm(list(webhook.params)))
    headers = {
        "X-Twilio-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
    }
    return _Prepared(webhook.path, headers, urlencode(webhook.params).encode())


def fire(
    base_url: str,
    auth_token: str,
    webhooks: Sequence[Webhook],
    *,
    senders: int = SENDERS,
    timeout: float = 30.0,
    deadline: float = 600.0,
    on_answer: Callable[[int], None] | None = None,
) -> Firing:
    """POST every webhook, in order, from `senders` threads with a keep-alive connection each.
    Each request waits `timeout` seconds at most; none is started after `deadline` seconds
    (those count as unanswered). `on_answer(n)` is told each time n webhooks have been answered."""
    prepared = [_prepared(base_url, auth_token, webhook) for webhook in webhooks]
    target = urlsplit(base_url)
    answers: list[Answer | None] = [None] * len(prepared)
    lock = threading.Lock()
    pending = iter(range(len(prepared)))
    answered = itertools.count(1)

    def take() -> int | None:
        with lock:
            if time.perf_counter() - started > deadline:
                return None
            return next(pending, None)

    def send(connection: http.client.HTTPConnection | None) -> None:
        while (index := take()) is not None:
            if connection is None:
                connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=timeout)
            answers[index], connection = _post(connection, prepared[index])
            with lock:
                count = next(answered)
            if on_answer is not None:
                on_answer(count)
        if connection is not None:
            connection.close()

    # Opened one after the other: the local gateway listens with a backlog of 5 (Python's
    # default), and 32 connections opened at once overflow it (the kernel resets some).
    opened = [_open(target.hostname or "127.0.0.1", target.port, timeout) for _ in range(min(senders, len(prepared)))]
    threads = [
        threading.Thread(target=send, args=(connection,), name=f"burst-sender-{n}", daemon=True)
        for n, connection in enumerate(opened)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline + timeout + 5)
    seconds = time.perf_counter() - started
    return Firing([answer or Answer(0, 0.0, "not sent") for answer in answers], seconds)


def _open(host: str, port: int | None, timeout: float) -> http.client.HTTPConnection | None:
    """A keep-alive connection the gateway has accepted: it answered a request on it (the
    gateway's own `/config.json`, no function involved). None if it would not (the sender then
    connects when it posts its first webhook)."""
    for _ in range(5):
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.request("GET", "/config.json")
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            connection.close()
            time.sleep(0.05)
            continue
        return connection
    return None


def _post(
    connection: http.client.HTTPConnection, request: _Prepared
) -> tuple[Answer, http.client.HTTPConnection | None]:
    """One webhook over a keep-alive connection: the answer, and the connection if it stays open."""
    begun = time.perf_counter()
    try:
        connection.request("POST", request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        text = response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return Answer(0, time.perf_counter() - begun, repr(error)), None
    detail = "" if response.status < 300 else text[:300].decode(errors="replace")
    answer = Answer(response.status, time.perf_counter() - begun, detail)
    if response.will_close:
        connection.close()
        return answer, None
    return answer, connection


def replay(
    base_url: str,
    auth_token: str,
    webhooks: Sequence[Webhook],
    answers: Sequence[Answer],
    *,
    attempts: int = 3,
    pause: float = 1.0,
    timeout: float = 15.0,
) -> tuple[list[Answer], int]:
    """Post again each webhook that got a 5xx or no answer, up to `attempts` times, as Twilio's
    connection overrides (`#rc=3&rp=5xx,ct,rt`) do; the last answer of each, and how many
    replays were posted."""
    final = list(answers)
    posted = 0
    for _ in range(attempts):
        again = [index for index, answer in enumerate(final) if answer.replayable]
        if not again:
            break
        time.sleep(pause)
        firing = fire(base_url, auth_token, [webhooks[i] for i in again], senders=8, timeout=timeout)
        posted += len(again)
        for index, answer in zip(again, firing.answers, strict=True):
            final[index] = answer
    return final, posted


def delivered_keys(webhooks: Sequence[Webhook], answers: Sequence[Answer]) -> set[str]:
    """The keys of the webhooks the stack answered 2xx at least once."""
    return {webhook.key for webhook, answer in zip(webhooks, answers, strict=True) if answer.ok}


# ---------------------------------------------------------------- the check


@dataclass
class BurstCheck:
    """What the check found. `lost`: messages not stored and statuses not applied; `duplicated`:
    copies of a message or a call beyond the first; `problems`: every finding, in words."""

    lost: int = 0
    duplicated: int = 0
    problems: list[str] = field(default_factory=list)

    def report(self, limit: int = 30) -> str:
        shown = self.problems[:limit]
        more = len(self.problems) - len(shown)
        head = f"lost {self.lost}, duplicated {self.duplicated}, {len(self.problems)} problem(s):"
        return "\n".join([head, *(f"- {p}" for p in shown), *([f"- ... and {more} more"] if more else [])])


def check(stack: Stack, plan: BurstPlan, delivered: Collection[str] | None = None) -> BurstCheck:
    """What the burst left, against what it sent. With `delivered` (the keys answered 2xx so far)
    only those must have taken effect, and statuses may be ahead; without it, every webhook
    must have, exactly: each status the highest one sent. Counters always equal a recount."""
    found = BurstCheck()
    stored = _stored_items({party.owner for party in _all_parties(plan)})
    _check_inbound(plan, stored, delivered, found)
    _check_outbound(plan, stored, delivered, found)
    _check_calls(plan, stored, delivered, found)
    _check_counters(stack, plan, stored, found)
    return found


def _all_parties(plan: BurstPlan) -> list[Party]:
    return [
        *(m.party for m in plan.inbound),
        *(m.party for m in plan.outbound),
        *(c.party for c in plan.calls),
    ]


def _stored_items(owners: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Every activity stored under each owner, read from the table (consistent reads)."""
    settings = get_settings()
    client = boto3.client(
        "dynamodb",
        endpoint_url=settings.dynamodb_endpoint,
        region_name=settings.region,
        aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
    )
    decode = TypeDeserializer().deserialize
    table = settings.table("activities")
    stored: dict[str, list[dict[str, Any]]] = {}
    for owner in owners:
        items: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "#o = :o",
            "ExpressionAttributeNames": {"#o": "owner"},
            "ExpressionAttributeValues": {":o": {"S": owner}},
            "ConsistentRead": True,
        }
        for _ in range(1000):  # pages of 1 MB: far more than a burst stores under one owner
            page = client.query(**arguments)
            items += [{name: decode(value) for name, value in item.items()} for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        stored[owner] = items
    return stored


def _with_sid(items: list[dict[str, Any]], kind: str, sid: str) -> list[dict[str, Any]]:
    return [item for item in items if item.get("type") == kind and item.get("external_id") == sid]


def _check_inbound(
    plan: BurstPlan, stored: dict[str, list[dict[str, Any]]], delivered: Collection[str] | None, found: BurstCheck
) -> None:
    planned = {message.sid for message in plan.inbound}
    for message in plan.inbound:
        copies = len(_with_sid(stored[message.party.owner], "sms", message.sid))
        required = delivered is None or f"sms:{message.sid}" in delivered
        if copies == 0 and required:
            found.lost += 1
            found.problems.append(f"incoming SMS {message.sid} from {message.party.number} is not stored")
        if copies > 1:
            found.duplicated += copies - 1
            found.problems.append(f"incoming SMS {message.sid} from {message.party.number} is stored {copies} times")
    for owner, items in stored.items():
        for item in items:
            inbound_sms = item.get("type") == "sms" and item.get("direction") == "inbound"
            if inbound_sms and item.get("external_id") not in planned:
                found.problems.append(f"an incoming SMS the burst never sent is stored under {owner}: {item}")


def _check_outbound(
    plan: BurstPlan, stored: dict[str, list[dict[str, Any]]], delivered: Collection[str] | None, found: BurstCheck
) -> None:
    for message in plan.outbound:
        copies = _with_sid(stored[message.party.owner], "sms", message.sid)
        if len(copies) != 1:
            found.duplicated += max(0, len(copies) - 1)
            found.problems.append(f"outbound SMS {message.sid} is stored {len(copies)} times")
            if not copies:
                continue
        sent = [s for s in message.statuses if delivered is None or f"sms_status:{message.sid}:{s}" in delivered]
        if not sent:
            continue
        expected, status = max(sent, key=status_rank), str(copies[0]["data"].get("status"))
        behind = status_rank(status) < status_rank(expected)
        if behind or (delivered is None and status != expected):
            found.lost += 1
            found.problems.append(
                f"outbound SMS {message.sid} is '{status}' after callbacks {list(message.statuses)}: "
                f"'{expected}' ranks highest"
            )


def _check_calls(
    plan: BurstPlan, stored: dict[str, list[dict[str, Any]]], delivered: Collection[str] | None, found: BurstCheck
) -> None:
    for call in plan.calls:
        copies = _with_sid(stored[call.party.owner], "call", call.sid)
        if len(copies) != 1:
            found.duplicated += max(0, len(copies) - 1)
            found.problems.append(f"call {call.sid} is stored {len(copies)} times")
            if not copies:
                continue
        data = copies[0]["data"]
        sent = [n for n in range(len(call.statuses)) if delivered is None or f"call_status:{call.sid}:{n}" in delivered]
        if not sent:
            continue
        expected = max(sent)
        sequence = int(data["seq"]) if data.get("seq") is not None else -1
        status = str(data.get("status"))
        if sequence < expected or (delivered is None and (sequence, status) != (expected, call.statuses[expected])):
            found.lost += 1
            found.problems.append(
                f"call {call.sid} is '{status}' (SequenceNumber {sequence}) after callbacks "
                f"{list(enumerate(call.statuses))}: SequenceNumber {expected} '{call.statuses[expected]}' is the last"
            )
        if delivered is None and bool(data.get("missed")) != call.missed:
            found.problems.append(
                f"call {call.sid} ({'answered' if call.answered else 'not answered'}, last status "
                f"'{call.statuses[-1]}') is {'' if data.get('missed') else 'not '}marked missed"
            )


def _check_counters(stack: Stack, plan: BurstPlan, stored: dict[str, list[dict[str, Any]]], found: BurstCheck) -> None:
    """Each rep's unread SMS and missed calls, by section, moved by exactly what a recount of the
    burst's conversations and calls gives; each conversation's unread count is its messages."""
    recount: dict[str, Counter[str]] = defaultdict(Counter)
    conversations = {(m.rep, m.party) for m in plan.inbound}
    for rep, party in sorted(conversations, key=lambda pair: (pair[0].id, pair[1].number)):
        conversation = conversation_id(rep.number, party.number)
        shown = stack.api(rep.email, "GET", f"/api/sms/conversations/{conversation}")
        messages = sum(
            1
            for item in stored[party.owner]
            if item.get("type") == "sms"
            and item.get("direction") == "inbound"
            and item.get("conversation_id") == conversation
        )
        if shown["unread"] != messages or shown["section"] != party.section:
            found.problems.append(
                f"conversation {conversation} shows {shown['unread']} unread in '{shown['section']}': "
                f"it holds {messages} incoming messages, none read, and belongs in '{party.section}'"
            )
        recount[rep.id][f"sms#{shown['section']}"] += int(shown["unread"])
    for call in plan.calls:
        for item in _with_sid(stored[call.party.owner], "call", call.sid):
            if item["data"].get("missed"):
                recount[call.rep.id][f"calls#{'matched' if item.get('record_id') else 'unmatched'}"] += 1
    for rep in plan.reps:
        after = center_counts(stack, rep)
        for name, value in after.items():
            moved = value - plan.counts_before[rep.id][name]
            if moved != recount[rep.id][name]:
                found.problems.append(
                    f"{rep.email}'s {name} counter moved by {moved}; a recount of the burst's "
                    f"{'conversations' if name.startswith('sms') else 'missed calls'} gives {recount[rep.id][name]}"
                )

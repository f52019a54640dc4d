"""Sending an SMS from the dashboard: checked, stored before Twilio is called, sent once.

Order of a send: refuse what cannot be sent (no SMS number, opted-out number, another rep's
conversation); claim the client's request id (a retried request returns the first result);
store the message as `pending`; call Twilio; record its answer. A function that dies after
calling Twilio leaves the message `pending`: a retry of the same request asks Twilio's message
list what happened instead of sending again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from commcenter.channels.sms_gateway import SmsGateway, SmsRefused
from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data import message_refs
from commcenter.data import opt_outs as opt_outs_data
from commcenter.data import records as records_data
from commcenter.domain.activities import Activity, summarize
from commcenter.domain.clock import now_iso, parse_iso, utc_now
from commcenter.domain.facts import SmsFacts, expect
from commcenter.domain.folders import takes_part
from commcenter.domain.handles import Handle, normalize_phone
from commcenter.domain.ids import checked_request_id, new_id
from commcenter.domain.reps import Rep
from commcenter.domain.sms import (
    MAX_SMS_BODY,
    ConversationState,
    SendSmsInput,
    conversation_id,
    count_segments,
    explain_twilio_error,
    opted_out_refusal,
    status_rank,
    with_message,
)
from commcenter.errors import ConflictError, NotFoundError, ValidationError
from commcenter.observability import logger
from commcenter.services.external_ids import activity_of
from commcenter.services.sms_conversations import change_conversation
from commcenter.services.sms_status import delivery_details
from commcenter.settings import get_settings

# A pending send younger than this may still be running (the function's timeout is 15 s).
PENDING_GRACE = timedelta(seconds=20)


def send_sms(rep: Rep, payload: SendSmsInput, gateway: SmsGateway, status_callback: str) -> Activity:
    replied = _replied_conversation(rep, payload.conversation_id)
    # A reply goes out from the conversation's own number (the customer's thread stays one), also
    # when the rep replying was assigned it; a new message, from the rep's own number.
    rep_number = replied.rep_number if replied is not None and replied.rep_id != rep.id else _sms_number(rep)
    body = payload.body
    if not body.strip():
        raise ValidationError("a message cannot be empty", {"body": "required"})
    if len(body) > MAX_SMS_BODY:
        raise ValidationError(f"a message is at most {MAX_SMS_BODY} characters", {"body": "too long"})
    checked_request_id(payload.client_request_id)
    try:
        to = normalize_phone(payload.to, get_settings().phone_default_region)
    except ValidationError as error:
        raise ValidationError(error.message, {"to": "not a valid phone number"}) from None
    record_id = _check_destination(replied, rep_number, to, payload)
    opt_out = opt_outs_data.get(to)
    if opt_out is not None and opt_out.opted_out:
        raise ConflictError(opted_out_refusal(opt_out, get_settings().phone_default_region), code="opted_out")

    ref_key = message_refs.send_ref(rep.id, payload.client_request_id)
    activity = Activity(
        id=new_id(),
        record_id=record_id,
        handle=Handle("phone", to).key,
        type="sms",
        occurred_at=now_iso(),
        rep_id=rep.id,
        direction="outbound",
        summary=summarize(body),
        body=body,
        conversation_id=conversation_id(rep_number, to),
        data=_outbound_data(rep_number, to, body, gateway.sandbox, payload.client_request_id),
    )
    owner, sk = activities_data.stored_key(activity)
    if not message_refs.claim(ref_key, owner, sk, activity.occurred_at):
        return _resume(rep, ref_key, gateway, status_callback)
    activities_data.put(activity)
    _add_to_conversation(activity, replied.rep_id if replied is not None else rep.id, rep_number, to, record_id)
    _deliver(activity, owner, sk, gateway, status_callback)
    return _stored(owner, sk)


def _sms_number(rep: Rep) -> str:
    if not rep.twilio_number or rep.capabilities != "voice+sms":
        raise ConflictError("your Twilio number cannot send SMS (it is voice only)", code="no_sms_number")
    return rep.twilio_number


def _replied_conversation(rep: Rep, conversation_id: str | None) -> ConversationState | None:
    """The SMS conversation a reply is in (None: a new message). A rep replies in a conversation
    on their own number (S4) or one assigned to them; another rep's is answered as one that does
    not exist (its id is predictable: the answer must not tell it exists)."""
    if not conversation_id:
        return None
    state = conversations_data.get(conversation_id)
    if state is None or state.channel != "sms" or not takes_part(state, rep.id):
        raise NotFoundError("no such conversation")
    return state


def _check_destination(state: ConversationState | None, rep_number: str, to: str, payload: SendSmsInput) -> str | None:
    """The record the message belongs to, once the destination is allowed."""
    if state is not None:
        # The rep's own conversation on a number they no longer have is not theirs to reply in.
        if state.rep_number != rep_number:
            raise NotFoundError("no such conversation")
        if state.remote_number != to:
            raise ValidationError("a reply goes to the conversation's number", {"to": "not this conversation's"})
    handle_state = handles_data.get(Handle("phone", to))
    owner_record = handle_state.record_id if handle_state else None
    if payload.record_id:
        record = records_data.get(payload.record_id)
        if record is None:
            raise NotFoundError("no such record")
        if to not in {phone.number for phone in record.phones}:
            raise ValidationError("this number is not one of the record's", {"to": "not the record's"})
        return record.id
    return owner_record


def _outbound_data(rep_number: str, to: str, body: str, sandbox: bool, client_request_id: str) -> SmsFacts:
    segments = count_segments(body)
    return SmsFacts(
        status="pending",
        status_rank=status_rank("pending"),
        from_=rep_number,
        to=to,
        segments=segments.segments,
        encoding=segments.encoding,
        sandbox=sandbox,
        client_request_id=client_request_id,
    )


def _add_to_conversation(
    activity: Activity, number_rep_id: str, rep_number: str, to: str, record_id: str | None
) -> None:
    """The message in its conversation (`number_rep_id`: the rep whose number it is on)."""

    def add(state: ConversationState | None) -> ConversationState | None:
        base = state or ConversationState(
            id=activity.conversation_id or "",
            rep_id=number_rep_id,
            rep_number=rep_number,
            remote_number=to,
            handle=Handle("phone", to).key,
            record_id=record_id,
            section="matched" if record_id else "unmatched",
            last_at=activity.occurred_at,
            last_preview="",
            last_direction="outbound",
            unread=0,
        )
        return with_message(base, at=activity.occurred_at, preview=activity.summary, direction="outbound")

    change_conversation(activity.conversation_id or "", add)


@dataclass(frozen=True, slots=True)
class Delivery:
    """How one call to Twilio went: `sent` (Twilio took the message), `refused` (it did not:
    nothing was sent, why in words), or `unknown` (no answer: Twilio may have it)."""

    outcome: Literal["sent", "refused", "unknown"]
    error: str = ""
    error_code: int | None = None


def _deliver(
    activity: Activity, owner: str, sk: str, gateway: SmsGateway, status_callback: str, *, final: bool = True
) -> Delivery:
    """Hand the stored message to Twilio once and record its answer: sent, with its sid and
    status; refused, `failed` with Twilio's reason when `final` (a retry that will be tried again
    records nothing: the caller decides); no answer, left as it is for a reconciliation."""
    facts = expect(activity.data, SmsFacts)
    to, rep_number = facts.to, facts.from_
    try:
        sent = gateway.send(from_number=rep_number, to_number=to, body=activity.body, status_callback=status_callback)
    except SmsRefused as refused:
        message = explain_twilio_error(refused.code, refused.http_status, refused.detail)
        logger.warning(
            "Twilio refused an SMS", extra={"code": refused.code, "http_status": refused.http_status, "to": to}
        )
        if final:
            activities_data.update_delivery(
                owner,
                sk,
                status="failed",
                rank=status_rank("failed"),
                data={"error_code": refused.code, "error_message": message},
            )
        return Delivery("refused", message, refused.code)
    except Exception as error:
        # Twilio may or may not have the message: it stays as it is, and a retry reconciles it.
        logger.exception("SMS send outcome unknown", extra={"to": to})
        return Delivery("unknown", f"Twilio did not answer ({type(error).__name__}); it may have the message")
    _record_sent(owner, sk, sent.sid, sent.status)
    return Delivery("sent")


def deliver_again(activity: Activity, gateway: SmsGateway, status_callback: str) -> Delivery:
    """A failed message the rep asked to retry, sent once more through the same path as its
    first send (`_deliver`); a refusal is recorded by the caller (the retry's last attempt)."""
    owner, sk = activities_data.stored_key(activity)
    return _deliver(activity, owner, sk, gateway, status_callback, final=False)


def reconcile_sent(activity: Activity, gateway: SmsGateway, *, since: datetime, exclude: frozenset[str]) -> bool:
    """Whether Twilio took this message since `since` (an attempt whose answer was lost, other
    than the sends in `exclude`); if so its sid and status are recorded, as a send's answer is."""
    facts = expect(activity.data, SmsFacts)
    found = gateway.find_sent(
        from_number=facts.from_, to_number=facts.to, body=activity.body, since=since, exclude=exclude
    )
    if found is None:
        return False
    owner, sk = activities_data.stored_key(activity)
    logger.info("retried SMS reconciled from Twilio", extra={"message_sid": found.sid})
    _record_sent(owner, sk, found.sid, found.status)
    return True


def _record_sent(owner: str, sk: str, sid: str, status: str) -> None:
    activities_data.update_delivery(owner, sk, status=status, rank=status_rank(status), external_id=sid)
    ref = message_refs.link(message_refs.sid_ref(sid), owner, sk)
    if ref.status and ref.status_rank > status_rank(status):
        # A callback was faster than this write: its status applies now.
        activities_data.update_delivery(
            owner, sk, status=ref.status, rank=ref.status_rank, data=delivery_details(ref.status, ref.error_code)
        )


def _resume(rep: Rep, ref_key: str, gateway: SmsGateway, status_callback: str) -> Activity:
    """A retried request: the first result, reconciled with Twilio if its outcome was lost."""
    ref = message_refs.get(ref_key)
    stored = activity_of(ref_key)
    if ref is None or ref.created_at is None or stored is None:
        raise ConflictError("this send is being processed; try again in a moment", code="in_progress")
    owner, sk = activities_data.stored_key(stored)
    facts = expect(stored.data, SmsFacts)
    if facts.status != "pending" or utc_now() - parse_iso(ref.created_at) < PENDING_GRACE:
        return stored
    found = gateway.find_sent(
        from_number=facts.from_,
        to_number=facts.to,
        body=stored.body,
        since=parse_iso(ref.created_at) - timedelta(minutes=1),
    )
    if found is not None:
        logger.info("pending SMS reconciled from Twilio", extra={"message_sid": found.sid, "rep_id": rep.id})
        _record_sent(owner, sk, found.sid, found.status)
        return _stored(owner, sk)
    # Twilio never got it: sending it now is its first send, not a second one.
    logger.info("pending SMS not at Twilio: sending it", extra={"rep_id": rep.id})
    _deliver(stored, owner, sk, gateway, status_callback)
    return _stored(owner, sk)


def _stored(owner: str, sk: str) -> Activity:
    stored = activities_data.get(owner, sk)
    if stored is None:
        raise NotFoundError("the message was deleted")
    return stored

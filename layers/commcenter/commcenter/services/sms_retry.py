"""A failed outbound SMS the rep asked to send again: queued as durable work, sent by the
reminders' sweep exactly once per attempt.

The rep's request moves the message `failed -> retrying` and writes its retry (an `sms_retry`
item of the Reminders table, due at once on the sweep's `due` index) in one transaction,
conditional on the message being the rep's and failed: two requests queue one retry. The sweep
takes the retry under a lease as it takes a reminder (`pending -> firing`), sends the message
through the send path of a first send (`sms_send._deliver`), and records the retry done while it
holds the lease. A take after an earlier one (whose sweep died, or whose send got no answer)
first asks Twilio whether that attempt's message arrived (`find_sent`, since the retry was asked,
the message's earlier sends excluded) and records it instead of sending again. Twilio refusing
it, or not answering, is tried again after a wait that doubles each time; after `MAX_ATTEMPTS`
takes the retry is given up and the message is `failed` again, with the last error in words.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

import msgspec

from commcenter.channels.sms_gateway import SmsGateway
from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import message_refs
from commcenter.data import opt_outs as opt_outs_data
from commcenter.data import reminders as reminders_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import parse_iso, to_iso, utc_now
from commcenter.domain.facts import SmsFacts, expect
from commcenter.domain.folders import takes_part
from commcenter.domain.ids import new_id
from commcenter.domain.reminders import MAX_ATTEMPTS, Reminder, SmsRetry, error_text, filed_bucket, retry_delay_s
from commcenter.domain.reps import Rep
from commcenter.domain.sms import RETRYABLE_STATUSES, opted_out_refusal, status_rank
from commcenter.errors import ConflictError, NotFoundError, ValidationError
from commcenter.observability import logger
from commcenter.services import sms_send
from commcenter.settings import get_settings

RetryOutcome = Literal["fired", "given_up", "left"]
# Twilio's message list dates a message to the second: a retry's own sends are looked for from a
# little before it was asked.
RECONCILE_SLACK = timedelta(minutes=1)


class RetrySmsInput(msgspec.Struct, forbid_unknown_fields=True):
    """Which message (its id in the path): when it was sent, as the conversation lists it."""

    occurred_at: str


def request_retry(
    rep: Rep, conversation_id: str, message_id: str, asked: RetrySmsInput, status_callback: str
) -> Activity:
    """Queue a retry of the rep's own failed outbound SMS; the message is answered `retrying`.
    404: no such message in a conversation of the rep's, or not the rep's; 409: not failed (sent,
    delivered, retrying already), or the number opted out since."""
    try:
        parse_iso(asked.occurred_at)
    except ValueError:
        raise ValidationError("occurred_at is not a timestamp", {"occurred_at": "malformed"}) from None
    state = conversations_data.get(conversation_id)
    if state is None or not takes_part(state, rep.id):
        raise NotFoundError("no such conversation")
    message = activities_data.in_conversation(conversation_id, asked.occurred_at, message_id)
    if message is None or message.rep_id != rep.id or message.direction != "outbound" or message.type != "sms":
        raise NotFoundError("no such message of yours in this conversation")
    facts = expect(message.data, SmsFacts)
    if facts.status not in RETRYABLE_STATUSES:
        raise ConflictError(f"only a failed message is retried; this one is {facts.status}", code="not_failed")
    opt_out = opt_outs_data.get(facts.to)
    if opt_out is not None and opt_out.opted_out:
        raise ConflictError(opted_out_refusal(opt_out, get_settings().phone_default_region), code="opted_out")
    now = utc_now()
    owner, sk = activities_data.stored_key(message)
    retry = SmsRetry(
        id=new_id(now),
        rep_id=rep.id,
        message_owner=owner,
        message_sk=sk,
        status_callback=status_callback,
        conversation_id=message.conversation_id,
        record_id=message.record_id,
        earlier_sids=[message.external_id] if message.external_id else [],
        created_at=to_iso(now),
    )
    marked = activities_data.retry_requested_write(owner, sk, rep.id, RETRYABLE_STATUSES, status_rank("retrying"))
    if not reminders_data.queue_sms_retry(retry, filed_bucket(now, now), marked):
        raise ConflictError("only a failed message is retried; this one changed meanwhile", code="not_failed")
    if message.external_id:
        # A late callback of the failed send no longer speaks for the message.
        message_refs.forget_activity(message_refs.sid_ref(message.external_id))
    logger.info("SMS retry queued", extra={"retry_id": retry.id, "rep_id": rep.id})
    stored = activities_data.get(owner, sk)
    if stored is None:
        raise NotFoundError("the message was deleted")
    return stored


def fire_sms_retry(taken: Reminder, owner: str, now: datetime, gateway: SmsGateway | None = None) -> RetryOutcome:
    """One take of a retry (`taken`, under the lease of `owner`): reconcile an earlier attempt,
    else send once; record it done, to be tried again, or given up."""
    epoch = int(now.timestamp())
    retry = reminders_data.sms_retry(taken.id)
    message = activities_data.get(retry.message_owner, retry.message_sk) if retry is not None else None
    if retry is None or message is None or expect(message.data, SmsFacts).status != "retrying":
        # Gone (erased, deleted), or settled meanwhile: nothing to send.
        return _done(taken, owner, now)
    if gateway is None:
        from commcenter.channels.sms_gateway import sms_gateway

        gateway = sms_gateway()
    if taken.attempts > 1 and sms_send.reconcile_sent(
        message,
        gateway,
        since=parse_iso(retry.created_at) - RECONCILE_SLACK,
        exclude=frozenset(retry.earlier_sids),
    ):
        return _done(taken, owner, now)
    if taken.attempts > MAX_ATTEMPTS:
        # Every earlier attempt died while sending, and none reached Twilio.
        return _give_up(taken, retry, owner, now, retry.error or "every attempt stopped before Twilio answered", None)
    delivery = sms_send.deliver_again(message, gateway, retry.status_callback)
    if delivery.outcome == "sent":
        return _done(taken, owner, now)
    error = error_text(delivery.error)
    if taken.attempts >= MAX_ATTEMPTS:
        return _give_up(taken, retry, owner, now, error, delivery.error_code)
    logger.warning("SMS retry not sent; tried again later", extra={"retry_id": taken.id, "attempts": taken.attempts})
    reminders_data.record_failure(taken.id, owner, error=error, retry_at=epoch + retry_delay_s(taken.attempts))
    return "left"


def _done(taken: Reminder, owner: str, now: datetime) -> RetryOutcome:
    fired = reminders_data.record_fired(taken.id, owner, fired_at=to_iso(utc_now()), now=int(now.timestamp()))
    return "fired" if fired else "left"


def _give_up(
    taken: Reminder, retry: SmsRetry, owner: str, now: datetime, error: str, error_code: int | None
) -> RetryOutcome:
    if not reminders_data.give_up(taken.id, owner, error=error, failed_at=to_iso(utc_now()), now=int(now.timestamp())):
        return "left"
    activities_data.retry_given_up(
        retry.message_owner, retry.message_sk, error=error, error_code=error_code, rank=status_rank("failed")
    )
    logger.error("SMS retry given up", extra={"retry_id": taken.id, "rep_id": taken.rep_id, "error": error})
    return "given_up"

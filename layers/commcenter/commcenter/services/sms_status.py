"""Delivery status callbacks of outbound SMS: applied in rank order, never lost, never regressing."""

from __future__ import annotations

from commcenter.data import activities as activities_data
from commcenter.data import message_refs
from commcenter.domain.sms import explain_twilio_error, status_rank
from commcenter.observability import logger
from commcenter.services.external_ids import activity_of


def apply_status(sid: str, status: str, error_code: int | None) -> str:
    """Record what Twilio says of message `sid`; returns what happened (for the log and tests).

    A callback for a message not linked yet (it can beat the send's own write) is kept on the
    message's ref and applied when the send links it.
    """
    rank = status_rank(status)
    if rank < 0:
        logger.info("unknown SMS status ignored", extra={"message_sid": sid, "status": status})
        return "ignored"
    ref_key = message_refs.sid_ref(sid)
    ref = message_refs.get(ref_key)
    if ref is None or ref.owner is None:
        if message_refs.record_early_status(ref_key, status, rank, error_code):
            logger.info("SMS status kept until its message is linked", extra={"message_sid": sid, "status": status})
            return "kept"
        ref = message_refs.get(ref_key)
        if ref is None or ref.owner is None or ref.sk is None:
            return "kept"
    message = activity_of(ref_key)
    if message is None:
        logger.info("status of a deleted SMS ignored", extra={"message_sid": sid, "status": status})
        return "gone"
    owner, sk = activities_data.stored_key(message)
    applied = activities_data.update_delivery(
        owner, sk, status=status, rank=rank, data=delivery_details(status, error_code)
    )
    logger.info("SMS status", extra={"message_sid": sid, "status": status, "applied": applied})
    return "applied" if applied else "stale"


def delivery_details(status: str, error_code: int | None) -> dict[str, object]:
    if status in ("failed", "undelivered"):
        return {"error_code": error_code, "error_message": explain_twilio_error(error_code)}
    return {}

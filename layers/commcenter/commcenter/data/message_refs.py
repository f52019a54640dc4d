"""The MessageRefs table: a provider's message id, or a send's client request id, -> its activity (W2).

`call#{CallSid}`: where a call is stored. `sms#{MessageSid}`: where an outbound message is
stored, and a status that arrived before the message was linked (callbacks can beat the send's
own write). `send#{rep_id}#{request id}`:
the activity a send created, so that a retried request returns the first result.
`open#{token}`: the email whose open pixel carries `token` (an unguessable token per sent email).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.models import Model

from commcenter.data.base import Entry, is_conditional_failure, raw_item, table_meta


class MessageRefItem(Model):
    Meta = table_meta("message_refs")

    ref = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute(null=True)
    sk = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    status_rank = NumberAttribute(null=True)
    error_code = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)


@dataclass(frozen=True, slots=True)
class MessageRef:
    owner: str | None
    sk: str | None
    created_at: str | None
    status: str | None
    status_rank: int
    error_code: int | None


def sid_ref(sid: str) -> str:
    return f"sms#{sid}"


def call_ref(call_sid: str) -> str:
    return f"call#{call_sid}"


def email_ref(dedupe_key: str) -> str:
    """The claim of an email, by its Message-ID's digest (or its content's, without one): the
    team's one copy, whichever mailbox, folder or poll fetched it (W4)."""
    return f"email#{dedupe_key}"


def open_ref(token: str) -> str:
    """The claim of an email's open pixel token: which email a fetch of the pixel is about."""
    return f"open#{token}"


def send_ref(rep_id: str, client_request_id: str) -> str:
    return f"send#{rep_id}#{client_request_id}"


def get(ref: str) -> MessageRef | None:
    try:
        return _from_item(MessageRefItem.get(ref, consistent_read=True))
    except MessageRefItem.DoesNotExist:
        return None


def claim(ref: str, owner: str, sk: str, created_at: str) -> bool:
    """Point `ref` at an activity unless it already points somewhere; True if this call claimed it."""
    item = MessageRefItem(ref, owner=owner, sk=sk, created_at=created_at)
    try:
        item.save(condition=MessageRefItem.ref.does_not_exist())
    except PutError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def claim_entry(ref: str, owner: str, sk: str, created_at: str) -> Entry:
    """`claim`, as an entry of a transaction (with the activity it points to)."""
    return {
        "Put": {
            "TableName": MessageRefItem.Meta.table_name,
            "Item": raw_item({"ref": ref, "owner": owner, "sk": sk, "created_at": created_at}),
            "ConditionExpression": "attribute_not_exists(#ref)",
            "ExpressionAttributeNames": {"#ref": "ref"},
        }
    }


def link(ref: str, owner: str, sk: str) -> MessageRef:
    """Point a provider id at its activity; returns the ref, with any status that arrived first."""
    item = MessageRefItem(ref)
    item.update(actions=[MessageRefItem.owner.set(owner), MessageRefItem.sk.set(sk)])
    return _from_item(item)


def record_early_status(ref: str, status: str, rank: int, error_code: int | None) -> bool:
    """Keep a status for a message not linked yet; False if it got linked meanwhile."""
    actions: list[Any] = [MessageRefItem.status.set(status), MessageRefItem.status_rank.set(rank)]
    if error_code is not None:
        actions.append(MessageRefItem.error_code.set(error_code))
    condition = MessageRefItem.owner.does_not_exist() & (
        MessageRefItem.status_rank.does_not_exist() | (MessageRefItem.status_rank < rank)
    )
    try:
        MessageRefItem(ref).update(actions=actions, condition=condition)
    except UpdateError as error:
        if not is_conditional_failure(error):
            raise
        current = get(ref)
        return current is None or current.owner is None  # a higher status is already kept
    return True


def forget_activity(ref: str) -> bool:
    """Erasing a person: a ref no longer says where its activity was (its owner key can be the
    number itself, `h#{number}`); the claim stays, so a late retry of the webhook is still
    refused as a duplicate instead of writing the message again. True if it pointed somewhere."""
    try:
        MessageRefItem(ref).update(
            actions=[MessageRefItem.owner.remove(), MessageRefItem.sk.remove()],
            condition=MessageRefItem.ref.exists() & MessageRefItem.owner.exists(),
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def _from_item(item: MessageRefItem) -> MessageRef:
    return MessageRef(
        owner=item.owner,
        sk=item.sk,
        created_at=item.created_at,
        status=item.status,
        status_rank=int(item.status_rank) if item.status_rank is not None else -1,
        error_code=int(item.error_code) if item.error_code is not None else None,
    )

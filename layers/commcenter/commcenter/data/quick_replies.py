"""The QuickReplies table (I4): each rep's saved replies, the team's shared ones, and how many a
rep owns.

- a reply the rep keeps to themself: `pk` = `rep#{rep_id}`, `sk` = `reply#{id}`;
- a shared reply: `pk` = `shared`, `sk` = `reply#{id}` (the team's one partition: a team shares a
  few hundred at most, read whole with one Query);
- the rep's count: `pk` = `rep#{rep_id}`, `sk` = `#count`, `owned` (shared or not), which every
  create raises and every delete lowers in the same transaction, conditional on the limit;
- the claim of a create's request id: `pk` = `rep#{rep_id}`, `sk` = `request#{client_request_id}`,
  `reply_id`, put by the create's transaction on the condition that it is new: a retried create
  finds the reply it made instead of making another. It stays when the reply is deleted (a
  retry must not bring it back).

Sharing or unsharing moves a reply between the two partitions: one transaction deletes it
where it was (conditional on its version) and puts it where it goes.
"""

from __future__ import annotations

from typing import Literal

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import ItemRead, is_conditional_failure, read_together, table_meta, transact
from commcenter.domain.quick_replies import QuickReply

SHARED = "shared"
COUNT = "#count"
REPLY = "reply#"
REQUEST = "request#"


class QuickReplyItem(Model):
    Meta = table_meta("quick_replies")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    owner_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    body = UnicodeAttribute(null=True)
    shared = BooleanAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    # The count item's: how many replies the rep owns.
    owned = NumberAttribute(null=True)
    # A request claim's: the reply its create made.
    reply_id = UnicodeAttribute(null=True)


def _partition(shared: bool, owner_id: str) -> str:
    return SHARED if shared else f"rep#{owner_id}"


def _reply(item: QuickReplyItem) -> QuickReply:
    return QuickReply(
        id=item.sk.removeprefix(REPLY),
        title=item.title or "",
        body=item.body or "",
        shared=bool(item.shared),
        owner_id=item.owner_id or "",
        created_at=item.created_at or "",
        updated_at=item.updated_at or "",
        version=int(item.version or 1),
    )


def _item(reply: QuickReply) -> QuickReplyItem:
    return QuickReplyItem(
        _partition(reply.shared, reply.owner_id),
        REPLY + reply.id,
        owner_id=reply.owner_id,
        title=reply.title,
        body=reply.body,
        shared=reply.shared,
        created_at=reply.created_at,
        updated_at=reply.updated_at,
        version=reply.version,
    )


def visible_to(rep_id: str) -> list[QuickReply]:
    """The rep's own replies kept to themself, then every shared one (the rep's among them): two
    consistent Queries, each of one partition."""
    own = QuickReplyItem.query(f"rep#{rep_id}", QuickReplyItem.sk.startswith(REPLY), consistent_read=True)
    shared = QuickReplyItem.query(SHARED, QuickReplyItem.sk.startswith(REPLY), consistent_read=True)
    return [_reply(item) for item in own] + [_reply(item) for item in shared]


def find(rep_id: str, reply_id: str) -> QuickReply | None:
    """The reply `reply_id` if it is the rep's own or a shared one (one BatchGetItem of both
    places); another rep's reply kept to themself is not found."""

    def decode(item: QuickReplyItem | None) -> QuickReply | None:
        return _reply(item) if item is not None else None

    places = (f"rep#{rep_id}", SHARED)
    found = read_together(
        *(ItemRead(QuickReplyItem, {"pk": {"S": pk}, "sk": {"S": REPLY + reply_id}}, decode) for pk in places)
    )
    return next((reply for reply in found if reply is not None), None)


def create(reply: QuickReply, *, limit: int, request_id: str | None = None) -> Literal["created", "limit", "claimed"]:
    """Write a new reply and count it for its owner, unless the owner has `limit` already;
    "claimed": the request `request_id` created one before (`created_by`), nothing written."""

    def put(tx: TransactWrite) -> None:
        tx.save(_item(reply), condition=QuickReplyItem.pk.does_not_exist())

    def count(tx: TransactWrite) -> None:
        tx.update(
            QuickReplyItem(f"rep#{reply.owner_id}", COUNT),
            actions=[QuickReplyItem.owned.add(1)],
            condition=QuickReplyItem.owned.does_not_exist() | (QuickReplyItem.owned < limit),
        )

    def claim(tx: TransactWrite) -> None:
        item = QuickReplyItem(f"rep#{reply.owner_id}", REQUEST + str(request_id), reply_id=reply.id)
        tx.save(item, condition=QuickReplyItem.pk.does_not_exist())

    # The reasons come puts first, then updates (`transact`): the reply, the claim, the count.
    reasons = transact(put, claim, count) if request_id else transact(put, count)
    if not reasons:
        return "created"
    if request_id and reasons[1] == "ConditionalCheckFailed":
        return "claimed"
    if reasons[-1] == "ConditionalCheckFailed":
        return "limit"
    raise RuntimeError(f"a new quick reply's id was taken: {reasons}")


def created_by(owner_id: str, request_id: str) -> str | None:
    """The id of the reply the rep's request `request_id` created."""

    def decode(item: QuickReplyItem | None) -> str | None:
        return item.reply_id if item is not None else None

    key = {"pk": {"S": f"rep#{owner_id}"}, "sk": {"S": REQUEST + request_id}}
    found: str | None = read_together(ItemRead(QuickReplyItem, key, decode))[0]
    return found


def replace(old: QuickReply, new: QuickReply) -> bool:
    """Write `new` over `old` (same id and owner), conditional on `old` being as read (its
    version); a changed `shared` moves it to the other partition in the same transaction. False:
    it changed or went meanwhile, nothing written."""
    if old.shared == new.shared:
        try:
            _item(new).save(condition=QuickReplyItem.version == old.version)
        except PutError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def delete_old(tx: TransactWrite) -> None:
        tx.delete(_item(old), condition=QuickReplyItem.version == old.version)

    def put_new(tx: TransactWrite) -> None:
        tx.save(_item(new), condition=QuickReplyItem.pk.does_not_exist())

    return not transact(delete_old, put_new)


def delete(reply: QuickReply) -> bool:
    """Delete the reply and count it off its owner's, conditional on its version; False: it
    changed or went meanwhile, nothing written."""

    def remove(tx: TransactWrite) -> None:
        tx.delete(_item(reply), condition=QuickReplyItem.version == reply.version)

    def uncount(tx: TransactWrite) -> None:
        tx.update(
            QuickReplyItem(f"rep#{reply.owner_id}", COUNT),
            actions=[QuickReplyItem.owned.add(-1)],
            condition=QuickReplyItem.owned > 0,
        )

    return not transact(remove, uncount)

"""The OptOuts table: whether a person opted out of the team's texts (W5).

One item per remote number, for the whole team: the team is one sender, so a STOP sent to any
rep's number stops every rep's texts to that person until they opt back in to any team number.
Kept apart from conversations on purpose: deleting a conversation must not forget a STOP.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import Entry, raw_item, table_meta, transaction_connection
from commcenter.domain.sms import OptOut, suppression_key


class OptOutItem(Model):
    Meta = table_meta("opt_outs")

    # The number; for an erased person, `suppression_key(number)` instead.
    number = UnicodeAttribute(hash_key=True)
    opted_out = BooleanAttribute(default=False)
    keyword = UnicodeAttribute()
    # The team number the keyword was sent to, and when it arrived.
    team_number = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


def get(number: str) -> OptOut | None:
    """The last opt-out or opt-in keyword `number` sent to the team, if any: its own item, or the
    suppression entry an erasure left (keyed by the number's hash), whichever is newer. One
    BatchGetItem of both keys, strongly consistent."""
    keys = [number, suppression_key(number)]
    found = [_from_item(item, number) for item in OptOutItem.batch_get(keys, consistent_read=True)]
    return max(found, key=lambda opt_out: opt_out.at, default=None)


def opted_out_among(numbers: list[str]) -> set[str]:
    """Which of these remote numbers are opted out, in one batch read (their suppression entries
    included: an erased person's STOP still stands)."""
    by_key: dict[str, str] = {}
    for number in set(numbers):
        by_key[number] = number
        by_key[suppression_key(number)] = number
    if not by_key:
        return set()
    latest: dict[str, OptOut] = {}
    for item in OptOutItem.batch_get(sorted(by_key)):
        opt_out = _from_item(item, by_key[item.number])
        if opt_out.number not in latest or latest[opt_out.number].at < opt_out.at:
            latest[opt_out.number] = opt_out
    return {number for number, opt_out in latest.items() if opt_out.opted_out}


def suppress(number: str) -> bool:
    """Erasing a person: the item keyed by their number goes; an opt-out stays as a suppression
    entry keyed by the number's hash (keyword, team number and date kept: none of them is the
    person's), in one transaction. An opt-in leaves nothing. False when there was nothing to do
    (a second run)."""
    try:
        item = OptOutItem.get(number, consistent_read=True)
    except OptOutItem.DoesNotExist:
        return False
    with TransactWrite(connection=transaction_connection()) as tx:
        if item.opted_out:
            suppressed = OptOutItem(
                suppression_key(number),
                opted_out=True,
                keyword=item.keyword,
                team_number=item.team_number,
                updated_at=item.updated_at,
            )
            tx.save(suppressed)
        tx.delete(OptOutItem(number), condition=OptOutItem.updated_at == item.updated_at)
    return True


def record_entry(opt_out: OptOut) -> Entry:
    """Keep the keyword `opt_out` stands for, in the transaction that stores its message."""
    values = {
        "number": opt_out.number,
        "opted_out": opt_out.opted_out,
        "keyword": opt_out.keyword,
        "team_number": opt_out.team_number,
        "updated_at": opt_out.at,
    }
    return {"Put": {"TableName": OptOutItem.Meta.table_name, "Item": raw_item(values)}}


def _from_item(item: OptOutItem, number: str) -> OptOut:
    return OptOut(
        number=number,
        opted_out=bool(item.opted_out),
        keyword=item.keyword,
        team_number=item.team_number or "",
        at=item.updated_at,
    )

"""The OptOuts table: whether a person opted out of the team's texts (W5).

One item per remote number, for the whole team: the team is one sender, so a STOP sent to any
rep's number stops every rep's texts to that person until they opt back in to any team number.
Kept apart from conversations on purpose: deleting a conversation must not forget a STOP.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.models import Model

from commcenter.data.base import Entry, raw_item, table_meta
from commcenter.domain.sms import OptOut


class OptOutItem(Model):
    Meta = table_meta("opt_outs")

    number = UnicodeAttribute(hash_key=True)
    opted_out = BooleanAttribute(default=False)
    keyword = UnicodeAttribute()
    # The team number the keyword was sent to, and when it arrived.
    team_number = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


def get(number: str) -> OptOut | None:
    """The last opt-out or opt-in keyword `number` sent to the team, if any."""
    try:
        return _from_item(OptOutItem.get(number, consistent_read=True))
    except OptOutItem.DoesNotExist:
        return None


def opted_out_among(numbers: list[str]) -> set[str]:
    """Which of these remote numbers are opted out, in one batch read."""
    keys = sorted(set(numbers))
    if not keys:
        return set()
    return {item.number for item in OptOutItem.batch_get(keys) if item.opted_out}


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


def _from_item(item: OptOutItem) -> OptOut:
    return OptOut(
        number=item.number,
        opted_out=bool(item.opted_out),
        keyword=item.keyword,
        team_number=item.team_number or "",
        at=item.updated_at,
    )

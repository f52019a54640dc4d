"""The OptOuts table: whether a remote number opted out of a rep number's messages (W5).

Kept apart from conversations on purpose: deleting a conversation must not forget a STOP.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.models import Model

from commcenter.data.base import table_meta


class OptOutItem(Model):
    Meta = table_meta("opt_outs")

    pair = UnicodeAttribute(hash_key=True)
    opted_out = BooleanAttribute(default=False)
    keyword = UnicodeAttribute()
    updated_at = UnicodeAttribute()


def pair_key(rep_number: str, remote_number: str) -> str:
    return f"{rep_number}#{remote_number}"


def is_opted_out(rep_number: str, remote_number: str) -> bool:
    try:
        return bool(OptOutItem.get(pair_key(rep_number, remote_number), consistent_read=True).opted_out)
    except OptOutItem.DoesNotExist:
        return False


def opted_out_among(pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (rep number, remote number) pairs are opted out, in one batch read."""
    keys = {pair_key(rep, remote): (rep, remote) for rep, remote in pairs}
    if not keys:
        return set()
    return {keys[item.pair] for item in OptOutItem.batch_get(list(keys)) if item.opted_out}


def record(rep_number: str, remote_number: str, opted_out: bool, keyword: str, at: str) -> None:
    OptOutItem(pair_key(rep_number, remote_number), opted_out=opted_out, keyword=keyword, updated_at=at).save()

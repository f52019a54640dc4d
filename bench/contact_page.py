"""A record's activity page through the local gateway, against one raw DynamoDB Query.

The table holds 100,000 activities (spread over many records, the measured one holding a long
history); both sides read the same 50 newest items of the same record with a warm client.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from commcenter.data import activities as activities_data
from commcenter.domain.activities import Activity, summarize
from commcenter.domain.clock import to_iso, utc_now
from commcenter.domain.facts import CallFacts, ChannelFacts, EmailFacts, NoteFacts, SmsFacts
from commcenter.domain.ids import new_id

PAGE = 50
TYPES = ("email", "call", "sms", "note", "task", "chat")
WORDS = [
    "follow",
    "up",
    "pricing",
    "demo",
    "contract",
    "renewal",
    "seats",
    "pilot",
    "budget",
    "meeting",
    "proposal",
    "call",
    "back",
    "thanks",
]


def _activity(record_id: str, index: int, rng: random.Random) -> Activity:
    at = utc_now() - timedelta(minutes=index)
    kind = TYPES[index % len(TYPES)]
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
    data: ChannelFacts = NoteFacts()
    if kind == "call":
        data = CallFacts(status="completed", duration=rng.randint(10, 900))
    elif kind == "email":
        data = EmailFacts(subject=summarize(body)[:60], opens=rng.randint(0, 4))
    elif kind == "sms":
        data = SmsFacts(status="delivered", from_="+14155550101", to="+13125550123", segments=1, encoding="GSM-7")
    return Activity(
        id=new_id(at),
        record_id=record_id,
        handle=None,
        type=kind,  # type: ignore[arg-type]
        occurred_at=to_iso(at),
        rep_id=("rep-alice", "rep-bruno", "rep-chloe")[index % 3],
        direction="inbound" if index % 2 else "outbound",
        summary=summarize(body),
        body=body,
        starred=index % 17 == 0,
        data=data,
    )


def load_activities(record_ids: list[str], total: int, measured: str, measured_count: int) -> None:
    """Write `total` activities: `measured_count` on the measured record, the rest spread over the others."""
    plan: list[tuple[str, int]] = [(measured, i) for i in range(measured_count)]
    others = [r for r in record_ids if r != measured]
    plan += [(others[i % len(others)], i) for i in range(total - measured_count)]

    def write(start: int) -> None:
        rng = random.Random(start)  # one generator per chunk: threads never share one
        with activities_data.ActivityItem.batch_write() as batch:
            for record_id, index in plan[start : start + 500]:
                batch.save(activities_data.to_item(_activity(record_id, index, rng)))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(0, len(plan), 500)))

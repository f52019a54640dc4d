"""`folder_view_p50_ratio`: a rep's Inbox page through the local gateway, against one raw Query.

One rep holds 100,000 conversations (SMS and email, a third of them on a record, a fifth unread,
most in the Inbox, the rest in the other folders), loaded by raw BatchWriteItem in the items'
own layout (`stored_item`: every key of every index), 8 threads. Both sides read the same 50
newest conversations of the rep's Inbox with a warm client: `GET /api/folders/inbox?limit=50`
(the API's Query of the `folders` index, the rows' records read in one BatchGetItem) and one raw
boto3 Query of 50 items on the same index.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.api_page import page_calls
from bench.local_dynamodb import local_client
from bench.stats import against_floor, interleaved

CONVERSATIONS = 100_000
PAGE = 50
REQUESTS = 300
RECORDS = 50
LOAD_THREADS = 8
BATCH = 25  # BatchWriteItem's most items per request

METHOD = (
    f"- `folder_view_p50_ratio`: p50 of `GET /api/folders/inbox?limit={PAGE}` through the local gateway "
    f"(keep-alive client, dev token, {REQUESTS} requests), the rep holding {CONVERSATIONS:,} conversations "
    f"(SMS and email, a third on one of {RECORDS} records, a fifth unread, spread over the five folders; loaded "
    f"by raw `BatchWriteItem`, {LOAD_THREADS} threads, in their stored layout), divided by the p50 of one raw "
    f"boto3 `Query` of {PAGE} items of the same rep's Inbox on the same `folders` index (warm client), both "
    "interleaved in one run. `folder_view_p99_ratio`: the same at p99."
)


def _conversation(rep: Any, index: int, records: list[str], rng: random.Random) -> Any:
    from commcenter.domain.clock import to_iso, utc_now
    from commcenter.domain.emails import conversation_id as email_conversation
    from commcenter.domain.folders import Folder
    from commcenter.domain.sms import ConversationChannel, ConversationState, conversation_id

    at = to_iso(utc_now() - timedelta(minutes=index + 10))
    folders: list[Folder] = ["inbox", "archived", "follow_up", "trash", "spam"]
    folder = rng.choices(folders, weights=[70, 20, 4, 4, 2])[0]
    matched = index % 3 == 0
    channel: ConversationChannel = "email" if index % 2 else "sms"
    if channel == "email":
        remote = f"person{index}@client{index % 97}.example"
        key, cid, rep_address = f"email:{remote}", email_conversation(rep.id, remote), rep.email
    else:
        remote = f"+1{3120000000 + index}"
        key, cid, rep_address = f"phone:{remote}", conversation_id(rep.twilio_number, remote), rep.twilio_number
    return ConversationState(
        id=cid,
        rep_id=rep.id,
        rep_number=rep_address,
        remote_number=remote,
        handle=key,
        record_id=records[index % len(records)] if matched else None,
        section="matched" if matched else "unmatched",
        last_at=at,
        last_preview=f"Message {index} about the pilot and its pricing",
        last_direction="inbound" if index % 4 else "outbound",
        unread=1 if index % 5 == 0 else 0,
        version=1,
        channel=channel,
        folder=folder,
        follow_up_on="2030-01-15" if folder == "follow_up" else None,
        trashed_at=at if folder == "trash" else None,
    )


def load_conversations(client: Any, table: str, rep: Any, records: list[str], total: int) -> None:
    """`total` conversations of `rep`, written raw in their stored layout."""
    from commcenter.data.conversations import stored_item

    def write(start: int) -> None:
        rng = random.Random(start)
        items = [stored_item(_conversation(rep, i, records, rng)) for i in range(start, min(start + 500, total))]
        for offset in range(0, len(items), BATCH):
            pending: dict[str, Any] = {
                table: [{"PutRequest": {"Item": item}} for item in items[offset : offset + BATCH]]
            }
            while pending:
                answer = client.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}

    with ThreadPoolExecutor(max_workers=LOAD_THREADS) as pool:
        list(pool.map(write, range(0, total, 500)))


def measure(root: Path, report: dict[str, Any], notes: dict[str, Any]) -> None:
    import time

    from commcenter.domain.records import RecordInput
    from commcenter.services.records import create_record
    from commcenter.settings import get_settings
    from commcenter_local.demo_data import DEMO_REPS, seed_demo_data
    from commcenter_local.dev_auth import issue_token
    from commcenter_local.stack import LocalStack, StackOptions

    options = StackOptions(port=0, in_memory=True, schedules=False, data_dir=root / "bench" / "work")
    with LocalStack(options) as stack:
        seed_demo_data()
        rep = DEMO_REPS[0]
        records = [create_record(RecordInput(kind="contact", last_name=f"Folder {i}"), rep).id for i in range(RECORDS)]
        settings = get_settings()
        client = local_client(stack.dynamodb_endpoint, settings.region)
        table = settings.table("conversations")
        started = time.perf_counter()
        load_conversations(client, table, rep, records, CONVERSATIONS)
        notes["folder_view_load_seconds"] = round(time.perf_counter() - started, 1)
        query = {
            "TableName": table,
            "IndexName": "folders",
            "KeyConditionExpression": "#p = :p",
            "ExpressionAttributeNames": {"#p": "folder_pk"},
            "ExpressionAttributeValues": {":p": {"S": f"{rep.id}#inbox"}},
        }
        url = f"{stack.base_url}/api/folders/inbox?limit={PAGE}"
        calls = page_calls(url, issue_token(rep.email, stack.data_dir), client, query, PAGE)
        samples = interleaved(calls, rounds=REQUESTS)
    against_floor(samples, "gateway", "raw_query", report, notes, ratio="folder_view", prefix="folder_view")
    notes["folder_view_conversations"] = CONVERSATIONS

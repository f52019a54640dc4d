"""A page of the API through the local gateway, against one raw Query of the same items: the two
calls a page benchmark times in alternation (`bench.stats.interleaved`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests


def page_calls(url: str, token: str, client: Any, query: dict[str, Any], page: int) -> dict[str, Callable[[], object]]:
    """`gateway`: GET `url` as the signed-in rep of `token` (a keep-alive session), which must
    answer `page` items; `raw_query`: the boto3 Query `query` (a warm client) of the same items,
    `page` of them."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}

    def through_gateway() -> object:
        response = session.get(url, headers=headers, timeout=30)
        response.raise_for_status()
        items = response.json()["items"]
        if len(items) != page:
            raise AssertionError(f"expected {page} items, got {len(items)}")
        return items

    def raw_query() -> object:
        result = client.query(**query, ScanIndexForward=False, Limit=page)
        if len(result["Items"]) != page:
            raise AssertionError("short page")
        return result

    return {"gateway": through_gateway, "raw_query": raw_query}

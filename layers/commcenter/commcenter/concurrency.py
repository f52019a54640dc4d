"""Independent I/O of one request, run side by side: two DynamoDB round trips for the price of one."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

# Kept for the life of the warm function; botocore clients are safe to share between threads.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="io")


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """The results of `calls`, run concurrently; the first failure is raised once all have ended."""
    futures = [_pool.submit(call) for call in calls]
    results, failure = [], None
    for future in futures:
        try:
            results.append(future.result())
        except BaseException as error:  # every call ends before anything is raised
            failure = failure or error
            results.append(None)
    if failure is not None:
        raise failure
    return results

"""The stack's settings for one test: its functions run in the test process, so they read the
environment of this process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from commcenter.settings import get_settings


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """The stack's functions see these variables inside the block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()

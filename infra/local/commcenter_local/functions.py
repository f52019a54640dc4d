"""The template's functions loaded in this process, invoked as Lambda would invoke them."""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from commcenter_local.template import Function

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and powertools read."""

    function_name: str
    memory_limit_in_mb: int = 512
    timeout_seconds: int = 15
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self.started)) * 1000))


class LoadedFunction:
    """One function's handler, invoked one event at a time, as one warm Lambda container would.

    Chalice keeps the current request on the app object, so two requests must never run in
    the same function at once.
    """

    def __init__(self, function: Function, root: Path) -> None:
        self.definition = function
        module = load_module(function, root, f"commcenter_function_{function.logical_id}")
        self.handler: Handler = getattr(module, function.attribute)
        self._lock = threading.Lock()

    def invoke(self, event: dict[str, Any]) -> Any:
        context = LambdaContext(function_name=self.definition.logical_id)
        with self._lock:
            return self.handler(event, context)


def load_module(function: Function, root: Path, name: str) -> ModuleType:
    """The module of `function`'s handler, imported under `name`."""
    path = root / function.code_uri / f"{function.module}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    # Registered like any imported module: libraries resolve annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_functions(functions: list[Function], root: Path) -> dict[str, LoadedFunction]:
    return {function.logical_id: LoadedFunction(function, root) for function in functions}

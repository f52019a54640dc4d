"""`commcenter dev` in a process of its own, as a newcomer starts it, for the tests that need the
whole local product: its ports, its output up to "Ctrl-C stops everything", its environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from commcenter_local.dynamodb_local import free_port

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120


@dataclass
class DevProcess:
    process: subprocess.Popen[str]
    env: dict[str, str]
    port: int
    dashboard_port: int
    output: str

    @property
    def token(self) -> str:
        """The sign-in token of the link it printed (the demo's admin)."""
        link = next(part for part in self.output.split() if "#token=" in part)
        return link.split("#token=", 1)[1]


@contextmanager
def running_dev(data_dir: Path) -> Iterator[DevProcess]:
    """`commcenter dev` on free ports with `data_dir`, started; killed at the end if still running."""
    port, dashboard_port = free_port(), free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DASHBOARD_PORT": str(dashboard_port),
        "COMMCENTER_DATA_DIR": str(data_dir),
        "DEV_TOKEN_SECRET": "dev-secret",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "commcenter_local.cli", "dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + START_SECONDS
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Ctrl-C stops everything" in line or process.poll() is not None:
                break
        yield DevProcess(process, env, port, dashboard_port, "".join(lines))
    finally:
        if process.poll() is None:
            process.kill()

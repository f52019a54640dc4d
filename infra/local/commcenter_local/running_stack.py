"""Finding the running local stack from another shell (`commcenter token`, `seed`, `import`,
`simulate`), however `commcenter dev` was started.

While it runs, `commcenter dev` registers itself in a folder of the user's own
(`$XDG_RUNTIME_DIR/commcenter`, else `commcenter-<uid>` in the temporary folder, private to the
user): one small file per stack naming its checkout, its process, its API's port and its data
folder (no secret: those stay in the data folder's state file). A command finds there the stacks
of its checkout still running; `COMMCENTER_DATA_DIR` or `PORT`, when set, pick one of several.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

HOW_TO_POINT = (
    "set COMMCENTER_DATA_DIR to its data folder (`commcenter dev` prints it: 'data in ...') and PORT to its API's port"
)


@dataclass(frozen=True, slots=True)
class RunningStack:
    root: str  # the checkout it runs from
    pid: int
    port: int
    data_dir: str

    def describe(self) -> str:
        return f"port {self.port} (data in {self.data_dir})"


def registry_dir() -> Path:
    """The user's folder of running stacks, made private to the user if new; refused if another
    user could write to it (a file planted there would point commands at another data folder)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(runtime) / "commcenter" if runtime else Path(tempfile.gettempdir()) / f"commcenter-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = folder.lstat()
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o077:
        raise SystemExit(f"{folder} is not a folder private to you: remove it, or set XDG_RUNTIME_DIR to one")
    return folder


def register(stack: RunningStack) -> Path:
    """Note a stack as running (replaced atomically, readable by its owner only)."""
    folder = registry_dir()
    path = folder / f"stack-{stack.port}.json"
    descriptor, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(json.dumps(asdict(stack)))
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path


def unregister(port: int) -> None:
    (registry_dir() / f"stack-{port}.json").unlink(missing_ok=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    return True


def running_stacks(root: Path) -> list[RunningStack]:
    """The stacks of the checkout at `root` still running (a stopped one's leftover is removed)."""
    found = []
    for path in sorted(registry_dir().glob("stack-*.json")):
        try:
            stack = RunningStack(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            continue
        if not alive(stack.pid):
            path.unlink(missing_ok=True)
        elif Path(stack.root) == root:
            found.append(stack)
    return found


def find_running_stack(root: Path, *, data_dir: Path | None, port: int | None) -> Path:
    """The data folder of the one running stack of this checkout, the one `data_dir` or `port`
    names when given; else exits saying what is running and what to set."""
    stacks = running_stacks(root)
    chosen = [
        stack
        for stack in stacks
        if (data_dir is None or Path(stack.data_dir) == data_dir) and (port is None or stack.port == port)
    ]
    if len(chosen) == 1:
        return Path(chosen[0].data_dir)
    if len(chosen) > 1:
        listed = ", ".join(stack.describe() for stack in chosen)
        raise SystemExit(
            f"several local stacks of this checkout are running: {listed}; set PORT (or COMMCENTER_DATA_DIR) "
            "to the one to use"
        )
    if stacks:
        asked = " and ".join(
            part
            for part in (
                f"COMMCENTER_DATA_DIR={data_dir}" if data_dir else "",
                f"PORT={port}" if port else "",
            )
            if part
        )
        listed = ", ".join(stack.describe() for stack in stacks)
        raise SystemExit(
            f"no local stack is running with {asked}; running: {listed}. Unset them, or set them to one of these"
        )
    raise SystemExit(
        "no local stack of this checkout is running: start one with `make dev` (or `commcenter dev`). If one is "
        f"running but was started by another user or with another XDG_RUNTIME_DIR, say where it is: {HOW_TO_POINT}"
    )

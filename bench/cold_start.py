"""Cold start: importing each function's handler module in a fresh interpreter, against boto3.

The floor is `import boto3` alone in a fresh interpreter: what any Python Lambda that talks to
AWS pays. A handler that imports more than that on its cold path shows a ratio above 1.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

# The layer's code comes first on the path, as Lambda puts a layer's `python/` folder on it: the
# package is found by the ordinary path search, not through the virtualenv's editable-install
# hook (which no function has, and which costs an import of its own).
LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "commcenter")

PROBE = """
import sys, time
sys.path[:0] = [{code_dir!r}, {layer!r}]
start = time.perf_counter()
{statement}
print(time.perf_counter() - start)
"""


def _import_seconds(statement: str, code_dir: str, env: dict[str, str]) -> float:
    source = PROBE.format(code_dir=code_dir, layer=LAYER, statement=statement)
    result = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, env=env, check=True, timeout=120
    )
    return float(result.stdout.strip().splitlines()[-1])


def measure(functions: dict[str, Path], env: dict[str, str], repeats: int = 9) -> dict[str, float]:
    """Median import time of each handler module and of boto3, alternating to share any drift."""
    samples: dict[str, list[float]] = {"boto3": [], **{name: [] for name in functions}}
    clean_env = {**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "0"}
    # Compile every module once so the runs compare imports, not byte-compilation.
    for code_dir in functions.values():
        _import_seconds("import app", str(code_dir), clean_env)
    _import_seconds("import boto3", ".", clean_env)
    for _ in range(repeats):
        samples["boto3"].append(_import_seconds("import boto3", ".", clean_env))
        for name, code_dir in functions.items():
            samples[name].append(_import_seconds("import app", str(code_dir), clean_env))
    return {name: statistics.median(values) for name, values in samples.items()}


if __name__ == "__main__":
    print(json.dumps(measure({"api": Path("functions/api")}, {}), indent=2))

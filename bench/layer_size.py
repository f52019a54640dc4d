"""The Lambda layer as AWS loads it: `sam build` of the layer, then the size of what it unpacks.

Every cold start of every function unpacks the layer under /opt, and its unzipped size counts
against Lambda's 250 MB limit (function and layers together): the figure is what AWS counts,
the sum of the files' sizes, not what `du` reports (disk blocks).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LAYER = "CommcenterLayer"
MB = 1_000_000
BIGGEST = 8

METHOD = (
    f"- `lambda_layer_unzipped_mb`: `sam build {LAYER}` into a fresh folder, then the sum of the sizes of "
    "every file of the built layer (what Lambda unpacks under /opt on a cold start), in MB of 10^6 bytes. "
    "`lambda_layer_biggest_mb` in the details: the largest packages in it, each with its metadata."
)


@dataclass(frozen=True, slots=True)
class LayerSize:
    total_bytes: int
    files: int
    bytes_by_package: dict[str, int]

    def biggest(self, count: int = BIGGEST) -> str:
        """The `count` largest packages, in MB: "twilio 23.5, ..."."""
        ranked = sorted(self.bytes_by_package.items(), key=lambda item: item[1], reverse=True)[:count]
        return ", ".join(f"{name} {size / MB:.1f}" for name, size in ranked)


def tree_bytes(path: Path) -> int:
    """The sum of the sizes of the files under `path` (or of `path`, a file)."""
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def bytes_by_package(site: Path) -> dict[str, int]:
    """Bytes of each installed distribution under `site` (its modules and its `.dist-info`, as its
    RECORD lists them); a folder no RECORD names (the layer's own package) counts under its name."""
    owner: dict[str, str] = {}
    for record in site.glob("*.dist-info/RECORD"):
        distribution = record.parent.name.split("-")[0]
        with record.open(newline="", encoding="utf-8") as rows:
            for row in csv.reader(rows):
                if row:
                    owner.setdefault(row[0].split("/")[0], distribution)
    sizes: dict[str, int] = {}
    for entry in site.iterdir():
        name = owner.get(entry.name, entry.name)
        sizes[name] = sizes.get(name, 0) + tree_bytes(entry)
    return sizes


def build_layer(root: Path, build_dir: Path) -> Path:
    """`sam build` of the layer alone, as `make build` builds it, into `build_dir`; the built layer."""
    sam = str(Path(sys.executable).parent / "sam")
    command = [sam, "build", LAYER, "--template-file", "template.yaml", "--build-dir", str(build_dir)]
    command += ["--cache-dir", str(build_dir.parent / "cache")]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"sam build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return build_dir / LAYER


def measure(root: Path) -> LayerSize:
    """The layer of the template under `root`, built into a temporary folder, measured."""
    with tempfile.TemporaryDirectory(prefix="commcenter-layer-") as work:
        layer = build_layer(root, Path(work) / "build")
        files = [path for path in layer.rglob("*") if path.is_file()]
        return LayerSize(
            total_bytes=tree_bytes(layer), files=len(files), bytes_by_package=bytes_by_package(layer / "python")
        )


if __name__ == "__main__":
    size = measure(Path(__file__).resolve().parent.parent)
    print(f"{size.total_bytes / MB:.1f} MB in {size.files} files: {size.biggest()}")

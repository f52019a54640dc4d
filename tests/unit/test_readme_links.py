"""The README's links and pictures lead somewhere: every file it points to is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Markdown links and images `[text](target)`, and HTML `src="target"` (the phone pictures).
_TARGETS = re.compile(r"\]\(([^)\s]+)\)|\bsrc=\"([^\"]+)\"")


def local_targets(markdown: str) -> list[str]:
    found = (link or src for link, src in _TARGETS.findall(markdown))
    return [t.split("#", 1)[0] for t in found if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


def test_every_file_the_readme_points_to_exists() -> None:
    targets = local_targets((ROOT / "README.md").read_text())
    assert any(t.startswith("docs/screenshots/phone-") for t in targets)
    assert any(t.startswith("docs/screenshots/desktop-") for t in targets)
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert missing == []


def test_a_missing_target_is_found() -> None:
    assert local_targets("![x](docs/nowhere.png) [y](https://example.com) [z](#top)") == ["docs/nowhere.png"]

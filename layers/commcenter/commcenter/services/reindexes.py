"""Every re-index a new version may need once, in the order they run: items stored by an older
version brought to the layout the code writes now (the records' search terms, the conversations'
folder keys and counts). Each is resumable and reads one item once done; `make dev` runs them
on the local data, `make deploy` on the stack's tables (`infra/deploy/reindex.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Reindex:
    name: str  # what it brings up to date, as the runners print it
    unit: str  # what it counts
    is_current: Callable[[], bool]
    run: Callable[[Progress | None], int]  # how many it went through in this run


def _search_terms_current() -> bool:
    from commcenter.services.search_index import search_index_is_current

    return search_index_is_current()


def _search_terms(progress: Progress | None) -> int:
    from commcenter.services.search_index import reindex_search_terms

    return reindex_search_terms(progress=progress).records


def _folders_current() -> bool:
    from commcenter.services.folder_index import folders_are_indexed

    return folders_are_indexed()


def _folders(progress: Progress | None) -> int:
    from commcenter.services.folder_index import reindex_folders

    return reindex_folders(progress=progress).conversations


REINDEXES: tuple[Reindex, ...] = (
    Reindex("search terms", "records", _search_terms_current, _search_terms),
    Reindex("folders", "conversations", _folders_current, _folders),
)


def run_reindexes(say: Callable[[str], None], progress: bool = False) -> None:
    """Run each re-index not current yet, saying what it does (and, with `progress`, each page)."""
    for reindex in REINDEXES:
        if reindex.is_current():
            continue
        say(f"{reindex.name}: bringing stored {reindex.unit} up to date...")
        counted = reindex.run(_progress(say, reindex.unit) if progress else None)
        say(f"{reindex.name}: {counted} {reindex.unit} re-indexed")


def _progress(say: Callable[[str], None], unit: str) -> Progress:
    return lambda count: say(f"  {count} {unit}")

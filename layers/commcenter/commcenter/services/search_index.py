"""Re-indexing the search: every record's terms written again as the code derives them now.

A record is written with its terms, so a change of what the terms are (`SEARCH_TERMS_VERSION`:
numbers found by their last digits) reaches a record stored before it only when the record is
written again. The re-index reaches the others: each kind's list index is Queried page by page
(never a Scan), and each record's terms are put in one transaction conditional on the record
being as read (one changed meanwhile was written with its terms). Where it is goes into the
SearchTerms table after every page, so a run that stopped is resumed there by the next; once
every record is done the table says so, and later runs read that one item and stop.
`commcenter dev` runs it when the local stack starts, `make deploy` after `sam deploy`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commcenter.data import record_writes
from commcenter.data import records as records_data
from commcenter.data import search_terms as search_data
from commcenter.domain.records import RECORD_KINDS, SEARCH_TERMS_VERSION, search_terms
from commcenter.observability import logger

PAGE_SIZE = 100
# Where the re-index is: the index of a kind in RECORD_KINDS and the cursor of its list.
_Position = tuple[int, str | None]


@dataclass(frozen=True, slots=True)
class ReindexResult:
    records: int  # records gone through in this run
    done: bool  # every record's terms are the code's now


def search_index_is_current() -> bool:
    """Whether every record's terms are the ones the code derives now."""
    return search_data.index_state().version >= SEARCH_TERMS_VERSION


def reindex_search_terms(
    page_size: int = PAGE_SIZE, max_pages: int | None = None, progress: Callable[[int], None] | None = None
) -> ReindexResult:
    """Bring every record's search terms to `SEARCH_TERMS_VERSION`, from where the last run
    stopped; at most `max_pages` pages in this run (then `done` is False). `progress` hears how
    many records each page wrote."""
    state = search_data.index_state()
    if state.version >= SEARCH_TERMS_VERSION:
        return ReindexResult(0, True)
    resuming = state.building == SEARCH_TERMS_VERSION and state.kind in RECORD_KINDS
    position: _Position | None = (RECORD_KINDS.index(state.kind), state.cursor) if resuming else (0, None)
    written = pages = 0
    while position is not None:
        if max_pages is not None and pages >= max_pages:
            return ReindexResult(written, False)
        index, cursor = position
        page, cursor = records_data.list_page(RECORD_KINDS[index], "newest", page_size, cursor)
        for record in page:
            record_writes.reindex(record, search_terms(record.kind, record))
        written, pages = written + len(page), pages + 1
        if progress is not None:
            progress(len(page))
        position = _after(index, cursor)
        if position is not None:
            search_data.save_index_progress(state.version, SEARCH_TERMS_VERSION, RECORD_KINDS[position[0]], position[1])
    search_data.mark_indexed(SEARCH_TERMS_VERSION)
    logger.info("search terms re-indexed", extra={"records": written, "version": SEARCH_TERMS_VERSION})
    return ReindexResult(written, True)


def _after(index: int, cursor: str | None) -> _Position | None:
    """Where the re-index goes after a page: the kind's next page, the next kind's first, or nowhere."""
    if cursor is not None:
        return index, cursor
    return (index + 1, None) if index + 1 < len(RECORD_KINDS) else None

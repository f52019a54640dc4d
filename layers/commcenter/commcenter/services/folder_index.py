"""Re-indexing the folders: conversations stored before folders get their keys and are counted.

A conversation written by this code carries its folder keys (`folder_keys_v`: their layout) and
moved its viewer's folder counters in the same write. One stored before has neither: its next
write gives it both (`folder_deltas` counts a `before` without keys as nothing), and the re-index
reaches the others. One stored with an older layout of the keys (1: without the `folders` key
of every channel) is counted already and lacks only keys: its next write, or the re-index,
rewrites it and moves no counter. The re-index walks each rep's conversations by the `center`
index (one Query per page per channel and section, never a Scan; ignored traffic is in no folder),
rewriting each conversation whose keys are not of the current layout, with its viewer's counters
when it had none, in one transaction conditional on its version. A conversation with the current
keys is passed over, so a page walked twice (a run stopped before noting its progress) counts
nothing twice; a run of a newer layout walks every rep again. Where it is goes into the
Counters table after every page; the next run resumes there, and once every rep is done later
runs read that one item and stop. `commcenter dev` runs it when the local stack starts, `make
deploy` after `sam deploy`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import msgspec

from commcenter.data import conversations as conversations_data
from commcenter.data import counters as counters_data
from commcenter.data import reps as reps_data
from commcenter.domain.folders import FOLDER_KEYS_VERSION
from commcenter.domain.sms import conversation_deltas
from commcenter.errors import BusyError
from commcenter.observability import logger

INDEX_NAME = "folders"
PAGE_SIZE = 100
MAX_ATTEMPTS = 8
# The lists walked for each rep: every conversation channel's, ignored traffic in no folder (a
# run's saved position names a list by its place here: a channel added goes last).
PARTS: tuple[tuple[str, str], ...] = (
    ("sms", "matched"),
    ("sms", "unmatched"),
    ("email", "matched"),
    ("email", "unmatched"),
    ("call", "matched"),
    ("call", "unmatched"),
)


@dataclass(frozen=True, slots=True)
class FolderReindexResult:
    conversations: int  # conversations given their keys in this run
    done: bool  # every conversation has them now


@dataclass(frozen=True, slots=True)
class _Position:
    rep_id: str
    part: int
    cursor: str | None


def folders_are_indexed() -> bool:
    return counters_data.index_progress(INDEX_NAME)[0] >= FOLDER_KEYS_VERSION


def reindex_folders(
    page_size: int = PAGE_SIZE, max_pages: int | None = None, progress: Callable[[int], None] | None = None
) -> FolderReindexResult:
    """Give every conversation its folder keys and counts, from where the last run stopped; at
    most `max_pages` pages in this run (then `done` is False). `progress` hears how many
    conversations each page rewrote."""
    version, building, saved = counters_data.index_progress(INDEX_NAME)
    if version >= FOLDER_KEYS_VERSION:
        return FolderReindexResult(0, True)
    rep_ids = sorted(rep.id for rep in reps_data.list_all())
    position = _resumed(rep_ids, saved if building == FOLDER_KEYS_VERSION else None)
    written = pages = 0
    while position is not None:
        if max_pages is not None and pages >= max_pages:
            return FolderReindexResult(written, False)
        channel, section = PARTS[position.part]
        ids, cursor = conversations_data.center_ids(position.rep_id, channel, section, page_size, position.cursor)
        rewritten = sum(1 for conversation_id in ids if index_conversation(conversation_id))
        written, pages = written + rewritten, pages + 1
        if progress is not None:
            progress(rewritten)
        position = _after(rep_ids, position, cursor)
        if position is not None:
            counters_data.save_index_progress(INDEX_NAME, version, FOLDER_KEYS_VERSION, _encoded(position))
    counters_data.mark_indexed(INDEX_NAME, FOLDER_KEYS_VERSION)
    logger.info("folders re-indexed", extra={"conversations": written, "version": FOLDER_KEYS_VERSION})
    return FolderReindexResult(written, True)


def index_conversation(conversation_id: str) -> bool:
    """Write the conversation again with the folder keys of the current layout, if it carries
    older ones or none; whether it did. One with none is counted by this write; one of an older
    layout was counted when it got its first keys, so its counters do not move
    (`conversation_deltas` of the same conversation, counted before and after, is nothing)."""
    for _ in range(MAX_ATTEMPTS):
        found = conversations_data.get_with_layout(conversation_id)
        if found is None or found[1] >= FOLDER_KEYS_VERSION:
            return False
        before = found[0]
        after = msgspec.structs.replace(before, folder_keys=True, version=before.version + 1)
        if conversations_data.save_with_counts(after, before.version, conversation_deltas(before, after)):
            return True
    raise BusyError(f"conversation {conversation_id} kept changing under {MAX_ATTEMPTS} attempts")


def _resumed(rep_ids: list[str], saved: str | None) -> _Position | None:
    """Where this run starts: where the last one stopped (its rep, or the next one if that rep
    has gone), or the first rep."""
    if not rep_ids:
        return None
    if saved is None:
        return _Position(rep_ids[0], 0, None)
    values = json.loads(saved)
    rep_id, part, cursor = str(values["rep"]), int(values["part"]), values.get("cursor")
    if rep_id in rep_ids:
        return _Position(rep_id, part, cursor)
    later = [candidate for candidate in rep_ids if candidate > rep_id]
    return _Position(later[0], 0, None) if later else None


def _after(rep_ids: list[str], position: _Position, cursor: str | None) -> _Position | None:
    """The next page: the list's next one, the rep's next list, the next rep's first, or nowhere."""
    if cursor is not None:
        return _Position(position.rep_id, position.part, cursor)
    if position.part + 1 < len(PARTS):
        return _Position(position.rep_id, position.part + 1, None)
    later = [candidate for candidate in rep_ids if candidate > position.rep_id]
    return _Position(later[0], 0, None) if later else None


def _encoded(position: _Position) -> str:
    return json.dumps({"rep": position.rep_id, "part": position.part, "cursor": position.cursor})

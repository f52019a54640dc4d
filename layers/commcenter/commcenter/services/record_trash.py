"""Deleting a record: to the trash, restored from it or erased for good (pattern R7).

Every rep sees and edits the team's records; only the record's owner or an admin deletes one.
A deleted record goes to the trash in one transaction: it leaves the lists and the search, and
its numbers and addresses are free, so what they send meanwhile is unmatched traffic (their
conversations go back to Unmatched); its history stays with it. For `TRASH_DAYS` an admin can
restore it: its numbers, addresses and search terms come back in one transaction (refused while
another record holds one of them), then what its numbers exchanged meanwhile follows. An admin
can also erase it for good from the trash; the scheduled sweep erases what has been there longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commcenter.data import activities as activities_data
from commcenter.data import record_writes
from commcenter.data import records as records_data
from commcenter.domain.clock import now_iso, utc_now
from commcenter.domain.records import (
    Record,
    TrashedRecord,
    may_reassign_or_delete,
    name_sort_key,
    record_handles,
    search_terms,
    trash_cutoff,
)
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, ForbiddenError, NotFoundError
from commcenter.observability import logger
from commcenter.services.attach_handle import attach_handle_history, release_handle_conversations
from commcenter.services.records import get_record, refusal_explained

# Records the sweep erases per run at most; what is left waits for the next run (hourly).
ERASE_BATCH = 25


@dataclass(frozen=True, slots=True)
class EraseResult:
    erased: int
    more: bool  # expired records were left for the next run


def move_to_trash(record_id: str, actor: Rep) -> None:
    """Delete a record (its owner or an admin): to the trash, with its numbers and addresses freed."""
    current = get_record(record_id)
    if not may_reassign_or_delete(actor, current):
        raise ForbiddenError("only the record's owner or an admin can delete it")
    handles = record_handles(current)
    with refusal_explained(set(), record_id):
        record_writes.trash(
            record_id,
            current.version,
            search_terms(current.kind, current),
            handles,
            deleted_at=now_iso(),
            deleted_by=actor.id,
        )
    for handle in sorted(handles):
        release_handle_conversations(handle)
    logger.info("record moved to the trash", extra={"record_id": record_id})


def trash_page(actor: Rep, limit: int, cursor: str | None) -> tuple[list[TrashedRecord], str | None]:
    """The trash, newest deletion first (admins)."""
    _check_admin(actor, "see the trash")
    return records_data.trash_page(limit, cursor)


def restore_record(record_id: str, actor: Rep) -> Record:
    """Take a record out of the trash (admins), then attach what its numbers exchanged meanwhile."""
    _check_admin(actor, "restore a deleted record")
    trashed = records_data.get_trashed(record_id)
    if trashed is None:
        raise NotFoundError(f"no record with id {record_id} in the trash")
    kept = {name: getattr(trashed, name) for name in Record.__struct_fields__}
    record = Record(**{**kept, "version": trashed.version + 1})
    handles = record_handles(record)
    try:
        with refusal_explained(handles, record_id):
            record_writes.restore(
                record, name_sort_key(record.kind, record), trashed.version, search_terms(record.kind, record), handles
            )
    except ConflictError as refused:
        raise ConflictError(f"{record.display_name} cannot be restored: {refused.message}") from refused
    for handle in sorted(handles):
        attach_handle_history(handle, record_id)
    logger.info("record restored from the trash", extra={"record_id": record_id})
    return record


def erase_record(record_id: str, actor: Rep) -> None:
    """Erase a record of the trash for good, with its whole history (admins; an explicit act)."""
    _check_admin(actor, "erase a record for good")
    if not _erase(record_id, deleted_before=None):
        raise NotFoundError(f"no record with id {record_id} in the trash")


def erase_expired_trash(now: datetime | None = None, limit: int = ERASE_BATCH) -> EraseResult:
    """Erase the records deleted more than `TRASH_DAYS` ago, oldest first, at most `limit` a run."""
    cutoff = trash_cutoff(now or utc_now())
    expired = records_data.trashed_before(cutoff, limit + 1)
    erased = sum(1 for record_id in expired[:limit] if _erase(record_id, deleted_before=cutoff))
    if erased:
        logger.info("expired records erased from the trash", extra={"erased": erased, "cutoff": cutoff})
    return EraseResult(erased=erased, more=len(expired) > limit)


def _erase(record_id: str, deleted_before: str | None) -> bool:
    """Marks the record as being erased (no restore from then on), deletes its history, then the
    record itself: a run that stops halfway leaves it in the trash, marked, for the next run."""
    if not records_data.begin_erasing(record_id, now_iso(), deleted_before=deleted_before):
        return False
    activities_data.delete_owner(activities_data.owner_key(record_id, None))
    records_data.delete_trashed(record_id)
    logger.info("record erased", extra={"record_id": record_id})
    return True


def _check_admin(actor: Rep, action: str) -> None:
    if actor.role != "admin":
        raise ForbiddenError(f"only an admin can {action}")

"""A record's writes: the record, its handle claims and its search terms, in one transaction.

A record and what points to it never disagree: creating, changing, trashing or restoring a
record writes all of it or none of it. A refused write (another record owns a handle, the record changed
since it was read) raises `WriteRefused` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Set

from commcenter.data import handles, records, search_terms
from commcenter.data.base import Write, WriteRefused, transact
from commcenter.domain.handles import Handle
from commcenter.domain.records import Record
from commcenter.errors import ValidationError

# What DynamoDB takes in one transaction.
MAX_TRANSACTION_ITEMS = 100


def create(record: Record, name_key: str, terms: Set[str], claimed: Set[Handle]) -> None:
    _check_size(1 + len(terms) + len(claimed))
    _write(
        lambda tx: records.add_create(tx, record, name_key),
        lambda tx: search_terms.add_terms(tx, set(terms), record.id, record.kind, record.display_name),
        *_claims(claimed, record.id),
    )


def replace(
    record: Record,
    name_key: str,
    expected_version: int,
    *,
    terms_put: Set[str],
    terms_removed: Set[str],
    claimed: Set[Handle],
    released: Set[Handle],
) -> None:
    """Replace a record read at `expected_version`, with the terms and handles that changed."""
    _check_size(1 + len(terms_put) + len(terms_removed) + len(claimed) + len(released))
    _write(
        lambda tx: records.add_replace(tx, record, name_key, expected_version),
        lambda tx: search_terms.remove_terms(tx, set(terms_removed), record.id),
        lambda tx: search_terms.add_terms(tx, set(terms_put), record.id, record.kind, record.display_name),
        *_claims(claimed, record.id),
        *_releases(released, record.id),
    )


def trash(
    record_id: str, expected_version: int, terms: Set[str], released: Set[Handle], *, deleted_at: str, deleted_by: str
) -> None:
    """Move a record read at `expected_version` to the trash: it leaves the lists and the search,
    and its numbers and addresses are free (their traffic is unmatched while it is there)."""
    _write(
        lambda tx: records.add_trash(tx, record_id, expected_version, deleted_at, deleted_by),
        lambda tx: search_terms.remove_terms(tx, set(terms), record_id),
        *_releases(released, record_id),
    )


def restore(record: Record, name_key: str, expected_version: int, terms: Set[str], claimed: Set[Handle]) -> None:
    """Take a record read at `expected_version` out of the trash, with its search terms and its
    numbers and addresses (refused if another record took one meanwhile)."""
    _check_size(1 + len(terms) + len(claimed))
    _write(
        lambda tx: records.add_restore(tx, record, name_key, expected_version),
        lambda tx: search_terms.add_terms(tx, set(terms), record.id, record.kind, record.display_name),
        *_claims(claimed, record.id),
    )


def reindex(record: Record, terms: Set[str]) -> bool:
    """Put a record's search terms again, as long as it is as read: False when it changed or
    went to the trash meanwhile (a change wrote its terms itself)."""
    _check_size(1 + len(terms))
    return not transact(
        lambda tx: records.add_unchanged_check(tx, record.id, record.version),
        lambda tx: search_terms.add_terms(tx, set(terms), record.id, record.kind, record.display_name),
    )


def _claims(claimed: Set[Handle], record_id: str) -> list[Write]:
    def claim(handle: Handle) -> Write:
        return lambda tx: handles.add_claim(tx, handle, record_id)

    return [claim(handle) for handle in sorted(claimed)]


def _releases(released: Set[Handle], record_id: str) -> list[Write]:
    def release(handle: Handle) -> Write:
        return lambda tx: handles.add_release(tx, handle, record_id)

    return [release(handle) for handle in sorted(released)]


def _check_size(items: int) -> None:
    """A write larger than one transaction takes is refused before anything is written. With
    at most five numbers (three terms each), five addresses (two) and eight address words, only
    a change that replaces all of them and a name of many words at once comes near it; moving a
    record to the trash or erasing it writes fewer items than storing it did."""
    if items > MAX_TRANSACTION_ITEMS:
        raise ValidationError(
            f"this change would write {items} items together, more than the {MAX_TRANSACTION_ITEMS} one write"
            " takes: change fewer numbers, addresses or name words at once",
            {"record": "too many changes at once"},
        )


def _write(*writes: Write) -> None:
    if transact(*writes):
        raise WriteRefused("the record's write was refused")


def erase(record_id: str, terms: Set[str]) -> None:
    """The last step of a person's erasure: the record and its search terms, together (deleting
    what is already gone is no error, so a second run finishes a first that stopped)."""
    _write(
        lambda tx: records.add_erase(tx, record_id),
        lambda tx: search_terms.remove_terms(tx, set(terms), record_id),
    )

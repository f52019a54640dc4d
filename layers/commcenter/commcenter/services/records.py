"""Create, read, change and search leads, contacts and deals (deleting them: `record_trash`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import msgspec

from commcenter.data import handles as handles_data
from commcenter.data import record_writes
from commcenter.data import records as records_data
from commcenter.data import reps as reps_data
from commcenter.data import search_terms as search_data
from commcenter.data.base import WriteRefused
from commcenter.domain.clock import now_iso
from commcenter.domain.handles import Handle
from commcenter.domain.ids import new_id
from commcenter.domain.records import (
    RECORD_KINDS,
    Record,
    RecordFields,
    RecordInput,
    RecordKind,
    display_name,
    finds,
    lookup_prefixes,
    may_reassign_or_delete,
    name_sort_key,
    record_handles,
    search_query_terms,
    search_terms,
    term_as_typed,
    validate_fields,
)
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from commcenter.services.attach_handle import attach_handle_history, check_may_attach, release_handle_conversations
from commcenter.settings import get_settings

MAX_SEARCH_RESULTS = 20
# Longer than any name, company, number or address a search box is typed for (and a search
# term is a DynamoDB range key condition, which has a size limit of its own).
MAX_SEARCH_CHARS = 200


class SearchHit(msgspec.Struct, kw_only=True):
    id: str
    kind: RecordKind
    display_name: str
    company_name: str
    match: str


def get_record(record_id: str) -> Record:
    record = records_data.get(record_id)
    if record is None:
        raise NotFoundError(f"no record with id {record_id}")
    return record


def list_records(kind: str, order: str, limit: int, cursor: str | None) -> tuple[list[Record], str | None]:
    if kind not in RECORD_KINDS:
        raise ValidationError("kind must be lead, contact or deal", {"kind": "unknown kind"})
    if order not in ("newest", "name"):
        raise ValidationError("order must be newest or name", {"order": "unknown order"})
    typed_order: Literal["newest", "name"] = "newest" if order == "newest" else "name"
    return records_data.list_page(kind, typed_order, limit, cursor)


def create_record(payload: RecordInput, actor: Rep, record_id: str | None = None) -> Record:
    """Validate and store a new record with its handles and search terms, all or nothing."""
    fields = validate_fields(payload.kind, payload, get_settings().phone_default_region)
    fields = _check_references(fields, actor)
    now = now_iso()
    record = _build(payload.kind, fields, record_id or new_id(), now, now, 1)
    handles = record_handles(fields)
    terms = search_terms(record.kind, fields)
    for handle in sorted(handles):
        check_may_attach(handle, actor)

    with refusal_explained(handles, record.id):
        record_writes.create(record, name_sort_key(record.kind, fields), terms, handles)
    for handle in sorted(handles):
        attach_handle_history(handle, record.id)
    return record


def update_record(record_id: str, patch: dict[str, Any], actor: Rep) -> Record:
    """Apply `patch` (a subset of the fields plus the `version` it was read at)."""
    version = patch.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError("version is required to change a record", {"version": "required"})
    if "kind" in patch or "id" in patch:
        raise ValidationError("the kind and id of a record cannot change", {"kind": "read-only"})
    current = get_record(record_id)
    if current.version != version:
        raise ConflictError("the record was changed by someone else; reload it")
    merged = {k: v for k, v in msgspec.to_builtins(current).items() if k in RecordFields.__struct_fields__}
    merged.update(patch)
    try:
        fields = msgspec.convert(merged, RecordFields)
    except msgspec.ValidationError as exc:
        raise ValidationError(str(exc)) from exc
    fields = validate_fields(current.kind, fields, get_settings().phone_default_region)
    fields = _check_references(_owner_checked(fields, current, actor), actor)
    record = _build(current.kind, fields, record_id, current.created_at, now_iso(), version + 1)
    old_handles, new_handles = record_handles(current), record_handles(fields)
    old_terms, new_terms = search_terms(current.kind, current), search_terms(record.kind, fields)
    added_handles = new_handles - old_handles
    for handle in sorted(added_handles):
        check_may_attach(handle, actor)
    with refusal_explained(added_handles, record_id):
        record_writes.replace(
            record,
            name_sort_key(record.kind, fields),
            version,
            # Every term, not only the new ones: each carries the record's label, and a record
            # indexed by older code gets the terms the code derives now (numbers' last digits).
            terms_put=new_terms,
            terms_removed=old_terms - new_terms,
            claimed=added_handles,
            released=old_handles - new_handles,
        )
    for handle in sorted(old_handles - new_handles):
        release_handle_conversations(handle)  # its history stays on the record; what comes next does not
    for handle in sorted(added_handles):
        attach_handle_history(handle, record_id)
    return record


def add_handle_to_record(record_id: str, handle_key: str, actor: Rep) -> Record:
    """Add an unmatched number or address to a record ("Add to existing"): its history follows."""
    handle = Handle.from_key(handle_key)
    current = get_record(record_id)
    if current.kind == "deal":
        raise ValidationError("numbers and addresses belong to leads and contacts, not deals", {"record_id": "a deal"})
    if handle in record_handles(current):
        attach_handle_history(handle, record_id)  # finishes a move an earlier attempt left halfway
        return current
    fields = msgspec.to_builtins(current)
    if handle.kind == "phone":
        patch: dict[str, Any] = {"phones": [*fields["phones"], {"number": handle.value, "label": "mobile"}]}
    else:
        patch = {"emails": [*fields["emails"], {"address": handle.value, "label": "work"}]}
    return update_record(record_id, {**patch, "version": current.version}, actor)


def search_records(query: str, kind: str | None, limit: int = MAX_SEARCH_RESULTS) -> list[SearchHit]:
    """Records whose name, company, phone or email starts with every word of `query`, or whose
    number ends with it (four digits or more)."""
    if len(query) > MAX_SEARCH_CHARS:
        raise ValidationError(f"a search is at most {MAX_SEARCH_CHARS} characters", {"q": "too long"})
    terms = search_query_terms(query)
    if not terms or max(len(t) for t in terms) < 2:
        raise ValidationError("type at least two characters to search", {"q": "too short"})
    if kind is not None and kind not in RECORD_KINDS:
        raise ValidationError("kind must be lead, contact or deal", {"kind": "unknown kind"})
    # The longest word is the most selective; every word must match the record's own terms.
    anchor = max(terms, key=len)
    candidates: dict[str, str] = {}
    for prefix in lookup_prefixes(anchor):
        for term, record_id in search_data.find(prefix, limit=200):
            candidates.setdefault(record_id, term)
    if not candidates:
        return []
    records = records_data.get_many(list(candidates))
    hits: list[SearchHit] = []
    for record_id, matched in candidates.items():
        record = records.get(record_id)
        if record is None or (kind and record.kind != kind):
            continue
        own_terms = search_terms(record.kind, record)
        if all(finds(word, own_terms) for word in terms):
            hits.append(
                SearchHit(
                    id=record.id,
                    kind=record.kind,
                    display_name=record.display_name,
                    company_name=record.company_name,
                    match=term_as_typed(matched),
                )
            )
    hits.sort(key=lambda hit: (hit.display_name.casefold(), hit.id))
    return hits[:limit]


def _build(kind: RecordKind, fields: RecordFields, record_id: str, created: str, updated: str, version: int) -> Record:
    return Record(
        **{name: getattr(fields, name) for name in RecordFields.__struct_fields__},
        id=record_id,
        kind=kind,
        display_name=display_name(kind, fields),
        created_at=created,
        updated_at=updated,
        version=version,
    )


def _owner_checked(fields: RecordFields, current: Record, actor: Rep) -> RecordFields:
    """A change keeps the record's owner unless it names another one (an empty owner keeps it):
    only the owner or an admin hands a record to another rep."""
    owner_id = fields.owner_id or current.owner_id
    if owner_id != current.owner_id and not may_reassign_or_delete(actor, current):
        raise ForbiddenError("only the record's owner or an admin can give it to another rep")
    return msgspec.structs.replace(fields, owner_id=owner_id)


def _check_references(fields: RecordFields, actor: Rep) -> RecordFields:
    owner_id = fields.owner_id or actor.id
    if owner_id != actor.id and reps_data.get(owner_id) is None:
        raise ValidationError(f"no rep with id {owner_id}", {"owner_id": "unknown rep"})
    if fields.contact_ids:
        found = records_data.get_many(fields.contact_ids)
        missing = [cid for cid in fields.contact_ids if cid not in found or found[cid].kind == "deal"]
        if missing:
            raise ValidationError(
                f"no lead or contact with id {missing[0]}", {"contact_ids": f"unknown: {', '.join(missing)}"}
            )
    return msgspec.structs.replace(fields, owner_id=owner_id)


@contextmanager
def refusal_explained(claimed: set[Handle], record_id: str) -> Iterator[None]:
    """A refused record write as a clear conflict: which handle another record owns, or a stale version."""
    try:
        yield
    except WriteRefused as refused:
        owners = handles_data.get_many(sorted(claimed))
        for handle, state in sorted(owners.items()):
            if state.record_id and state.record_id != record_id:
                owner = records_data.get(state.record_id)
                name = owner.display_name if owner else state.record_id
                raise ConflictError(f"{handle.value} already belongs to {name}") from refused
        raise ConflictError("the record was changed or deleted by someone else; reload it") from refused

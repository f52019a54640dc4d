"""CSV import of leads and contacts: every row checked first, then each row written atomically.

Nothing is half-imported: if any row is wrong the report lists every problem and nothing is
written; each written row is one transaction (record, handles, search terms); row ids are
derived from the file's content, so re-running an interrupted import finishes it without
duplicating a single row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec

from commcenter.data import handles as handles_data
from commcenter.data import records as records_data
from commcenter.data import reps as reps_data
from commcenter.domain.handles import Handle, normalize_email
from commcenter.domain.ids import stable_id
from commcenter.domain.records import RecordInput, RecordKind, record_handles, validate_fields
from commcenter.domain.reps import Rep
from commcenter.errors import ValidationError
from commcenter.services.records import create_record
from commcenter.settings import get_settings

MAX_ROWS = 50_000
# Row ids depend on the file's content only (not on when it is imported), so a re-run after a
# crash produces the same ids; listings sort by `created_at`, never by id.
IMPORT_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
TEXT_COLUMNS = ("first_name", "last_name", "company_name", "title", "status")
ADDRESS_COLUMNS = ("line1", "line2", "city", "postal_code", "region", "country")
KNOWN_COLUMNS = frozenset(
    {*TEXT_COLUMNS, *ADDRESS_COLUMNS, "is_company", "phone", "phones", "email", "emails", "owner_email"}
)
_TRUE = frozenset({"1", "true", "yes", "y", "x"})
_FALSE = frozenset({"", "0", "false", "no", "n"})


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportPlan:
    """The rows of a file, checked: what would be written, or every reason it cannot be."""

    kind: RecordKind
    rows: list[tuple[str, RecordInput]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def plan_import(text: str, kind: RecordKind, actor: Rep) -> ImportPlan:
    """Read and check a whole CSV file without writing anything."""
    plan = ImportPlan(kind=kind)
    if kind == "deal":
        plan.errors.append(RowError(0, "deals cannot be imported from CSV; import leads or contacts"))
        return plan
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header_error = _check_headers(reader)
    if header_error:
        plan.errors.append(header_error)
        return plan
    digest = hashlib.sha256(text.encode()).hexdigest()
    owners = {rep.email: rep.id for rep in reps_data.list_all()}
    seen: dict[Handle, int] = {}
    for index, raw in enumerate(reader):
        line = index + 2  # the header is line 1
        if index >= MAX_ROWS:
            plan.errors.append(RowError(line, f"at most {MAX_ROWS} rows per file"))
            break
        if None in raw:
            plan.errors.append(RowError(line, "more values than columns"))
            continue
        row_id = stable_id(IMPORT_EPOCH, digest, str(line))
        try:
            payload = _row_input(kind, raw, owners, actor)
            fields = validate_fields(kind, payload, get_settings().phone_default_region)
        except ValidationError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
            plan.errors.append(RowError(line, details))
            continue
        for handle in sorted(record_handles(fields)):
            if handle in seen:
                plan.errors.append(RowError(line, f"{handle.value} is also on line {seen[handle]}"))
            seen[handle] = line
        plan.rows.append((row_id, payload))
    _check_existing_handles(plan, seen)
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(2, "the file has no rows"))
    return plan


def run_import(plan: ImportPlan, actor: Rep, progress: Callable[[int], None] | None = None) -> int:
    """Write a checked plan; returns how many rows were written now (rows already there are skipped)."""
    if not plan.ok:
        raise ValidationError("the import has errors; nothing was written")
    written = 0
    for row_id, payload in plan.rows:
        if records_data.get_stored(row_id) is None:  # a row deleted since (in the trash) stays deleted
            create_record(payload, actor, record_id=row_id)
            written += 1
        if progress is not None:
            progress(1)
    return written


def _row_input(kind: RecordKind, raw: dict[str, str | None], owners: dict[str, str], actor: Rep) -> RecordInput:
    values = {key: (value or "").strip() for key, value in raw.items() if key}
    is_company_text = values.get("is_company", "").lower()
    if is_company_text not in _TRUE | _FALSE:
        raise ValidationError("is_company", {"is_company": "must be yes or no"})
    owner_id = actor.id
    if values.get("owner_email"):
        try:
            owner_email = normalize_email(values["owner_email"])
        except ValidationError:
            raise ValidationError("owner", {"owner_email": "not an email address"}) from None
        if owner_email not in owners:
            raise ValidationError("owner", {"owner_email": f"no rep with email {owner_email}"})
        owner_id = owners[owner_email]
    try:
        return msgspec.convert(
            {
                "kind": kind,
                "is_company": is_company_text in _TRUE,
                **{column: values.get(column, "") for column in TEXT_COLUMNS},
                "phones": [{"number": n, "label": "work"} for n in _split(values, "phone", "phones")],
                "emails": [{"address": a, "label": "work"} for a in _split(values, "email", "emails")],
                "address": {column: values.get(column, "") for column in ADDRESS_COLUMNS},
                "owner_id": owner_id,
                "source": "import",
            },
            RecordInput,
        )
    except msgspec.ValidationError as exc:
        raise ValidationError(str(exc)) from exc


def _check_headers(reader: csv.DictReader[str]) -> RowError | None:
    """Normalise the header row in place; an empty file or an unknown column is an error."""
    headers = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    if not headers:
        return RowError(1, "the file is empty or has no header row")
    unknown = sorted(set(headers) - KNOWN_COLUMNS)
    if unknown:
        return RowError(1, f"unknown column(s): {', '.join(unknown)}")
    reader.fieldnames = headers
    return None


def _split(values: dict[str, str], *columns: str) -> list[str]:
    parts: Iterable[str] = (part for column in columns for part in values.get(column, "").split(";"))
    return [part.strip() for part in parts if part.strip()]


def _check_existing_handles(plan: ImportPlan, seen: dict[Handle, int]) -> None:
    """A number or address that already belongs to a record outside this file is a row error."""
    if not seen:
        return
    row_ids = {row_id for row_id, _ in plan.rows}
    states = handles_data.get_many(list(seen))
    for handle, state in sorted(states.items()):
        if state.record_id and state.record_id not in row_ids:
            owner = records_data.get(state.record_id)
            name = owner.display_name if owner else state.record_id
            plan.errors.append(RowError(seen[handle], f"{handle.value} already belongs to {name}"))
    plan.errors.sort(key=lambda error: error.line)

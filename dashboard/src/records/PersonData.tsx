/**
 * A person's data, on request (admins, on a lead or contact): export it as one archive, or erase
 * the person everywhere. A deal is not a person, so it has neither.
 */

import { useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { erasePerson, exportPerson, getRecord } from "../api/endpoints";
import type { CrmRecord, PersonErasure } from "../api/types";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { navigate } from "../router";
import { isAdmin, useTeam } from "../team";
import { sentence } from "./fields";
import { KIND_INFO } from "./kinds";

export function PersonDataActions({ record }: { record: CrmRecord }) {
  const team = useTeam();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [erasing, setErasing] = useState(false);
  if (!isAdmin(team) || record.kind === "deal") return null;

  const runExport = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const archive = await exportPerson(record.id);
      download(archive.url, archive.filename);
    } catch (exc) {
      setExportError(sentence(describeError(exc)));
    } finally {
      setExporting(false);
    }
  };

  return (
    <section class="person-data" aria-labelledby="person-data-title">
      <h3 id="person-data-title" class="person-data-title">
        Their data
      </h3>
      <div class="person-data-actions">
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          onClick={() => void runExport()}
          disabled={exporting}
          aria-describedby={exportError ? "person-export-error" : undefined}
        >
          <Icon name="archive" size={14} /> {exporting ? "Preparing…" : "Export data"}
        </button>
        <button type="button" class="btn btn-danger-ghost btn-sm" onClick={() => setErasing(true)}>
          <Icon name="trash" size={14} /> Erase this person…
        </button>
      </div>
      {exportError && (
        <p id="person-export-error" class="field-error" role="alert">
          {exportError}
        </p>
      )}
      {erasing && <EraseDialog record={record} onClose={() => setErasing(false)} />}
    </section>
  );
}

/**
 * Starts the archive's download: the link is another origin's (the bucket's), which answers it
 * as an attachment, so following it downloads the file and leaves the page where it is.
 */
function download(url: string, filename: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
}

/** The API compares the names trimmed and regardless of case; so does the button. */
function sameName(typed: string, name: string): boolean {
  return typed.trim() !== "" && typed.trim().toLowerCase() === name.trim().toLowerCase();
}

/** The record's name as stored now (the API refused the one typed: a teammate may have renamed it). */
async function currentName(record: CrmRecord): Promise<string> {
  try {
    return (await getRecord(record.id)).display_name;
  } catch {
    return record.display_name;
  }
}

function EraseDialog({ record, onClose }: { record: CrmRecord; onClose: () => void }) {
  const info = KIND_INFO[record.kind];
  // The name to type: the record's, or the one the API named when a teammate renamed it meanwhile.
  const [expected, setExpected] = useState(record.display_name);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const matches = sameName(typed, expected);

  const erase = async (event: Event) => {
    event.preventDefault();
    if (!matches || busy) return;
    setBusy(true);
    setError(null);
    try {
      const erased = await erasePerson(record.id, typed);
      announceErasure(expected, erased);
      navigate(info.path, { replace: true });
    } catch (exc) {
      setError(sentence(describeError(exc)));
      if (exc instanceof ApiError && exc.status === 400) setExpected(await currentName(record));
      setBusy(false);
    }
  };

  return (
    <Dialog open title={`Erase ${record.display_name}?`} onClose={onClose} size="sm">
      <form onSubmit={(event) => void erase(event)} noValidate>
        <div class="dialog-body">
          <p>
            <strong>{record.display_name}</strong> is erased everywhere, for everyone. This cannot be undone. What
            goes:
          </p>
          <ul class="erase-list">
            <li>this {info.singular} and its details;</li>
            <li>every call, SMS, email, note and task on it;</li>
            <li>the recordings and voicemails of its calls;</li>
            <li>every rep's conversations with its numbers, and their messages;</li>
            <li>the exports of its data.</li>
          </ul>
          <p>
            What stays: if they opted out of SMS, an anonymous suppression entry, so that no one texts their number
            again.
          </p>
          <div class="field erase-confirm">
            <label for="erase-confirm-name">
              Type <strong>{expected}</strong> to confirm
            </label>
            <input
              id="erase-confirm-name"
              class={error ? "input invalid" : "input"}
              value={typed}
              autoFocus
              autocomplete="off"
              spellcheck={false}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? "erase-error" : undefined}
              onInput={(event) => setTyped((event.target as HTMLInputElement).value)}
            />
          </div>
          {error && (
            <p id="erase-error" class="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <footer class="form-actions">
          <button type="button" class="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-danger" disabled={!matches || busy}>
            {busy ? "Erasing…" : "Erase for good"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

/** What the last erasure took, shown once by the list the rep lands on. */
let lastErasure: { name: string; erased: PersonErasure } | null = null;

function announceErasure(name: string, erased: PersonErasure): void {
  lastErasure = { name, erased };
}

/** The notice of an erasure that just happened, taken once (a later visit of the list shows none). */
export function takeErasureNotice(): string | null {
  const last = lastErasure;
  lastErasure = null;
  return last ? erasureNotice(last.name, last.erased) : null;
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function erasureNotice(name: string, erased: PersonErasure): string {
  const parts = [
    counted(erased.activities, "activity", "activities"),
    counted(erased.conversations, "conversation", "conversations"),
    counted(erased.recordings, "recording", "recordings"),
    counted(erased.exports, "export", "exports"),
  ];
  const kept = erased.opt_outs_suppressed
    ? ` Their SMS opt-out is kept as ${counted(erased.opt_outs_suppressed, "suppression entry", "suppression entries")}.`
    : "";
  return `${name} was erased: ${parts.join(", ")}.${kept}`;
}

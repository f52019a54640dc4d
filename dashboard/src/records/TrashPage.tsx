/** The trash (admins): deleted records, newest deletion first, to restore or delete forever. */

import { useState } from "preact/hooks";
import { eraseRecord, listTrash, restoreRecord } from "../api/endpoints";
import { describeError } from "../api/client";
import type { TrashedRecord } from "../api/types";
import { Badge } from "../components/Badge";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { RelativeTime, formatDate } from "../components/Time";
import { usePaged, useTitle } from "../hooks";
import { Link } from "../router";
import { isAdmin, repName, useTeam } from "../team";
import { sentence } from "./fields";
import { KIND_INFO, recordPath } from "./kinds";

export function TrashPage() {
  const team = useTeam();
  useTitle("Trash");
  if (!isAdmin(team)) {
    return (
      <div class="page">
        <EmptyState icon="trash" title="Only an admin can open the trash">
          Ask an admin to restore a record that was deleted by mistake.
        </EmptyState>
      </div>
    );
  }
  return <TrashList />;
}

function TrashList() {
  const list = usePaged((cursor, signal) => listTrash(cursor, signal), []);
  const [erasing, setErasing] = useState<TrashedRecord | null>(null);
  const [restored, setRestored] = useState<TrashedRecord | null>(null);
  const [failure, setFailure] = useState<{ id: string; message: string } | null>(null);
  const drop = (id: string) => list.update((items) => items.filter((item) => item.id !== id));

  const restore = async (record: TrashedRecord) => {
    setFailure(null);
    try {
      await restoreRecord(record.id);
    } catch (exc) {
      setFailure({ id: record.id, message: sentence(describeError(exc)) });
      return;
    }
    drop(record.id);
    setRestored(record);
  };

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Trash</h1>
          <p class="muted">
            Deleted leads, contacts and deals wait here for 30 days, with their history, then are erased for good.
          </p>
        </div>
      </header>

      {restored && (
        <div class="notice" role="status">
          <Icon name="check" size={18} />
          <span>
            <Link href={recordPath(restored.id)}>{restored.display_name}</Link> is back, with its numbers, addresses
            and history.
          </span>
        </div>
      )}

      <section class="card table-card" aria-label="Deleted records" aria-busy={list.loading}>
        {list.loading ? (
          <SkeletonRows />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState message={list.error} onRetry={list.reload} />
        ) : list.items.length === 0 ? (
          <EmptyState icon="trash" title="The trash is empty">
            A deleted lead, contact or deal stays here for 30 days, so that an admin can restore it.
          </EmptyState>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col" class="col-owner">
                  Deleted by
                </th>
                <th scope="col" class="col-date">
                  Deleted
                </th>
                <th scope="col" class="col-date">
                  Erased on
                </th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((record) => (
                <TrashRow
                  key={record.id}
                  record={record}
                  error={failure?.id === record.id ? failure.message : null}
                  onRestore={() => restore(record)}
                  onErase={() => setErasing(record)}
                />
              ))}
            </tbody>
          </table>
        )}
        <LoadMore list={list} />
      </section>

      {erasing && (
        <ConfirmDialog
          open
          title={`Delete ${erasing.display_name} forever?`}
          confirmLabel="Delete forever"
          busyLabel="Deleting…"
          onClose={() => setErasing(null)}
          onConfirm={async () => {
            await eraseRecord(erasing.id);
            drop(erasing.id);
            setErasing(null);
          }}
        >
          <p>
            <strong>{erasing.display_name}</strong> and its whole history (calls, SMS, emails, notes) will be erased
            for everyone. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

type RowProps = {
  record: TrashedRecord;
  error: string | null;
  onRestore: () => Promise<void>;
  onErase: () => void;
};

function TrashRow({ record, error, onRestore, onErase }: RowProps) {
  const team = useTeam();
  const [busy, setBusy] = useState(false);
  const restore = async () => {
    setBusy(true);
    try {
      await onRestore();
    } finally {
      setBusy(false);
    }
  };
  const errorId = `trash-error-${record.id}`;
  return (
    <tr>
      <td>
        <div class="name-cell">
          <span class={`kind-icon kind-${record.kind}`} aria-hidden="true">
            <Icon name={KIND_INFO[record.kind].icon} size={16} />
          </span>
          <div>
            <span class="row-title">{record.display_name}</span>
            {record.company_name && record.kind !== "deal" && !record.is_company && (
              <div class="cell-sub">{record.company_name}</div>
            )}
            {error && (
              <p id={errorId} class="field-error" role="alert">
                {error}
              </p>
            )}
          </div>
        </div>
      </td>
      <td>
        <Badge value={record.kind} />
      </td>
      <td class="col-owner">{repName(team, record.deleted_by)}</td>
      <td class="col-date nowrap" data-label="Deleted">
        <RelativeTime iso={record.deleted_at} />
      </td>
      <td class="col-date nowrap" data-label="Erased on">
        {formatDate(record.erase_after)}
      </td>
      <td class="row-actions nowrap">
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          onClick={() => void restore()}
          disabled={busy}
          aria-label={`Restore ${record.display_name}`}
          aria-describedby={error ? errorId : undefined}
        >
          <Icon name="refresh" size={14} /> {busy ? "Restoring…" : "Restore"}
        </button>
        <button
          type="button"
          class="btn btn-danger-ghost btn-sm"
          onClick={onErase}
          aria-label={`Delete ${record.display_name} forever`}
        >
          <Icon name="trash" size={14} /> Delete forever
        </button>
      </td>
    </tr>
  );
}

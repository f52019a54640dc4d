/** One lead, contact or deal: details, edit, delete, and its activity feed. */

import { useEffect, useState } from "preact/hooks";
import { deleteRecord, getRecord, updateRecord } from "../api/endpoints";
import { ApiError } from "../api/client";
import type { CrmRecord, RecordFields } from "../api/types";
import { Avatar } from "../components/Avatar";
import { Badge } from "../components/Badge";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { EmptyState, ErrorState, Spinner } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { useNavSection } from "../components/Shell";
import { formatMoney } from "../format";
import { useAsync, useTitle } from "../hooks";
import { Link, navigate } from "../router";
import { mayReassignOrDelete, useTeam } from "../team";
import { Reminders } from "../reminders/Reminders";
import type { Composition } from "../center/email/compose";
import { Composer } from "../center/email/Composer";
import { ActivityFeed } from "./ActivityFeed";
import { DetailsCard } from "./DetailsCard";
import { KIND_INFO } from "./kinds";
import { RecordForm } from "./RecordForm";

export function RecordPage({ id }: { id: string }) {
  const loaded = useAsync((signal) => getRecord(id, signal), [id]);
  const [record, setRecord] = useState<CrmRecord | null>(null);
  useEffect(() => setRecord(loaded.data), [loaded.data]);
  useNavSection(record?.kind ?? null);

  useTitle(record?.display_name ?? null);

  if (loaded.loading && !record)
    return (
      <div class="page">
        <Spinner />
      </div>
    );
  if (loaded.error || !record) {
    return (
      <div class="page">
        {loaded.errorStatus === 404 ? (
          <EmptyState
            icon="search"
            title="This record does not exist"
            action={
              <Link href="/leads" class="btn btn-secondary">
                Back to leads
              </Link>
            }
          >
            It may have been deleted by a teammate.
          </EmptyState>
        ) : (
          <ErrorState message={loaded.error ?? "Not found"} onRetry={loaded.reload} />
        )}
      </div>
    );
  }
  return <RecordView record={record} onChange={setRecord} onReload={loaded.reload} />;
}

type ViewProps = { record: CrmRecord; onChange: (record: CrmRecord) => void; onReload: () => void };

function RecordView({ record, onChange, onReload }: ViewProps) {
  const info = KIND_INFO[record.kind];
  const team = useTeam();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [composing, setComposing] = useState<Composition | null>(null);
  const [sentEmails, setSentEmails] = useState(0); // the feed loads again with what was sent
  const emailTo = (address: string) =>
    setComposing({
      slot: `record:${record.id}:${address}`,
      title: `Email ${record.display_name}`,
      to: [address],
      cc: [],
      subject: "",
      text: "",
      recordId: record.id,
    });

  const save = async (body: RecordFields) => {
    try {
      onChange(await updateRecord(record.id, { ...body, version: record.version }));
      setEditing(false);
      setConflict(false);
    } catch (exc) {
      // A 409 is either a stale version (someone saved first) or a number/address that belongs
      // to another record. Only the first one means "reload"; the second is shown in the form.
      if (exc instanceof ApiError && exc.status === 409 && (await changedElsewhere(record))) {
        setEditing(false);
        setConflict(true);
        return;
      }
      throw exc;
    }
  };

  const subtitle =
    record.kind === "deal"
      ? formatMoney(record.amount, record.currency)
      : [record.title, record.is_company ? "" : record.company_name].filter(Boolean).join(" at ");

  return (
    <div class="page record-page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <Link href={info.path}>{info.plural}</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{record.display_name}</span>
      </nav>
      <header class="record-header">
        {record.kind === "deal" ? (
          <span class="kind-icon kind-deal kind-icon-lg" aria-hidden="true">
            <Icon name="deal" size={26} />
          </span>
        ) : (
          <Avatar name={record.display_name} size="lg" />
        )}
        <div class="record-title">
          <h1>{record.display_name}</h1>
          <div class="record-subtitle">
            <Badge value={record.kind} />
            <Badge value={record.kind === "deal" ? record.stage : record.status} />
            {subtitle && <span class="muted">{subtitle}</span>}
          </div>
        </div>
        <div class="page-actions">
          <button type="button" class="btn btn-secondary" onClick={() => setEditing(true)}>
            <Icon name="edit" size={16} /> Edit
          </button>
          {mayReassignOrDelete(team, record) && (
            <button type="button" class="btn btn-danger-ghost" onClick={() => setDeleting(true)}>
              <Icon name="trash" size={16} /> Delete
            </button>
          )}
        </div>
      </header>

      {conflict && (
        <div class="banner banner-warning" role="alert">
          <Icon name="alert" size={18} />
          <span>
            This {info.singular} was changed by someone else while you were editing. Your changes were not
            saved: reload to see the latest version, then edit again.
          </span>
          <button
            type="button"
            class="btn btn-secondary btn-sm"
            onClick={() => {
              setConflict(false);
              onReload();
            }}
          >
            <Icon name="refresh" size={14} /> Reload
          </button>
        </div>
      )}

      <Reminders kind="follow_up" on={{ record_id: record.id }} />
      <div class="record-layout">
        <DetailsCard record={record} onEmail={emailTo} />
        <ActivityFeed key={sentEmails} record={record} />
      </div>

      <Dialog open={editing} title={`Edit ${info.singular}`} onClose={() => setEditing(false)}>
        <RecordForm
          kind={record.kind}
          record={record}
          submitLabel="Save changes"
          onSubmit={save}
          onCancel={() => setEditing(false)}
        />
      </Dialog>
      <DeleteDialog record={record} open={deleting} onClose={() => setDeleting(false)} />
      <Composer composition={composing} onClose={() => setComposing(null)} onDone={() => setSentEmails((n) => n + 1)} />
    </div>
  );
}

async function changedElsewhere(record: CrmRecord): Promise<boolean> {
  try {
    return (await getRecord(record.id)).version !== record.version;
  } catch {
    return true; // deleted meanwhile: reloading shows it
  }
}

function DeleteDialog({ record, open, onClose }: { record: CrmRecord; open: boolean; onClose: () => void }) {
  const info = KIND_INFO[record.kind];
  return (
    <ConfirmDialog
      open={open}
      title={`Delete this ${info.singular}?`}
      confirmLabel={`Delete ${info.singular}`}
      busyLabel="Deleting…"
      onClose={onClose}
      onConfirm={async () => {
        await deleteRecord(record.id);
        navigate(info.path, { replace: true });
      }}
    >
      <p>
        <strong>{record.display_name}</strong> goes to the trash for 30 days: it leaves the lists and the
        search for everyone, and its numbers and addresses are freed (what they send meanwhile is unmatched).
      </p>
      <p>
        An admin can restore it with its history (calls, SMS, emails, notes) until then; after 30 days it is erased
        for good.
      </p>
    </ConfirmDialog>
  );
}

/** "New SMS" from the center (S3): find the lead or contact, choose one of their numbers, write, send. */

import { useState } from "preact/hooks";
import { getRecord } from "../../api/endpoints";
import type { Activity, CrmRecord } from "../../api/types";
import { Badge } from "../../components/Badge";
import { Dialog } from "../../components/Dialog";
import { ErrorState, Spinner } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { useAsync } from "../../hooks";
import { RecordPicker } from "../../records/RecordPicker";
import { RecordSmsComposer } from "./RecordSmsComposer";

type Props = { open: boolean; onClose: () => void; onSent: (message: Activity) => void };

export function NewSmsDialog({ open, onClose, onSent }: Props) {
  return (
    <Dialog open={open} title="New SMS" onClose={onClose}>
      <NewSms onSent={onSent} />
    </Dialog>
  );
}

function NewSms({ onSent }: { onSent: (message: Activity) => void }) {
  const [recordId, setRecordId] = useState<string | null>(null);
  return (
    <div class="dialog-body new-sms">
      {recordId ? (
        <PickedRecord id={recordId} onChange={() => setRecordId(null)} onSent={onSent} />
      ) : (
        <RecordPicker id="new-sms-record" label="To" autoFocus onPick={(hit) => setRecordId(hit.id)} />
      )}
    </div>
  );
}

type PickedProps = { id: string; onChange: () => void; onSent: (message: Activity) => void };

function PickedRecord({ id, onChange, onSent }: PickedProps) {
  const loaded = useAsync((signal) => getRecord(id, signal), [id]);
  if (loaded.loading) return <Spinner />;
  if (loaded.error || !loaded.data)
    return <ErrorState message={loaded.error ?? ""} onRetry={loaded.reload} />;
  const record: CrmRecord = loaded.data;
  return (
    <>
      <div class="picked-row">
        <Icon name={record.kind === "lead" ? "lead" : "contact"} size={16} />
        <strong>{record.display_name}</strong>
        <Badge value={record.kind} />
        <button type="button" class="btn btn-link btn-sm" onClick={onChange}>
          Change
        </button>
      </div>
      <RecordSmsComposer record={record} idPrefix="new-sms" autoFocus onSent={onSent} />
    </>
  );
}

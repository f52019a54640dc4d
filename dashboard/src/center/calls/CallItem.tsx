/**
 * One call in the Calls tab: a row (who, direction, when, how long, missed / voicemail / status,
 * recorded) that expands into its details, its summary and what can be done: call back, play or
 * delete the recording, open the record (C2), or for an unknown number Add to CRM, Add to
 * existing, Ignore (C3).
 */

import { useState } from "preact/hooks";
import { describeError } from "../../api/client";
import type { Activity, CallData, CallRow, CrmRecord } from "../../api/types";
import { Avatar } from "../../components/Avatar";
import { Badge } from "../../components/Badge";
import { Icon } from "../../components/Icon";
import { RelativeTime } from "../../components/Time";
import { formatDuration, formatPhone } from "../../format";
import { CallButton } from "../../phone/PhonePanel";
import { sentence } from "../../records/fields";
import { recordPath } from "../../records/kinds";
import { Link } from "../../router";
import { useTeam } from "../../team";
import { type IgnoreScope, UnmatchedButtons, changeIgnoring, ignoringNotice } from "../ignoring";
import type { Outcome } from "../OutcomeNotice";
import { AddToCrmDialog, AddToExistingDialog } from "../UnmatchedDialogs";
import { CallRecording, withRecordingOf } from "./CallRecording";
import { SavedCallSummary } from "./SavedCallSummary";
import { SummariseCall } from "./SummariseCall";

type Props = {
  row: CallRow;
  expanded: boolean;
  onToggle: () => void;
  /** The call's number left this section (ignored, added to a record): every call with it goes. */
  onRemoved: (handle: string, outcome: Outcome) => void;
  /** The call changed here (its recording deleted): the list keeps the new version. */
  onChanged: (call: Activity) => void;
};

const STATUS_LABELS: Record<string, string> = {
  busy: "Busy",
  "no-answer": "No answer",
  failed: "Failed",
  canceled: "Canceled",
  ringing: "Ringing",
  "in-progress": "In progress",
  queued: "Queued",
  initiated: "Calling",
};

export function callData(row: CallRow): CallData {
  return row.call.data as CallData;
}

/** The other party's number, or null when the caller withheld it. */
function remoteNumber(data: CallData): string | null {
  return data.remote && data.remote.startsWith("+") ? data.remote : null;
}

export function callerName(row: CallRow): string {
  const number = remoteNumber(callData(row));
  return row.record?.display_name || (number ? formatPhone(number) : "Unknown caller");
}

export function CallItem({ row, expanded, onToggle, onRemoved, onChanged }: Props) {
  const { call, record } = row;
  const data = callData(row);
  const name = callerName(row);
  const number = remoteNumber(data);
  const panelId = `call-panel-${call.id}`;
  const inbound = call.direction === "inbound";
  const status = data.missed ? null : STATUS_LABELS[data.status];
  return (
    <li class={expanded ? "sms-conv call-item expanded" : "sms-conv call-item"} data-call={data.call_sid}>
      <button
        type="button"
        class="sms-conv-head"
        aria-expanded={expanded}
        aria-controls={panelId}
        onClick={onToggle}
      >
        {record ? (
          <Avatar name={record.display_name} size="sm" />
        ) : (
          <span class="kind-icon kind-unknown" aria-hidden="true">
            <Icon name="phone" size={16} />
          </span>
        )}
        <span class="sms-conv-who">
          <span class="sms-conv-name">{name}</span>
          {record && number && <span class="sms-conv-number">{formatPhone(number)}</span>}
        </span>
        <span class={data.missed ? "call-direction missed" : "call-direction"}>
          <Icon name={data.missed ? "phoneMissed" : inbound ? "inbound" : "outbound"} size={14} />
          {data.missed ? "Missed call" : inbound ? "Incoming call" : "Outgoing call"}
          {data.duration ? <span class="muted"> · {formatDuration(data.duration)}</span> : null}
        </span>
        <span class="sms-conv-side">
          {data.missed && <Badge value="missed" label="Missed" />}
          {data.voicemail && <Badge value="voicemail" label="Voicemail" />}
          {status && <Badge value={data.status} label={status} />}
          {data.recording && !data.recording.deleted_at && (
            <span class="call-recorded" title={data.voicemail ? "Voicemail recorded" : "Recorded"}>
              <Icon name="recording" size={14} />
              <span class="sr-only">{data.voicemail ? "Voicemail recorded" : "Recorded"}</span>
            </span>
          )}
          {record?.status && <Badge value={record.status} />}
          <RelativeTime iso={call.occurred_at} />
        </span>
      </button>
      {expanded && <CallPanel {...{ row, onRemoved, onChanged, panelId, name, number }} />}
    </li>
  );
}

type PanelProps = Omit<Props, "expanded" | "onToggle"> & { panelId: string; name: string; number: string | null };

function CallPanel({ row, onRemoved, onChanged, panelId, name, number }: PanelProps) {
  const { call, record } = row;
  const data = callData(row);
  const [dialog, setDialog] = useState<"crm" | "existing" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { me } = useTeam();
  const handle = call.handle ?? (number ? `phone:${number}` : null);
  const shown = number ? formatPhone(number) : name;

  const setIgnored = async (ignored: boolean, scope: IgnoreScope = "own") => {
    if (!handle) return;
    setBusy(true);
    setError(null);
    try {
      await changeIgnoring(handle, ignored, scope, me.role === "admin");
      onRemoved(handle, { text: ignoringNotice(shown, ignored, scope) });
    } catch (exc) {
      setError(sentence(describeError(exc)));
      setBusy(false);
    }
  };

  const addedTo = (added: CrmRecord, verb: string) => {
    setDialog(null);
    if (handle) {
      onRemoved(handle, {
        text: `${shown} ${verb} ${added.display_name}. Its calls are now under Matched.`,
        record: added,
      });
    }
  };

  return (
    <div id={panelId} class="sms-conv-body" role="region" aria-label={`Call with ${name}`}>
      <div class="sms-conv-actions">
        {number && (
          <CallButton number={number} record={record} label="Call back" class="btn btn-primary btn-sm" />
        )}
        {record ? (
          <Link href={recordPath(record.id)} class="btn btn-secondary btn-sm">
            <Icon name={record.kind} size={14} /> Open {record.kind}
          </Link>
        ) : !handle ? null : row.section === "ignored" ? (
          <button
            type="button"
            class="btn btn-secondary btn-sm"
            disabled={busy}
            onClick={() => void setIgnored(false)}
          >
            Stop ignoring
          </button>
        ) : (
          <UnmatchedButtons
            busy={busy}
            onAdd={() => setDialog("crm")}
            onExisting={() => setDialog("existing")}
            onIgnore={(scope) => void setIgnored(true, scope)}
          />
        )}
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <CallFacts data={data} />
      <SavedCallSummary summary={data.summary ?? undefined} />
      <SummariseCall
        call={call}
        title={`${call.direction === "inbound" ? "Call from" : "Call to"} ${name}`}
        record={record ? { id: record.id, kind: record.kind, display_name: record.display_name } : null}
        onSaved={onChanged}
      />
      <CallRecording call={call} who={name} onDeleted={(answer) => onChanged(withRecordingOf(call, answer))} />
      {number && handle && !record && (
        <>
          <AddToCrmDialog
            unknown={{ number, handle }}
            open={dialog === "crm"}
            onClose={() => setDialog(null)}
            onDone={(added) => addedTo(added, `was added as a ${added.kind}:`)}
          />
          <AddToExistingDialog
            unknown={{ number, handle }}
            open={dialog === "existing"}
            onClose={() => setDialog(null)}
            onDone={(added) => addedTo(added, "was added to")}
          />
        </>
      )}
    </div>
  );
}

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function CallFacts({ data }: { data: CallData }) {
  const answeredBy =
    data.answered_by === "browser"
      ? "You, in the browser"
      : data.answered_by === "forward"
        ? "Your forwarding number"
        : data.voicemail
          ? "Voicemail"
          : "Nobody";
  return (
    <dl class="call-facts">
      <div>
        <dt>From</dt>
        <dd>{formatPhone(data.from) || "Withheld"}</dd>
      </div>
      <div>
        <dt>To</dt>
        <dd>{formatPhone(data.to)}</dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>{data.started_at ? exact.format(new Date(data.started_at)) : "—"}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>{data.duration ? formatDuration(data.duration) : "—"}</dd>
      </div>
      <div>
        <dt>Answered by</dt>
        <dd>{answeredBy}</dd>
      </div>
    </dl>
  );
}

/**
 * The softphone's face: a button in the top bar (status at a glance) and a panel docked at the
 * bottom right with, in turn, the ringing call, the call in progress, its summary, or the
 * dialer. The panel opens by itself when a call rings, starts or ends.
 */

import { useEffect, useState } from "preact/hooks";
import { getRecord } from "../api/endpoints";
import type { CrmRecord } from "../api/types";
import { Badge, capitalize } from "../components/Badge";
import { ErrorState, Spinner } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { formatDuration, formatPhone } from "../format";
import { useAsync } from "../hooks";
import { oneLineAddress } from "../records/HitDetail";
import { RecordPicker } from "../records/RecordPicker";
import { useTeam } from "../team";
import { CallScriptReader } from "./CallScriptReader";
import { CallSummary } from "./CallSummary";
import { partyName, usePhone, type LiveCall } from "./PhoneProvider";

const AVAILABILITY_LABELS = {
  offline: "Offline",
  starting: "Connecting…",
  online: "Online",
  not_configured: "Not set up",
} as const;

/** Seconds since `start`, ticking every second. */
function useElapsed(start: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (start === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [start]);
  return start === null ? 0 : Math.max(0, (now - start) / 1000);
}

export function PhoneButton() {
  const phone = usePhone();
  const status = phone.call
    ? phone.call.stage === "ringing"
      ? "Ringing"
      : "On a call"
    : AVAILABILITY_LABELS[phone.availability];
  return (
    <button
      type="button"
      id="phone-toggle"
      class={`btn btn-ghost btn-sm phone-toggle phone-${phone.call ? "busy" : phone.availability}`}
      aria-expanded={phone.panelOpen}
      aria-controls="softphone"
      onClick={() => phone.setPanelOpen(!phone.panelOpen)}
    >
      <Icon name="phone" size={16} />
      <span>Phone</span>
      <span class="phone-status">
        <span class="phone-dot" aria-hidden="true" />
        {status}
      </span>
    </button>
  );
}

export function PhonePanel() {
  const phone = usePhone();
  const { me } = useTeam();
  const { call, finished } = phone;
  // Escape puts the panel away (a call goes on) and gives the focus back to the Phone button.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    phone.setPanelOpen(false);
    document.getElementById("phone-toggle")?.focus();
  };
  return (
    <section
      id="softphone"
      class="phone-panel"
      aria-label="Phone"
      hidden={!phone.panelOpen}
      onKeyDown={onKeyDown}
    >
      <header class="phone-header">
        <h2>Phone</h2>
        {me.twilio_number && <span class="muted">{formatPhone(me.twilio_number)}</span>}
        <button
          type="button"
          class="icon-btn push-right"
          aria-label="Close the phone"
          onClick={() => phone.setPanelOpen(false)}
        >
          <Icon name="close" size={16} />
        </button>
      </header>
      <div class="phone-body">
        {!me.twilio_number ? (
          <p class="phone-note">You have no phone number yet. Ask an admin to assign one to you.</p>
        ) : (
          <>
            <Availability />
            {phone.problem && (
              <p class="field-error" role="alert">
                {phone.problem}
              </p>
            )}
            {call?.stage === "ringing" ? (
              <IncomingCall call={call} canForward={Boolean(me.forwarding_number)} />
            ) : call ? (
              <InCall call={call} />
            ) : finished ? (
              <CallSummary call={finished} onClose={phone.closeSummary} />
            ) : (
              phone.availability !== "not_configured" && <Dialer />
            )}
          </>
        )}
      </div>
    </section>
  );
}

function Availability() {
  const phone = usePhone();
  if (phone.availability === "not_configured") {
    return (
      <div class="phone-note" role="status">
        <Icon name="alert" size={16} />
        <div class="phone-setup">
          <p>
            <strong>Browser calling is not set up</strong> on this stack: the phone stays offline, and calls to your
            number go to your forwarding number or voicemail.
          </p>
          {phone.missing.length ? (
            <>
              <p>An admin sets (environment variable, or template parameter in AWS):</p>
              <ul class="phone-setup-list">
                {phone.missing.map((setting) => (
                  <li key={setting.name}>
                    <code>{setting.name}</code> ({setting.parameter}): {setting.meaning}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>It needs Twilio credentials (the account, an API key and its secret, a TwiML App) in its settings.</p>
          )}
        </div>
      </div>
    );
  }
  return (
    <label class="switch phone-online">
      <input
        type="checkbox"
        checked={phone.availability === "online" || phone.availability === "starting"}
        disabled={phone.availability === "starting"}
        onChange={(event) => {
          if ((event.target as HTMLInputElement).checked) void phone.goOnline();
          else phone.goOffline();
        }}
      />
      <span class="switch-track" aria-hidden="true" />
      Receive calls in this browser
      <span class="muted">· {AVAILABILITY_LABELS[phone.availability]}</span>
    </label>
  );
}

/** Decline: the caller gets voicemail (or the unavailable message). Send to forwarding: your other phone rings. */
function IncomingCall({ call, canForward }: { call: LiveCall; canForward: boolean }) {
  const phone = usePhone();
  // The call rings on while the API hears of the decline: one answer per call.
  const [declining, setDeclining] = useState(false);
  return (
    <div class="phone-call" role="alert" aria-label="Incoming call">
      <p class="phone-call-kind">
        <Icon name="inbound" size={14} /> Incoming call
      </p>
      <PartyLine call={call} />
      <div class="phone-actions">
        <button type="button" class="btn btn-primary" disabled={declining} onClick={phone.accept}>
          <Icon name="phone" size={16} /> Accept
        </button>
        <button
          type="button"
          class="btn btn-danger-ghost"
          disabled={declining}
          onClick={() => {
            setDeclining(true);
            void phone.decline();
          }}
        >
          {declining ? "Declining…" : "Decline"}
        </button>
        {canForward && (
          <button type="button" class="btn btn-secondary" disabled={declining} onClick={phone.sendOn}>
            Send to forwarding
          </button>
        )}
      </div>
    </div>
  );
}

function PartyLine({ call }: { call: LiveCall }) {
  const { party } = call;
  return (
    <div class="phone-party">
      <strong class="phone-party-name">{partyName(party)}</strong>
      {party.record && <span class="muted">{formatPhone(party.number)}</span>}
    </div>
  );
}

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

function InCall({ call }: { call: LiveCall }) {
  const phone = usePhone();
  const [keypad, setKeypad] = useState(false);
  const [pressed, setPressed] = useState("");
  const elapsed = useElapsed(call.answeredAt);
  return (
    <div class="phone-call">
      <p class="phone-call-kind">
        <Icon name={call.direction === "inbound" ? "inbound" : "outbound"} size={14} />
        {call.direction === "inbound" ? "Incoming call" : "Outgoing call"}
      </p>
      <PartyLine call={call} />
      <p class="phone-timer" role="timer" aria-label="Call duration">
        {call.stage === "connecting" ? "Calling…" : formatDuration(elapsed)}
      </p>
      <div class="phone-actions">
        <button
          type="button"
          class={call.muted ? "btn btn-secondary active" : "btn btn-secondary"}
          aria-pressed={call.muted}
          onClick={() => phone.setMuted(!call.muted)}
        >
          {call.muted ? "Muted" : "Mute"}
        </button>
        <button
          type="button"
          class="btn btn-secondary"
          aria-expanded={keypad}
          aria-controls="phone-keypad"
          onClick={() => setKeypad(!keypad)}
        >
          Keypad
        </button>
        <button type="button" class="btn btn-danger" onClick={phone.hangUp}>
          Hang up
        </button>
      </div>
      {keypad && (
        <div id="phone-keypad" class="phone-keypad" role="group" aria-label="Keypad">
          {KEYS.map((key) => (
            <button
              key={key}
              type="button"
              class="btn btn-secondary"
              onClick={() => {
                phone.sendDigit(key);
                setPressed((text) => text + key);
              }}
            >
              {key}
            </button>
          ))}
          {pressed && (
            <p class="phone-digits" aria-label="Digits sent">
              {pressed}
            </p>
          )}
        </div>
      )}
      <CallScriptReader />
      <div class="field">
        <label for="phone-notes">Notes</label>
        <textarea
          id="phone-notes"
          class="input"
          rows={3}
          value={call.notes}
          placeholder="What was said, what to do next…"
          onInput={(event) => phone.setNotes((event.target as HTMLTextAreaElement).value)}
        />
      </div>
    </div>
  );
}

/** Outgoing calls from the phone (C4): find the lead or contact, pick one of their numbers. */
function Dialer() {
  const [recordId, setRecordId] = useState<string | null>(null);
  return recordId ? (
    <PickedNumbers id={recordId} onChange={() => setRecordId(null)} />
  ) : (
    <RecordPicker id="dial-record" label="Call a lead or contact" onPick={(hit) => setRecordId(hit.id)} />
  );
}

function PickedNumbers({ id, onChange }: { id: string; onChange: () => void }) {
  const loaded = useAsync((signal) => getRecord(id, signal), [id]);
  if (loaded.loading) return <Spinner />;
  if (loaded.error || !loaded.data) return <ErrorState message={loaded.error ?? ""} onRetry={loaded.reload} />;
  const record: CrmRecord = loaded.data;
  // Where they are tells people with the same name apart (search finds them by address too).
  const address = record.address ? oneLineAddress(record.address) : "";
  return (
    <div class="phone-picked">
      <div class="picked-row">
        <Icon name={record.kind === "lead" ? "lead" : "contact"} size={16} />
        <strong>{record.display_name}</strong>
        <Badge value={record.kind} />
        <button type="button" class="btn btn-link btn-sm" onClick={onChange}>
          Change
        </button>
      </div>
      {address && <p class="muted phone-picked-address">{address}</p>}
      {record.phones.length ? (
        <ul class="plain phone-numbers" aria-label={`Numbers of ${record.display_name}`}>
          {record.phones.map((phone) => (
            <li key={phone.number}>
              <span>{formatPhone(phone.number)}</span>
              <span class="detail-label">{capitalize(phone.label)}</span>
              <CallButton number={phone.number} record={record} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="phone-note">{record.display_name} has no phone number yet.</p>
      )}
    </div>
  );
}

type CallButtonProps = {
  number: string;
  record: Pick<CrmRecord, "id" | "kind" | "display_name"> | null;
  label?: string;
  class?: string;
};

/** Calls a number through the softphone; every Call and Call back button of the app is this one. */
export function CallButton({ number, record, label = "Call", class: className }: CallButtonProps) {
  const phone = usePhone();
  const { me } = useTeam();
  const busy = phone.call !== null;
  const unusable = !me.twilio_number || phone.availability === "not_configured";
  return (
    <button
      type="button"
      class={className ?? "btn btn-secondary btn-sm"}
      aria-label={`${label} ${formatPhone(number)}`}
      title={busy ? "You are already on a call" : unusable ? "Browser calling is not set up" : undefined}
      disabled={busy}
      onClick={() => {
        if (unusable) phone.setPanelOpen(true); // the panel says why
        else void phone.dial(number, record && { id: record.id, kind: record.kind, display_name: record.display_name });
      }}
    >
      <Icon name="phone" size={14} /> {label}
    </button>
  );
}

/**
 * Reminders on what the rep is looking at (a record, an SMS conversation, an email): a button that
 * opens the picker (Tomorrow, In 3 days, Next week, or a date, and an optional note) and the
 * reminders still to fire there, each with Cancel. One the server gave up on (its email failed
 * every try) stays listed with the reason, and Dismiss. Reminders fire at 08:00 of the rep's day.
 */

import { useState } from "preact/hooks";
import { describeError } from "../api/client";
import { cancelReminder, createReminder, listReminders, type ReminderTarget } from "../api/endpoints";
import type { Reminder } from "../api/types";
import { Icon } from "../components/Icon";
import { formatDateTime } from "../components/Time";
import { useAsync } from "../hooks";
import "./reminders.css";

/** What the rep asks for here: a follow-up (record, conversation), reply by (an email received),
 * no reply (an email sent: an alert if nobody answers by then). */
export type AskedKind = "follow_up" | "reply_by" | "no_reply";

const ASK: Record<AskedKind, string> = {
  follow_up: "Remind me",
  reply_by: "Remind me to reply",
  no_reply: "Alert me if no reply",
};

const KIND_LABEL: Record<Reminder["kind"], string> = {
  follow_up: "Follow up",
  reply_by: "Reply by",
  no_reply: "No reply by",
  task_due: "Task due",
};

const CHOICES: { when: string; label: string }[] = [
  { when: "tomorrow", label: "Tomorrow" },
  { when: "in_3_days", label: "In 3 days" },
  { when: "next_week", label: "Next week" },
];

const NOTE_LENGTH = 500;

type Props = { kind: AskedKind; on: ReminderTarget; label?: string };

export function Reminders({ kind, on, label }: Props) {
  const key = JSON.stringify(on);
  const listed = useAsync((signal) => listReminders(on, signal), [key]);
  const [picking, setPicking] = useState(false);
  const items = listed.data?.items ?? [];
  const title = label ?? ASK[kind];
  return (
    <section class="reminders" aria-label="Reminders">
      <div class="reminders-bar">
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          aria-expanded={picking}
          onClick={() => setPicking(!picking)}
        >
          <Icon name="clock" size={14} /> {title}
        </button>
        {listed.error && (
          <span class="field-error" role="alert">
            Reminders could not be loaded: {listed.error}
          </span>
        )}
      </div>
      {picking && (
        <ReminderPicker
          kind={kind}
          on={on}
          title={title}
          onDone={() => {
            setPicking(false);
            listed.reload();
          }}
          onCancel={() => setPicking(false)}
        />
      )}
      {items.length > 0 && (
        <ul class="reminder-list" aria-label="Pending reminders">
          {items.map((reminder) => (
            <ReminderRow key={reminder.id} reminder={reminder} onGone={listed.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Today in the browser's zone, as YYYY-MM-DD (the earliest day a date can be). */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

type PickerProps = { kind: AskedKind; on: ReminderTarget; title: string; onDone: () => void; onCancel: () => void };

function ReminderPicker({ kind, on, title, onDone, onCancel }: PickerProps) {
  const [when, setWhen] = useState("tomorrow");
  const [date, setDate] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const picksDate = when === "date";
  const submit = async (event: Event) => {
    event.preventDefault();
    if (picksDate && !date) {
      setError("Pick a date.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await createReminder({ kind, when: picksDate ? date : when, note: note.trim() || null, ...on });
      onDone();
    } catch (exc) {
      setError(describeError(exc));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="reminder-picker" aria-label={title} onSubmit={(event) => void submit(event)}>
      <div class="chips" role="group" aria-label="When">
        {CHOICES.map((choice) => (
          <button
            key={choice.when}
            type="button"
            class={when === choice.when ? "chip-btn active" : "chip-btn"}
            aria-pressed={when === choice.when}
            onClick={() => setWhen(choice.when)}
          >
            {choice.label}
          </button>
        ))}
        <button
          type="button"
          class={picksDate ? "chip-btn active" : "chip-btn"}
          aria-pressed={picksDate}
          onClick={() => setWhen("date")}
        >
          <Icon name="calendar" size={13} /> Pick a date
        </button>
      </div>
      {picksDate && (
        <label class="reminder-field">
          <span>Date</span>
          <input
            type="date"
            class="input"
            min={today()}
            value={date}
            onInput={(event) => setDate(event.currentTarget.value)}
          />
        </label>
      )}
      <label class="reminder-field">
        <span>Note (optional)</span>
        <input
          type="text"
          class="input"
          maxLength={NOTE_LENGTH}
          value={note}
          placeholder="What to do then"
          onInput={(event) => setNote(event.currentTarget.value)}
        />
      </label>
      <p class="muted reminder-hint">It arrives by email at 8:00 that morning.</p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="reminder-actions">
        <button type="submit" class="btn btn-primary btn-sm" disabled={busy}>
          {busy ? "Setting…" : "Set reminder"}
        </button>
        <button type="button" class="btn btn-ghost btn-sm" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ReminderRow({ reminder, onGone }: { reminder: Reminder; onGone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const failed = reminder.state === "failed";
  const when = formatDateTime(reminder.due_at);
  const verb = failed ? "Dismiss" : "Cancel";
  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      await cancelReminder(reminder.id);
      onGone();
    } catch (exc) {
      setError(describeError(exc));
      setBusy(false);
    }
  };
  return (
    <li class={failed ? "reminder-row failed" : "reminder-row"} data-state={reminder.state}>
      <Icon name={failed ? "alert" : "clock"} size={14} />
      <div class="reminder-text">
        <span>
          <strong>{KIND_LABEL[reminder.kind]}</strong> {when}
        </span>
        {reminder.note && <span class="reminder-note">{reminder.note}</span>}
        {failed && <span class="reminder-error">Not sent: {reminder.error || "the email failed"}</span>}
        {reminder.state === "firing" && <span class="muted">Sending now</span>}
        {error && (
          <span class="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
      {reminder.state !== "firing" && (
        <button
          type="button"
          class="btn btn-ghost btn-sm"
          aria-label={`${verb} reminder: ${KIND_LABEL[reminder.kind]} ${when}`}
          disabled={busy}
          onClick={() => void cancel()}
        >
          {verb}
        </button>
      )}
    </li>
  );
}

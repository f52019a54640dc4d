/**
 * The call summary (C8), asked for after every call the rep took or placed: an outcome from the
 * team's list, notes (what was typed during the call), an optional follow-up date. Saved, for
 * now, as a note on the lead or contact.
 */

import { useState } from "preact/hooks";
import { describeError } from "../api/client";
import { addNote, getCallOutcomes } from "../api/endpoints";
import { formatDate } from "../components/Time";
import { formatDuration } from "../format";
import { useAsync } from "../hooks";
import { SelectField, TextField, sentence } from "../records/fields";
import { recordPath } from "../records/kinds";
import { Link } from "../router";
import { partyName, type FinishedCall } from "./PhoneProvider";

type Props = { call: FinishedCall; onClose: () => void };

/** The note's text: its first line is what the feed shows as the note's summary. */
export function summaryText(call: FinishedCall, outcome: string, notes: string, followUp: string): string {
  const kind = call.direction === "inbound" ? "Incoming call" : "Outgoing call";
  const length = call.answered ? formatDuration(call.seconds) : "not answered";
  return [
    `Call summary — ${kind}, ${length}`,
    `Outcome: ${outcome}`,
    followUp ? `Follow-up: ${formatDate(followUp)}` : "",
    notes.trim() ? `\n${notes.trim()}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

export function CallSummary({ call, onClose }: Props) {
  const outcomes = useAsync((signal) => getCallOutcomes(signal), []);
  const [outcome, setOutcome] = useState("");
  const [notes, setNotes] = useState(call.notes);
  const [followUp, setFollowUp] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const record = call.party.record;
  const choices = outcomes.data?.items ?? [];
  const chosen = outcome || choices[0] || "";

  const save = async (event: Event) => {
    event.preventDefault();
    if (!record || !chosen) return;
    setBusy(true);
    setError(null);
    try {
      await addNote(record.id, summaryText(call, chosen, notes, followUp));
      setSaved(true);
    } catch (exc) {
      setError(sentence(describeError(exc)));
    } finally {
      setBusy(false);
    }
  };

  const heading = `${call.direction === "inbound" ? "Call from" : "Call to"} ${partyName(call.party)}`;
  if (saved && record) {
    return (
      <div class="phone-summary" role="status">
        <p>
          The summary is saved on <Link href={recordPath(record.id)}>{record.display_name}</Link>.
        </p>
        <button type="button" class="btn btn-secondary btn-sm" onClick={onClose}>
          Done
        </button>
      </div>
    );
  }
  return (
    <form class="phone-summary" aria-label="Call summary" onSubmit={save}>
      <h3>{heading}</h3>
      <p class="muted">{call.answered ? `Lasted ${formatDuration(call.seconds)}` : "Not answered"}</p>
      {!record ? (
        <p class="phone-note">
          This number is not in the CRM, so there is no record to keep a summary on. Add it from Calls ›
          Unmatched.
        </p>
      ) : (
        <>
          {outcomes.error ? (
            <p class="field-error" role="alert">
              {outcomes.error}
            </p>
          ) : (
            <SelectField
              id="summary-outcome"
              label="Outcome"
              value={chosen}
              onChange={setOutcome}
              options={choices.map((item) => ({ value: item, label: item }))}
            />
          )}
          <div class="field">
            <label for="summary-notes">Notes</label>
            <textarea
              id="summary-notes"
              class="input"
              rows={3}
              value={notes}
              onInput={(event) => setNotes((event.target as HTMLTextAreaElement).value)}
            />
          </div>
          <TextField
            id="summary-follow-up"
            label="Follow-up date (optional)"
            type="date"
            value={followUp}
            onInput={setFollowUp}
          />
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
      <footer class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          {record ? "Skip" : "Close"}
        </button>
        {record && (
          <button type="submit" class="btn btn-primary" disabled={busy || !chosen}>
            {busy ? "Saving…" : "Save summary"}
          </button>
        )}
      </footer>
    </form>
  );
}

/**
 * The call summary (C8), asked for after every call the rep took or placed: an outcome from the
 * team's list, notes (what was typed during the call) and, when the caller is a lead or contact,
 * a follow-up task. It is saved on the call itself (PUT /api/calls/{sid}/summary), so a caller
 * not in the CRM gets one too; saving again replaces it.
 *
 * The API can also file the call under a deal, but nothing lists a person's deals yet, so the
 * form offers no deal to choose.
 */

import { useEffect, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { getCallOutcomes, saveCallSummary } from "../api/endpoints";
import type { CallSummaryInput } from "../api/types";
import { formatDateTime } from "../components/Time";
import { formatDuration, localDateTimeIso } from "../format";
import { useAsync } from "../hooks";
import { SelectField, TextField, sentence } from "../records/fields";
import { recordPath } from "../records/kinds";
import { Link } from "../router";
import { partyName, type FinishedCall } from "./PhoneProvider";

type Props = { call: FinishedCall; onClose: () => void };

/** What the rep types for a follow-up task; the date and time are the browser's own. */
type FollowUpDraft = { wanted: boolean; title: string; date: string; time: string };

const NO_FOLLOW_UP: FollowUpDraft = { wanted: false, title: "", date: "", time: "09:00" };

/** The API's refusal, next to the field it concerns (the form's own line for anything else). */
type Problems = Partial<Record<"outcome" | "notes" | "follow_up" | "form", string>>;

const FIELD_IDS = { outcome: "summary-outcome", notes: "summary-notes", follow_up: "summary-follow-up-title" };

function problemsOf(exc: unknown): Problems {
  if (exc instanceof ApiError && exc.status === 400) {
    const field = (["outcome", "notes", "follow_up"] as const).find((name) => name in exc.fields);
    if (field) return { [field]: sentence(exc.message) };
  }
  return { form: sentence(describeError(exc)) };
}

export function CallSummary({ call, onClose }: Props) {
  const outcomes = useAsync((signal) => getCallOutcomes(signal), []);
  const [outcome, setOutcome] = useState("");
  const [notes, setNotes] = useState(call.notes);
  const [followUp, setFollowUp] = useState<FollowUpDraft>(NO_FOLLOW_UP);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<CallSummaryInput | null>(null);
  const record = call.party.record;
  const choices = outcomes.data?.items ?? [];
  const chosen = outcome || choices[0] || "";

  // A refused save takes the rep to the field the API named.
  useEffect(() => {
    const field = (["outcome", "notes", "follow_up"] as const).find((name) => problems[name]);
    if (field) document.getElementById(FIELD_IDS[field])?.focus();
  }, [problems]);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!call.callSid || !chosen) return;
    const summary: CallSummaryInput = {
      outcome: chosen,
      notes,
      deal_id: null,
      subject: "",
      // The API checks the title and the date: what the rep typed goes as typed.
      follow_up:
        record && followUp.wanted
          ? { title: followUp.title, due_at: localDateTimeIso(followUp.date, followUp.time) }
          : null,
    };
    setBusy(true);
    setProblems({});
    try {
      await saveCallSummary(call.callSid, summary);
      setSaved(summary);
    } catch (exc) {
      setProblems(problemsOf(exc));
    } finally {
      setBusy(false);
    }
  };

  if (saved) return <SavedSummary call={call} summary={saved} onClose={onClose} />;
  const heading = `${call.direction === "inbound" ? "Call from" : "Call to"} ${partyName(call.party)}`;
  const usable = Boolean(call.callSid);
  return (
    <form class="phone-summary" aria-label="Call summary" onSubmit={save} noValidate>
      <h3>{heading}</h3>
      <p class="muted">{call.answered ? `Lasted ${formatDuration(call.seconds)}` : "Not answered"}</p>
      {!usable ? (
        <p class="phone-note">Twilio did not name this call to the browser, so there is no call to keep a summary on.</p>
      ) : (
        <>
          {outcomes.error ? (
            <p class="field-error" role="alert">
              {outcomes.error}
            </p>
          ) : (
            <SelectField
              id={FIELD_IDS.outcome}
              label="Outcome"
              value={chosen}
              onChange={setOutcome}
              error={problems.outcome}
              options={choices.map((item) => ({ value: item, label: item }))}
            />
          )}
          <NotesField value={notes} onInput={setNotes} error={problems.notes} />
          {record ? (
            <FollowUpFields draft={followUp} onChange={setFollowUp} error={problems.follow_up} />
          ) : (
            <p class="hint">
              This number is not in the CRM: the summary stays with its calls under Calls › Unmatched. A follow-up
              task needs a lead or contact.
            </p>
          )}
          {problems.form && (
            <p class="field-error" role="alert">
              {problems.form}
            </p>
          )}
        </>
      )}
      <footer class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          {usable ? "Skip" : "Close"}
        </button>
        {usable && (
          <button type="submit" class="btn btn-primary" disabled={busy || !chosen}>
            {busy ? "Saving…" : "Save summary"}
          </button>
        )}
      </footer>
    </form>
  );
}

function NotesField({ value, onInput, error }: { value: string; onInput: (notes: string) => void; error?: string }) {
  return (
    <div class="field">
      <label for={FIELD_IDS.notes}>Notes</label>
      <textarea
        id={FIELD_IDS.notes}
        class={error ? "input invalid" : "input"}
        rows={3}
        value={value}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? "summary-notes-error" : undefined}
        onInput={(event) => onInput((event.target as HTMLTextAreaElement).value)}
      />
      {error && (
        <p id="summary-notes-error" class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

type FollowUpProps = { draft: FollowUpDraft; onChange: (draft: FollowUpDraft) => void; error?: string };

/** An optional task on the lead or contact, due at a date and time of the rep's own zone. */
function FollowUpFields({ draft, onChange, error }: FollowUpProps) {
  const change = (part: Partial<FollowUpDraft>) => onChange({ ...draft, ...part });
  return (
    <fieldset class="summary-follow-up" aria-describedby={error ? "summary-follow-up-error" : undefined}>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={draft.wanted}
          onChange={(event) => change({ wanted: (event.target as HTMLInputElement).checked })}
        />
        Add a follow-up task
      </label>
      {draft.wanted && (
        <>
          <TextField
            id={FIELD_IDS.follow_up}
            label="Task"
            value={draft.title}
            placeholder="Send the quote"
            onInput={(title) => change({ title })}
          />
          <div class="field-row">
            <TextField
              id="summary-follow-up-date"
              label="Due date"
              type="date"
              value={draft.date}
              onInput={(date) => change({ date })}
            />
            <TextField
              id="summary-follow-up-time"
              label="Time"
              type="time"
              value={draft.time}
              onInput={(time) => change({ time })}
            />
          </div>
        </>
      )}
      {error && (
        <p id="summary-follow-up-error" class="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function SavedSummary({ call, summary, onClose }: { call: FinishedCall; summary: CallSummaryInput; onClose: () => void }) {
  const record = call.party.record;
  return (
    <div class="phone-summary" role="status">
      <p>
        {record ? (
          <>
            The summary is saved on the call with <Link href={recordPath(record.id)}>{record.display_name}</Link>.
          </>
        ) : (
          <>The summary is saved on the call, under Calls › Unmatched.</>
        )}
      </p>
      {summary.follow_up && (
        <p class="muted">
          Follow-up task “{summary.follow_up.title.trim()}”, due {formatDateTime(summary.follow_up.due_at)}.
        </p>
      )}
      <button type="button" class="btn btn-secondary btn-sm" onClick={onClose}>
        Done
      </button>
    </div>
  );
}

/**
 * The call summary (C8): an outcome from the team's list, the deal the call was about (found by
 * searching deals, then a subject is required), notes and, when the caller is a lead or contact,
 * a follow-up task. It is saved on the call itself (PUT /api/calls/{sid}/summary), so a caller
 * not in the CRM gets one too; a call filed under a deal shows in the deal's feed as well.
 * Saving again replaces it.
 *
 * One form, wherever a call is summarised: the softphone asks for it after every call the rep
 * took or placed (`CallSummary`, starting from the notes typed during the call); a Calls-tab row
 * and a feed entry open it in a dialog for any call of the rep's, answered in the browser, on
 * the forwarding number or missed, and to edit a saved summary (`SummaryForm`, starting from it).
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { getCallOutcomes, getRecord, saveCallSummary } from "../api/endpoints";
import type { Activity, CallSummary as SavedCallSummary, CallSummaryInput, SearchHit } from "../api/types";
import { Icon } from "../components/Icon";
import { formatDateTime } from "../components/Time";
import { formatDuration, localDateTimeIso } from "../format";
import { useAsync } from "../hooks";
import { SelectField, TextField, sentence } from "../records/fields";
import { recordPath } from "../records/kinds";
import { RecordPicker } from "../records/RecordPicker";
import { Link } from "../router";
import { partyName, type FinishedCall, type PartyRecord } from "./PhoneProvider";

/** A call to summarise, as the place it is summarised from knows it. */
export type SummaryTarget = {
  /** The CallSid the API keeps the call under; null if Twilio never named it. */
  callSid: string | null;
  /** The call as that place names it: "Call from Ada Lovelace". */
  title: string;
  /** How it went: "Lasted 0:42", "Missed". */
  facts: string;
  /**
   * The lead or contact the call is on; null when its number is not in the CRM (no follow-up
   * task then); undefined when not known where the form is opened (a deal's feed): the API says.
   */
  record: PartyRecord | null | undefined;
  /** The notes the form starts from. */
  notes: string;
  /** The summary saved before: the form starts from it, and saving replaces it. */
  saved?: SavedCallSummary | null;
};

type FormProps = {
  target: SummaryTarget;
  onClose: () => void;
  /** Saved: the call as the API now keeps it. Without it, the form says what was saved. */
  onSaved?: (call: Activity) => void;
};

/** What the rep types for a follow-up task; the date and time are the browser's own. */
type FollowUpDraft = { wanted: boolean; title: string; date: string; time: string };

const NO_FOLLOW_UP: FollowUpDraft = { wanted: false, title: "", date: "", time: "09:00" };

/** The fields the API may name in a refusal, in the form's order (the first one gets the focus). */
const FIELDS = ["outcome", "deal_id", "subject", "notes", "follow_up"] as const;
type Field = (typeof FIELDS)[number];

/** The API's refusal, next to the field it concerns (the form's own line for anything else). */
type Problems = Partial<Record<Field | "form", string>>;

/** Where the focus goes for each field; a refused deal is the chosen one, whose Remove button takes it. */
const FIELD_IDS: Record<Field, string> = {
  outcome: "summary-outcome",
  deal_id: "summary-deal-remove",
  subject: "summary-subject",
  notes: "summary-notes",
  follow_up: "summary-follow-up-title",
};
const DEAL_SEARCH_ID = "summary-deal";

function problemsOf(exc: unknown): Problems {
  if (exc instanceof ApiError && exc.status === 400) {
    const field = FIELDS.find((name) => name in exc.fields);
    if (field) return { [field]: sentence(exc.message) };
  }
  return { form: sentence(describeError(exc)) };
}

/** The softphone's summary of the call that just ended, from the notes typed during it. */
export function CallSummary({ call, onClose }: { call: FinishedCall; onClose: () => void }) {
  const target: SummaryTarget = {
    callSid: call.callSid,
    title: `${call.direction === "inbound" ? "Call from" : "Call to"} ${partyName(call.party)}`,
    facts: call.answered ? `Lasted ${formatDuration(call.seconds)}` : "Not answered",
    record: call.party.record,
    notes: call.notes,
  };
  return <SummaryForm target={target} onClose={onClose} />;
}

/** A saved follow-up's moment as the browser's own date and time, as the rep typed it. */
function followUpDraft(saved: SavedCallSummary | null | undefined): FollowUpDraft {
  const follow = saved?.follow_up;
  const due = follow ? new Date(follow.due_at) : null;
  if (!follow || !due || Number.isNaN(due.getTime())) return NO_FOLLOW_UP;
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    wanted: true,
    title: follow.title,
    date: `${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}`,
    time: `${pad(due.getHours())}:${pad(due.getMinutes())}`,
  };
}

/** The deal a saved summary names, until its name is read (the summary keeps only its id). */
function savedDeal(saved: SavedCallSummary | null | undefined): SearchHit | null {
  if (!saved?.deal_id) return null;
  return { id: saved.deal_id, kind: "deal", display_name: "The deal", company_name: "", match: "" };
}

export function SummaryForm({ target: call, onClose, onSaved }: FormProps) {
  const outcomes = useAsync((signal) => getCallOutcomes(signal), []);
  const [outcome, setOutcome] = useState(call.saved?.outcome ?? "");
  const [notes, setNotes] = useState(call.saved ? call.saved.notes : call.notes);
  const [deal, setDeal] = useState<SearchHit | null>(() => savedDeal(call.saved));
  const [subject, setSubject] = useState(call.saved?.subject ?? "");
  const [followUp, setFollowUp] = useState<FollowUpDraft>(() => followUpDraft(call.saved));
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ summary: CallSummaryInput; deal: SearchHit | null } | null>(null);
  const dealChanged = useRef(false);
  const record = call.record;
  const choices = outcomes.data?.items ?? [];
  const chosen = outcome || choices[0] || "";
  // An outcome taken off the team's list since stays shown: the API then says it is not in it.
  const options = chosen && !choices.includes(chosen) ? [...choices, chosen] : choices;

  // A saved summary's deal is shown by its name, read once.
  const savedDealId = call.saved?.deal_id;
  useEffect(() => {
    if (!savedDealId) return;
    const controller = new AbortController();
    getRecord(savedDealId, controller.signal).then(
      (found) =>
        setDeal((current) =>
          current?.id === found.id
            ? { ...current, display_name: found.display_name, company_name: found.company_name ?? "" }
            : current,
        ),
      () => undefined, // a deal deleted since: the API says so at the deal when the rep saves
    );
    return () => controller.abort();
  }, [savedDealId]);

  // A refused save takes the rep to the field the API named.
  useEffect(() => {
    const field = FIELDS.find((name) => problems[name]);
    if (field) document.getElementById(FIELD_IDS[field])?.focus();
  }, [problems]);

  // A deal just chosen asks for its subject; a deal removed gives the search back.
  useEffect(() => {
    if (!dealChanged.current) return;
    dealChanged.current = false;
    document.getElementById(deal ? FIELD_IDS.subject : DEAL_SEARCH_ID)?.focus();
  }, [deal]);

  // The subject is the deal's: removing the deal takes it away too.
  const chooseDeal = (hit: SearchHit | null) => {
    dealChanged.current = true;
    setDeal(hit);
    if (!hit) setSubject("");
    setProblems(({ deal_id: _deal, subject: _subject, ...others }) => others);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!call.callSid || !chosen) return;
    const summary: CallSummaryInput = {
      outcome: chosen,
      notes,
      // A call about a deal needs a subject: the API says so at the field when it is missing.
      deal_id: deal ? deal.id : null,
      subject,
      // The API checks the title and the date: what the rep typed goes as typed.
      follow_up:
        record !== null && followUp.wanted
          ? { title: followUp.title, due_at: localDateTimeIso(followUp.date, followUp.time) }
          : null,
    };
    setBusy(true);
    setProblems({});
    try {
      const answer = await saveCallSummary(call.callSid, summary);
      if (onSaved) onSaved(answer);
      else setSaved({ summary, deal });
    } catch (exc) {
      setProblems(problemsOf(exc));
    } finally {
      setBusy(false);
    }
  };

  if (saved) return <SavedSummary record={record} summary={saved.summary} deal={saved.deal} onClose={onClose} />;
  const usable = Boolean(call.callSid);
  return (
    <form class="phone-summary" aria-label="Call summary" onSubmit={save} noValidate>
      <h3>{call.title}</h3>
      <p class="muted">{call.facts}</p>
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
              options={options.map((item) => ({ value: item, label: item }))}
            />
          )}
          <DealFields
            deal={deal}
            onChoose={chooseDeal}
            subject={subject}
            onSubject={setSubject}
            dealError={problems.deal_id}
            subjectError={problems.subject}
          />
          <NotesField value={notes} onInput={setNotes} error={problems.notes} />
          {record !== null ? (
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
          {!usable ? "Close" : onSaved ? "Cancel" : "Skip"}
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

type DealProps = {
  deal: SearchHit | null;
  onChoose: (deal: SearchHit | null) => void;
  subject: string;
  onSubject: (subject: string) => void;
  dealError?: string;
  subjectError?: string;
};

/** The deal the call was about, found by its name, and then the subject the API requires. */
function DealFields({ deal, onChoose, subject, onSubject, dealError, subjectError }: DealProps) {
  if (!deal) {
    return (
      <RecordPicker
        id={DEAL_SEARCH_ID}
        label="Deal (optional)"
        find="deal"
        hint="The call then shows in the deal's feed too."
        onPick={onChoose}
      />
    );
  }
  const company = deal.company_name && deal.company_name !== deal.display_name ? deal.company_name : "";
  return (
    <>
      <div class="field">
        <span class="field-label" id="summary-deal-label">
          Deal
        </span>
        <div
          class="picked-row"
          role="group"
          aria-labelledby="summary-deal-label"
          aria-describedby={dealError ? "summary-deal-error" : undefined}
        >
          <Icon name="deal" size={16} />
          <strong>{deal.display_name}</strong>
          {company && <span class="muted">{company}</span>}
          <button
            id={FIELD_IDS.deal_id}
            type="button"
            class="btn btn-link btn-sm"
            aria-label={`Remove the deal ${deal.display_name}`}
            onClick={() => onChoose(null)}
          >
            Remove
          </button>
        </div>
        {dealError && (
          <p id="summary-deal-error" class="field-error">
            {dealError}
          </p>
        )}
      </div>
      <TextField
        id={FIELD_IDS.subject}
        label="Subject"
        value={subject}
        placeholder="Renewal terms"
        hint="Required for a call about a deal: its feed shows the call under it."
        error={subjectError}
        onInput={onSubject}
      />
    </>
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

type SavedProps = {
  record: PartyRecord | null | undefined;
  summary: CallSummaryInput;
  deal: SearchHit | null;
  onClose: () => void;
};

function SavedSummary({ record, summary, deal, onClose }: SavedProps) {
  return (
    <div class="phone-summary" role="status">
      <p>
        {record ? (
          <>
            The summary is saved on the call with <Link href={recordPath(record.id)}>{record.display_name}</Link>.
          </>
        ) : record === null ? (
          <>The summary is saved on the call, under Calls › Unmatched.</>
        ) : (
          <>The summary is saved on the call.</>
        )}
      </p>
      {deal && (
        <p>
          Filed under the deal <Link href={recordPath(deal.id)}>{deal.display_name}</Link>, subject{" "}
          {`“${summary.subject.trim()}”`}.
        </p>
      )}
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

/**
 * The team's call outcomes, offered in every call summary (C8). Everybody sees the list; an
 * admin changes it (add, rename, remove, reorder) and saves it whole (PUT
 * /api/settings/call-outcomes). The API trims the outcomes, drops blanks and repeats, and
 * refuses an empty list: its refusal is shown at the list.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { getCallOutcomes, saveCallOutcomes } from "../api/endpoints";
import { ErrorState, Spinner } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { useAsync } from "../hooks";
import { sentence } from "../records/fields";
import { SettingsActions } from "./SettingsActions";

/** The API keeps at most this many outcomes, each of at most this many characters. */
const MAX_OUTCOMES = 30;
const MAX_LENGTH = 60;

const LIST_ID = "settings-outcomes";
const ERROR_ID = "settings-outcomes-error";
const NEW_ID = "settings-outcome-new";

/** A row of the editor: its key follows it when it moves. */
type Row = { key: number; text: string };

let nextKey = 0;
const rowsOf = (items: string[]): Row[] => items.map((text) => ({ key: nextKey++, text }));

/** How a row's buttons name it: by its text, or by its place while it has none. */
const nameOf = (row: Row, index: number) => (row.text.trim() ? `“${row.text.trim()}”` : `outcome ${index + 1}`);

export function CallOutcomesSettings({ editable }: { editable: boolean }) {
  const outcomes = useAsync((signal) => getCallOutcomes(signal), []);
  if (outcomes.loading && !outcomes.data) return <Spinner label="Loading the call outcomes…" />;
  if (outcomes.error || !outcomes.data) {
    return <ErrorState message={outcomes.error ?? "The call outcomes could not be loaded."} onRetry={outcomes.reload} />;
  }
  if (!editable) {
    return (
      <>
        <ol class="outcome-readonly" aria-labelledby="settings-outcomes-title">
          {outcomes.data.items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ol>
        <p class="hint">Only an admin can change the team's outcomes.</p>
      </>
    );
  }
  return <OutcomesEditor initial={outcomes.data.items} />;
}

/** Where the focus goes once the rows have changed: an element's id. */
type FocusTarget = string | null;

function OutcomesEditor({ initial }: { initial: string[] }) {
  const [saved, setSaved] = useState(initial);
  const [rows, setRows] = useState(() => rowsOf(initial));
  const [added, setAdded] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");
  const [confirmed, setConfirmed] = useState(false);
  const focusNext = useRef<FocusTarget>(null);

  // A moved or removed row's buttons are re-drawn: the focus goes where the rep expects it.
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const dirty = rows.length !== saved.length || rows.some((row, index) => row.text !== saved[index]);
  const edit = (next: Row[], message: string, focus: FocusTarget = null) => {
    setRows(next);
    setNotice(message);
    setConfirmed(false);
    focusNext.current = focus;
  };

  const move = (index: number, by: -1 | 1) => {
    const to = index + by;
    const next = [...rows];
    [next[index], next[to]] = [next[to], next[index]];
    const row = rows[index];
    // The focus stays on the button pressed, unless the row reached that end of the list.
    const [pressed, other] = by === -1 ? ["up", "down"] : ["down", "up"];
    const stillMoves = by === -1 ? to > 0 : to < rows.length - 1;
    const message = `${sentence(nameOf(row, index))} moved to position ${to + 1} of ${rows.length}.`;
    edit(next, message, `outcome-${row.key}-${stillMoves ? pressed : other}`);
  };

  const remove = (index: number) => {
    const row = rows[index];
    const next = rows.filter((_, i) => i !== index);
    const neighbour = next[index] ?? next[index - 1];
    edit(next, `${sentence(nameOf(row, index))} removed.`, neighbour ? `outcome-${neighbour.key}-remove` : NEW_ID);
  };

  const add = () => {
    const text = added.trim();
    if (!text) return;
    setAdded("");
    edit([...rows, { key: nextKey++, text }], `“${text}” added at position ${rows.length + 1}.`, NEW_ID);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFormError(null);
    setConfirmed(false);
    try {
      const { items } = await saveCallOutcomes(rows.map((row) => row.text));
      setSaved(items);
      setRows(rowsOf(items)); // trimmed, without blanks and repeats
      setNotice("");
      setConfirmed(true);
    } catch (exc) {
      if (exc instanceof ApiError && exc.status === 400 && exc.fields.items) {
        setError(exc.fields.items);
        focusNext.current = rows.length ? `outcome-${rows[0].key}-text` : NEW_ID;
      } else {
        setFormError(describeError(exc));
      }
    } finally {
      setBusy(false);
    }
  };

  const undo = () => {
    edit(rowsOf(saved), "The unsaved changes were undone.");
    setError(null);
    setFormError(null);
  };

  const describedBy = error ? `${ERROR_ID} settings-outcomes-hint` : "settings-outcomes-hint";
  return (
    <form class="settings-form" aria-labelledby="settings-outcomes-title" onSubmit={submit} noValidate>
      {formError && (
        <div class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{formError}</span>
        </div>
      )}
      <p id="settings-outcomes-hint" class="hint">
        The call summary offers them in this order, the first one chosen by default. Blank and repeated outcomes are
        dropped when saved.
      </p>
      <ol id={LIST_ID} class="outcome-list" aria-labelledby="settings-outcomes-title" aria-describedby={describedBy}>
        {rows.map((row, index) => (
          <li key={row.key} class="outcome-row">
            <span class="outcome-position" aria-hidden="true">
              {index + 1}
            </span>
            <input
              id={`outcome-${row.key}-text`}
              class={error ? "input invalid" : "input"}
              aria-label={`Outcome ${index + 1}`}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? ERROR_ID : undefined}
              value={row.text}
              maxLength={MAX_LENGTH}
              onInput={(event) =>
                edit(
                  rows.map((r) => (r.key === row.key ? { ...r, text: (event.target as HTMLInputElement).value } : r)),
                  "",
                )
              }
            />
            <button
              id={`outcome-${row.key}-up`}
              type="button"
              class="icon-btn"
              aria-label={`Move ${nameOf(row, index)} up`}
              disabled={index === 0}
              onClick={() => move(index, -1)}
            >
              <Icon name="arrowUp" size={16} />
            </button>
            <button
              id={`outcome-${row.key}-down`}
              type="button"
              class="icon-btn"
              aria-label={`Move ${nameOf(row, index)} down`}
              disabled={index === rows.length - 1}
              onClick={() => move(index, 1)}
            >
              <Icon name="arrowDown" size={16} />
            </button>
            <button
              id={`outcome-${row.key}-remove`}
              type="button"
              class="icon-btn"
              aria-label={`Remove ${nameOf(row, index)}`}
              onClick={() => remove(index)}
            >
              <Icon name="trash" size={16} />
            </button>
          </li>
        ))}
      </ol>
      {rows.length === 0 && <p class="muted">No outcomes: the summary needs at least one.</p>}
      {error && (
        <p id={ERROR_ID} class="field-error">
          {sentence(error)}
        </p>
      )}
      {rows.length < MAX_OUTCOMES && (
        <div class="outcome-add">
          <label for={NEW_ID} class="sr-only">
            New outcome
          </label>
          <input
            id={NEW_ID}
            class="input"
            placeholder="New outcome, e.g. Demo booked"
            value={added}
            maxLength={MAX_LENGTH}
            onInput={(event) => setAdded((event.target as HTMLInputElement).value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault(); // adds it rather than saving the list
                add();
              }
            }}
          />
          <button type="button" class="btn btn-secondary" disabled={!added.trim()} onClick={add}>
            <Icon name="plus" size={16} /> Add outcome
          </button>
        </div>
      )}
      <p class="sr-only" aria-live="polite">
        {notice}
      </p>
      <SettingsActions
        saveLabel="Save outcomes"
        busy={busy}
        dirty={dirty}
        onUndo={undo}
        saved={confirmed ? `Saved. Call summaries now offer these ${saved.length} outcomes.` : null}
      />
    </form>
  );
}

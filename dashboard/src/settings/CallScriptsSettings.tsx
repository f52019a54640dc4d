/**
 * The team's call scripts (C9), offered by the phone during a call. Everybody reads them; an
 * admin writes them (add, edit, reorder, remove) and saves the list whole (PUT
 * /api/settings/call-scripts). The API trims them and refuses a blank or repeated title, a blank
 * or too long text, naming each wrong field (`items.{index}.title`): shown at that field.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { getCallScripts, saveCallScripts } from "../api/endpoints";
import type { CallScript } from "../api/types";
import { ErrorState, Spinner } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { useAsync } from "../hooks";
import { sentence } from "../records/fields";
import { SettingsActions } from "./SettingsActions";

/** What the API keeps: at most this many scripts, titles and texts of at most this many characters. */
const MAX_SCRIPTS = 20;
const MAX_TITLE = 80;
const MAX_TEXT = 3000;

/** A script being edited: its key follows it when it moves. */
type Row = CallScript & { key: number };

let nextKey = 0;
const rowsOf = (items: CallScript[]): Row[] => items.map((item) => ({ ...item, key: nextKey++ }));

/** How a row's buttons name it: by its title, or by its place while it has none. */
const nameOf = (row: Row, index: number) => (row.title.trim() ? `“${row.title.trim()}”` : `script ${index + 1}`);

const savedText = (count: number) =>
  count === 0
    ? "Saved. The phone offers no script during calls."
    : `Saved. The phone offers ${count} script${count === 1 ? "" : "s"} during calls.`;

export function CallScriptsSettings({ editable }: { editable: boolean }) {
  const scripts = useAsync((signal) => getCallScripts(signal), []);
  if (scripts.loading && !scripts.data) return <Spinner label="Loading the call scripts…" />;
  if (scripts.error || !scripts.data) {
    return <ErrorState message={scripts.error ?? "The call scripts could not be loaded."} onRetry={scripts.reload} />;
  }
  if (!editable) return <ScriptsToRead items={scripts.data.items} />;
  return <ScriptsEditor initial={scripts.data.items} />;
}

function ScriptsToRead({ items }: { items: CallScript[] }) {
  return (
    <>
      {items.length ? (
        <ul class="script-readonly" aria-labelledby="settings-scripts-title">
          {items.map((item) => (
            <li key={item.title}>
              <details>
                <summary>{item.title}</summary>
                <p class="script-text">{item.text}</p>
              </details>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No call scripts yet.</p>
      )}
      <p class="hint">Only an admin can change the team's scripts.</p>
    </>
  );
}

function ScriptsEditor({ initial }: { initial: CallScript[] }) {
  const [saved, setSaved] = useState(initial);
  const [rows, setRows] = useState(() => rowsOf(initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");
  const [confirmed, setConfirmed] = useState(false);
  const focusNext = useRef<string | null>(null);

  // A moved, added or removed row is re-drawn: the focus goes where the admin expects it.
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const dirty =
    rows.length !== saved.length ||
    rows.some((row, index) => row.title !== saved[index].title || row.text !== saved[index].text);
  const edit = (next: Row[], message: string, focus: string | null = null) => {
    setRows(next);
    setNotice(message);
    setConfirmed(false);
    setErrors({}); // the places they named may have moved
    focusNext.current = focus;
  };
  const change = (key: number, field: "title" | "text", value: string) => {
    setRows(rows.map((row) => (row.key === key ? { ...row, [field]: value } : row)));
    setConfirmed(false);
  };

  const move = (index: number, by: -1 | 1) => {
    const to = index + by;
    const next = [...rows];
    [next[index], next[to]] = [next[to], next[index]];
    const row = rows[index];
    const [pressed, other] = by === -1 ? ["up", "down"] : ["down", "up"];
    const stillMoves = by === -1 ? to > 0 : to < rows.length - 1;
    const message = `${sentence(nameOf(row, index))} moved to position ${to + 1} of ${rows.length}.`;
    edit(next, message, `script-${row.key}-${stillMoves ? pressed : other}`);
  };

  const remove = (index: number) => {
    const row = rows[index];
    const next = rows.filter((_, i) => i !== index);
    const neighbour = next[index] ?? next[index - 1];
    edit(next, `${sentence(nameOf(row, index))} removed.`, neighbour ? `script-${neighbour.key}-remove` : "script-add");
  };

  const add = () => {
    const row = { key: nextKey++, title: "", text: "" };
    edit([...rows, row], `Script ${rows.length + 1} added.`, `script-${row.key}-title`);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    setConfirmed(false);
    try {
      const { items } = await saveCallScripts(rows.map(({ title, text }) => ({ title, text })));
      setSaved(items);
      setRows(rowsOf(items)); // as the API keeps them: trimmed
      setNotice("");
      setConfirmed(true);
    } catch (exc) {
      const fields = exc instanceof ApiError && exc.status === 400 ? exc.fields : {};
      const first = Object.keys(fields).map(fieldId(rows)).find(Boolean);
      if (first) {
        setErrors(fields);
        focusNext.current = first;
      } else {
        setFormError(describeError(exc));
      }
    } finally {
      setBusy(false);
    }
  };

  const undo = () => {
    edit(rowsOf(saved), "The unsaved changes were undone.");
    setFormError(null);
  };

  return (
    <form class="settings-form" aria-labelledby="settings-scripts-title" onSubmit={submit} noValidate>
      {(formError || errors.items) && (
        <div class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{sentence(formError ?? errors.items)}</span>
        </div>
      )}
      <p class="hint">
        The phone offers them in this order during a call; the rep picks one and reads it beside the call's controls.
      </p>
      {rows.length ? (
        <ol class="script-list" aria-labelledby="settings-scripts-title">
          {rows.map((row, index) => (
            <ScriptRow
              key={row.key}
              row={row}
              index={index}
              last={index === rows.length - 1}
              titleError={errors[`items.${index}.title`]}
              textError={errors[`items.${index}.text`]}
              onChange={change}
              onMove={move}
              onRemove={remove}
            />
          ))}
        </ol>
      ) : (
        <p class="muted">No call scripts yet.</p>
      )}
      {rows.length < MAX_SCRIPTS ? (
        <div>
          <button id="script-add" type="button" class="btn btn-secondary" onClick={add}>
            <Icon name="plus" size={16} /> Add script
          </button>
        </div>
      ) : (
        <p class="hint">The team has the most scripts the phone offers ({MAX_SCRIPTS}).</p>
      )}
      <p class="sr-only" aria-live="polite">
        {notice}
      </p>
      <SettingsActions
        saveLabel="Save scripts"
        busy={busy}
        dirty={dirty}
        onUndo={undo}
        saved={confirmed ? savedText(saved.length) : null}
      />
    </form>
  );
}

/** The id of the control an API field names (`items.2.title`), if it is one of the rows. */
const fieldId = (rows: Row[]) => (field: string) => {
  const match = /^items\.(\d+)\.(title|text)$/.exec(field);
  const row = match ? rows[Number(match[1])] : undefined;
  return row && match ? `script-${row.key}-${match[2]}` : undefined;
};

type ScriptRowProps = {
  row: Row;
  index: number;
  last: boolean;
  titleError?: string;
  textError?: string;
  onChange: (key: number, field: "title" | "text", value: string) => void;
  onMove: (index: number, by: -1 | 1) => void;
  onRemove: (index: number) => void;
};

function ScriptRow({ row, index, last, titleError, textError, onChange, onMove, onRemove }: ScriptRowProps) {
  const id = `script-${row.key}`;
  const position = <span class="sr-only"> of script {index + 1}</span>;
  return (
    <li class="script-row">
      <div class="script-row-header">
        <span class="outcome-position" aria-hidden="true">
          {index + 1}
        </span>
        <div class="field script-title">
          <label for={`${id}-title`}>Title{position}</label>
          <input
            id={`${id}-title`}
            class={titleError ? "input invalid" : "input"}
            value={row.title}
            maxLength={MAX_TITLE}
            placeholder="e.g. Discovery call"
            aria-invalid={titleError ? "true" : undefined}
            aria-describedby={titleError ? `${id}-title-error` : undefined}
            onInput={(event) => onChange(row.key, "title", (event.target as HTMLInputElement).value)}
          />
          {titleError && (
            <p id={`${id}-title-error`} class="field-error">
              {sentence(titleError)}
            </p>
          )}
        </div>
        <div class="script-row-actions">
          <button
            id={`${id}-up`}
            type="button"
            class="icon-btn"
            aria-label={`Move ${nameOf(row, index)} up`}
            disabled={index === 0}
            onClick={() => onMove(index, -1)}
          >
            <Icon name="arrowUp" size={16} />
          </button>
          <button
            id={`${id}-down`}
            type="button"
            class="icon-btn"
            aria-label={`Move ${nameOf(row, index)} down`}
            disabled={last}
            onClick={() => onMove(index, 1)}
          >
            <Icon name="arrowDown" size={16} />
          </button>
          <button
            id={`${id}-remove`}
            type="button"
            class="icon-btn"
            aria-label={`Remove ${nameOf(row, index)}`}
            onClick={() => onRemove(index)}
          >
            <Icon name="trash" size={16} />
          </button>
        </div>
      </div>
      <div class="field script-body">
        <label for={`${id}-text`}>Text{position}</label>
        <textarea
          id={`${id}-text`}
          class={textError ? "input invalid" : "input"}
          rows={6}
          value={row.text}
          maxLength={MAX_TEXT}
          placeholder="What to say, the questions to ask…"
          aria-invalid={textError ? "true" : undefined}
          aria-describedby={textError ? `${id}-text-error ${id}-text-count` : `${id}-text-count`}
          onInput={(event) => onChange(row.key, "text", (event.target as HTMLTextAreaElement).value)}
        />
        {textError && (
          <p id={`${id}-text-error`} class="field-error">
            {sentence(textError)}
          </p>
        )}
        <p id={`${id}-text-count`} class="hint">
          {row.text.length.toLocaleString("en-US")} of {MAX_TEXT.toLocaleString("en-US")} characters
        </p>
      </div>
    </li>
  );
}

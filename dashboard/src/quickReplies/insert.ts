/** Text inserted into a field at the caret (replacing what is selected), and where the caret goes. */

export type Inserted = { value: string; caret: number };

/**
 * `text` put into `value` between `start` and `end` (the field's selection). A reply inserted in
 * the middle of a word or line gets a space or a line break before it where none is, so it never
 * glues onto what the rep had written.
 */
export function insertText(value: string, start: number, end: number, text: string): Inserted {
  const from = Math.max(0, Math.min(start, value.length));
  const to = Math.max(from, Math.min(end, value.length));
  const before = value.slice(0, from);
  const after = value.slice(to);
  const gap = before && !/\s$/.test(before) ? (text.includes("\n") ? "\n" : " ") : "";
  const inserted = gap + text;
  return { value: before + inserted + after, caret: before.length + inserted.length };
}

/** Inserts into a text field at its caret; `apply` stores the new value (the field is controlled),
 * then the caret is put after the inserted text, the field focused. */
export function insertIntoField(
  field: HTMLTextAreaElement | null,
  value: string,
  text: string,
  apply: (value: string) => void,
) {
  const start = field ? field.selectionStart : value.length;
  const end = field ? field.selectionEnd : value.length;
  const next = insertText(value, start, end, text);
  apply(next.value);
  requestAnimationFrame(() => {
    if (!field) return;
    field.focus();
    field.setSelectionRange(next.caret, next.caret);
  });
}

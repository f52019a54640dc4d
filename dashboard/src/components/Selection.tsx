/**
 * Selecting rows of a list to act on them together: one, several, or all of those loaded, with a
 * "Select all" box and a toolbar that shows how many are selected and the actions on them (the
 * Email tab's lists, Suggested people, the folder views). Each list keeps its own actions; the
 * selection and its bar are this one mechanism.
 */

import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export type Selection = {
  selected: Set<string>;
  /** Every loaded row is selected. */
  allLoaded: boolean;
  toggle: (key: string) => void;
  /** Select every loaded row, or none when they all were. */
  toggleAll: () => void;
  clear: () => void;
};

/** The selection over the rows loaded (`keys`, in their order). */
export function useSelection(keys: string[]): Selection {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const allLoaded = keys.length > 0 && keys.every((key) => selected.has(key));
  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setSelected(next);
  };
  const toggleAll = () => setSelected(allLoaded ? new Set() : new Set(keys));
  const clear = () => setSelected(new Set());
  return { selected, allLoaded, toggle, toggleAll, clear };
}

type SelectAllProps = { checked: boolean; onChange: () => void; class?: string };

export function SelectAll({ checked, onChange, class: className }: SelectAllProps) {
  return (
    <label class={className ? `select-all ${className}` : "select-all"}>
      <input type="checkbox" checked={checked} onChange={onChange} /> Select all
    </label>
  );
}

type BarProps = {
  /** The toolbar's accessible name ("Selected emails"). */
  label: string;
  /** What is selected, in words ("3 selected", "All emails in Inbox"). */
  count: string;
  class?: string;
  children: ComponentChildren;
};

/** The actions on the selected rows; shown by the list while something is selected. */
export function SelectionBar({ label, count, class: className, children }: BarProps) {
  return (
    <div class={className ? `selection-bar ${className}` : "selection-bar"} role="toolbar" aria-label={label}>
      <span class="selection-count">{count}</span>
      {children}
    </div>
  );
}

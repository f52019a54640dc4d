/**
 * The team's call scripts during a call (C9): the rep picks one, and its text shows beside the
 * phone panel, next to the keypad and notes (on a narrow screen, below them), scrolling on its
 * own. Read when the call starts, so an admin's change shows from the next call.
 */

import { useState } from "preact/hooks";
import { getCallScripts } from "../api/endpoints";
import { useAsync } from "../hooks";

export function CallScriptReader() {
  const scripts = useAsync((signal) => getCallScripts(signal), []);
  const [title, setTitle] = useState("");
  if (scripts.error) {
    return (
      <p class="hint phone-script-problem">
        The call scripts could not be loaded.{" "}
        <button type="button" class="btn btn-link btn-sm" onClick={scripts.reload}>
          Try again
        </button>
      </p>
    );
  }
  const items = scripts.data?.items ?? [];
  if (!items.length) return null; // loading, or a team without scripts: nothing to pick
  const picked = items.find((item) => item.title === title);
  return (
    <div class="field phone-script-picker">
      <label for="phone-script">Script</label>
      <select
        id="phone-script"
        class="input"
        value={picked ? picked.title : ""}
        onChange={(event) => setTitle((event.target as HTMLSelectElement).value)}
      >
        <option value="">No script</option>
        {items.map((item) => (
          <option key={item.title} value={item.title}>
            {item.title}
          </option>
        ))}
      </select>
      {picked && (
        // Focusable, so that the keyboard scrolls it too.
        <section class="phone-script" aria-label={`Script: ${picked.title}`} tabIndex={0}>
          <h3 class="phone-script-title">{picked.title}</h3>
          <p class="phone-script-text">{picked.text}</p>
        </section>
      )}
    </div>
  );
}

/** The foot of a settings form: save, undo while there are unsaved changes, and what was saved. */

import { Icon } from "../components/Icon";

type SettingsActionsProps = {
  saveLabel: string;
  busy: boolean;
  /** Undo changes, offered while the form differs from what is saved (absent: never offered). */
  onUndo?: () => void;
  dirty?: boolean;
  /** The sentence that confirms the last save, or null while there is nothing to confirm. */
  saved: string | null;
};

export function SettingsActions({ saveLabel, busy, onUndo, dirty = false, saved }: SettingsActionsProps) {
  return (
    <footer class="settings-actions">
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? "Saving…" : saveLabel}
      </button>
      {dirty && onUndo && (
        <button type="button" class="btn btn-ghost" onClick={onUndo}>
          Undo changes
        </button>
      )}
      <p class="settings-saved" role="status">
        {saved !== null && (
          <>
            <Icon name="check" size={16} />
            <span>{saved}</span>
          </>
        )}
      </p>
    </footer>
  );
}

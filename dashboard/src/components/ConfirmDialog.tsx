import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { describeError } from "../api/client";
import { sentence } from "../records/fields";
import { Dialog } from "./Dialog";

type Props = {
  open: boolean;
  title: string;
  confirmLabel: string;
  busyLabel: string;
  onClose: () => void;
  /** The destructive action; a failure keeps the dialog open with the API's reason. */
  onConfirm: () => Promise<void>;
  children: ComponentChildren;
};

/** Asks before something that cannot be undone; Cancel has the focus, so Enter never destroys. */
export function ConfirmDialog({ open, title, confirmLabel, busyLabel, onClose, onConfirm, children }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (exc) {
      setError(sentence(describeError(exc)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} title={title} onClose={onClose} size="sm">
      <div class="dialog-body">
        {children}
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <footer class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" class="btn btn-danger" onClick={() => void confirm()} disabled={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </footer>
    </Dialog>
  );
}

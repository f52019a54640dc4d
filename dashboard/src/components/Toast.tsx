/**
 * A short confirmation that needs no answer ("Sent"), shown at the foot of the screen for a few
 * seconds, whatever page asked for it: the page that asked may be gone already (a dialog closed).
 */

import { useEffect, useState } from "preact/hooks";

type Toast = { id: number; text: string };

const SHOWN_MS = 4000;
const listeners = new Set<(toast: Toast) => void>();
let counter = 0;

export function showToast(text: string): void {
  const toast = { id: ++counter, text };
  for (const listener of listeners) listener(toast);
}

/** Where the toasts appear: once, in the signed-in frame. */
export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    const add = (toast: Toast) => {
      setToasts((shown) => [...shown, toast]);
      window.setTimeout(() => setToasts((shown) => shown.filter((item) => item.id !== toast.id)), SHOWN_MS);
    };
    listeners.add(add);
    return () => {
      listeners.delete(add);
    };
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} class="toast" data-testid="toast">
          {toast.text}
        </div>
      ))}
    </div>
  );
}

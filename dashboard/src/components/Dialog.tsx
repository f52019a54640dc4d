/**
 * A modal built on the native <dialog>: the browser gives focus trapping, Escape and the
 * backdrop; we only sync it with `open` and report closing.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { Icon } from "./Icon";

type DialogProps = {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  size?: "sm" | "md";
  /** On a phone, the whole screen (a composer), not a box with a margin. */
  fullOnPhone?: boolean;
};

export function Dialog({ open, title, onClose, children, size = "md", fullOnPhone = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const titleId = `dialog-title-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      class={`dialog dialog-${size}${fullOnPhone ? " dialog-phone-full" : ""}`}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open && (
        <div class="dialog-inner">
          <header class="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" class="icon-btn" aria-label="Close" onClick={onClose}>
              <Icon name="close" />
            </button>
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}

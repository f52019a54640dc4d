/**
 * Quick replies (I4) in a reply bar: a button that opens the rep's own and the team's shared
 * replies, each already filled for the record replied to ({first_name}, {last_name}, {company})
 * and the rep ({my_name}) by the API. Picking one hands its text to the composer, which inserts it
 * at the caret. One component for the SMS reply bar and the email composer.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { listQuickReplies } from "../api/endpoints";
import type { QuickReply } from "../api/types";
import { ErrorState, Spinner } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { useAsync } from "../hooks";
import { Link } from "../router";
import "./quickReplies.css";

type Props = {
  /** Unique on the page: the list's id derives from it. */
  id: string;
  /** The record replied to, whose names fill the placeholders (none: they are left empty). */
  recordId?: string | null;
  /** The filled text of the reply picked, and the placeholders it kept as typed. */
  onInsert: (text: string, unknown: string[]) => void;
  disabled?: boolean;
};

export function QuickReplyPicker({ id, recordId, onInsert, disabled }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    // A click elsewhere closes it, as a menu does.
    const away = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [open]);
  return (
    <div class="quick-reply-picker" ref={root}>
      <button
        type="button"
        class="btn btn-ghost btn-sm"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        <Icon name="sparkle" size={14} /> Quick replies
      </button>
      {open && (
        <QuickReplyList
          id={`${id}-list`}
          recordId={recordId ?? null}
          onClose={() => setOpen(false)}
          onPick={(reply) => {
            setOpen(false);
            onInsert(reply.filled, reply.unknown);
          }}
        />
      )}
    </div>
  );
}

type ListProps = { id: string; recordId: string | null; onPick: (reply: QuickReply) => void; onClose: () => void };

function QuickReplyList({ id, recordId, onPick, onClose }: ListProps) {
  // Read afresh each time it opens: a reply saved in Settings meanwhile is there.
  const replies = useAsync((signal) => listQuickReplies(recordId, signal), [recordId]);
  const items = replies.data?.items ?? [];
  return (
    <div
      id={id}
      class="quick-reply-panel"
      role="group"
      aria-label="Quick replies"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation(); // the composer's own Escape (discard) is not meant
          onClose();
        }
      }}
    >
      {replies.loading && !replies.data ? (
        <Spinner label="Loading quick replies…" />
      ) : replies.error ? (
        <ErrorState message={replies.error} onRetry={replies.reload} />
      ) : items.length ? (
        <ul class="quick-reply-options">
          {items.map((reply) => (
            <li key={reply.id}>
              <button type="button" class="quick-reply-option" onClick={() => onPick(reply)}>
                <span class="quick-reply-option-title">
                  {reply.title}
                  {reply.shared && <span class="quick-reply-shared">Team</span>}
                </span>
                <span class="quick-reply-option-text">{reply.filled}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted quick-reply-empty">No quick replies yet.</p>
      )}
      <Link href="/settings#quick-replies" class="btn btn-link btn-sm">
        Manage quick replies
      </Link>
    </div>
  );
}

/** What the composer says after inserting a reply that kept placeholders as typed. */
export function unknownNotice(unknown: string[]): string | null {
  if (!unknown.length) return null;
  const names = unknown.join(", ");
  return unknown.length === 1
    ? `${names} is not a placeholder: it was inserted as typed.`
    : `${names} are not placeholders: they were inserted as typed.`;
}

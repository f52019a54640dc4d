/**
 * Writing an email (E5), one component for a new email, a reply, a reply to all and the record
 * page's Email: To and Cc (addresses separated by commas or Enter), Subject, the text, Send.
 *
 * One composition has one request id, kept in its draft: a Send retried after a network failure
 * reuses it, so the server sends the email once. The draft stays in this browser (per rep) until
 * the server has the email (sent, or stored with its error) or the rep discards it; a reload loses
 * nothing. Ctrl+Enter (Cmd+Enter) sends; Escape asks before discarding what the rep wrote.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../../api/client";
import { getMailbox, sendEmail } from "../../api/endpoints";
import { newRequestId } from "../../api/requestId";
import type { EmailDetail, SendEmailInput } from "../../api/types";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { showToast } from "../../components/Toast";
import { useAsync } from "../../hooks";
import { QuickReplyPicker, unknownNotice } from "../../quickReplies/QuickReplyPicker";
import { insertIntoField } from "../../quickReplies/insert";
import { sentence } from "../../records/fields";
import { Link, navigate } from "../../router";
import { useTeam } from "../../team";
import {
  type Composition,
  type Draft,
  dropDraft,
  isAddress,
  loadDraft,
  saveDraft,
  splitAddresses,
} from "./compose";

type Props = {
  /** What to write; null: no composer. */
  composition: Composition | null;
  onClose: () => void;
  /** The server has the email (sent, or kept with its error). */
  onDone?: (email: EmailDetail) => void;
};

export function Composer({ composition, onClose, onDone }: Props) {
  if (!composition) return null;
  return <ComposerDialog key={composition.slot} composition={composition} onClose={onClose} onDone={onDone} />;
}

type DialogProps = { composition: Composition; onClose: () => void; onDone?: (email: EmailDetail) => void };

/** Where the Email tab shows an email the server kept without sending it (its error, Retry). */
export function sentEmailPath(id: string): string {
  return `/center/email?${new URLSearchParams({ section: "sent", open: id }).toString()}`;
}

/** The rep's words for a refusal; the API's own when it gave some. */
function refusal(exc: unknown): string {
  if (exc instanceof ApiError) {
    if (exc.code === "no_mailbox") return "Connect your mailbox in Settings to send email.";
    if (exc.code === "reconnect") return "Your mailbox must be connected again (Settings) before you can send.";
    if (exc.code === "in_progress") return "This email is being sent already. Wait a moment, then retry.";
    if (exc.status === 0)
      return "The server cannot be reached: your email is not lost. Check your connection and retry.";
    if (exc.status >= 500) return "The server failed before it answered: your email is not lost. Retry.";
  }
  return sentence(describeError(exc));
}

function ComposerDialog({ composition, onClose, onDone }: DialogProps) {
  const { me } = useTeam();
  const mailbox = useAsync((signal) => getMailbox(signal), []);
  const restored = useRef(loadDraft(me.id, composition.slot)).current;
  const [draft, setDraft] = useState<Draft>(
    () =>
      restored ?? {
        to: composition.to,
        cc: composition.cc,
        subject: composition.subject,
        text: composition.text,
        requestId: newRequestId(),
        savedAt: new Date().toISOString(),
      },
  );
  const [pending, setPending] = useState({ to: "", cc: "" }); // what is typed, not yet an address
  const [showCc, setShowCc] = useState(draft.cc.length > 0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryable, setRetryable] = useState(false);
  const [asking, setAsking] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const [inserted, setInserted] = useState<string | null>(null); // placeholders a quick reply kept as typed

  const recipients = (field: "to" | "cc") => [...draft[field], ...splitAddresses(pending[field])];
  const to = recipients("to");
  const cc = recipients("cc");
  const changed =
    draft.to.join(",") !== composition.to.join(",") ||
    draft.cc.join(",") !== composition.cc.join(",") ||
    draft.subject !== composition.subject ||
    draft.text !== composition.text ||
    Boolean(pending.to.trim() || pending.cc.trim());

  // Every change is kept at once (an address still being typed too): a reload, a closed tab or
  // a crash finds it again.
  useEffect(() => {
    if (changed || restored)
      saveDraft(me.id, composition.slot, { ...draft, to, cc, savedAt: new Date().toISOString() });
  }, [draft, pending]);
  const keepEditing = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) keepEditing.current?.focus();
  }, [asking]);
  useEffect(() => {
    // A reply starts above the quote; a prefilled recipient starts at the subject or the text.
    const text = textRef.current;
    if (text && composition.replyTo && !restored) text.setSelectionRange(0, 0);
  }, []);

  const update = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const discard = () => {
    dropDraft(me.id, composition.slot);
    onClose();
  };
  const keepForLater = () => {
    saveDraft(me.id, composition.slot, { ...draft, to, cc, savedAt: new Date().toISOString() });
    onClose();
  };
  const askToClose = () => {
    if (busy) return;
    if (asking) setAsking(false);
    else if (changed) setAsking(true);
    else discard();
  };

  const invalid = [...to, ...cc].filter((address) => !isAddress(address));
  const connected = mailbox.data?.connected ?? true; // unknown yet: the server says
  const problem =
    to.length === 0
      ? "Add at least one recipient."
      : invalid.length
        ? `Not an email address: ${invalid.join(", ")}`
        : !draft.text.trim()
          ? "Write something to send."
          : null;

  const send = async () => {
    if (busy || asking) return;
    if (problem) {
      setError(problem);
      setRetryable(false);
      return;
    }
    const body: SendEmailInput = {
      client_request_id: draft.requestId,
      to,
      cc,
      subject: draft.subject,
      text: draft.text,
      reply_to: composition.replyTo ?? null,
      record_id: composition.recordId ?? null,
    };
    setDraft((current) => ({ ...current, to, cc }));
    setPending({ to: "", cc: "" });
    setBusy(true);
    setError(null);
    try {
      const email = await sendEmail(body);
      dropDraft(me.id, composition.slot); // the server has it now
      onClose();
      onDone?.(email);
      if (email.send_status === "sent") showToast("Sent");
      else navigate(sentEmailPath(email.id)); // kept with its error: shown there, with Retry
    } catch (exc) {
      setBusy(false);
      // A network failure or a 5xx may have come after the server acted: Retry, same request id.
      setRetryable(!(exc instanceof ApiError) || exc.status === 0 || exc.status >= 500);
      setError(refusal(exc));
    }
  };

  return (
    <Dialog open title={composition.title} onClose={askToClose} fullOnPhone>
      <form
        class="email-composer"
        aria-label={composition.title}
        aria-busy={busy}
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault(); // the dialog's own Escape would close it without asking
            askToClose();
          } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void send();
          } else if (event.key === "Enter" && (event.target as HTMLElement).tagName === "INPUT") {
            event.preventDefault(); // Enter in a field is no Send: only the button and Ctrl+Enter send
          }
        }}
      >
        <div class="dialog-scroll email-composer-fields">
          <p class="email-composer-from muted">
            {mailbox.data?.mailbox ? (
              <>From {mailbox.data.mailbox.address}</>
            ) : mailbox.data && !mailbox.data.connected ? (
              <span role="alert">
                No mailbox is connected: <Link href="/settings">connect yours in Settings</Link> to send email.
              </span>
            ) : (
              " "
            )}
          </p>
          <AddressField
            id="compose-to"
            label="To"
            addresses={draft.to}
            pending={pending.to}
            autoFocus={draft.to.length === 0}
            onPending={(text) => setPending((current) => ({ ...current, to: text }))}
            onChange={(addresses) => update({ to: addresses })}
          >
            {!showCc && (
              <button type="button" class="btn btn-link btn-sm" onClick={() => setShowCc(true)}>
                Cc
              </button>
            )}
          </AddressField>
          {showCc && (
            <AddressField
              id="compose-cc"
              label="Cc"
              addresses={draft.cc}
              pending={pending.cc}
              onPending={(text) => setPending((current) => ({ ...current, cc: text }))}
              onChange={(addresses) => update({ cc: addresses })}
            />
          )}
          <div class="email-composer-row">
            <label for="compose-subject">Subject</label>
            <input
              id="compose-subject"
              class="input"
              value={draft.subject}
              maxLength={998}
              onInput={(event) => update({ subject: (event.target as HTMLInputElement).value })}
            />
          </div>
          <label for="compose-text" class="sr-only">
            Message
          </label>
          <textarea
            id="compose-text"
            ref={textRef}
            class="input email-composer-text"
            rows={10}
            value={draft.text}
            autoFocus={draft.to.length > 0}
            placeholder="Write your email… (Ctrl+Enter to send)"
            onInput={(event) => update({ text: (event.target as HTMLTextAreaElement).value })}
          />
          <div class="email-composer-tools">
            <QuickReplyPicker
              id="compose-quick-replies"
              recordId={composition.recordId}
              onInsert={(reply, unknown) => {
                insertIntoField(textRef.current, draft.text, reply, (text) => update({ text }));
                setInserted(unknownNotice(unknown));
              }}
            />
            {inserted && (
              <span class="hint" role="status">
                {inserted}
              </span>
            )}
          </div>
        </div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {asking ? (
          <footer class="form-actions email-composer-ask" role="group" aria-label="Discard this email?">
            <span class="email-composer-question">Discard this email?</span>
            <button type="button" class="btn btn-ghost" ref={keepEditing} onClick={() => setAsking(false)}>
              Keep editing
            </button>
            <button type="button" class="btn btn-secondary" onClick={keepForLater}>
              Keep as draft
            </button>
            <button type="button" class="btn btn-danger" onClick={discard}>
              Discard
            </button>
          </footer>
        ) : (
          <footer class="form-actions">
            <button type="button" class="btn btn-ghost" disabled={busy} onClick={askToClose}>
              {changed ? "Discard" : "Cancel"}
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy || (mailbox.data !== null && !connected)}>
              {busy ? <span class="spinner spinner-sm" aria-hidden="true" /> : <Icon name="send" size={16} />}
              {busy ? "Sending…" : error && retryable ? "Retry" : "Send"}
            </button>
          </footer>
        )}
      </form>
    </Dialog>
  );
}

type FieldProps = {
  id: string;
  label: string;
  addresses: string[];
  pending: string;
  autoFocus?: boolean;
  onPending: (text: string) => void;
  onChange: (addresses: string[]) => void;
  children?: ComponentChildren;
};

/** Recipients as chips (a wrong one in red); a comma, a semicolon or Enter makes one of the text typed. */
function AddressField({ id, label, addresses, pending, autoFocus, onPending, onChange, children }: FieldProps) {
  const commit = () => {
    const typed = splitAddresses(pending);
    if (typed.length) onChange([...addresses, ...typed.filter((address) => !addresses.includes(address))]);
    onPending("");
  };
  const wrong = addresses.filter((address) => !isAddress(address));
  return (
    <div class="email-composer-row">
      <label for={id}>{label}</label>
      <div class="address-field">
        <ul class="address-chips" aria-label={`${label} recipients`}>
          {addresses.map((address) => (
            <li
              key={address}
              class={isAddress(address) ? "chip" : "chip chip-wrong"}
              title={isAddress(address) ? address : "Not an email address"}
            >
              <span class="chip-text">{address}</span>
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove ${address}`}
                onClick={() => onChange(addresses.filter((item) => item !== address))}
              >
                <Icon name="close" size={12} />
              </button>
            </li>
          ))}
        </ul>
        <input
          id={id}
          class="address-input"
          type="text"
          inputMode="email"
          autoComplete="off"
          autoFocus={autoFocus}
          value={pending}
          aria-invalid={wrong.length > 0}
          aria-describedby={wrong.length ? `${id}-error` : undefined}
          onInput={(event) => {
            const text = (event.target as HTMLInputElement).value;
            if (/[,;\n]/.test(text)) {
              const typed = splitAddresses(text);
              onChange([...addresses, ...typed.filter((address) => !addresses.includes(address))]);
              onPending("");
            } else onPending(text);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && pending.trim()) {
              event.preventDefault();
              commit();
            } else if (event.key === "Backspace" && !pending && addresses.length) {
              onChange(addresses.slice(0, -1));
            }
          }}
          onBlur={commit}
        />
        {children}
      </div>
      {wrong.length > 0 && (
        <p id={`${id}-error`} class="field-error">
          Not an email address: {wrong.join(", ")}
        </p>
      )}
    </div>
  );
}

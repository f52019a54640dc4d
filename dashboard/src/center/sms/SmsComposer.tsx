/**
 * Writing an SMS (S3): the text, what it costs in segments (the API counts them, as carriers
 * do), and sending it. One send attempt has one client_request_id, reused when the rep retries
 * after a network failure, so a retry never sends the message twice.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError, isAbort } from "../../api/client";
import { previewSms, sendSms, type SmsSend } from "../../api/endpoints";
import { newRequestId } from "../../api/requestId";
import type { Activity, SmsPreview } from "../../api/types";
import { Icon } from "../../components/Icon";
import { useDebounced } from "../../hooks";
import { QuickReplyPicker, unknownNotice } from "../../quickReplies/QuickReplyPicker";
import { insertIntoField } from "../../quickReplies/insert";
import { sentence } from "../../records/fields";
import { failureText, isFailed, smsData } from "./delivery";

type Props = {
  /** Unique on the page: the text field's id and its descriptions derive from it. */
  id: string;
  label: string;
  /** The number to text, or null while none is chosen. */
  to: string | null;
  recordId?: string;
  conversationId?: string;
  /** The record whose names fill a quick reply's placeholders (by default `recordId`). */
  replyFor?: string | null;
  /** Why nothing can be sent (an opted-out number): shown instead of the send button. */
  blocked?: string | null;
  autoFocus?: boolean;
  placeholder?: string;
  /** Above the text: the number picker of a record page, say. */
  children?: ComponentChildren;
  onSent: (message: Activity) => void;
};

/** A sentence for a refused send; the API's own words when it gave some. */
function refusal(exc: unknown): string {
  if (exc instanceof ApiError && !exc.message) {
    if (exc.code === "opted_out")
      return "This number replied STOP: it receives no SMS until it replies START.";
    if (exc.code === "no_sms_number")
      return "Your number cannot send SMS. Ask an admin for a number with SMS.";
    if (exc.status === 403) return "You can only reply to SMS sent to your own number.";
  }
  return sentence(describeError(exc));
}

/** Retrying is worth it (with the same request id) only when the server may not have acted. */
function mayRetry(exc: unknown): boolean {
  return !(exc instanceof ApiError) || exc.status === 0 || exc.status >= 500;
}

export function SmsComposer(props: Props) {
  const { id, label, to, recordId, conversationId, replyFor, blocked, autoFocus, placeholder, children, onSent } =
    props;
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [retryable, setRetryable] = useState(false);
  const attempt = useRef<{ key: string; requestId: string } | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const [inserted, setInserted] = useState<string | null>(null); // placeholders a quick reply kept as typed
  const preview = useSegmentPreview(text);

  const send = async (event: Event) => {
    event.preventDefault();
    if (!text.trim() || !to || busy || blocked) return;
    const message: Omit<SmsSend, "client_request_id"> = { to, body: text };
    if (recordId) message.record_id = recordId;
    if (conversationId) message.conversation_id = conversationId;
    const key = JSON.stringify(message);
    if (attempt.current?.key !== key) attempt.current = { key, requestId: newRequestId() };
    setBusy(true);
    setError(null);
    setFailed(null);
    try {
      const stored = await sendSms({ ...message, client_request_id: attempt.current.requestId });
      attempt.current = null;
      setRetryable(false);
      setText("");
      setInserted(null);
      const data = smsData(stored);
      if (isFailed(data.status)) setFailed(failureText(data));
      onSent(stored);
    } catch (exc) {
      const again = mayRetry(exc);
      if (!again) attempt.current = null;
      setRetryable(again);
      setError(refusal(exc));
    } finally {
      setBusy(false);
    }
  };

  const describedBy = [`${id}-preview`, error || failed ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <form class="sms-composer" onSubmit={send}>
      {children}
      <label for={id} class="sr-only">
        {label}
      </label>
      <textarea
        id={id}
        ref={field}
        class="input"
        rows={2}
        value={text}
        autoFocus={autoFocus}
        placeholder={placeholder ?? "Write an SMS… (Ctrl+Enter to send)"}
        aria-describedby={describedBy}
        disabled={Boolean(blocked)}
        onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void send(event);
        }}
      />
      {inserted && (
        <p class="hint" role="status">
          {inserted}
        </p>
      )}
      {(error || failed) && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {failed ? `Not sent: ${failed}` : error}
        </p>
      )}
      <div class="sms-composer-actions">
        {!blocked && (
          <QuickReplyPicker
            id={`${id}-quick-replies`}
            recordId={replyFor ?? recordId}
            onInsert={(reply, unknown) => {
              insertIntoField(field.current, text, reply, setText);
              setInserted(unknownNotice(unknown));
            }}
          />
        )}
        <span id={`${id}-preview`} class="sms-segments" aria-live="polite">
          {text && preview ? segmentsText(preview) : ""}
        </span>
        {blocked ? (
          <span class="sms-blocked">
            <Icon name="block" size={14} /> {blocked}
          </span>
        ) : (
          <button type="submit" class="btn btn-primary btn-sm" disabled={busy || !text.trim() || !to}>
            <Icon name="send" size={14} />
            {busy ? "Sending…" : error && retryable ? "Retry" : "Send SMS"}
          </button>
        )}
      </div>
    </form>
  );
}

function segmentsText(preview: SmsPreview): string {
  const segments = preview.segments === 1 ? "1 segment" : `${preview.segments} segments`;
  const characters = preview.characters === 1 ? "1 character" : `${preview.characters} characters`;
  return `${characters} · ${segments} · ${preview.encoding}`;
}

/** The API's segment count for `text`, asked at most every 200 ms while typing. */
function useSegmentPreview(text: string): SmsPreview | null {
  const settled = useDebounced(text, 200);
  const [preview, setPreview] = useState<SmsPreview | null>(null);
  useEffect(() => {
    if (!settled) {
      setPreview(null);
      return;
    }
    const controller = new AbortController();
    previewSms(settled, controller.signal).then(setPreview, (exc: unknown) => {
      if (!isAbort(exc)) setPreview(null);
    });
    return () => controller.abort();
  }, [settled]);
  return preview;
}

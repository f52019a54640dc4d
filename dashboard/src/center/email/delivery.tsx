/**
 * What became of an email the rep sent from the dashboard (E5): being sent, not sent (the error
 * in the server's words, Retry), perhaps sent (Retry only once the rep confirms), refused
 * recipients; then its opens, the ones a mail proxy made by itself labelled apart.
 */

import { useState } from "preact/hooks";
import { describeError } from "../../api/client";
import { retryEmail } from "../../api/endpoints";
import type { EmailDetail, EmailRow } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Icon } from "../../components/Icon";
import { showToast } from "../../components/Toast";
import { RelativeTime, formatDateTime } from "../../components/Time";
import { sentence } from "../../records/fields";

type SendFields = Pick<EmailRow, "id" | "send_status" | "send_error">;

/** Not sent, or perhaps not: the rep has something to do. */
export function needsRetry(email: SendFields): boolean {
  return email.send_status === "failed" || email.send_status === "unknown";
}

type StateProps = { email: SendFields; onRetried: (email: EmailDetail) => void; compact?: boolean };

/** "Sending…", "Not sent: <error>" with Retry, "May not have been sent" with Retry after a
 * confirm; nothing for a sent email or one synced from the mail server. */
export function SendState({ email, onRetried, compact = false }: StateProps) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const retry = async (confirmUnknown: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await retryEmail(email.id, confirmUnknown);
      setConfirming(false);
      if (answer.send_status === "sent") showToast("Sent");
      onRetried(answer);
    } catch (exc) {
      setProblem(sentence(describeError(exc)));
      if (confirmUnknown) throw exc; // the confirm dialog shows it
    } finally {
      setBusy(false);
    }
  };
  if (email.send_status === "sending") {
    return (
      <p class="send-state send-state-sending" data-testid="send-state">
        <span class="spinner spinner-inline" aria-hidden="true" /> Sending…
      </p>
    );
  }
  if (!needsRetry(email)) return null;
  const unknown = email.send_status === "unknown";
  return (
    <div class={`send-state send-state-${email.send_status}${compact ? " compact" : ""}`} data-testid="send-state">
      <p class="send-state-text">
        <Icon name="alert" size={14} />{" "}
        {unknown ? (
          <strong>May not have been sent</strong>
        ) : (
          <>
            <strong>Not sent:</strong> {email.send_error || "the mail server refused it."}
          </>
        )}
        {unknown && email.send_error && <span class="send-state-detail"> {email.send_error}</span>}
      </p>
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        disabled={busy}
        onClick={() => (unknown ? setConfirming(true) : void retry(false))}
      >
        <Icon name="refresh" size={14} /> {busy ? "Sending…" : "Retry"}
      </button>
      {problem && !confirming && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Send it again?"
        confirmLabel="Send again"
        busyLabel="Sending…"
        onClose={() => setConfirming(false)}
        onConfirm={() => retry(true)}
      >
        <p>
          It may have been sent already: the mail server did not confirm it. Sending it again may deliver it twice.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function times(count: number): string {
  return `${count}×`;
}

/** A sent email's opens in a few words: "Opened 3×" (the last one on hover), "Not opened",
 * and whether a mail proxy fetched it by itself. */
type OpensOf = Pick<EmailRow, "opens" | "prefetches" | "last_opened_at" | "send_status">;

export function OpensSummary({ email }: { email: OpensOf }) {
  if (email.send_status && email.send_status !== "sent") return null;
  return (
    <span class="email-opens" data-testid="email-opens">
      {email.opens > 0 ? (
        <span title={email.last_opened_at ? `Last opened ${formatDateTime(email.last_opened_at)}` : undefined}>
          Opened {times(email.opens)}
          {email.last_opened_at && (
            <>
              , last <RelativeTime iso={email.last_opened_at} />
            </>
          )}
        </span>
      ) : (
        <span>Not opened</span>
      )}
      {email.prefetches > 0 && (
        <span class="email-opens-proxy" title="A mail service fetched its images by itself: not necessarily opened">
          Fetched by a mail proxy
        </span>
      )}
    </span>
  );
}

const KIND_LABELS: Record<string, string> = {
  open: "Opened",
  proxy: "Opened through a mail proxy",
  prefetch: "Fetched by a mail proxy (not necessarily opened)",
};

/** The reader's account of a sent email: its status, the recipients refused while it went to the
 * others (a failure's error names them already), each open. */
export function DeliveryDetails({ email, onRetried }: { email: EmailDetail; onRetried: (email: EmailDetail) => void }) {
  if (email.direction !== "outbound") return null;
  const log = [...email.open_log].reverse(); // newest first
  return (
    <section class="email-delivery" aria-label="Delivery">
      <SendState email={email} onRetried={onRetried} />
      {email.send_status === "sent" && (
        <p class="email-delivery-sent">
          <Icon name="check" size={14} /> Sent · <OpensSummary email={email} />
        </p>
      )}
      {email.send_status === "sent" && email.refused.length > 0 && (
        <p class="email-refused" data-testid="email-refused">
          Refused by the mail server (not delivered to): {email.refused.join(", ")}
        </p>
      )}
      {log.length > 0 && (
        <ul class="email-open-log" aria-label="Opens">
          {log.map((open, index) => (
            <li key={`${open.at}-${index}`} class={`email-open email-open-${open.kind}`}>
              <span>{open.label || KIND_LABELS[open.kind] || "Opened"}</span> <RelativeTime iso={open.at} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The messages of one conversation, oldest at the top as in any phone (the API pages newest first). */

import { useEffect, useState } from "preact/hooks";
import { describeError } from "../../api/client";
import { listSmsMessages, retrySms } from "../../api/endpoints";
import type { Activity } from "../../api/types";
import { ErrorState, SkeletonRows } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { RelativeTime } from "../../components/Time";
import type { PagedState } from "../../hooks";
import { usePaged } from "../../hooks";
import { repName, useTeam } from "../../team";
import { SmsAttachments, SmsDelivery, isRetryable, smsData } from "./delivery";
import { SmsDetails } from "./SmsDetails";

/** The thread's messages; reloaded when the conversation's last activity changes. */
export function useSmsMessages(conversationId: string, lastAt: string): PagedState<Activity> {
  return usePaged(
    (cursor, signal) => listSmsMessages(conversationId, cursor, signal),
    [conversationId, lastAt],
  );
}

/** While a message is being retried (the reminders' sweep sends it), the thread is asked again this often. */
const RETRY_POLL_MS = 3000;

export function SmsThread({ messages }: { messages: PagedState<Activity> }) {
  const retrying = messages.items.some((message) => smsData(message).status === "retrying");
  useEffect(() => {
    if (!retrying) return undefined;
    const timer = window.setInterval(messages.reload, RETRY_POLL_MS);
    return () => window.clearInterval(timer);
  }, [retrying, messages.reload]);
  const replace = (fresh: Activity) =>
    messages.update((items) => items.map((item) => (item.id === fresh.id ? fresh : item)));
  if (messages.loading && messages.items.length === 0) return <SkeletonRows rows={2} />;
  if (messages.error && messages.items.length === 0) {
    return <ErrorState message={messages.error} onRetry={messages.reload} />;
  }
  const oldestFirst = [...messages.items].reverse();
  return (
    <div class="sms-thread-wrap">
      {messages.hasMore && (
        <div class="sms-earlier">
          <button
            type="button"
            class="btn btn-ghost btn-sm"
            onClick={messages.loadMore}
            disabled={messages.loadingMore}
          >
            {messages.loadingMore ? "Loading…" : "Show earlier messages"}
          </button>
        </div>
      )}
      <ol class="sms-thread" aria-label="Messages">
        {oldestFirst.map((message) => (
          <SmsBubble key={message.id} message={message} onChange={replace} />
        ))}
      </ol>
    </div>
  );
}

/** One SMS as a phone shows it: received on the left, sent on the right (a thread, the conversation page). */
export function SmsBubble({ message, onChange }: { message: Activity; onChange: (fresh: Activity) => void }) {
  const team = useTeam();
  const inbound = message.direction === "inbound";
  const data = smsData(message);
  const mayRetry = !inbound && isRetryable(data.status) && message.rep_id === team.me.id;
  return (
    <li class={inbound ? "sms-bubble inbound" : "sms-bubble outbound"} data-direction={message.direction}>
      <div class="sms-bubble-text">{message.body || <span class="muted">(no text)</span>}</div>
      <SmsAttachments media={data.media} />
      <div class="sms-bubble-meta">
        <Icon name={inbound ? "inbound" : "outbound"} size={12} />
        <span>{inbound ? "Received" : `Sent by ${repName(team, message.rep_id)}`}</span>
        <span aria-hidden="true">·</span>
        <RelativeTime iso={message.occurred_at} />
        <SmsDelivery activity={message} />
        {mayRetry && <RetryButton message={message} onRetried={onChange} />}
      </div>
      <SmsDetails message={message} />
    </li>
  );
}

/** Sends the rep's own failed message again: "Retrying…" until the sweep's answer replaces it. */
function RetryButton({ message, onRetried }: { message: Activity; onRetried: (fresh: Activity) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const retry = () => {
    setBusy(true);
    setError(null);
    retrySms(message).then(
      (fresh) => onRetried(fresh),
      (exc: unknown) => {
        setError(describeError(exc));
        setBusy(false);
      },
    );
  };
  return (
    <>
      <button type="button" class="btn btn-ghost btn-sm sms-retry" onClick={retry} disabled={busy}>
        {busy ? "Retrying…" : "Retry"}
      </button>
      {error && (
        <span class="sms-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

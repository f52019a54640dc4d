/** The messages of one conversation, oldest at the top as in any phone (the API pages newest first). */

import { listSmsMessages } from "../../api/endpoints";
import type { Activity } from "../../api/types";
import { ErrorState, SkeletonRows } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { RelativeTime } from "../../components/Time";
import type { PagedState } from "../../hooks";
import { usePaged } from "../../hooks";
import { repName, useTeam } from "../../team";
import { SmsAttachments, SmsDelivery, smsData } from "./delivery";
import { SmsDetails } from "./SmsDetails";

/** The thread's messages; reloaded when the conversation's last activity changes. */
export function useSmsMessages(conversationId: string, lastAt: string): PagedState<Activity> {
  return usePaged(
    (cursor, signal) => listSmsMessages(conversationId, cursor, signal),
    [conversationId, lastAt],
  );
}

export function SmsThread({ messages }: { messages: PagedState<Activity> }) {
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
          <SmsBubble key={message.id} message={message} />
        ))}
      </ol>
    </div>
  );
}

function SmsBubble({ message }: { message: Activity }) {
  const team = useTeam();
  const inbound = message.direction === "inbound";
  const data = smsData(message);
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
      </div>
      <SmsDetails message={message} />
    </li>
  );
}

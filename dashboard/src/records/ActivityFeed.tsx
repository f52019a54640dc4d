/** A record's activity feed (A3): newest first, paged, filtered by type or starred, with notes. */

import { useState } from "preact/hooks";
import { addNote, listActivities, type FeedFilter } from "../api/endpoints";
import { describeError } from "../api/client";
import type { Activity, ActivityType } from "../api/types";
import { EmptyState, ErrorState, SkeletonRows } from "../components/Feedback";
import { Icon, type IconName } from "../components/Icon";
import { RelativeTime } from "../components/Time";
import { usePaged } from "../hooks";
import { repName, useTeam } from "../team";

const TYPES: { type: ActivityType; chip: string; noun: string; inner: string; icon: IconName }[] = [
  { type: "email", chip: "Email", noun: "Email", inner: "email", icon: "mail" },
  { type: "call", chip: "Calls", noun: "Call", inner: "call", icon: "phone" },
  { type: "sms", chip: "SMS", noun: "SMS", inner: "SMS", icon: "sms" },
  { type: "chat", chip: "Chat", noun: "Chat", inner: "chat", icon: "chat" },
  { type: "note", chip: "Notes", noun: "Note", inner: "note", icon: "note" },
  { type: "task", chip: "Tasks", noun: "Task", inner: "task", icon: "task" },
];
const TYPE_INFO = Object.fromEntries(TYPES.map((item) => [item.type, item])) as Record<
  ActivityType,
  (typeof TYPES)[number]
>;

export function ActivityFeed({ recordId }: { recordId: string }) {
  const [filter, setFilter] = useState<FeedFilter>({ type: null, starred: false });
  const feed = usePaged(
    (cursor, signal) => listActivities(recordId, filter, cursor, signal),
    [recordId, filter.type, filter.starred],
  );

  const onNoteAdded = (note: Activity) => {
    if ((filter.type === null || filter.type === "note") && !filter.starred) feed.prepend(note);
    else setFilter({ type: null, starred: false });
  };

  const filtered = filter.type !== null || filter.starred;
  return (
    <section class="card feed" aria-labelledby="feed-title">
      <header class="feed-header">
        <h2 id="feed-title">Activity</h2>
      </header>
      <NoteBox recordId={recordId} onAdded={onNoteAdded} />
      <div class="feed-filters">
        <div class="chips" role="group" aria-label="Filter by type">
          <button
            type="button"
            class={filter.type === null ? "chip-btn active" : "chip-btn"}
            aria-pressed={filter.type === null}
            onClick={() => setFilter({ ...filter, type: null })}
          >
            All
          </button>
          {TYPES.map((item) => (
            <button
              key={item.type}
              type="button"
              class={filter.type === item.type ? "chip-btn active" : "chip-btn"}
              aria-pressed={filter.type === item.type}
              onClick={() => setFilter({ ...filter, type: item.type })}
            >
              {item.chip}
            </button>
          ))}
        </div>
        <button
          type="button"
          class={filter.starred ? "chip-btn star active" : "chip-btn star"}
          aria-pressed={filter.starred}
          onClick={() => setFilter({ ...filter, starred: !filter.starred })}
        >
          <Icon name="star" size={14} /> Starred
        </button>
      </div>
      <div aria-live="polite" aria-busy={feed.loading}>
        {feed.loading ? (
          <SkeletonRows rows={3} />
        ) : feed.error && feed.items.length === 0 ? (
          <ErrorState message={feed.error} onRetry={feed.reload} />
        ) : feed.items.length === 0 ? (
          <EmptyState
            icon={filter.type ? TYPE_INFO[filter.type].icon : "clock"}
            title={filtered ? "Nothing matches this filter" : "No activity yet"}
          >
            {filtered
              ? "Try another type, or show everything."
              : "Calls, SMS, emails, chats and notes with this record will appear here, newest first."}
          </EmptyState>
        ) : (
          <ol class="timeline" aria-label="Activities">
            {feed.items.map((activity) => (
              <ActivityItem key={activity.id} activity={activity} />
            ))}
          </ol>
        )}
        {feed.error && feed.items.length > 0 && <ErrorState message={feed.error} onRetry={feed.loadMore} />}
        {feed.hasMore && !feed.loading && (
          <div class="load-more">
            <button
              type="button"
              class="btn btn-secondary"
              onClick={feed.loadMore}
              disabled={feed.loadingMore}
            >
              {feed.loadingMore ? "Loading…" : "Load more"}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}

function ActivityItem({ activity }: { activity: Activity }) {
  const team = useTeam();
  const info = TYPE_INFO[activity.type] ?? TYPE_INFO.note;
  // A note's summary is its first line: show the whole text once. Other types: the summary (an
  // email's subject, a call's outcome), then the rest of the body without repeating it.
  const isNote = activity.type === "note";
  const main = isNote ? activity.body.trim() || activity.summary : activity.summary;
  const rest = isNote ? "" : bodyAfterSummary(activity.body, activity.summary);
  const call = activity.type === "call" ? callFacts(activity.data) : null;
  const directionLabel =
    activity.direction === "inbound" ? "Incoming" : activity.direction === "outbound" ? "Outgoing" : "";
  return (
    <li class={`activity activity-${activity.type}`} data-type={activity.type}>
      <span class={`activity-icon type-${activity.type}`} aria-hidden="true">
        <Icon name={info.icon} size={16} />
      </span>
      <div class="activity-content">
        <div class="activity-meta">
          <span class="activity-type">
            {directionLabel && (
              <Icon
                name={activity.direction === "inbound" ? "inbound" : "outbound"}
                size={13}
                title={directionLabel}
              />
            )}
            {directionLabel ? `${directionLabel} ${info.inner}` : info.noun}
          </span>
          {call?.missed && <span class="badge badge-danger">Missed</span>}
          {call?.duration && (
            <>
              <span aria-hidden="true">·</span>
              <span title="Duration">{call.duration}</span>
            </>
          )}
          <span aria-hidden="true">·</span>
          <span>{repName(team, activity.rep_id)}</span>
          <span aria-hidden="true">·</span>
          <RelativeTime iso={activity.occurred_at} />
          {activity.starred && <Icon name="star" size={14} class="starred" title="Starred" />}
        </div>
        <p class={isNote ? "activity-summary activity-note" : "activity-summary"}>
          {main || <span class="muted">(no text)</span>}
        </p>
        {rest && <p class="activity-body">{rest}</p>}
      </div>
    </li>
  );
}

function bodyAfterSummary(body: string, summary: string): string {
  const text = body.trim();
  const head = summary.trim().replace(/…$/, "");
  if (!text || text === summary.trim()) return "";
  return head && text.startsWith(head) ? text.slice(head.length).trim() : text;
}

/** What the feed says about a call besides its summary: missed, and how long it lasted. */
function callFacts(data: Record<string, unknown>): { missed: boolean; duration: string | null } {
  const seconds = typeof data.duration === "number" ? data.duration : 0;
  const duration =
    seconds > 0 ? `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}` : null;
  return { missed: data.missed === true, duration };
}

function NoteBox({ recordId, onAdded }: { recordId: string; onAdded: (note: Activity) => void }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(await addNote(recordId, text));
      setText("");
    } catch (exc) {
      setError(describeError(exc));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="note-box" onSubmit={submit}>
      <label for="note-text" class="sr-only">
        Add a note
      </label>
      <textarea
        id="note-text"
        class="input"
        rows={2}
        placeholder="Add a note… (Ctrl+Enter to save)"
        value={text}
        aria-describedby={error ? "note-error" : undefined}
        onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void submit(event);
        }}
      />
      <div class="note-actions">
        {error && (
          <p id="note-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-sm" disabled={busy || !text.trim()}>
          {busy ? "Saving…" : "Add note"}
        </button>
      </div>
    </form>
  );
}

/**
 * A record's activity feed (A3): newest first, paged, filtered by type, starred (A1), thread
 * (A2) and rep, the filter kept in the page's address (`?type=email&starred=true&thread=main&rep=`,
 * as the API spells them) so that a filtered feed can be shared and survives a reload; with a
 * note box and, for people, an SMS composer. Any item can be starred or added to the
 * record's thread; taking it out of the thread keeps it in the feed. A call shows its summary
 * (C8) and its recording.
 */

import { useState } from "preact/hooks";
import { addNote, listActivities, MAIN_THREAD, type FeedFilter } from "../api/endpoints";
import { describeError } from "../api/client";
import type { Activity, ActivityType, CallData, CrmRecord } from "../api/types";
import { CallRecording, withRecordingOf } from "../center/calls/CallRecording";
import { SavedCallSummary } from "../center/calls/SavedCallSummary";
import { SummariseCall, feedCallTitle, summaryChangedFeed, withSummaryOf } from "../center/calls/SummariseCall";
import { EmailFeedExtras } from "../center/email/EmailReader";
import { SmsAttachments, SmsDelivery, smsData } from "../center/sms/delivery";
import { SmsDetails } from "../center/sms/SmsDetails";
import { RecordSmsComposer } from "../center/sms/RecordSmsComposer";
import { SectionSwitch } from "../center/SectionSwitch";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../components/Feedback";
import { Icon, type IconName } from "../components/Icon";
import { RelativeTime } from "../components/Time";
import { formatDuration, formatPhone } from "../format";
import { usePaged } from "../hooks";
import { navigate, useLocation } from "../router";
import { type Team, repName, useTeam } from "../team";
import { RepFilter } from "./RepFilter";
import { ActivityMarks } from "./ActivityMarks";
import { TaskExtras, taskData } from "./TaskExtras";

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

const NO_FILTER: FeedFilter = { type: null, starred: false, thread: false, rep: null };

/** The filter the address names; what it names wrong (a type or rep there is none of) is left out. */
function filterOf(query: URLSearchParams, team: Team): FeedFilter {
  const type = query.get("type");
  const rep = query.get("rep");
  return {
    type: TYPES.some((item) => item.type === type) ? (type as ActivityType) : null,
    starred: query.get("starred") === "true",
    thread: query.get("thread") === MAIN_THREAD,
    rep: rep && (rep === team.me.id || team.reps.has(rep)) ? rep : null,
  };
}

/** The address with `filter` in place of the feed's filter (any other parameter kept). */
function addressOf(pathname: string, query: URLSearchParams, filter: FeedFilter): string {
  const next = new URLSearchParams(query);
  const values = {
    type: filter.type,
    starred: filter.starred ? "true" : null,
    thread: filter.thread ? MAIN_THREAD : null,
    rep: filter.rep,
  };
  for (const [name, value] of Object.entries(values)) {
    if (value) next.set(name, value);
    else next.delete(name);
  }
  const search = next.toString();
  return search ? `${pathname}?${search}` : pathname;
}

function matches(filter: FeedFilter, activity: Activity): boolean {
  return (
    (filter.type === null || filter.type === activity.type) &&
    (!filter.starred || activity.starred) &&
    (!filter.thread || activity.thread_id === MAIN_THREAD) &&
    (filter.rep === null || filter.rep === activity.rep_id)
  );
}

type Composer = "note" | "sms";

export function ActivityFeed({ record }: { record: CrmRecord }) {
  const recordId = record.id;
  const team = useTeam();
  const { pathname, query } = useLocation();
  const filter = filterOf(query, team);
  // Each change of filter replaces the address: Back leaves the record, not the last chip.
  const setFilter = (next: FeedFilter) =>
    navigate(addressOf(pathname, query, next), { replace: true, keepScroll: true });
  const [composer, setComposer] = useState<Composer>("note");
  const feed = usePaged(
    (cursor, signal) => listActivities(recordId, filter, cursor, signal),
    [recordId, filter.type, filter.starred, filter.thread, filter.rep],
  );

  // What the rep just wrote shows at once; a filter that would hide it is lifted.
  const onAdded = (activity: Activity) => {
    if (matches(filter, activity)) feed.prepend(activity);
    else setFilter(NO_FILTER);
  };
  const onUpdated = (activity: Activity) =>
    feed.update((items) =>
      items.flatMap((item) =>
        item.id !== activity.id ? [item] : matches(filter, activity) ? [activity] : [],
      ),
    );

  const filtered = filter.type !== null || filter.starred || filter.thread || filter.rep !== null;
  const people = record.kind !== "deal";
  return (
    <section class="card feed" aria-labelledby="feed-title">
      <header class="feed-header">
        <h2 id="feed-title">Activity</h2>
        {people && (
          <SectionSwitch
            label="Write"
            options={[
              { id: "note", label: "Note" },
              { id: "sms", label: "SMS" },
            ]}
            value={composer}
            onChange={setComposer}
          />
        )}
      </header>
      {composer === "sms" && people ? (
        <div class="feed-sms">
          <RecordSmsComposer record={record} idPrefix="record-sms" autoFocus onSent={onAdded} />
        </div>
      ) : (
        <NoteBox recordId={recordId} onAdded={onAdded} />
      )}
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
        <RepFilter value={filter.rep} onChange={(rep) => setFilter({ ...filter, rep })} />
        <div class="chips" role="group" aria-label="Filter by mark">
          <button
            type="button"
            class={filter.starred ? "chip-btn star active" : "chip-btn star"}
            aria-pressed={filter.starred}
            onClick={() => setFilter({ ...filter, starred: !filter.starred })}
          >
            <Icon name="star" size={14} /> Starred
          </button>
          <button
            type="button"
            class={filter.thread ? "chip-btn active" : "chip-btn"}
            aria-pressed={filter.thread}
            onClick={() => setFilter({ ...filter, thread: !filter.thread })}
          >
            <Icon name="thread" size={14} /> Thread
          </button>
        </div>
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
              <ActivityItem
                key={activity.id}
                record={record}
                activity={activity}
                onUpdated={onUpdated}
                onReload={feed.reload}
              />
            ))}
          </ol>
        )}
        <LoadMore list={feed} />
      </div>
    </section>
  );
}

/** The record a feed is of, as its items need it. */
export type FeedRecord = Pick<CrmRecord, "id" | "kind" | "display_name">;

type ItemProps = {
  /** The record whose feed shows it; null: a conversation not on a record (no marks, no tasks). */
  record: FeedRecord | null;
  activity: Activity;
  onUpdated: (activity: Activity) => void;
  /** What the item changed reaches other items (a call's follow-up task): the feed is read again. */
  onReload: () => void;
  /** Opens an email where the item is shown (the conversation page's reader); absent: its tab. */
  onOpenEmail?: (activity: Activity) => void;
};

/** One activity as a feed shows it (the record's feed, the conversation page's thread). */
export function ActivityItem({ record, activity, onUpdated, onReload, onOpenEmail }: ItemProps) {
  const team = useTeam();
  const info = TYPE_INFO[activity.type] ?? TYPE_INFO.note;
  // A note's summary is its first line: show the whole text once. Other types: the summary (an
  // email's subject, a call's outcome), then the rest of the body without repeating it.
  const isNote = activity.type === "note";
  const main = isNote
    ? activity.body.trim() || activity.summary
    : activity.type === "call" && record
      ? feedCallTitle(activity, record)
      : activity.summary;
  const rest = isNote ? "" : bodyAfterSummary(activity.body, activity.summary);
  const call = activity.type === "call" ? callFacts(activity.data) : null;
  const sms = activity.type === "sms" ? smsData(activity) : null;
  const task = activity.type === "task" ? taskData(activity) : null;
  const directionLabel =
    activity.direction === "inbound" ? "Incoming" : activity.direction === "outbound" ? "Outgoing" : "";
  return (
    <li class={`activity activity-${activity.type}`} data-type={activity.type} data-done={task?.done || undefined}>
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
          {sms && <SmsDelivery activity={activity} />}
        </div>
        <p class={isNote ? "activity-summary activity-note" : "activity-summary"}>
          {main || <span class="muted">(no text)</span>}
        </p>
        {rest && <p class="activity-body">{rest}</p>}
        {activity.type === "email" && (
          <EmailFeedExtras activity={activity} onOpen={onOpenEmail && (() => onOpenEmail(activity))} />
        )}
        {sms && <SmsAttachments media={sms.media} />}
        {sms && <SmsDetails message={activity} />}
        {task && record && <TaskExtras recordId={record.id} task={activity} onUpdated={onUpdated} />}
        {call && <CallExtras record={record} call={activity} onUpdated={onUpdated} onReload={onReload} />}
      </div>
      {record && <ActivityMarks recordId={record.id} activity={activity} noun={info.noun} onUpdated={onUpdated} />}
    </li>
  );
}

type CallExtrasProps = Pick<ItemProps, "record" | "onUpdated" | "onReload"> & { call: Activity };

/**
 * A call's summary, "Summarise call" or "Edit summary" for its rep, and its recording; a deal's
 * feed (or a conversation not on a record) names the call by the number it was with.
 */
function CallExtras({ record, call, onUpdated, onReload }: CallExtrasProps) {
  const data = call.data as CallData;
  const number = formatPhone(data.remote) || "this number";
  const who = !record || record.kind === "deal" ? number : record.display_name;
  // A deal's feed holds a copy of the call: whose record the call is on, the API knows.
  const person = !record
    ? null
    : record.kind === "deal"
      ? undefined
      : { id: record.id, kind: record.kind, display_name: record.display_name };
  const saved = (answer: Activity) =>
    record && summaryChangedFeed(call, answer, record) ? onReload() : onUpdated(withSummaryOf(call, answer));
  return (
    <>
      <SavedCallSummary summary={data.summary ?? undefined} shownOn={record?.id} />
      <SummariseCall
        call={call}
        title={record ? feedCallTitle(call, record) : call.summary}
        record={person}
        onSaved={saved}
      />
      <CallRecording call={call} who={who} onDeleted={(answer) => onUpdated(withRecordingOf(call, answer))} />
    </>
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
  const duration = seconds > 0 ? formatDuration(seconds) : null;
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

/**
 * The conversation page (I4), open beside a folder's list (on a phone, over it, full height): at
 * the top the actions of its folder (the bulk bar's own, FolderActions) and a compact card of the
 * customer (or, unmatched, its number or address with Add to CRM, Add to existing, Ignore); in the
 * middle the whole thread, oldest at the top as in a chat, earlier pages loaded upward: for a
 * customer, their record's activities of every channel and every rep (GET
 * /api/records/{id}/activities), else the conversation's own messages; at the bottom, always in
 * reach, the reply on the conversation's channel: the SMS composer, a reply to its newest email in
 * the email Composer, or for a call Call back and Text. Each activity is shown by the component
 * that shows it everywhere (an SMS bubble, the feed's item for emails, calls, notes and tasks).
 * Opening it reads it; it asks for the conversation again every 10 s, so a new message shows. Keys, outside a text field: r replies (the SMS box, the email composer),
 * Escape leaves the reply box; j/k/x/e belong to the list (FolderList), which moves the page along.
 */

import { Fragment } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { describeError } from "../../api/client";
import {
  actOnFolders,
  getConversation,
  getEmail,
  listActivities,
  listSmsMessages,
  type FeedFilter,
} from "../../api/endpoints";
import type {
  Activity,
  ConversationView,
  CrmRecord,
  CustomerCard,
  FolderRow,
  FolderView,
  OpenConversationData,
} from "../../api/types";
import { Avatar } from "../../components/Avatar";
import { Badge } from "../../components/Badge";
import { EmptyState, ErrorState, SkeletonRows, Spinner } from "../../components/Feedback";
import { Icon, type IconName } from "../../components/Icon";
import { formatDate } from "../../components/Time";
import { formatPhone } from "../../format";
import { type PagedState, useAsync, useInterval, usePaged } from "../../hooks";
import { CallButton } from "../../phone/PhonePanel";
import { ActivityItem } from "../../records/ActivityFeed";
import { sentence } from "../../records/fields";
import { recordPath } from "../../records/kinds";
import { Link } from "../../router";
import { repName, useTeam } from "../../team";
import { type Composition, replyTo } from "../email/compose";
import { Composer } from "../email/Composer";
import { EmailReader } from "../email/EmailReader";
import { type IgnoreScope, UnmatchedButtons, changeIgnoring } from "../ignoring";
import { SmsComposer } from "../sms/SmsComposer";
import { SmsBubble } from "../sms/SmsThread";
import { AddToCrmDialog, AddToExistingDialog } from "../UnmatchedDialogs";
import { assignedNote } from "./Assignment";
import { FolderActions, type FolderActionChange } from "./FolderActions";
import { handleText } from "./FolderList";

type Props = {
  id: string;
  /** Its row in the list, when the list has loaded it: the page follows its last message. */
  row: FolderRow | null;
  onClose: () => void;
  onChanged: () => void;
};

const CHANNELS: Record<string, { icon: IconName; label: string }> = {
  sms: { icon: "sms", label: "SMS" },
  email: { icon: "mail", label: "Email" },
  call: { icon: "phone", label: "Calls" },
  chat: { icon: "chat", label: "Chat" },
};

const EVERYTHING: FeedFilter = { type: null, starred: false, thread: false, rep: null };
const REFRESH_MS = 10_000;

/** The id of the reply's field or button, which r reaches (and the list's tests find). */
export const replyId = (conversationId: string) => `reply-${conversationId}`;

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function OpenConversation({ id, row, onClose, onChanged }: Props) {
  const [reloads, setReloads] = useState(0);
  const loaded = useAsync((signal) => getConversation(id, signal), [id, row?.last_at, reloads]);
  const [shown, setShown] = useState<ConversationView | null>(null);
  // Asked again every few seconds (one GetItem): a new message shows in the thread, and the list
  // and counts load again with it.
  useInterval(() => setReloads((n) => n + 1), REFRESH_MS);
  const lastAt = useRef<string | null>(null);
  useEffect(() => {
    if (!loaded.data) return;
    setShown(loaded.data);
    const at = loaded.data.conversation.last_at;
    if (lastAt.current !== null && at !== lastAt.current) onChanged();
    lastAt.current = at;
  }, [loaded.data]);
  const view = shown?.conversation.id === id ? shown : null;
  const gone = loaded.error && loaded.errorStatus === 404;
  return (
    <section
      class="card folder-open conversation-page"
      aria-label="Open conversation"
      data-channel={view?.conversation.channel}
    >
      {view ? (
        <ConversationPage
          view={view}
          onClose={onClose}
          onReload={() => setReloads((n) => n + 1)}
          onChanged={onChanged}
          onRead={() => setShown({ ...view, conversation: { ...view.conversation, unread: 0 } })}
        />
      ) : (
        <>
          <PageHead title={row ? rowTitle(row) : "Conversation"} channel={row?.channel ?? null} onClose={onClose} />
          {gone ? (
            <EmptyState icon="inbox" title="Not in your folders">
              This conversation was deleted, assigned to someone else or ignored.
            </EmptyState>
          ) : loaded.error ? (
            <ErrorState message={loaded.error} onRetry={loaded.reload} />
          ) : (
            <Spinner />
          )}
        </>
      )}
    </section>
  );
}

function rowTitle(row: Pick<FolderRow, "record" | "channel" | "remote">): string {
  return row.record?.display_name || handleText(row);
}

function PageHead({ title, channel, onClose }: { title: string; channel: string | null; onClose: () => void }) {
  const info = channel ? CHANNELS[channel] : null;
  return (
    <div class="conversation-head-top">
      <button type="button" class="btn btn-ghost btn-sm conversation-back" onClick={onClose}>
        <Icon name="arrowLeft" size={16} /> <span class="conversation-back-text">Back to the list</span>
      </button>
      {info && (
        <span class={`conversation-channel type-${channel}`} title={info.label}>
          <Icon name={info.icon} size={16} title={info.label} />
        </span>
      )}
      <h2 class="conversation-title">{title}</h2>
    </div>
  );
}

type PageProps = {
  view: ConversationView;
  onClose: () => void;
  onReload: () => void;
  onChanged: () => void;
  onRead: () => void;
};

function ConversationPage({ view, onClose, onReload, onChanged, onRead }: PageProps) {
  const team = useTeam();
  const { conversation, card } = view;
  const assigned = assignedNote(team, conversation);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState<string | null>(null); // an email open in the reader: its key
  const [thread, setThread] = useState(0); // the thread loads again
  const [composing, setComposing] = useState<Composition | null>(null); // the email Composer
  const title = card?.display_name || handleText(conversation);

  // Open means read, as in any inbox (the Mark unread button brings it back).
  const readOnce = useRef<string | null>(null);
  useEffect(() => {
    if (conversation.unread === 0 || readOnce.current === conversation.last_at) return;
    readOnce.current = conversation.last_at;
    actOnFolders({ action: "read", ids: [conversation.id] }).then(
      () => {
        onRead();
        onChanged();
      },
      () => undefined, // it stays unread; the bar's Mark read is there
    );
  }, [conversation.id, conversation.last_at, conversation.unread]);

  const act = (change: FolderActionChange) => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    return actOnFolders({ ...change, ids: [conversation.id] }).then(
      (answer) => {
        setBusy(false);
        onChanged();
        if (LEAVING.has(change.action)) onClose();
        else {
          setNotice(DONE[change.action] ?? "Done.");
          onReload();
        }
        return answer;
      },
      (exc: unknown) => {
        setBusy(false);
        setProblem(sentence(describeError(exc)));
      },
    );
  };
  const sent = () => {
    setThread((n) => n + 1);
    onChanged();
    onReload();
  };

  return (
    <>
      <header class="conversation-head">
        <PageHead title={title} channel={conversation.channel} onClose={onClose} />
        <p class="conversation-sub">
          <span>{CHANNELS[conversation.channel]?.label ?? conversation.channel}</span>
          <span aria-hidden="true">·</span>
          <span>{handleText(conversation)}</span>
          <span aria-hidden="true">·</span>
          <span>{FOLDER_NAMES[conversation.folder] ?? conversation.folder}</span>
          {conversation.follow_up_on && (
            <span class="conversation-follow-up">
              <Icon name="clock" size={12} /> Follow up {conversation.follow_up_on}
            </span>
          )}
          {assigned && <span class="conversation-assigned">{assigned}</span>}
        </p>
        <div class="conversation-actions" role="toolbar" aria-label="Conversation actions">
          <FolderActions
            view={conversation.folder as FolderView}
            ids={[conversation.id]}
            busy={busy}
            onAct={act}
            omit={["read"]}
          />
        </div>
        {(notice || problem) && (
          <p class={problem ? "form-error" : "conversation-notice"} role={problem ? "alert" : "status"}>
            {problem ?? notice}
          </p>
        )}
      </header>
      {card ? (
        <CardOfCustomer card={card} />
      ) : (
        <UnknownCard conversation={conversation} onChanged={onChanged} onReload={onReload} onClose={onClose} />
      )}
      {reading ? (
        <div class="conversation-reader">
          <EmailReader
            id={reading}
            onClose={() => setReading(null)}
            onRead={onChanged}
            onCompose={setComposing}
            onRetried={onChanged}
          />
        </div>
      ) : (
        <Thread conversation={conversation} card={card} refresh={thread} onOpenEmail={setReading} />
      )}
      <ReplyBar conversation={conversation} card={card} onSent={sent} onCompose={setComposing} />
      <Composer
        composition={composing}
        onClose={() => setComposing(null)}
        onDone={() => {
          setComposing(null);
          sent();
        }}
      />
    </>
  );
}

const FOLDER_NAMES: Record<string, string> = {
  inbox: "Inbox",
  follow_up: "Follow-up",
  archived: "Archived",
  trash: "Trash",
  spam: "Spam",
};

/** Actions after which the conversation is no longer the rep's to see: the page closes. */
const LEAVING: ReadonlySet<string> = new Set(["assign", "delete_forever"]);

const DONE: Partial<Record<string, string>> = {
  archive: "Archived.",
  trash: "Moved to Trash.",
  spam: "Marked as spam.",
  not_spam: "Moved to the Inbox.",
  inbox: "Moved to the Inbox.",
  unread: "Marked unread.",
  follow_up: "You will be reminded on the day picked.",
};

function CardOfCustomer({ card }: { card: CustomerCard }) {
  const team = useTeam();
  const role = [card.title, card.company_name].filter(Boolean).join(" · ");
  return (
    <section class="conversation-card" aria-label="Customer">
      <Avatar name={card.display_name} size="md" />
      <div class="conversation-card-main">
        <div class="conversation-card-name">
          <Link href={recordPath(card.id)}>{card.display_name}</Link>
          <Badge value={card.kind} />
          {card.status && <Badge value={card.status} />}
        </div>
        {role && <p class="conversation-card-role">{role}</p>}
        <ul class="conversation-card-handles" aria-label="Numbers and addresses">
          {card.phones.map((phone) => (
            <li key={phone.number}>
              <Icon name="phone" size={12} /> <a href={`tel:${phone.number}`}>{formatPhone(phone.number)}</a>
              <span class="muted"> {phone.label}</span>
            </li>
          ))}
          {card.emails.map((email) => (
            <li key={email.address}>
              <Icon name="mail" size={12} /> <a href={`mailto:${email.address}`}>{email.address}</a>
            </li>
          ))}
        </ul>
        {card.owner_id && <p class="conversation-card-owner">Owner: {repName(team, card.owner_id)}</p>}
      </div>
    </section>
  );
}

type UnknownProps = {
  conversation: OpenConversationData;
  onChanged: () => void;
  onReload: () => void;
  onClose: () => void;
};

/** Not in the CRM: the number or address, and what can be done with it (S5, C3, E6). */
function UnknownCard({ conversation, onChanged, onReload, onClose }: UnknownProps) {
  const { me } = useTeam();
  const [dialog, setDialog] = useState<"crm" | "existing" | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const shown = handleText(conversation);
  const unknown = { number: conversation.remote.replace(/^(email|sms|phone|call):/, ""), handle: conversation.handle };
  const ignore = async (scope: IgnoreScope) => {
    setBusy(true);
    setSaid(null);
    try {
      await changeIgnoring(conversation.handle, true, scope, me.role === "admin");
      onChanged();
      onClose(); // ignored traffic is in no folder
    } catch (exc) {
      setSaid(sentence(describeError(exc)));
      setBusy(false);
    }
  };
  const added = (record: CrmRecord) => {
    setDialog(null);
    setSaid(`${shown} is now on ${record.display_name}.`);
    onChanged();
    onReload();
  };
  return (
    <section class="conversation-card unknown" aria-label="Customer">
      <span class="kind-icon kind-unknown" aria-hidden="true">
        <Icon name={conversation.channel === "email" ? "mail" : "phone"} size={18} />
      </span>
      <div class="conversation-card-main">
        <div class="conversation-card-name">
          <strong>{shown}</strong> <span class="muted">Not in your CRM</span>
        </div>
        <div class="conversation-card-buttons">
          <UnmatchedButtons
            busy={busy}
            onAdd={() => setDialog("crm")}
            onExisting={() => setDialog("existing")}
            onIgnore={(scope) => void ignore(scope)}
          />
        </div>
        {said && (
          <p class="conversation-notice" role="status">
            {said}
          </p>
        )}
      </div>
      <AddToCrmDialog unknown={unknown} open={dialog === "crm"} onClose={() => setDialog(null)} onDone={added} />
      <AddToExistingDialog
        unknown={unknown}
        open={dialog === "existing"}
        onClose={() => setDialog(null)}
        onDone={added}
      />
    </section>
  );
}

type ThreadProps = {
  conversation: OpenConversationData;
  card: CustomerCard | null;
  refresh: number;
  onOpenEmail: (key: string) => void;
};

/** The whole thread, oldest at the top; earlier pages load upward, the newest stays in sight. */
function Thread({ conversation, card, refresh, onOpenEmail }: ThreadProps) {
  const items = usePaged(
    (cursor, signal) =>
      card ? listActivities(card.id, EVERYTHING, cursor, signal) : listSmsMessages(conversation.id, cursor, signal),
    [card?.id, conversation.id, conversation.last_at, refresh],
  );
  const scroller = useKeptAtTheBottom(items);
  const replace = (fresh: Activity) =>
    items.update((list) => list.map((item) => (item.id === fresh.id ? fresh : item)));
  const openEmail = (activity: Activity) => {
    const key = (activity.data as Record<string, unknown>).key;
    if (typeof key === "string" && key) onOpenEmail(key);
  };
  const oldestFirst = [...items.items].reverse();
  return (
    <div class="conversation-thread" ref={scroller} aria-busy={items.loading}>
      {items.hasMore && (
        <div class="sms-earlier">
          <button type="button" class="btn btn-ghost btn-sm" onClick={items.loadMore} disabled={items.loadingMore}>
            {items.loadingMore ? "Loading…" : "Show earlier"}
          </button>
        </div>
      )}
      {items.loading && items.items.length === 0 ? (
        <SkeletonRows rows={3} />
      ) : items.error && items.items.length === 0 ? (
        <ErrorState message={items.error} onRetry={items.reload} />
      ) : items.items.length === 0 ? (
        <EmptyState icon="clock" title="Nothing yet">
          Messages, emails and calls with them will appear here.
        </EmptyState>
      ) : (
        <ol class="conversation-items" aria-label="Messages">
          {oldestFirst.map((activity, index) => {
            const day = dayOf(activity.occurred_at);
            const newDay = index === 0 || dayOf(oldestFirst[index - 1].occurred_at) !== day;
            return (
              <Fragment key={activity.id}>
                {newDay && (
                  <li class="conversation-day" aria-hidden="true">
                    <span>{dayLabel(activity.occurred_at)}</span>
                  </li>
                )}
                {activity.type === "sms" ? (
                  <SmsBubble message={activity} onChange={replace} />
                ) : (
                  <ActivityItem
                    record={card}
                    activity={activity}
                    onUpdated={replace}
                    onReload={items.reload}
                    onOpenEmail={openEmail}
                  />
                )}
              </Fragment>
            );
          })}
        </ol>
      )}
    </div>
  );
}

/** The local day of a moment (the thread's day separators). */
function dayOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso.slice(0, 10) : date.toDateString();
}

/** "Today", "Yesterday", else the date ("Dec 1, 2026"). */
function dayLabel(iso: string): string {
  const today = new Date();
  const yesterday = new Date(today);
  yesterday.setDate(today.getDate() - 1);
  const day = dayOf(iso);
  if (day === today.toDateString()) return "Today";
  if (day === yesterday.toDateString()) return "Yesterday";
  return formatDate(iso);
}

/** The thread's scroller: at the bottom when it loads or gets a newer item; where the rep was
 * when an earlier page is added above. */
function useKeptAtTheBottom(items: PagedState<Activity>) {
  const scroller = useRef<HTMLDivElement>(null);
  const seen = useRef<{ newest: string | null; oldest: string | null; height: number }>({
    newest: null,
    oldest: null,
    height: 0,
  });
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const newest = items.items[0]?.id ?? null;
    const oldest = items.items[items.items.length - 1]?.id ?? null;
    const before = seen.current;
    if (newest !== before.newest) element.scrollTop = element.scrollHeight;
    else if (oldest !== before.oldest) element.scrollTop += element.scrollHeight - before.height;
    seen.current = { newest, oldest, height: element.scrollHeight };
  }, [items.items]);
  return scroller;
}

type ReplyProps = {
  conversation: OpenConversationData;
  card: CustomerCard | null;
  onSent: () => void;
  /** Opens the page's email Composer (the reader's Reply and Reply all open it too). */
  onCompose: (composition: Composition) => void;
};

/** The reply on the conversation's own channel, at the bottom of the page. */
function ReplyBar(props: ReplyProps) {
  const { conversation } = props;
  const bar = useRef<HTMLDivElement>(null);
  // Escape leaves the reply box: the list's keys work again.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && event.target instanceof HTMLTextAreaElement) {
      event.target.blur();
      bar.current?.focus();
    }
  };
  return (
    <div class="conversation-reply" ref={bar} tabIndex={-1} onKeyDown={onKeyDown}>
      {conversation.channel === "sms" ? (
        <SmsReply {...props} />
      ) : conversation.channel === "email" ? (
        <EmailReply {...props} />
      ) : conversation.channel === "call" ? (
        <CallReply {...props} />
      ) : (
        <p class="muted">Chats are answered in the chat tool; their transcripts arrive here.</p>
      )}
    </div>
  );
}

function useReplyKey(onReply: () => void) {
  const latest = useRef(onReply);
  latest.current = onReply;
  // Listening from the moment the reply is shown (an effect would start a frame later).
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "r" || event.ctrlKey || event.metaKey || event.altKey || inTextField(event.target)) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      latest.current();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

function SmsReply({ conversation, card, onSent }: ReplyProps) {
  const remote = conversation.remote.replace(/^(sms|phone):/, "");
  const fieldId = replyId(conversation.id);
  useReplyKey(() => document.getElementById(fieldId)?.focus());
  return (
    <SmsComposer
      id={fieldId}
      label={`Reply to ${card?.display_name || formatPhone(remote)}`}
      to={remote}
      conversationId={conversation.id}
      replyFor={card?.id}
      placeholder="Reply by SMS… (Ctrl+Enter to send, Esc to leave)"
      blocked={conversation.opted_out ? "This number replied STOP: it receives no SMS until it replies START." : null}
      onSent={onSent}
    />
  );
}

/** The key of the conversation's newest email, received or sent (the conversation's messages
 * route lists them, whatever its channel). */
async function newestEmail(conversationId: string, signal: AbortSignal): Promise<string | null> {
  const page = await listSmsMessages(conversationId, null, signal);
  for (const message of page.items) {
    const key = (message.data as Record<string, unknown>).key;
    if (message.type === "email" && typeof key === "string" && key) return key;
  }
  return null;
}

function EmailReply({ conversation, onCompose }: ReplyProps) {
  const { me } = useTeam();
  const newest = useAsync((signal) => newestEmail(conversation.id, signal), [conversation.id, conversation.last_at]);
  const [problem, setProblem] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const reply = async () => {
    if (!newest.data || opening) return;
    setOpening(true);
    setProblem(null);
    try {
      onCompose(replyTo(await getEmail(newest.data), false, [me.email]));
    } catch (exc) {
      setProblem(sentence(describeError(exc)));
    } finally {
      setOpening(false);
    }
  };
  useReplyKey(() => void reply());
  return (
    <div class="conversation-reply-row">
      <button
        id={replyId(conversation.id)}
        type="button"
        class="btn btn-primary"
        disabled={!newest.data || opening}
        onClick={() => void reply()}
      >
        <Icon name="arrowLeft" size={16} /> {opening ? "Opening…" : "Reply"}
      </button>
      <span class="muted conversation-reply-hint">
        {newest.loading ? "" : newest.data ? `to ${handleText(conversation)} · r` : "No email to reply to."}
      </span>
      {problem && (
        <span class="form-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

function CallReply({ conversation, card, onSent }: ReplyProps) {
  const { me } = useTeam();
  const remote = conversation.remote.replace(/^(call|phone):/, "");
  const [texting, setTexting] = useState(false);
  const mayText = me.capabilities === "voice+sms" && !conversation.opted_out;
  const fieldId = replyId(conversation.id);
  const [asked, setAsked] = useState(0); // r or Text: the SMS box takes the cursor once shown
  useEffect(() => {
    if (texting) document.getElementById(fieldId)?.focus();
  }, [texting, asked]);
  useReplyKey(() => {
    if (!mayText) return;
    setTexting(true);
    setAsked((n) => n + 1);
  });
  const record = card ? { id: card.id, kind: card.kind, display_name: card.display_name } : null;
  return (
    <>
      <div class="conversation-reply-row">
        <CallButton number={remote} record={record} label="Call back" class="btn btn-primary" />
        {mayText && (
          <button
            type="button"
            class="btn btn-secondary"
            aria-expanded={texting}
            onClick={() => setTexting(!texting)}
          >
            <Icon name="sms" size={16} /> Text
          </button>
        )}
      </div>
      {texting && (
        <SmsComposer
          id={fieldId}
          label={`Text ${card?.display_name || formatPhone(remote)}`}
          to={remote}
          recordId={card?.id}
          replyFor={card?.id}
          placeholder="Write an SMS… (Ctrl+Enter to send, Esc to leave)"
          onSent={() => {
            setTexting(false);
            onSent();
          }}
        />
      )}
    </>
  );
}

/**
 * SMS (S1-S5): Matched and Unmatched conversations with the unread count in brackets, a status
 * filter on Matched, the ignored numbers behind a switch on Unmatched, and "New SMS". Counts and
 * the list refresh every 15 seconds and after anything the rep does.
 */

import { useRef, useState } from "preact/hooks";
import { listSmsConversations } from "../../api/endpoints";
import type { Activity, SmsConversation, SmsSection } from "../../api/types";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { formatPhone } from "../../format";
import { useInterval, usePaged } from "../../hooks";
import { useTeam } from "../../team";
import { useCenterCounts } from "../counts";
import { mergeFirstPage } from "../firstPage";
import { OutcomeNotice, type Outcome } from "../OutcomeNotice";
import { SectionSwitch } from "../SectionSwitch";
import { StatusFilter } from "../StatusFilter";
import { useCenterView } from "../view";
import { ConversationItem } from "./ConversationItem";
import { NewSmsDialog } from "./NewSmsDialog";

const REFRESH_MS = 15_000;

const LIST_LABELS: Record<SmsSection, string> = {
  matched: "Matched conversations",
  unmatched: "Unmatched conversations",
  ignored: "Ignored numbers",
};

export function SmsTab() {
  const { me } = useTeam();
  if (!me.twilio_number || me.capabilities !== "voice+sms") {
    return (
      <div class="channel">
        <section class="card channel-list" aria-label="SMS">
          <EmptyState icon="sms" title="Your number cannot send SMS">
            {me.twilio_number
              ? `${formatPhone(me.twilio_number)} is a voice-only number. Ask an admin for a number with SMS.`
              : "SMS arrive on your own number. Ask an admin to assign one to you."}
          </EmptyState>
        </section>
      </div>
    );
  }
  return <SmsCenter number={me.twilio_number} />;
}

function newestFirst(items: SmsConversation[]): SmsConversation[] {
  return [...items].sort((a, b) => (a.last_at < b.last_at ? 1 : a.last_at > b.last_at ? -1 : 0));
}

const SECTIONS: readonly SmsSection[] = ["matched", "unmatched", "ignored"];

function SmsCenter({ number }: { number: string }) {
  // The section, its filter and the open conversation are in the address (reload, Back, links).
  const view = useCenterView(SECTIONS);
  const { section, status, open: expanded } = view;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [composing, setComposing] = useState(false);
  const { counts, refresh: refreshCounts } = useCenterCounts();
  const filter = section === "matched" ? status : "";
  const list = usePaged(
    (cursor, signal) => listSmsConversations(section, filter || null, cursor, signal),
    [section, filter],
  );

  // A silent refresh of the first page; dropped if the rep moved to another section meanwhile.
  const shown = useRef("");
  shown.current = `${section}|${filter}`;
  const refreshList = () => {
    const key = shown.current;
    listSmsConversations(section, filter || null, null).then(
      (page) => {
        if (shown.current === key) list.update((previous) =>
            mergeFirstPage(page, previous, (item) => item.id, (item) => item.last_at),
          );
      },
      () => undefined,
    );
  };
  useInterval(() => {
    if (!list.loading) refreshList();
  }, REFRESH_MS);

  // What just happened (added to the CRM, say) stays told while the rep goes to look at it.
  const showSection = (next: SmsSection) => view.show({ section: next, status: "", open: null });
  const setExpanded = (id: string | null) => view.show({ open: id });
  const onChange = (conversation: SmsConversation) =>
    list.update((items) =>
      newestFirst(items.map((item) => (item.id === conversation.id ? conversation : item))),
    );
  const onRemoved = (id: string, result: Outcome) => {
    list.update((items) => items.filter((item) => item.id !== id));
    view.show({ open: null }, { replace: true }); // it is gone: nothing to go back to
    setOutcome(result);
    refreshCounts();
  };
  const onNewSms = (message: Activity) => {
    setComposing(false);
    setOutcome(null);
    view.show({ section: "matched", status: "", open: message.conversation_id ?? null });
    list.reload();
    refreshCounts();
  };

  const unread = counts?.sms;
  const empty = emptyText(section, filter, formatPhone(number));
  return (
    <div class="channel">
      <div class="channel-toolbar">
        <div class="toolbar-group">
          <SectionSwitch
            label="SMS sections"
            options={[
              {
                id: "matched",
                label: "Matched",
                count: unread?.matched.unread ?? 0,
                countLabel: `${unread?.matched.unread ?? 0} unread`,
              },
              {
                id: "unmatched",
                label: "Unmatched",
                count: unread?.unmatched.unread ?? 0,
                countLabel: `${unread?.unmatched.unread ?? 0} unread`,
              },
            ]}
            value={section === "ignored" ? "unmatched" : section}
            onChange={showSection}
          />
          {section === "matched" ? (
            <StatusFilter value={status} onChange={(next) => view.show({ status: next, open: null })} />
          ) : (
            <label class="switch">
              <input
                type="checkbox"
                checked={section === "ignored"}
                onChange={(event) =>
                  showSection((event.target as HTMLInputElement).checked ? "ignored" : "unmatched")
                }
              />
              <span class="switch-track" aria-hidden="true" />
              Show ignored numbers
            </label>
          )}
        </div>
        <button type="button" class="btn btn-primary" onClick={() => setComposing(true)}>
          <Icon name="plus" size={16} /> New SMS
        </button>
      </div>

      <OutcomeNotice outcome={outcome} onDismiss={() => setOutcome(null)} />

      <section
        class={list.items.length ? "card sms-list" : "card channel-list"}
        aria-label={LIST_LABELS[section]}
        aria-busy={list.loading}
      >
        {list.loading && list.items.length === 0 ? (
          <SkeletonRows rows={4} />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState message={list.error} onRetry={list.reload} />
        ) : list.items.length === 0 ? (
          <EmptyState icon={section === "ignored" ? "block" : "sms"} title={empty.title}>
            {empty.text}
          </EmptyState>
        ) : (
          <ul class="sms-conversations">
            {list.items.map((conversation) => (
              <ConversationItem
                key={conversation.id}
                conversation={conversation}
                expanded={expanded === conversation.id}
                onToggle={() => setExpanded(expanded === conversation.id ? null : conversation.id)}
                onChange={onChange}
                onRemoved={(result) => onRemoved(conversation.id, result)}
                onCountsChanged={refreshCounts}
              />
            ))}
          </ul>
        )}
        <LoadMore list={list} />
      </section>
      <NewSmsDialog open={composing} onClose={() => setComposing(false)} onSent={onNewSms} />
    </div>
  );
}

function emptyText(section: SmsSection, status: string, number: string): { title: string; text: string } {
  if (section === "matched" && status) {
    return {
      title: `No SMS with ${status} records`,
      text: "Choose another status, or all of them.",
    };
  }
  if (section === "matched") {
    return {
      title: "No SMS yet",
      text: `Text messages between your number ${number} and your leads and contacts will appear here.`,
    };
  }
  if (section === "unmatched") {
    return {
      title: "No unmatched SMS",
      text: "Messages from numbers that are not in the CRM will appear here, to add as a lead or contact, add to an existing one, or ignore.",
    };
  }
  return {
    title: "No ignored numbers",
    text: "Numbers you ignore stay here, out of Unmatched, until you stop ignoring them.",
  };
}

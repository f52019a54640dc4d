/**
 * Calls (C1-C3): Matched and Unmatched with the missed calls not seen yet in brackets, a status
 * filter on Matched, the ignored numbers behind a switch on Unmatched, and "Show only missed
 * calls" across both. Showing the tab tells the API the missed calls are seen: the brackets show
 * what was new on arrival, and zero from the next refresh. Counts and the list refresh every
 * 15 seconds.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { listCalls, markCallsSeen, type CallFilter } from "../../api/endpoints";
import type { CallSection } from "../../api/types";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { formatPhone } from "../../format";
import { useInterval, usePaged } from "../../hooks";
import { usePhone } from "../../phone/PhoneProvider";
import { useTeam } from "../../team";
import { useCenterCounts } from "../counts";
import { mergeFirstPage } from "../firstPage";
import { OutcomeNotice, type Outcome } from "../OutcomeNotice";
import { SectionSwitch } from "../SectionSwitch";
import { StatusFilter } from "../StatusFilter";
import { useCenterView } from "../view";
import { CallItem, callData } from "./CallItem";

const REFRESH_MS = 15_000;

export function CallsTab() {
  const { me } = useTeam();
  if (!me.twilio_number) {
    return (
      <div class="channel">
        <section class="card channel-list" aria-label="Calls">
          <EmptyState icon="phone" title="No phone number yet">
            Calls arrive on your own number. Ask an admin to assign one to you.
          </EmptyState>
        </section>
      </div>
    );
  }
  return <CallCenter number={me.twilio_number} />;
}

function listLabel(filter: CallFilter): string {
  if (filter.missed) return "Missed calls";
  return { matched: "Matched calls", unmatched: "Unmatched calls", ignored: "Ignored numbers" }[filter.section];
}

const SECTIONS: readonly CallSection[] = ["matched", "unmatched", "ignored"];

function CallCenter({ number }: { number: string }) {
  const phone = usePhone();
  // The section, the filters and the open call are in the address (reload, Back, links).
  const view = useCenterView(SECTIONS);
  const { section, missed: missedOnly, status, open: expanded } = view;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const { counts, refresh: refreshCounts } = useCenterCounts();

  // The tab is shown: once the brackets have what is new now, the missed calls are seen. Counts
  // the center loaded before the rep came here may miss the latest calls: those are asked again.
  const countsBefore = useRef(counts);
  useEffect(() => {
    if (countsBefore.current) refreshCounts();
  }, [refreshCounts]);
  const seen = useRef(false);
  useEffect(() => {
    if (!counts || counts === countsBefore.current || seen.current) return;
    seen.current = true;
    markCallsSeen().catch(() => undefined); // the next visit tells again
  }, [counts]);

  const filter: CallFilter = {
    section,
    missed: missedOnly,
    status: section === "matched" && !missedOnly ? status || null : null,
  };
  const list = usePaged(
    (cursor, signal) => listCalls(filter, cursor, signal),
    [filter.section, filter.missed, filter.status],
  );

  // A silent refresh of the first page; dropped if the rep changed the filter meanwhile.
  const shown = useRef("");
  shown.current = `${filter.section}|${filter.missed}|${filter.status}`;
  const refreshList = () => {
    const key = shown.current;
    listCalls(filter, null).then(
      (page) => {
        if (shown.current !== key) return;
        list.update((previous) =>
          mergeFirstPage(
            page,
            previous,
            (row) => row.call.id,
            (row) => row.call.occurred_at,
          ),
        );
      },
      () => undefined,
    );
  };
  useInterval(() => {
    if (!list.loading) refreshList();
  }, REFRESH_MS);

  const showSection = (next: CallSection) => view.show({ section: next, missed: false, status: "", open: null });
  const setExpanded = (id: string | null) => view.show({ open: id });
  const onRemoved = (handle: string, result: Outcome) => {
    list.update((rows) => rows.filter((row) => (row.call.handle ?? `phone:${callData(row).remote}`) !== handle));
    view.show({ open: null }, { replace: true });
    setOutcome(result);
    refreshCounts();
  };

  const missed = counts?.calls;
  const empty = emptyText(filter, formatPhone(number));
  return (
    <div class="channel">
      <div class="channel-toolbar">
        <div class="toolbar-group">
          <SectionSwitch
            label="Call sections"
            options={[
              {
                id: "matched",
                label: "Matched",
                count: missed?.matched.missed ?? 0,
                countLabel: `${missed?.matched.missed ?? 0} missed`,
              },
              {
                id: "unmatched",
                label: "Unmatched",
                count: missed?.unmatched.missed ?? 0,
                countLabel: `${missed?.unmatched.missed ?? 0} missed`,
              },
            ]}
            value={missedOnly ? null : section === "ignored" ? "unmatched" : section}
            onChange={showSection}
          />
          <label class="switch">
            <input
              type="checkbox"
              checked={missedOnly}
              onChange={(event) => view.show({ missed: (event.target as HTMLInputElement).checked, open: null })}
            />
            <span class="switch-track" aria-hidden="true" />
            Show only missed calls
          </label>
          {missedOnly ? null : section === "matched" ? (
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
        <button type="button" class="btn btn-primary" onClick={() => phone.setPanelOpen(true)}>
          <Icon name="phone" size={16} /> New call
        </button>
      </div>

      <OutcomeNotice outcome={outcome} onDismiss={() => setOutcome(null)} />

      <section
        class={list.items.length ? "card sms-list" : "card channel-list"}
        aria-label={listLabel(filter)}
        aria-busy={list.loading}
      >
        {list.loading && list.items.length === 0 ? (
          <SkeletonRows rows={4} />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState message={list.error} onRetry={list.reload} />
        ) : list.items.length === 0 ? (
          <EmptyState icon={empty.icon} title={empty.title}>
            {empty.text}
          </EmptyState>
        ) : (
          <ul class="sms-conversations">
            {list.items.map((row) => (
              <CallItem
                key={row.call.id}
                row={row}
                expanded={expanded === row.call.id}
                onToggle={() => setExpanded(expanded === row.call.id ? null : row.call.id)}
                onRemoved={onRemoved}
                onChanged={(call) =>
                  list.update((rows) => rows.map((item) => (item.call.id === call.id ? { ...item, call } : item)))
                }
              />
            ))}
          </ul>
        )}
        <LoadMore list={list} />
      </section>
    </div>
  );
}

function emptyText(filter: CallFilter, number: string) {
  if (filter.missed) {
    return {
      icon: "phoneMissed" as const,
      title: "No missed calls",
      text: `Calls to ${number} that nobody answered will appear here.`,
    };
  }
  if (filter.section === "matched" && filter.status) {
    return {
      icon: "phone" as const,
      title: `No calls with ${filter.status} records`,
      text: "Choose another status, or all of them.",
    };
  }
  if (filter.section === "matched") {
    return {
      icon: "phone" as const,
      title: "No calls yet",
      text: `Calls between your number ${number} and your leads and contacts will appear here, with their recordings and summaries.`,
    };
  }
  if (filter.section === "unmatched") {
    return {
      icon: "phone" as const,
      title: "No unmatched calls",
      text: "Calls with numbers that are not in the CRM will appear here, to add as a lead or contact, add to an existing one, or ignore.",
    };
  }
  return {
    icon: "block" as const,
    title: "No ignored numbers",
    text: "Numbers you ignore stay here, out of Unmatched, until you stop ignoring them.",
  };
}

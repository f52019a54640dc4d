/**
 * One Email tab's list (Inbox, Sent, Colleagues, Archived): newest first, paged, searchable by
 * sender or subject (one box), each row with a checkbox; with one, several or all selected, a bar
 * marks them read or unread and archives them (or puts them back, in Archived). A row opens the
 * email.
 */

import { useState } from "preact/hooks";
import { type EmailSearch, listEmails, setEmailsArchived, setEmailsRead } from "../../api/endpoints";
import type { EmailDetail, EmailRow, EmailSelection, EmailTabName } from "../../api/types";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../../components/Feedback";
import { Icon, type IconName } from "../../components/Icon";
import { SelectAll, SelectionBar, useSelection } from "../../components/Selection";
import { RelativeTime } from "../../components/Time";
import { describeError } from "../../api/client";
import { usePaged } from "../../hooks";
import { OpensSummary, SendState, needsRetry } from "./delivery";

type Props = {
  tab: EmailTabName;
  label: string;
  empty: { icon: IconName; title: string; text: string };
  open: string | null;
  onOpen: (id: string) => void;
  onChanged: () => void;
  /** Changes when the emails changed elsewhere (one read in the reader): the list loads again. */
  refresh: number;
  /** An email sent again from its row (Retry). */
  onRetried: (email: EmailDetail) => void;
};

function party(row: EmailRow): string {
  const other = row.direction === "outbound" ? row.to[0] : row.from;
  const name = row.record?.display_name || other?.name || other?.address || "(unknown)";
  return row.direction === "outbound" ? `To ${name}` : name;
}

/** The search box looks for a sender when its text is an address, for words of the subject otherwise. */
function searchOf(text: string): EmailSearch {
  return /^[^\s@]+@[^\s@]+$/.test(text) ? { from: text } : { q: text };
}

/** Why a search shows nothing: a search by subject reads part of the tab at a time. */
function notFound(text: string, label: string, more: boolean): string {
  if (more) return `None of the latest emails in ${label} match "${text}". Load more to search older ones.`;
  return searchOf(text).from
    ? `No email in ${label} was exchanged with ${text}.`
    : `No email in ${label} has "${text}" in its subject.`;
}

/** What the rep has not read: mail they received (what they sent is theirs). */
function isUnread(row: EmailRow): boolean {
  return !row.read && row.direction !== "outbound";
}

export function EmailList({ tab, label, empty, open, onOpen, onChanged, refresh, onRetried }: Props) {
  const [query, setQuery] = useState("");
  const [searched, setSearched] = useState<string | null>(null);
  const [everything, setEverything] = useState(false); // every email of the tab, loaded or not
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const list = usePaged(
    (cursor, signal) => listEmails(tab, searched ? searchOf(searched) : {}, cursor, signal),
    [tab, searched, refresh],
  );

  const selection = useSelection(list.items.map((row) => row.id));
  const { selected, allLoaded } = selection;
  const clear = () => {
    selection.clear();
    setEverything(false);
  };
  const toggle = (id: string) => {
    selection.toggle(id);
    setEverything(false);
  };
  const toggleAll = () => {
    selection.toggleAll();
    // A search shows part of the tab: "all" is then what it found.
    setEverything(!allLoaded && searched === null);
  };
  const chosen = (): EmailSelection => (everything ? { all: true, tab } : { ids: [...selected] });
  const act = (change: (selection: EmailSelection) => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    change(chosen()).then(
      () => {
        setBusy(false);
        clear();
        onChanged();
      },
      (exc: unknown) => {
        setBusy(false);
        setProblem(describeError(exc));
      },
    );
  };
  const retried = (email: EmailDetail) => {
    const { send_status, send_error } = email;
    list.update((items) => items.map((row) => (row.id === email.id ? { ...row, send_status, send_error } : row)));
    onRetried(email);
  };
  const search = (event: Event) => {
    event.preventDefault();
    clear();
    setSearched(query.trim() || null);
  };

  const count = everything && list.hasMore ? `All emails in ${label}` : `${selected.size} selected`;
  return (
    <section
      class={list.items.length ? "card email-list" : "card channel-list"}
      aria-label={label}
      aria-busy={list.loading}
    >
      <div class="email-list-bar">
        <form class="email-search" role="search" onSubmit={search}>
          <input
            type="search"
            aria-label="Search by sender or subject"
            placeholder="Sender's address or subject"
            value={query}
            onInput={(event) => setQuery((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="btn btn-secondary">
            <Icon name="search" size={16} /> Search
          </button>
        </form>
        {list.items.length > 0 && <SelectAll checked={allLoaded} onChange={toggleAll} />}
      </div>
      {selected.size > 0 && (
        <SelectionBar class="email-bulk" label="Selected emails" count={count}>
          <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => act((s) => setEmailsRead(s, true))}>
            Mark read
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy}
            onClick={() => act((s) => setEmailsRead(s, false))}
          >
            Mark unread
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy}
            onClick={() => act((s) => setEmailsArchived(s, tab !== "archived"))}
          >
            <Icon name="archive" size={16} /> {tab === "archived" ? "Unarchive" : "Archive"}
          </button>
        </SelectionBar>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {list.loading && list.items.length === 0 ? (
        <SkeletonRows rows={4} />
      ) : list.error && list.items.length === 0 ? (
        <ErrorState message={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        searched ? (
          <EmptyState icon="search" title="No emails found">
            {notFound(searched, label, list.hasMore)}
          </EmptyState>
        ) : (
          <EmptyState icon={empty.icon} title={empty.title}>
            {empty.text}
          </EmptyState>
        )
      ) : (
        <ul class="email-rows">
          {list.items.map((row) => (
            <li
              key={row.id}
              class={`email-row${isUnread(row) ? " unread" : ""}${open === row.id ? " open" : ""}`}
              data-testid="email-row"
            >
              <input
                type="checkbox"
                aria-label={`Select ${row.subject || "(no subject)"}`}
                checked={selected.has(row.id)}
                onChange={() => toggle(row.id)}
              />
              <button type="button" class="email-row-open" onClick={() => onOpen(row.id)}>
                <span class="email-row-party">{party(row)}</span>
                <span class="email-row-subject">
                  {isUnread(row) && <span class="sr-only">Unread: </span>}
                  {row.subject || "(no subject)"}
                </span>
                <span class="email-row-preview">{row.preview}</span>
                <span class="email-row-meta">
                  {row.has_attachments && <Icon name="attachment" size={14} title="Has attachments" />}
                  {row.direction === "outbound" && row.send_status === "sending" && <span>Sending…</span>}
                  {row.direction === "outbound" && needsRetry(row) && (
                    <span class="email-row-unsent">
                      {row.send_status === "failed" ? "Not sent" : "May not have been sent"}
                    </span>
                  )}
                  {row.direction === "outbound" && <OpensSummary email={row} />}
                  <RelativeTime iso={row.at} />
                </span>
              </button>
              {needsRetry(row) && <SendState email={row} onRetried={retried} compact />}
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </section>
  );
}

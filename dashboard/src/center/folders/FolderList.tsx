/**
 * One folder view's conversations, 50 a page, newest activity first: each row its channel, who
 * (the record, else the handle) with a link to the record, the last message, when, unread, and
 * the follow-up day. Rows are selected one, several or all of the view; the bar acts on them
 * (POST /api/folders/actions) and the counts and the list load again after each action.
 * Keyboard, outside a text field: j and k move the current row, x selects it, e archives it. While
 * a conversation is open, j and k open the next or previous one in its place, and e archives it
 * and opens the next (r, the reply, is the open conversation's page's).
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { describeError } from "../../api/client";
import { actOnFolders, listFolder } from "../../api/endpoints";
import type { FolderActionInput, FolderRow, FolderSource, FolderView } from "../../api/types";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../../components/Feedback";
import { Icon, type IconName } from "../../components/Icon";
import { SelectAll, SelectionBar, useSelection } from "../../components/Selection";
import { RelativeTime } from "../../components/Time";
import { formatPhone } from "../../format";
import { usePaged } from "../../hooks";
import { Link } from "../../router";
import { recordPath } from "../../records/kinds";
import { useTeam } from "../../team";
import { assignedNote } from "./Assignment";
import { FolderActions, type FolderActionChange } from "./FolderActions";

const CHANNEL_ICONS: Record<string, IconName> = { email: "mail", sms: "sms", call: "phone", chat: "chat" };

type Props = {
  view: FolderView;
  source: FolderSource | null;
  open: string | null;
  /** Changes when the conversations changed elsewhere: the list loads again. */
  refresh: number;
  /** `replace`: the address takes it in place of the one open (j/k), not as a new step of Back. */
  onOpen: (row: FolderRow, options?: { replace?: boolean }) => void;
  onRows: (rows: FolderRow[]) => void;
  onChanged: () => void;
};

/** The handle as people write it: a number formatted, an address as is. */
export function handleText(row: Pick<FolderRow, "channel" | "remote">): string {
  const remote = row.remote.replace(/^(email|sms|phone|call):/, "");
  return row.channel === "email" ? remote : formatPhone(remote);
}

export function rowTitle(row: FolderRow): string {
  return row.record?.display_name || handleText(row);
}

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function FolderList({ view, source, open, refresh, onOpen, onRows, onChanged }: Props) {
  const list = usePaged((cursor, signal) => listFolder(view, source, cursor, signal), [view, source, refresh]);
  const selection = useSelection(list.items.map((row) => row.id));
  const { selected, allLoaded } = selection;
  const [everything, setEverything] = useState(false); // every conversation of the view, loaded or not
  const [current, setCurrent] = useState<string | null>(open);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const label = `${view === "unread" ? "Unread" : "Conversations"} in this folder`;

  useEffect(() => onRows(list.items), [list.items]);
  useEffect(() => {
    selection.clear();
    setEverything(false);
  }, [view, source]);
  useEffect(() => {
    if (open) setCurrent(open);
  }, [open]);

  const act = (change: FolderActionChange, ids: string[] | null) => {
    const body: FolderActionInput = ids ? { ...change, ids } : { ...change, all: true, folder: view, source };
    setBusy(true);
    setProblem(null);
    return actOnFolders(body).then(
      (change) => {
        setBusy(false);
        selection.clear();
        setEverything(false);
        onChanged();
        return change;
      },
      (exc: unknown) => {
        setBusy(false);
        setProblem(describeError(exc));
      },
    );
  };
  const target = everything && list.hasMore ? null : [...selected];

  // The keyboard acts on the current row (the open one, else the one j/k reached).
  const keys = useRef({ list, current, selection, act, onOpen, open, view });
  keys.current = { list, current, selection, act, onOpen, open, view };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || inTextField(event.target)) return;
      if (document.querySelector("dialog[open]")) return;
      const state = keys.current;
      const rows = state.list.items;
      const index = rows.findIndex((row) => row.id === state.current);
      if (event.key === "j" || event.key === "k") {
        if (!rows.length) return;
        event.preventDefault();
        const next =
          index < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, index + (event.key === "j" ? 1 : -1)));
        setCurrent(rows[next].id);
        if (state.open && rows[next].id !== state.open) state.onOpen(rows[next], { replace: true });
        document.querySelector<HTMLElement>(`[data-row="${rows[next].id}"] .folder-row-open`)?.focus();
      } else if (event.key === "x" && index >= 0) {
        event.preventDefault();
        state.selection.toggle(rows[index].id);
      } else if (event.key === "e" && index >= 0 && !["archived", "trash", "spam"].includes(state.view)) {
        event.preventDefault();
        state.act({ action: "archive" }, [rows[index].id]);
        const following = rows[index + 1] ?? rows[index - 1];
        if (state.open === rows[index].id && following) {
          setCurrent(following.id);
          state.onOpen(following, { replace: true });
        }
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const count = everything && list.hasMore ? "All conversations of this view" : `${selected.size} selected`;
  return (
    <section class="card folder-list" aria-label={label} aria-busy={list.loading}>
      {list.items.length > 0 && (
        <div class="folder-list-bar">
          <SelectAll
            checked={allLoaded}
            onChange={() => {
              selection.toggleAll();
              setEverything(!allLoaded);
            }}
          />
        </div>
      )}
      {selected.size > 0 && (
        <SelectionBar class="folder-bulk" label="Selected conversations" count={count}>
          <FolderActions
            view={view}
            ids={target}
            source={source}
            busy={busy}
            onAct={(change) => act(change, target)}
          />
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
        <EmptyState icon="inbox" title="Nothing here">
          No conversation is in this folder{source ? " from this source" : ""}.
        </EmptyState>
      ) : (
        <ul class="folder-rows">
          {list.items.map((row) => (
            <FolderRowItem
              key={row.id}
              row={row}
              open={open === row.id}
              current={current === row.id}
              checked={selected.has(row.id)}
              onCheck={() => {
                selection.toggle(row.id);
                setEverything(false);
              }}
              onOpen={() => {
                setCurrent(row.id);
                onOpen(row);
              }}
            />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </section>
  );
}

type RowProps = {
  row: FolderRow;
  open: boolean;
  current: boolean;
  checked: boolean;
  onCheck: () => void;
  onOpen: () => void;
};

function FolderRowItem({ row, open, current, checked, onCheck, onOpen }: RowProps) {
  const title = rowTitle(row);
  const unread = row.unread > 0;
  const team = useTeam();
  const assigned = assignedNote(team, row, true);
  const classes = ["folder-row", unread && "unread", open && "open", current && "current"].filter(Boolean).join(" ");
  return (
    <li class={classes} data-row={row.id} data-testid="folder-row" data-channel={row.channel}>
      <input type="checkbox" aria-label={`Select ${title}`} checked={checked} onChange={onCheck} />
      <button type="button" class="folder-row-open" aria-current={open ? "true" : undefined} onClick={onOpen}>
        <span class="folder-row-channel" title={row.channel}>
          <Icon name={CHANNEL_ICONS[row.channel] ?? "inbox"} size={16} title={row.channel} />
        </span>
        <span class="folder-row-who">
          {unread && <span class="sr-only">Unread: </span>}
          <span class="folder-row-name">{title}</span>
          {row.record && <span class="folder-row-handle">{handleText(row)}</span>}
        </span>
        <span class="folder-row-preview">
          {row.last_direction === "outbound" && row.channel !== "call" && <span class="muted">You: </span>}
          {row.last_preview}
        </span>
        <span class="folder-row-meta">
          {row.follow_up_on && (
            <span class="folder-row-follow-up" title="Follow up on">
              <Icon name="clock" size={12} /> {row.follow_up_on}
            </span>
          )}
          {assigned && (
            <span class="folder-row-assigned" title={assignedNote(team, row) ?? undefined}>
              {assigned}
            </span>
          )}
          <RelativeTime iso={row.last_at} />
          {unread && <span class="sms-unread-badge">{row.unread}</span>}
        </span>
      </button>
      {row.record && (
        <Link href={recordPath(row.record.id)} class="folder-row-record">
          <Icon name={row.record.kind} size={14} /> <span class="sr-only">Open {title}'s </span>
          {row.record.kind}
        </Link>
      )}
    </li>
  );
}

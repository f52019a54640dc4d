/**
 * Folders (C4): the rep's conversations of every channel by folder (Inbox, Unread, Follow-up,
 * Archived, Trash, Spam) with their counts, filtered by source. The folder, the source and the
 * open conversation are in the address (`/folders/{view}?source=&open=`), so that a reload, Back
 * and Forward, and a link bring them back. On a wide screen the list sits on the left and the open
 * conversation on the right; on a phone the folders are a picker above the list and a
 * conversation opens over it.
 */

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { getFolderCounts } from "../../api/endpoints";
import {
  FOLDER_SOURCES,
  FOLDER_VIEWS,
  type FolderCounts,
  type FolderRow,
  type FolderSource,
  type FolderView,
} from "../../api/types";
import { Icon, type IconName } from "../../components/Icon";
import { useInterval, useTitle } from "../../hooks";
import { Link, navigate, useLocation } from "../../router";
import { SectionSwitch } from "../SectionSwitch";
import { FolderList } from "./FolderList";
import { OpenConversation } from "./OpenConversation";

const REFRESH_MS = 15_000;

export const VIEW_LABELS: Record<FolderView, string> = {
  inbox: "Inbox",
  unread: "Unread",
  follow_up: "Follow-up",
  archived: "Archived",
  trash: "Trash",
  spam: "Spam",
};

const VIEW_ICONS: Record<FolderView, IconName> = {
  inbox: "inbox",
  unread: "mail",
  follow_up: "clock",
  archived: "archive",
  trash: "trash",
  spam: "block",
};

export const SOURCE_LABELS: Record<FolderSource, string> = { email: "Email", sms: "SMS", call: "Calls", chat: "Chat" };

export function isFolderView(value: string): value is FolderView {
  return (FOLDER_VIEWS as readonly string[]).includes(value);
}

export type FolderAddress = { view: FolderView; source: FolderSource | null; open: string | null };

/** The folder view the address names; what it cannot mean (a source that does not exist) is left out. */
function useFolderAddress(view: FolderView): FolderAddress & {
  show: (change: Partial<FolderAddress>, options?: { replace?: boolean }) => void;
} {
  const { query } = useLocation();
  const source = FOLDER_SOURCES.find((item) => item === query.get("source")) ?? null;
  const current: FolderAddress = { view, source, open: query.get("open") || null };
  const show = (change: Partial<FolderAddress>, options: { replace?: boolean } = {}) => {
    navigate(folderPath({ ...current, ...change }), { replace: options.replace, keepScroll: true });
  };
  return { ...current, show };
}

export function folderPath({ view, source, open }: FolderAddress): string {
  const params = new URLSearchParams();
  if (source) params.set("source", source);
  if (open) params.set("open", open);
  const search = params.toString();
  return search ? `/folders/${view}?${search}` : `/folders/${view}`;
}

/** The count a view shows beside its name: the Inbox its unread, the others their total. */
function viewCount(view: FolderView, counts: FolderCounts | null, source: FolderSource | null): number | null {
  if (!counts) return null;
  const count = counts[view];
  const part = source ? count.by_source[source] : count;
  if (!part) return 0;
  return view === "inbox" ? part.unread : part.total;
}

function countLabel(view: FolderView, count: number): string {
  if (view === "inbox") return `${count} unread`;
  return count === 1 ? "1 conversation" : `${count} conversations`;
}

export function FoldersPage({ view }: { view: FolderView }) {
  const address = useFolderAddress(view);
  const { source, open } = address;
  useTitle(`${VIEW_LABELS[view]} · Folders`);
  const [counts, setCounts] = useState<FolderCounts | null>(null);
  const latest = useRef(0);
  const refreshCounts = useCallback(() => {
    const request = ++latest.current;
    getFolderCounts().then(
      (answer) => {
        if (request === latest.current) setCounts(answer);
      },
      () => undefined, // the last known counts stay; the next refresh tries again
    );
  }, []);
  useEffect(refreshCounts, [refreshCounts]);
  useInterval(refreshCounts, REFRESH_MS);
  // The open conversation's row as the list last showed it (its channel, its handle).
  const [openRow, setOpenRow] = useState<FolderRow | null>(null);
  const [changes, setChanges] = useState(0);
  const changed = () => {
    refreshCounts();
    setChanges((n) => n + 1);
  };

  return (
    <div class={open ? "page folders-page has-open" : "page folders-page"}>
      <header class="page-header">
        <h1>Folders</h1>
      </header>
      <div class="folders">
        <FolderSidebar view={view} source={source} counts={counts} />
        <div class="folders-main">
          <div class="channel-toolbar folders-toolbar">
            <SectionSwitch
              label="Source"
              options={[
                { id: "all", label: "All" },
                ...FOLDER_SOURCES.map((id) => ({ id, label: SOURCE_LABELS[id] })),
              ]}
              value={source ?? "all"}
              onChange={(id) => address.show({ source: id === "all" ? null : (id as FolderSource), open: null })}
            />
          </div>
          <div class="folders-split">
            <FolderList
              view={view}
              source={source}
              open={open}
              refresh={changes}
              onOpen={(row, options) => {
                setOpenRow(row);
                address.show({ open: row.id }, options);
              }}
              onRows={(rows) => {
                const row = rows.find((item) => item.id === open);
                if (row) setOpenRow(row);
              }}
              onChanged={changed}
            />
            {open && (
              <OpenConversation
                key={open}
                id={open}
                row={openRow?.id === open ? openRow : null}
                onClose={() => address.show({ open: null })}
                onChanged={changed}
              />
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

type SidebarProps = { view: FolderView; source: FolderSource | null; counts: FolderCounts | null };

/** The folders with their counts: a list beside the conversations, a picker above them on a phone. */
function FolderSidebar({ view, source, counts }: SidebarProps) {
  const label = (item: FolderView) => {
    const count = viewCount(item, counts, source);
    return count ? `${VIEW_LABELS[item]} (${count})` : VIEW_LABELS[item];
  };
  return (
    <>
      <nav class="folder-sidebar" aria-label="Folders">
        <ul>
          {FOLDER_VIEWS.map((item) => {
            const count = viewCount(item, counts, source);
            return (
              <li key={item}>
                <Link
                  href={folderPath({ view: item, source, open: null })}
                  class={item === view ? "folder-link active" : "folder-link"}
                  aria-current={item === view ? "page" : undefined}
                  data-folder={item}
                >
                  <Icon name={VIEW_ICONS[item]} size={18} />
                  <span class="folder-name">{VIEW_LABELS[item]}</span>
                  {count !== null && count > 0 && (
                    <span class="folder-count" title={countLabel(item, count)} data-testid={`count-${item}`}>
                      {count}
                    </span>
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <label class="folder-picker">
        <span class="sr-only">Folder</span>
        <select
          aria-label="Folder"
          value={view}
          onChange={(event) =>
            navigate(folderPath({ view: (event.target as HTMLSelectElement).value as FolderView, source, open: null }))
          }
        >
          {FOLDER_VIEWS.map((item) => (
            <option key={item} value={item}>
              {label(item)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

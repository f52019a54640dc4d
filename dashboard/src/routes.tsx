/** The app's pages by path. Each center tab and each list is addressable, so links and Back work. */

import type { JSX } from "preact";
import { useEffect } from "preact/hooks";
import type { RecordKind } from "./api/types";
import { CenterPage, isCenterTab } from "./center/CenterPage";
import { FoldersPage, isFolderView } from "./center/folders/FoldersPage";
import { EmptyState } from "./components/Feedback";
import type { Section } from "./components/Nav";
import { ListPage } from "./records/ListPage";
import { RecordPage } from "./records/RecordPage";
import { TrashPage } from "./records/TrashPage";
import { SettingsPage } from "./settings/SettingsPage";
import { Link, matchPath, navigate } from "./router";

export type Route = { section: Section | null; render: () => JSX.Element };

export const LIST_PATHS: Record<RecordKind, string> = {
  lead: "/leads",
  contact: "/contacts",
  deal: "/deals",
};

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  return (
    <div class="page">
      <EmptyState
        icon="search"
        title="This page does not exist"
        action={
          <Link href="/" class="btn btn-primary">
            Go to the communication center
          </Link>
        }
      >
        The address may be mistyped, or the page moved.
      </EmptyState>
    </div>
  );
}

export function routeFor(pathname: string): Route {
  if (pathname === "/" || pathname === "/center") {
    return { section: "center", render: () => <Redirect to="/center/email" /> };
  }
  const center = matchPath("/center/:tab", pathname);
  if (center && isCenterTab(center.tab)) {
    const tab = center.tab;
    return { section: "center", render: () => <CenterPage tab={tab} /> };
  }
  if (pathname === "/folders") return { section: "folders", render: () => <Redirect to="/folders/inbox" /> };
  const folder = matchPath("/folders/:view", pathname);
  if (folder && isFolderView(folder.view)) {
    const view = folder.view;
    return { section: "folders", render: () => <FoldersPage view={view} /> };
  }
  for (const [kind, path] of Object.entries(LIST_PATHS) as [RecordKind, string][]) {
    if (pathname === path) return { section: kind, render: () => <ListPage key={kind} kind={kind} /> };
  }
  if (pathname === "/settings") return { section: "settings", render: () => <SettingsPage /> };
  // Where Google's or Microsoft's sign-in sends the rep back (the Settings page finishes the connection).
  if (pathname === "/settings/mailbox/connected") return { section: "settings", render: () => <SettingsPage /> };
  if (pathname === "/trash") return { section: "trash", render: () => <TrashPage /> };
  const record = matchPath("/records/:id", pathname);
  if (record) {
    const id = record.id;
    return { section: null, render: () => <RecordPage key={id} id={id} /> };
  }
  return { section: null, render: () => <NotFound /> };
}

/**
 * What a center tab shows, kept in its address so that a reload, Back and Forward, and a link
 * bring it back: `section` (left out for the tab's first), `status` (Matched's filter), `missed=1`
 * (calls) and `open` (the conversation or call expanded). Each choice of the rep is a history
 * entry; what only tidies up after an action (a conversation that is gone) replaces the entry.
 */

import { CONTACT_STATUSES, LEAD_STATUSES } from "../api/types";
import { navigate, useLocation } from "../router";

export type CenterView<S extends string> = {
  section: S;
  status: string;
  missed: boolean;
  open: string | null;
};

const STATUSES: readonly string[] = [...LEAD_STATUSES, ...CONTACT_STATUSES];

export function useCenterView<S extends string>(
  sections: readonly S[],
): CenterView<S> & { show: (change: Partial<CenterView<S>>, options?: { replace?: boolean }) => void } {
  const { pathname, query } = useLocation();
  const status = query.get("status") ?? "";
  // What the address cannot mean (a section or status that does not exist) is left out.
  const view: CenterView<S> = {
    section: sections.find((id) => id === query.get("section")) ?? sections[0],
    status: STATUSES.includes(status) ? status : "",
    missed: query.get("missed") === "1",
    open: query.get("open") || null,
  };
  const show = (change: Partial<CenterView<S>>, options: { replace?: boolean } = {}) => {
    const next = { ...view, ...change };
    const params = new URLSearchParams();
    if (next.section !== sections[0]) params.set("section", next.section);
    if (next.status) params.set("status", next.status);
    if (next.missed) params.set("missed", "1");
    if (next.open) params.set("open", next.open);
    const search = params.toString();
    navigate(search ? `${pathname}?${search}` : pathname, { replace: options.replace, keepScroll: true });
  };
  return { ...view, show };
}

/**
 * The unread and missed counts shown in brackets in the communication center, on the channel
 * tabs and on each tab's sections: one copy for the whole center, so that a tab's label and its
 * sections always agree. Refreshed every 15 seconds, and by a tab after anything that changes
 * them (a read, a send).
 */

import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { getCenterCounts } from "../api/endpoints";
import type { CenterCounts } from "../api/types";
import { useInterval } from "../hooks";

const REFRESH_MS = 15_000;

export type CountsState = { counts: CenterCounts | null; refresh: () => void };

const CountsContext = createContext<CountsState | null>(null);

export function CenterCountsProvider({ children }: { children: ComponentChildren }) {
  const [counts, setCounts] = useState<CenterCounts | null>(null);
  const latest = useRef(0);
  const refresh = useCallback(() => {
    const request = ++latest.current;
    getCenterCounts().then(
      (answer) => {
        // Only the newest answer counts: an older one may predate a read.
        if (request === latest.current) setCounts(answer);
      },
      () => undefined, // keep the last known counts; the next refresh tries again
    );
  }, []);
  useEffect(refresh, [refresh]);
  useInterval(refresh, REFRESH_MS);
  const state = useMemo(() => ({ counts, refresh }), [counts, refresh]);
  return <CountsContext.Provider value={state}>{children}</CountsContext.Provider>;
}

/** The signed-in rep's counts; `refresh` after anything that changes them. */
export function useCenterCounts(): CountsState {
  const state = useContext(CountsContext);
  if (!state) throw new Error("useCenterCounts outside CenterCountsProvider");
  return state;
}

/** What a channel's tab shows in brackets: the SMS not read, the missed calls not seen. */
export function tabCount(channel: string, counts: CenterCounts | null): { count: number; label: string } | null {
  if (!counts) return null;
  if (channel === "sms") {
    const count = counts.sms.matched.unread + counts.sms.unmatched.unread;
    return { count, label: `${count} unread SMS` };
  }
  if (channel === "calls") {
    const count = counts.calls.matched.missed + counts.calls.unmatched.missed;
    return { count, label: count === 1 ? "1 missed call not seen yet" : `${count} missed calls not seen yet` };
  }
  return null;
}

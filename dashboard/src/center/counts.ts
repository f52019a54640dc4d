/** The unread and missed counts shown in brackets in the communication center. */

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { getCenterCounts } from "../api/endpoints";
import type { CenterCounts } from "../api/types";

export type CountsState = { counts: CenterCounts | null; refresh: () => void };

/** The signed-in rep's counts; `refresh` after anything that changes them (a read, a send). */
export function useCenterCounts(): CountsState {
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
  return { counts, refresh };
}

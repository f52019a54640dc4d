/**
 * What happened to a row that left a center list (added to the CRM, ignored, deleted), told to
 * the rep. The row is gone, so keyboard focus moves here; the notice stays while the rep goes to
 * look at the result.
 */

import { useEffect, useRef } from "preact/hooks";
import type { CrmRecord } from "../api/types";
import { Icon } from "../components/Icon";
import { recordPath } from "../records/kinds";
import { Link } from "../router";

export type Outcome = { text: string; record?: CrmRecord };

export function OutcomeNotice({ outcome, onDismiss }: { outcome: Outcome | null; onDismiss: () => void }) {
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) notice.current?.focus();
  }, [outcome]);
  if (!outcome) return null;
  return (
    <div ref={notice} class="notice notice-row" role="status" tabIndex={-1}>
      <span>{outcome.text}</span>
      {outcome.record && <Link href={recordPath(outcome.record.id)}>Open {outcome.record.display_name}</Link>}
      <button type="button" class="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

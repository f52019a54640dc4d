/** What the rep wrote after a call (C8), as a call shows it in the Calls tab and in a feed. */

import type { CallSummary } from "../../api/types";
import { formatDateTime } from "../../components/Time";

export function SavedCallSummary({ summary }: { summary: CallSummary | undefined }) {
  if (!summary) return null;
  return (
    <div class="call-summary" role="group" aria-label="Call summary">
      <p>
        <span class="call-summary-label">Outcome</span> <strong>{summary.outcome}</strong>
        {summary.subject && <span class="muted"> · {summary.subject}</span>}
      </p>
      {summary.notes && <p class="call-summary-notes">{summary.notes}</p>}
      {summary.follow_up && (
        <p class="muted">
          Follow-up: {summary.follow_up.title}, due {formatDateTime(summary.follow_up.due_at)}
        </p>
      )}
    </div>
  );
}

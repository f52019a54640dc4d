/** What the rep wrote after a call (C8), as a call shows it in the Calls tab and in a feed. */

import { getRecord } from "../../api/endpoints";
import type { CallSummary } from "../../api/types";
import { formatDateTime } from "../../components/Time";
import { useAsync } from "../../hooks";
import { recordPath } from "../../records/kinds";
import { Link } from "../../router";

type Props = {
  summary: CallSummary | undefined;
  /** The record whose feed shows the call: a deal's own feed need not name the deal. */
  shownOn?: string;
};

export function SavedCallSummary({ summary, shownOn }: Props) {
  if (!summary) return null;
  return (
    <div class="call-summary" role="group" aria-label="Call summary">
      <p>
        <span class="call-summary-label">Outcome</span> <strong>{summary.outcome}</strong>
        {summary.subject && <span class="muted"> · {summary.subject}</span>}
      </p>
      {summary.deal_id && summary.deal_id !== shownOn && (
        <p class="muted">
          Deal: <DealName id={summary.deal_id} />
        </p>
      )}
      {summary.notes && <p class="call-summary-notes">{summary.notes}</p>}
      {summary.follow_up && (
        <p class="muted">
          Follow-up: {summary.follow_up.title}, due {formatDateTime(summary.follow_up.due_at)}
        </p>
      )}
    </div>
  );
}

/** The summary keeps the deal's id: its name is the deal's own, read when shown. */
function DealName({ id }: { id: string }) {
  const deal = useAsync((signal) => getRecord(id, signal), [id]);
  if (deal.data) return <Link href={recordPath(id)}>{deal.data.display_name}</Link>;
  if (deal.errorStatus === 404) return <>deleted</>;
  return deal.error ? <Link href={recordPath(id)}>open the deal</Link> : <>…</>;
}

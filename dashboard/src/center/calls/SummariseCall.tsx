/**
 * "Summarise call" or "Edit summary" on a call of the Calls tab or of a feed: the one summary
 * form (C8) in a dialog, for the rep whose call it is (the API's rule: another rep's call is
 * unknown to them), whoever answered it (the browser, the forwarding number) or if nobody did.
 */

import { useState } from "preact/hooks";
import type { Activity, CallData, CrmRecord } from "../../api/types";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { formatDuration } from "../../format";
import { SummaryForm, type SummaryTarget } from "../../phone/CallSummary";
import type { PartyRecord } from "../../phone/PhoneProvider";
import { useTeam } from "../../team";

type Props = {
  call: Activity;
  /** The call as the list names it: "Call from Ada Lovelace". */
  title: string;
  /** The lead or contact the call is on; null: not in the CRM; undefined: not known here. */
  record: PartyRecord | null | undefined;
  onSaved: (answer: Activity) => void;
};

/** The record whose feed shows a call, as far as its title and summary need it. */
type FeedShownOn = Pick<CrmRecord, "id" | "kind" | "display_name">;

/** How a call went, as the summary's heading says under its title. */
function howItWent(data: CallData): string {
  if (data.missed) return data.voicemail ? "Missed: a voicemail was left" : "Missed";
  if (data.duration) return `Lasted ${formatDuration(data.duration)}`;
  return data.answered_by ? "Answered" : "Not answered";
}

export function SummariseCall({ call, title, record, onSaved }: Props) {
  const { me } = useTeam();
  const [open, setOpen] = useState(false);
  const data = call.data as CallData;
  // A call Twilio did not name (one seeded or imported) has no CallSid to keep a summary on.
  if (call.rep_id !== me.id || !data.call_sid) return null;
  const target: SummaryTarget = {
    callSid: data.call_sid,
    title,
    facts: howItWent(data),
    record,
    notes: "",
    saved: data.summary,
  };
  const label = data.summary ? "Edit summary" : "Summarise call";
  return (
    <div class="call-summary-actions">
      <button type="button" class="btn btn-secondary btn-sm" onClick={() => setOpen(true)}>
        <Icon name="note" size={14} /> {label}
      </button>
      <Dialog open={open} title={label} onClose={() => setOpen(false)}>
        <div class="summary-dialog">
          <SummaryForm
            target={target}
            onClose={() => setOpen(false)}
            onSaved={(answer) => {
              setOpen(false);
              onSaved(answer);
            }}
          />
        </div>
      </Dialog>
    </div>
  );
}

/**
 * `shown` with the summary as the API's answer has it. `shown` may be a copy of the call (a
 * deal's feed shows one), so only the summary is taken from the answer.
 */
export function withSummaryOf(shown: Activity, answer: Activity): Activity {
  if (shown.data.channel !== "call" || answer.data.channel !== "call") return shown;
  return { ...shown, data: { ...shown.data, summary: answer.data.summary } };
}

/**
 * Whether saving a summary changed more of a feed than the call's entry: a follow-up task added,
 * changed or removed (a task of the person's feed), or the call filed away from the deal whose
 * feed shows it. The feed is then read again.
 */
export function summaryChangedFeed(before: Activity, answer: Activity, shownOn: FeedShownOn): boolean {
  const was = (before.data as CallData).summary;
  const now = (answer.data as CallData).summary;
  if (JSON.stringify(was?.follow_up ?? null) !== JSON.stringify(now?.follow_up ?? null)) return true;
  return shownOn.kind === "deal" && now?.deal_id !== shownOn.id;
}

/**
 * A call's title in a record's feed. On the person's own record it names them, whatever number
 * they called from and whenever that number joined the record; elsewhere (a deal's feed) it is
 * the API's title, which names them, or their number as people write it. A call not logged by
 * Twilio (seeded, imported) keeps the title it was written with.
 */
export function feedCallTitle(call: Activity, shownOn: FeedShownOn): string {
  const data = call.data as CallData;
  if (!data.call_sid || shownOn.kind === "deal" || call.record_id !== shownOn.id) return call.summary;
  return `${call.direction === "inbound" ? "Call from" : "Call to"} ${shownOn.display_name}`;
}

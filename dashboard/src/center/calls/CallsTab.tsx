/**
 * Calls (C1): Matched and Unmatched, the missed calls in brackets, "Show only missed calls"
 * across both. The call log lands later; until then each section explains itself.
 */

import { useState } from "preact/hooks";
import { EmptyState } from "../../components/Feedback";
import { formatPhone } from "../../format";
import { useTeam } from "../../team";
import { SectionSwitch } from "../SectionSwitch";

type CallSection = "matched" | "unmatched";

export function CallsTab() {
  const { me } = useTeam();
  const [section, setSection] = useState<CallSection>("matched");
  const [missedOnly, setMissedOnly] = useState(false);
  const missed = { matched: 0, unmatched: 0 };
  const number = formatPhone(me.twilio_number);
  return (
    <div class="channel">
      <div class="channel-toolbar">
        <SectionSwitch
          label="Call sections"
          options={[
            {
              id: "matched",
              label: "Matched",
              count: missed.matched,
              countLabel: `${missed.matched} missed`,
            },
            {
              id: "unmatched",
              label: "Unmatched",
              count: missed.unmatched,
              countLabel: `${missed.unmatched} missed`,
            },
          ]}
          value={section}
          onChange={setSection}
        />
        <label class="switch">
          <input
            type="checkbox"
            checked={missedOnly}
            onChange={(event) => setMissedOnly((event.target as HTMLInputElement).checked)}
          />
          <span class="switch-track" aria-hidden="true" />
          Show only missed calls
        </label>
      </div>
      <section
        class="card channel-list"
        aria-label={section === "matched" ? "Matched calls" : "Unmatched calls"}
      >
        {!me.twilio_number ? (
          <EmptyState icon="phone" title="No phone number yet">
            Calls arrive on your own number. Ask an admin to assign one to you.
          </EmptyState>
        ) : missedOnly ? (
          <EmptyState icon="phoneMissed" title="No missed calls">
            Calls to {number} that nobody answered will appear here.
          </EmptyState>
        ) : section === "matched" ? (
          <EmptyState icon="phone" title="No calls yet">
            Calls between your number {number} and your leads and contacts will appear here, with their
            recordings and summaries.
          </EmptyState>
        ) : (
          <EmptyState icon="phone" title="No unmatched calls">
            Calls with numbers that are not in the CRM will appear here, to add as a lead or contact, add to
            an existing one, or ignore.
          </EmptyState>
        )}
      </section>
    </div>
  );
}

/**
 * SMS (S1): Matched and Unmatched conversations, the unread count in brackets. The SMS channel
 * lands later; until then each section explains itself.
 */

import { useState } from "preact/hooks";
import { EmptyState } from "../../components/Feedback";
import { formatPhone } from "../../format";
import { useTeam } from "../../team";
import { SectionSwitch } from "../SectionSwitch";

type SmsSection = "matched" | "unmatched";

export function SmsTab() {
  const { me } = useTeam();
  const [section, setSection] = useState<SmsSection>("matched");
  const unread = { matched: 0, unmatched: 0 };
  const number = formatPhone(me.twilio_number);
  const canText = Boolean(me.twilio_number) && me.capabilities === "voice+sms";
  return (
    <div class="channel">
      <div class="channel-toolbar">
        <SectionSwitch
          label="SMS sections"
          options={[
            {
              id: "matched",
              label: "Matched",
              count: unread.matched,
              countLabel: `${unread.matched} unread`,
            },
            {
              id: "unmatched",
              label: "Unmatched",
              count: unread.unmatched,
              countLabel: `${unread.unmatched} unread`,
            },
          ]}
          value={section}
          onChange={setSection}
        />
      </div>
      <section class="card channel-list" aria-label={section === "matched" ? "Matched SMS" : "Unmatched SMS"}>
        {!canText ? (
          <EmptyState icon="sms" title="Your number cannot send SMS">
            {me.twilio_number
              ? `${number} is a voice-only number. Ask an admin for a number with SMS.`
              : "SMS arrive on your own number. Ask an admin to assign one to you."}
          </EmptyState>
        ) : section === "matched" ? (
          <EmptyState icon="sms" title="No SMS yet">
            Text messages between your number {number} and your leads and contacts will appear here.
          </EmptyState>
        ) : (
          <EmptyState icon="sms" title="No unmatched SMS">
            Messages from numbers that are not in the CRM will appear here, to add as a lead or contact, add
            to an existing one, or ignore.
          </EmptyState>
        )}
      </section>
    </div>
  );
}

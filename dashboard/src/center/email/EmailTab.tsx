/**
 * Email (E2): Inbox, Suggested people, Sent, Archived. The mailbox sync lands later; until then
 * each section explains what will appear in it.
 */

import { EmptyState } from "../../components/Feedback";
import type { IconName } from "../../components/Icon";
import { useTeam } from "../../team";
import { SectionSwitch } from "../SectionSwitch";
import { useCenterView } from "../view";

type EmailSection = "inbox" | "suggested" | "sent" | "archived";

const SECTIONS: {
  id: EmailSection;
  label: string;
  icon: IconName;
  title: string;
  text: (mailbox: string) => string;
}[] = [
  {
    id: "inbox",
    label: "Inbox",
    icon: "inbox",
    title: "No emails yet",
    text: (mailbox) =>
      `Emails your leads and contacts send to ${mailbox} will appear here, and a copy lands on their record.`,
  },
  {
    id: "suggested",
    label: "Suggested people",
    icon: "sparkle",
    title: "No suggested people",
    text: () =>
      "People who write to you and are not in the CRM yet will appear here, ready to add as a lead or contact, or to ignore.",
  },
  {
    id: "sent",
    label: "Sent",
    icon: "send",
    title: "Nothing sent yet",
    text: () =>
      "Emails you send to leads and contacts, from here or from your own mail client, will appear here with when they were opened.",
  },
  {
    id: "archived",
    label: "Archived",
    icon: "archive",
    title: "No archived emails",
    text: () => "Archive emails to keep your inbox focused; they stay on the lead or contact's record.",
  },
];

export function EmailTab() {
  const { me } = useTeam();
  const view = useCenterView(SECTIONS.map((item) => item.id)); // the section is in the address
  const current = SECTIONS.find((item) => item.id === view.section) ?? SECTIONS[0];
  return (
    <div class="channel">
      <div class="channel-toolbar">
        <SectionSwitch
          label="Email sections"
          options={SECTIONS.map(({ id, label }) => ({ id, label }))}
          value={view.section}
          onChange={(section) => view.show({ section })}
        />
      </div>
      <section class="card channel-list" aria-label={current.label}>
        <EmptyState icon={current.icon} title={current.title}>
          {current.text(me.email)}
        </EmptyState>
      </section>
    </div>
  );
}

/**
 * Email (E2, E3, E7): Inbox, Suggested people, Sent, Colleagues, Archived, with the unread in
 * brackets; the section and the open email are in the address. An email opens in the reader
 * beside (or, on a phone, above) its list.
 */

import { useEffect, useState } from "preact/hooks";
import { getEmailCounts } from "../../api/endpoints";
import type { EmailTabCounts, EmailTabName } from "../../api/types";
import { Icon, type IconName } from "../../components/Icon";
import { useTeam } from "../../team";
import { SectionSwitch } from "../SectionSwitch";
import { useCenterView } from "../view";
import type { Composition } from "./compose";
import { Composer } from "./Composer";
import { EmailList } from "./EmailList";
import { EmailReader } from "./EmailReader";
import { SuggestedPeople } from "./SuggestedPeople";

type EmailSection = EmailTabName | "suggested";

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
    id: "colleagues",
    label: "Colleagues",
    icon: "contact",
    title: "No emails with colleagues",
    text: () => "Emails with addresses at your own domain are kept here, apart from your customers' mail.",
  },
  {
    id: "archived",
    label: "Archived",
    icon: "archive",
    title: "No archived emails",
    text: () => "Archive emails to keep your inbox focused; they stay on the lead or contact's record.",
  },
];

const NEW_EMAIL: Composition = { slot: "new", title: "New email", to: [], cc: [], subject: "", text: "" };

const UNREAD: Partial<Record<EmailSection, keyof EmailTabCounts>> = { inbox: "inbox", suggested: "suggested" };

export function EmailTab() {
  const { me } = useTeam();
  const view = useCenterView(SECTIONS.map((item) => item.id)); // the section is in the address
  const current = SECTIONS.find((item) => item.id === view.section) ?? SECTIONS[0];
  const [counts, setCounts] = useState<EmailTabCounts | null>(null);
  const [changes, setChanges] = useState(0);
  const [composing, setComposing] = useState<Composition | null>(null);
  const changed = () => setChanges((n) => n + 1);
  useEffect(() => {
    const controller = new AbortController();
    getEmailCounts(controller.signal).then(setCounts, () => undefined);
    return () => controller.abort();
  }, [changes]);
  const options = SECTIONS.map(({ id, label }) => {
    const key = UNREAD[id];
    const unread = key && counts ? counts[key] : undefined;
    return { id, label, count: unread, countLabel: unread === undefined ? undefined : `${unread} unread` };
  });
  const tab = current.id === "suggested" ? null : current.id;
  return (
    <div class="channel">
      <div class="channel-toolbar email-toolbar">
        <SectionSwitch
          label="Email sections"
          options={options}
          value={view.section}
          onChange={(section) => view.show({ section, open: null })}
        />
        <button type="button" class="btn btn-primary" onClick={() => setComposing(NEW_EMAIL)}>
          <Icon name="plus" size={16} /> New email
        </button>
      </div>
      {tab === null ? (
        <SuggestedPeople
          empty={{ title: current.title, text: current.text(me.email) }}
          refresh={changes}
          onChanged={() => setChanges((n) => n + 1)}
        />
      ) : (
        <div class={view.open ? "email-panes reading" : "email-panes"}>
          <EmailList
            key={tab}
            tab={tab}
            refresh={changes}
            label={current.label}
            empty={{ icon: current.icon, title: current.title, text: current.text(me.email) }}
            open={view.open}
            onOpen={(id) => view.show({ open: id })}
            onChanged={changed}
            onRetried={changed}
          />
          {view.open && (
            <EmailReader
              id={view.open}
              onClose={() => view.show({ open: null })}
              onRead={changed}
              onCompose={setComposing}
              onRetried={changed}
            />
          )}
        </div>
      )}
      <Composer composition={composing} onClose={() => setComposing(null)} onDone={changed} />
    </div>
  );
}

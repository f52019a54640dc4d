/**
 * The communication center: one tab per channel, each its own module. A tab's label carries what
 * waits there in brackets (SMS not read, missed calls not seen), only when something does.
 */

import type { FunctionComponent } from "preact";
import { Icon, type IconName } from "../components/Icon";
import { formatPhone } from "../format";
import { useTitle } from "../hooks";
import { Link, navigate } from "../router";
import { useTeam } from "../team";
import { CallsTab } from "./calls/CallsTab";
import { CenterCountsProvider, tabCount, useCenterCounts } from "./counts";
import { EmailTab } from "./email/EmailTab";
import { SmsTab } from "./sms/SmsTab";

const TABS = [
  { id: "email", label: "Email", icon: "mail", component: EmailTab },
  { id: "calls", label: "Calls", icon: "phone", component: CallsTab },
  { id: "sms", label: "SMS", icon: "sms", component: SmsTab },
] as const satisfies readonly { id: string; label: string; icon: IconName; component: FunctionComponent }[];

export type CenterTab = (typeof TABS)[number]["id"];

export function isCenterTab(value: string): value is CenterTab {
  return TABS.some((tab) => tab.id === value);
}

export function CenterPage({ tab }: { tab: CenterTab }) {
  const { me } = useTeam();
  const current = TABS.find((item) => item.id === tab) ?? TABS[0];
  const Panel = current.component;
  useTitle(`${current.label} · Communication center`);
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Communication center</h1>
          <p class="muted">
            {me.twilio_number ? `Your number ${formatPhone(me.twilio_number)}` : "No phone number assigned"}
            {" · "}
            {me.email}
          </p>
        </div>
      </header>
      <CenterCountsProvider>
        <ChannelTabs tab={tab} />
        <div id="center-panel" role="tabpanel" aria-labelledby={`tab-${current.id}`}>
          <Panel />
        </div>
      </CenterCountsProvider>
    </div>
  );
}

function ChannelTabs({ tab }: { tab: CenterTab }) {
  const { counts } = useCenterCounts();
  // Arrow keys move between channels, as in any tab list.
  const onTabKey = (event: KeyboardEvent) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const index = TABS.findIndex((item) => item.id === tab);
    const next = TABS[(index + step + TABS.length) % TABS.length];
    navigate(`/center/${next.id}`);
    window.setTimeout(() => document.getElementById(`tab-${next.id}`)?.focus(), 0);
  };
  return (
    <div class="tabs" role="tablist" aria-label="Channels" onKeyDown={onTabKey}>
      {TABS.map((item) => {
        const waiting = tabCount(item.id, counts);
        return (
          <Link
            key={item.id}
            href={`/center/${item.id}`}
            role="tab"
            id={`tab-${item.id}`}
            aria-selected={item.id === tab}
            tabIndex={item.id === tab ? 0 : -1}
            aria-controls="center-panel"
            class={item.id === tab ? "tab active" : "tab"}
          >
            <Icon name={item.icon} size={18} />
            {item.label}
            {waiting && waiting.count > 0 && (
              <span class="tab-count" title={waiting.label}>
                ({waiting.count})
              </span>
            )}
          </Link>
        );
      })}
    </div>
  );
}

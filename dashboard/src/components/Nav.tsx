/** The left navigation. */

import { Link } from "../router";
import { Icon, type IconName } from "./Icon";

export type Section = "center" | "lead" | "contact" | "deal" | "settings";

const ITEMS: { section: Section; href: string; label: string; icon: IconName }[] = [
  { section: "center", href: "/center/email", label: "Communication center", icon: "center" },
  { section: "lead", href: "/leads", label: "Leads", icon: "lead" },
  { section: "contact", href: "/contacts", label: "Contacts", icon: "contact" },
  { section: "deal", href: "/deals", label: "Deals", icon: "deal" },
  { section: "settings", href: "/settings", label: "Settings", icon: "settings" },
];

export function Nav({ active }: { active: Section | null }) {
  return (
    <nav class="sidebar" aria-label="Main">
      <ul>
        {ITEMS.map((item) => (
          <li key={item.section}>
            <Link
              href={item.href}
              class={item.section === active ? "nav-link active" : "nav-link"}
              aria-current={item.section === active ? "page" : undefined}
              title={item.label}
            >
              <Icon name={item.icon} size={20} />
              <span>{item.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

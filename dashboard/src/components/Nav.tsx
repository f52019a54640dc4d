/** The left navigation. */

import { Link } from "../router";
import { Icon, type IconName } from "./Icon";

export type Section = "center" | "lead" | "contact" | "deal" | "trash" | "settings";

const ITEMS: { section: Section; href: string; label: string; icon: IconName; admins?: true }[] = [
  { section: "center", href: "/center/email", label: "Communication center", icon: "center" },
  { section: "lead", href: "/leads", label: "Leads", icon: "lead" },
  { section: "contact", href: "/contacts", label: "Contacts", icon: "contact" },
  { section: "deal", href: "/deals", label: "Deals", icon: "deal" },
  { section: "trash", href: "/trash", label: "Trash", icon: "trash", admins: true },
  { section: "settings", href: "/settings", label: "Settings", icon: "settings" },
];

/** `admin`: the signed-in rep is an admin (the Trash is theirs only). */
export function Nav({ active, admin }: { active: Section | null; admin: boolean }) {
  return (
    <nav class="sidebar" aria-label="Main">
      <ul>
        {ITEMS.filter((item) => admin || !item.admins).map((item) => (
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

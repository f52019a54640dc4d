/**
 * The main navigation: the sidebar beside the page; on a phone, a menu over the page that the top
 * bar's Menu button opens, with who is signed in and Sign out (the top bar has no room for them).
 * Open, the menu takes the focus; Escape or a tap beside it closes it and gives the focus back to
 * the button; opening a section closes it and gives the focus to the page.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { Link, useLocation } from "../router";
import { Icon, type IconName } from "./Icon";

export type Section = "center" | "folders" | "lead" | "contact" | "deal" | "trash" | "settings";

const ITEMS: { section: Section; href: string; label: string; icon: IconName; admins?: true }[] = [
  { section: "center", href: "/center/email", label: "Communication center", icon: "center" },
  { section: "folders", href: "/folders/inbox", label: "Folders", icon: "inbox" },
  { section: "lead", href: "/leads", label: "Leads", icon: "lead" },
  { section: "contact", href: "/contacts", label: "Contacts", icon: "contact" },
  { section: "deal", href: "/deals", label: "Deals", icon: "deal" },
  { section: "trash", href: "/trash", label: "Trash", icon: "trash", admins: true },
  { section: "settings", href: "/settings", label: "Settings", icon: "settings" },
];

const NAV_ID = "main-nav";
const MENU_BUTTON_ID = "menu-toggle";

/** The top bar's Menu button (shown on phones only). */
export function MenuButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      id={MENU_BUTTON_ID}
      class="icon-btn menu-toggle"
      aria-label="Menu"
      aria-expanded={open}
      aria-controls={NAV_ID}
      onClick={onToggle}
    >
      <Icon name={open ? "close" : "menu"} size={22} />
    </button>
  );
}

type NavProps = {
  active: Section | null;
  /** The signed-in rep is an admin (the Trash is theirs only). */
  admin: boolean;
  /** The menu is open (phones). */
  open: boolean;
  onClose: () => void;
  /** Shown under the sections in the phone's menu only: the rep and Sign out. */
  children?: ComponentChildren;
};

export function Nav({ active, admin, open, onClose, children }: NavProps) {
  const ref = useRef<HTMLElement>(null);
  const { path } = useLocation();
  const closeToButton = () => {
    onClose();
    document.getElementById(MENU_BUTTON_ID)?.focus();
  };

  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLElement>("a[href], button")?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) closeToButton();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  // A section tapped in the menu (the page shown included) closes it; so does Back.
  const openSection = () => {
    if (!open) return;
    onClose();
    document.getElementById("main")?.focus();
  };
  const shownAt = useRef(path);
  useEffect(() => {
    if (shownAt.current === path) return;
    shownAt.current = path;
    if (open) onClose();
  }, [path]);

  // Tabbing out of the open menu closes it: what the focus reaches is the page under it.
  const onFocusOut = (event: FocusEvent) => {
    const next = event.relatedTarget;
    if (!open || !(next instanceof Node) || ref.current?.contains(next)) return;
    if (next !== document.getElementById(MENU_BUTTON_ID)) onClose();
  };

  return (
    <>
      <nav id={NAV_ID} ref={ref} class={open ? "sidebar open" : "sidebar"} aria-label="Main" onFocusOut={onFocusOut}>
        <ul>
          {ITEMS.filter((item) => admin || !item.admins).map((item) => (
            <li key={item.section}>
              <Link
                href={item.href}
                class={item.section === active ? "nav-link active" : "nav-link"}
                aria-current={item.section === active ? "page" : undefined}
                title={item.label}
                onClick={openSection}
              >
                <Icon name={item.icon} size={20} />
                <span>{item.label}</span>
              </Link>
            </li>
          ))}
        </ul>
        {children && <div class="nav-account">{children}</div>}
      </nav>
      {open && <div class="nav-backdrop" onClick={closeToButton} />}
    </>
  );
}

/** A small set of stroke icons drawn for this app (24×24 grid, currentColor). */

import type { JSX } from "preact";

const PATHS = {
  center: ["M4 5h16v11H9l-5 4z", "M8.5 10.5h7"],
  mail: ["M3.5 6h17v12h-17z", "M3.5 7l8.5 6 8.5-6"],
  phone: [
    "M6.5 3.5h3l1.8 4.6-2.3 1.5a11 11 0 0 0 5.4 5.4l1.5-2.3 4.6 1.8v3a2 2 0 0 1-2 2A16 16 0 0 1 4.5 5.5a2 2 0 0 1 2-2z",
  ],
  phoneMissed: [
    "M6.5 3.5h3l1.8 4.6-2.3 1.5a11 11 0 0 0 5.4 5.4l1.5-2.3 4.6 1.8v3a2 2 0 0 1-2 2A16 16 0 0 1 4.5 5.5a2 2 0 0 1 2-2z",
    "M15 3.5l5 5 M20 3.5l-5 5",
  ],
  voicemail: [
    "M6.5 15.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z",
    "M17.5 15.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z",
    "M6.5 15.5h11",
  ],
  recording: ["M12 3.5a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0v-5a3 3 0 0 0-3-3z", "M5.5 11a6.5 6.5 0 0 0 13 0", "M12 17.5V21"],
  play: ["M7 4.5v15l12-7.5z"],
  sms: ["M4 5h16v11H9l-5 4z", "M8.5 10.5h.01 M12 10.5h.01 M15.5 10.5h.01"],
  chat: ["M3 4h12v8H7.5L3 15.5z", "M18 8h3v10.5L17.5 15H10v-3"],
  note: ["M6 3h9l4 4v14H6z", "M15 3v4h4", "M9 12h7 M9 16h5"],
  task: ["M4 4h16v16H4z", "M8 12l3 3 5-6"],
  lead: ["M10 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z", "M3 21a7 7 0 0 1 14 0", "M19.5 7v6 M16.5 10h6"],
  contact: [
    "M9 11.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z",
    "M2.5 20a6.5 6.5 0 0 1 13 0",
    "M15.5 4.7a3.5 3.5 0 0 1 0 6.6 M17.5 14.3A6.5 6.5 0 0 1 21.5 20",
  ],
  deal: ["M3.5 8h17v12h-17z", "M8.5 8V5h7v3", "M3.5 13.5h17"],
  company: [
    "M4 21V4h10v17",
    "M14 9h6v12",
    "M2.5 21h19",
    "M7.5 8h3 M7.5 12h3 M7.5 16h3 M17 13h.01 M17 17h.01",
  ],
  search: ["M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z", "M16.2 16.2L21 21"],
  star: ["M12 3l2.8 5.9 6.2.7-4.6 4.3 1.3 6.1-5.7-3.1-5.7 3.1 1.3-6.1L3 9.6l6.2-.7z"],
  signOut: ["M14 4h5v16h-5", "M9.5 8l-4 4 4 4", "M5.5 12H15"],
  plus: ["M12 5v14 M5 12h14"],
  edit: ["M4 20h4L19.5 8.5l-4-4L4 16z", "M13.5 6.5l4 4"],
  trash: ["M4 7h16", "M9.5 7V4h5v3", "M6 7l1 13h10l1-13", "M10 11v5 M14 11v5"],
  close: ["M6 6l12 12 M18 6L6 18"],
  menu: ["M4 6.5h16 M4 12h16 M4 17.5h16"],
  pin: [
    "M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z",
    "M12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
  ],
  inbound: ["M17 7L7 17", "M15 17H7V9"],
  outbound: ["M7 17L17 7", "M9 7h8v8"],
  alert: ["M12 3.5l9.5 16.5h-19z", "M12 10v4.5 M12 17.5h.01"],
  inbox: ["M3.5 13.5L6 5h12l2.5 8.5V19h-17z", "M3.5 13.5H9l1 2h4l1-2h5.5"],
  send: ["M21 3L10 14", "M21 3l-7 18-4-7-7-4z"],
  archive: ["M3.5 4.5h17v4h-17z", "M5 8.5V20h14V8.5", "M10 12.5h4"],
  sparkle: ["M12 3v4 M12 17v4 M3 12h4 M17 12h4", "M6 6l2 2 M16 16l2 2 M18 6l-2 2 M8 16l-2 2"],
  arrowLeft: ["M19 12H5", "M11 6l-6 6 6 6"],
  calendar: ["M4 6h16v14H4z", "M4 10h16", "M8.5 3.5v4 M15.5 3.5v4"],
  clock: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 7v5l3 2"],
  refresh: ["M20 11a8 8 0 1 0-2.3 5.7", "M20 5v6h-6"],
  thread: [
    "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1",
    "M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
  ],
  attachment: [
    "M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8",
  ],
  block: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M5.6 5.6l12.8 12.8"],
  external: ["M14 4h6v6", "M20 4l-9 9", "M18 14v6H4V6h6"],
  settings: [
    "M4 7h9 M17 7h3 M4 17h3 M11 17h9",
    "M15 9a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
    "M9 19a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
  ],
  arrowUp: ["M12 19V5", "M6 11l6-6 6 6"],
  arrowDown: ["M12 5v14", "M6 13l6 6 6-6"],
  check: ["M5 12.5l4.5 4.5L19 7.5"],
} as const;

export type IconName = keyof typeof PATHS;

type IconProps = { name: IconName; size?: number; class?: string; title?: string };

export function Icon({ name, size = 18, class: className, title }: IconProps): JSX.Element {
  return (
    <svg
      class={className ? `icon ${className}` : "icon"}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden={title ? undefined : "true"}
      role={title ? "img" : undefined}
    >
      {title && <title>{title}</title>}
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

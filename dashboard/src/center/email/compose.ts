/**
 * What the email composer knows without the screen: addresses typed by the rep, the request id
 * of one composition, a reply's recipients, subject and quote, and the drafts kept in the
 * browser (per rep) until they are sent or discarded.
 */

import type { EmailDetail } from "../../api/types";
import { formatDateTime } from "../../components/Time";

/** What a composer is opened with; `slot` names its draft (a second opening finds it again). */
export type Composition = {
  slot: string;
  title: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  replyTo?: string;
  recordId?: string;
};

/** The composer's fields as the rep left them, and the request id they are sent under. */
export type Draft = {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  requestId: string;
  savedAt: string;
};

// A practical check (the server validates for good): one @, no spaces or list separators,
// a dot in the domain.
const ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+\.[^\s@,;<>"().]+$/;

export function isAddress(text: string): boolean {
  return ADDRESS.test(text);
}

/** Addresses as typed or pasted: separated by commas, semicolons, spaces or new lines;
 * "Name <address>" keeps the address. */
export function splitAddresses(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let inQuotes = false;
  for (const char of text) {
    if (char === '"') inQuotes = !inQuotes;
    if (!inQuotes && (char === "," || char === ";" || char === "\n")) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts.flatMap((part) => {
    const bracketed = /<([^<>]+)>/.exec(part);
    return bracketed ? [bracketed[1].trim()] : part.split(/\s+/).filter(Boolean);
  });
}

/** "Re: " once, however many replies deep. */
export function replySubject(subject: string): string {
  return /^\s*re\s*:/i.test(subject) ? subject.trim() : `Re: ${subject.trim()}`;
}

/** The original below the rep's text: "On <date>, <name> wrote:", then each line quoted. */
export function quoted(email: EmailDetail): string {
  const who = email.from?.name || email.from?.address || "someone";
  const lines = email.text.replace(/\s+$/, "").split(/\r?\n/);
  const quote = lines.map((line) => (line ? `> ${line}` : ">")).join("\n");
  return `\n\nOn ${formatDateTime(email.at)}, ${who} wrote:\n${quote}\n`;
}

function unique(addresses: string[], leaving: Set<string>): string[] {
  const seen = new Set(leaving);
  const kept: string[] = [];
  for (const address of addresses) {
    const key = address.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      kept.push(address);
    }
  }
  return kept;
}

/**
 * A reply: to the other party (the sender of what the rep received; the recipients of what the
 * rep sent). Reply all also copies everyone else on it, except the rep (`own`: their addresses).
 */
export function replyTo(email: EmailDetail, all: boolean, own: string[]): Composition {
  const mine = new Set(own.map((address) => address.toLowerCase()));
  if (email.direction === "outbound" && email.from) mine.add(email.from.address.toLowerCase());
  const outbound = email.direction === "outbound";
  const others = outbound ? email.to.map((party) => party.address) : email.from ? [email.from.address] : [];
  const to = unique(others, mine);
  const cc = all
    ? unique(
        [...(outbound ? [] : email.to), ...email.cc].map((party) => party.address),
        new Set([...mine, ...to.map((address) => address.toLowerCase())]),
      )
    : [];
  return {
    slot: `reply:${email.id}`,
    title: all ? "Reply all" : "Reply",
    to,
    cc,
    subject: replySubject(email.subject),
    text: quoted(email),
    replyTo: email.id,
    recordId: email.record?.id,
  };
}

// --- drafts ------------------------------------------------------------------------------

const KEEP = 20; // drafts per rep; the oldest goes first

function storageKey(repId: string): string {
  return `commcenter.emailDrafts.${repId}`;
}

function readAll(repId: string): Record<string, Draft> {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey(repId)) ?? "{}") as unknown;
    return stored && typeof stored === "object" ? (stored as Record<string, Draft>) : {};
  } catch {
    return {};
  }
}

function writeAll(repId: string, drafts: Record<string, Draft>): void {
  const kept = Object.entries(drafts)
    .sort(([, a], [, b]) => b.savedAt.localeCompare(a.savedAt))
    .slice(0, KEEP);
  try {
    if (kept.length) localStorage.setItem(storageKey(repId), JSON.stringify(Object.fromEntries(kept)));
    else localStorage.removeItem(storageKey(repId));
  } catch {
    // Storage full or refused (a private window): the draft lives as long as the page.
  }
}

function isDraft(value: unknown): value is Draft {
  const draft = value as Draft;
  return (
    Boolean(draft) &&
    Array.isArray(draft.to) &&
    Array.isArray(draft.cc) &&
    typeof draft.subject === "string" &&
    typeof draft.text === "string" &&
    typeof draft.requestId === "string" &&
    /^[A-Za-z0-9_-]{8,64}$/.test(draft.requestId)
  );
}

export function loadDraft(repId: string, slot: string): Draft | null {
  const draft = readAll(repId)[slot];
  return isDraft(draft) ? draft : null;
}

export function saveDraft(repId: string, slot: string, draft: Draft): void {
  writeAll(repId, { ...readAll(repId), [slot]: draft });
}

export function dropDraft(repId: string, slot: string): void {
  const drafts = readAll(repId);
  if (!(slot in drafts)) return;
  delete drafts[slot];
  writeAll(repId, drafts);
}

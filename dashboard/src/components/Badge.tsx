/** Status and kind badges; the tone follows the meaning of the status. */

const TONES: Record<string, string> = {
  new: "info",
  working: "warning",
  qualified: "success",
  unqualified: "neutral",
  active: "success",
  inactive: "neutral",
  open: "info",
  won: "success",
  lost: "danger",
  lead: "lead",
  contact: "contact",
  deal: "deal",
  // SMS delivery
  delivered: "success",
  read: "success",
  sent: "info",
  sandbox: "warning",
  failed: "danger",
  undelivered: "danger",
  canceled: "danger",
  opted_out: "danger",
  // Calls
  missed: "danger",
  voicemail: "info",
  busy: "warning",
  "no-answer": "warning",
  ringing: "info",
  "in-progress": "info",
};

export function Badge({ value, label }: { value: string; label?: string }) {
  if (!value) return null;
  return <span class={`badge badge-${TONES[value] ?? "neutral"}`}>{label ?? capitalize(value)}</span>;
}

export function capitalize(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** Display formats for phone numbers, money and durations. */

/** E.164 as people read it; North American numbers get the familiar grouping. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return "";
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  if (nanp) return `+1 (${nanp[1]}) ${nanp[2]}-${nanp[3]}`;
  return e164;
}

export function formatMoney(amount: string, currency: string): string {
  if (!amount) return "—";
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "USD" }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A call's length as a clock shows it: 0:42, 12:05, 1:02:03. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/**
 * A date and a time typed in the browser ("2026-12-01", "09:30") as ISO-8601 with the browser's
 * own offset ("2026-12-01T09:30:00-05:00"): the moment the rep meant, wherever it is read.
 * Empty when the date is not a date.
 */
export function localDateTimeIso(date: string, time: string): string {
  const moment = new Date(`${date}T${time || "00:00"}`);
  if (!date || Number.isNaN(moment.getTime())) return "";
  const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, "0");
  const offset = -moment.getTimezoneOffset();
  const zone = `${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`;
  return (
    `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}` +
    `T${pad(moment.getHours())}:${pad(moment.getMinutes())}:00${zone}`
  );
}

/** Initials in a coloured circle; the colour is stable per name. */

const HUES = [222, 262, 190, 152, 32, 340, 12, 280];

export function initials(name: string): string {
  // Words that start with a letter: "Zz Page 24" reads "ZP", not "Z2".
  const parts = name
    .trim()
    .split(/\s+/)
    .filter((part) => /^\p{L}/u.test(part));
  if (parts.length === 0) return "?";
  const first = parts[0][0] ?? "";
  const last = parts.length > 1 ? (parts[parts.length - 1][0] ?? "") : "";
  return (first + last).toUpperCase();
}

export function Avatar({ name, size = "md" }: { name: string; size?: "sm" | "md" | "lg" }) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const hue = HUES[hash % HUES.length];
  return (
    <span
      class={`avatar avatar-${size}`}
      style={{ background: `hsl(${hue} 70% 93%)`, color: `hsl(${hue} 55% 32%)` }}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}

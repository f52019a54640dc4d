/** The sections inside a center tab (Inbox / Sent…, Matched / Unmatched) with their counts. */

export type SectionOption<K extends string> = { id: K; label: string; count?: number; countLabel?: string };

type Props<K extends string> = {
  label: string;
  options: SectionOption<K>[];
  /** The section shown; null when the list shows something across sections (missed calls). */
  value: K | null;
  onChange: (id: K) => void;
};

export function SectionSwitch<K extends string>({ label, options, value, onChange }: Props<K>) {
  return (
    <div class="segmented" role="group" aria-label={label}>
      {options.map((option) => (
        <button
          key={option.id}
          type="button"
          class={option.id === value ? "segment active" : "segment"}
          aria-pressed={option.id === value}
          onClick={() => onChange(option.id)}
        >
          {option.label}
          {option.count !== undefined && (
            <span class="segment-count" title={option.countLabel}>
              ({option.count})
            </span>
          )}
        </button>
      ))}
    </div>
  );
}

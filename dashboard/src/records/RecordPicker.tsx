/**
 * Finds a record by what the rep types (GET /api/search) and hands back the one picked: a lead or
 * contact by name, company, number, email or address (to call, text, or give a number to), or a
 * deal by its name or company (a call summary files the call under it).
 */

import { useEffect, useState } from "preact/hooks";
import { describeError, isAbort } from "../api/client";
import { search } from "../api/endpoints";
import type { RecordKind, SearchHit } from "../api/types";
import { Badge } from "../components/Badge";
import { Icon } from "../components/Icon";
import { useDebounced } from "../hooks";
import { HitDetail } from "./HitDetail";
import { KIND_INFO } from "./kinds";

const MIN_QUERY = 2;

/** What a picker finds, and how it says so. */
export type Findable = "person" | "deal";

const FINDS: Record<
  Findable,
  { kind?: RecordKind; keeps: (hit: SearchHit) => boolean; placeholder: string; results: string; none: string }
> = {
  // Deals have no phone number of their own: only people can be texted or called.
  person: {
    keeps: (hit) => hit.kind !== "deal",
    placeholder: "Name, company, number or address",
    results: "Matching leads and contacts",
    none: "No lead or contact matches",
  },
  deal: {
    kind: "deal",
    keeps: () => true,
    placeholder: "Deal name or company",
    results: "Matching deals",
    none: "No deal matches",
  },
};

type Props = {
  id: string;
  label: string;
  onPick: (hit: SearchHit) => void;
  autoFocus?: boolean;
  find?: Findable;
  hint?: string;
};

export function RecordPicker({ id, label, onPick, autoFocus, find = "person", hint }: Props) {
  const finds = FINDS[find];
  const [text, setText] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = useDebounced(text.trim(), 200);

  useEffect(() => {
    if (query.length < MIN_QUERY) {
      setHits(null);
      return;
    }
    const controller = new AbortController();
    search(query, controller.signal, finds.kind).then(
      (page) => {
        setHits(page.items.filter(finds.keeps));
        setError(null);
      },
      (exc: unknown) => {
        if (isAbort(exc)) return;
        setHits([]);
        setError(describeError(exc));
      },
    );
    return () => controller.abort();
  }, [query, find]);

  const settled = hits !== null && query === text.trim();

  // Enter never submits the form around the picker: it picks the one match there is, if one.
  // Down goes to the matches (buttons, Tab and Shift+Tab move among them).
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (settled && hits.length === 1) onPick(hits[0]);
    } else if (event.key === "ArrowDown" && hits?.length) {
      event.preventDefault();
      const first = (event.currentTarget as HTMLElement).parentElement?.querySelector<HTMLButtonElement>(".picker-hit");
      first?.focus();
    }
  };
  return (
    <div class="field record-picker">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="search"
        class="input"
        placeholder={finds.placeholder}
        autocomplete="off"
        spellcheck={false}
        autoFocus={autoFocus}
        aria-describedby={hint ? `${id}-hint` : undefined}
        value={text}
        onInput={(event) => setText((event.target as HTMLInputElement).value)}
        onKeyDown={onKeyDown}
      />
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {hits && hits.length > 0 && (
        <ul class="picker-results" aria-label={finds.results}>
          {hits.map((hit) => (
            <li key={hit.id}>
              <button type="button" class="picker-hit" onClick={() => onPick(hit)}>
                <Icon name={KIND_INFO[hit.kind].icon} size={14} />
                <span class="picker-hit-name">{hit.display_name}</span>
                <span class="muted picker-hit-meta">
                  <HitDetail hit={hit} />
                </span>
                {find === "person" && <Badge value={hit.kind} />}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p class="field-error">{error}</p>}
      {settled && !error && hits.length === 0 && (
        <p class="hint" role="status">
          {finds.none} “{query}”.
        </p>
      )}
    </div>
  );
}

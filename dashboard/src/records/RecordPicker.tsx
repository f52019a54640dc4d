/** Finds a lead or contact by name, company, number, email or address (GET /api/search) and hands back the one picked. */

import { useEffect, useState } from "preact/hooks";
import { describeError, isAbort } from "../api/client";
import { search } from "../api/endpoints";
import type { SearchHit } from "../api/types";
import { Badge } from "../components/Badge";
import { Icon } from "../components/Icon";
import { useDebounced } from "../hooks";
import { HitDetail } from "./HitDetail";
import { KIND_INFO } from "./kinds";

const MIN_QUERY = 2;

type Props = { id: string; label: string; onPick: (hit: SearchHit) => void; autoFocus?: boolean };

export function RecordPicker({ id, label, onPick, autoFocus }: Props) {
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
    search(query, controller.signal).then(
      (page) => {
        // Deals have no phone number of their own: only people can be texted or called.
        setHits(page.items.filter((hit) => hit.kind !== "deal"));
        setError(null);
      },
      (exc: unknown) => {
        if (isAbort(exc)) return;
        setHits([]);
        setError(describeError(exc));
      },
    );
    return () => controller.abort();
  }, [query]);

  const settled = hits !== null && query === text.trim();
  return (
    <div class="field record-picker">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="search"
        class="input"
        placeholder="Name, company, number or address"
        autocomplete="off"
        spellcheck={false}
        autoFocus={autoFocus}
        value={text}
        onInput={(event) => setText((event.target as HTMLInputElement).value)}
      />
      {hits && hits.length > 0 && (
        <ul class="picker-results" aria-label="Matching leads and contacts">
          {hits.map((hit) => (
            <li key={hit.id}>
              <button type="button" class="picker-hit" onClick={() => onPick(hit)}>
                <Icon name={KIND_INFO[hit.kind].icon} size={14} />
                <span class="picker-hit-name">{hit.display_name}</span>
                <span class="muted picker-hit-meta">
                  <HitDetail hit={hit} />
                </span>
                <Badge value={hit.kind} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p class="field-error">{error}</p>}
      {settled && !error && hits.length === 0 && (
        <p class="hint" role="status">
          No lead or contact matches “{query}”.
        </p>
      )}
    </div>
  );
}

/** Picks the contacts linked to a deal: chips for the chosen ones, a search for more. */

import { useEffect, useState } from "preact/hooks";
import { getRecord, search } from "../api/endpoints";
import type { SearchHit } from "../api/types";
import { Icon } from "../components/Icon";
import { useDebounced } from "../hooks";
import { sentence } from "./fields";

type Props = { value: string[]; onChange: (ids: string[]) => void; error?: string };

export function ContactPicker({ value, onChange, error }: Props) {
  const [names, setNames] = useState<Record<string, string>>({});
  const [text, setText] = useState("");
  const [hits, setHits] = useState<SearchHit[]>([]);
  const query = useDebounced(text.trim(), 200);

  // Names of contacts chosen before this form opened.
  useEffect(() => {
    const missing = value.filter((id) => !(id in names));
    if (!missing.length) return;
    void Promise.all(
      missing.map((id) =>
        getRecord(id).then(
          (record) => [id, record.display_name] as const,
          () => [id, "Unknown contact"] as const,
        ),
      ),
    ).then((pairs) => setNames((previous) => ({ ...previous, ...Object.fromEntries(pairs) })));
  }, [value]);

  useEffect(() => {
    if (query.length < 2) {
      setHits([]);
      return;
    }
    const controller = new AbortController();
    search(query, controller.signal, "contact").then(
      (page) => setHits(page.items.filter((hit) => !value.includes(hit.id))),
      () => setHits([]),
    );
    return () => controller.abort();
  }, [query, value]);

  const add = (hit: SearchHit) => {
    setNames((previous) => ({ ...previous, [hit.id]: hit.display_name }));
    onChange([...value, hit.id]);
    setText("");
  };

  return (
    <div class="field field-wide">
      <label for="f-contacts">Contacts</label>
      {value.length > 0 && (
        <ul class="chips" aria-label="Linked contacts">
          {value.map((id) => (
            <li key={id} class="chip">
              {names[id] ?? "…"}
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove ${names[id] ?? "contact"}`}
                onClick={() => onChange(value.filter((other) => other !== id))}
              >
                <Icon name="close" size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id="f-contacts"
        class={error ? "input invalid" : "input"}
        placeholder="Find a contact by name…"
        value={text}
        autocomplete="off"
        onInput={(event) => setText((event.target as HTMLInputElement).value)}
      />
      {hits.length > 0 && (
        <ul class="picker-results" aria-label="Matching contacts">
          {hits.map((hit) => (
            <li key={hit.id}>
              <button type="button" class="picker-hit" onClick={() => add(hit)}>
                <Icon name="plus" size={14} /> {hit.display_name}
                {hit.company_name && hit.company_name !== hit.display_name && (
                  <span class="muted"> · {hit.company_name}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p class="field-error">{sentence(error)}</p>}
    </div>
  );
}

/**
 * Global search: a combobox over /api/search. Debounced, at least two characters, keyboard
 * navigable (↑ ↓ Enter Escape), opens the record page.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { search } from "../api/endpoints";
import { describeError, isAbort } from "../api/client";
import type { SearchHit } from "../api/types";
import { useDebounced } from "../hooks";
import { HitDetail } from "../records/HitDetail";
import { navigate } from "../router";
import { Badge } from "./Badge";
import { Icon } from "./Icon";

const MIN_QUERY = 2;

type Results = { query: string; items: SearchHit[]; error: string | null };

export function SearchBox() {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(-1);
  const [results, setResults] = useState<Results | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const query = useDebounced(text.trim(), 200);

  useEffect(() => {
    if (query.length < MIN_QUERY) {
      setResults(null);
      return;
    }
    const controller = new AbortController();
    search(query, controller.signal).then(
      (page) => {
        setResults({ query, items: page.items, error: null });
        setActiveIndex(page.items.length ? 0 : -1);
      },
      (exc: unknown) => {
        if (!isAbort(exc)) setResults({ query, items: [], error: describeError(exc) });
      },
    );
    return () => controller.abort();
  }, [query]);

  // "/" focuses search from anywhere, as in most products people know.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key !== "/" || target.closest("input, textarea, select, [contenteditable]")) return;
      event.preventDefault();
      inputRef.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const items = results?.items ?? [];
  const pending = text.trim().length >= MIN_QUERY && results?.query !== text.trim();
  const showList = open && text.trim().length >= MIN_QUERY;

  const openHit = (hit: SearchHit) => {
    setOpen(false);
    setText("");
    inputRef.current?.blur();
    navigate(`/records/${encodeURIComponent(hit.id)}`);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      setOpen(true);
      setActiveIndex((index) => (index + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      setActiveIndex((index) => (index <= 0 ? items.length - 1 : index - 1));
    } else if (event.key === "Enter" && activeIndex >= 0 && items[activeIndex] && !pending) {
      event.preventDefault();
      openHit(items[activeIndex]);
    } else if (event.key === "Escape") {
      if (open) setOpen(false);
      else setText("");
    }
  };

  return (
    <div
      class="search"
      onFocusOut={(event) => {
        const next = (event as FocusEvent).relatedTarget as Node | null;
        if (!next || !(event.currentTarget as HTMLElement).contains(next)) setOpen(false);
      }}
    >
      <Icon name="search" class="search-icon" size={16} />
      <input
        ref={inputRef}
        type="search"
        class="search-input"
        placeholder="Search leads, contacts, deals…  ( / )"
        aria-label="Search leads, contacts and deals"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls="search-results"
        aria-activedescendant={showList && activeIndex >= 0 ? `search-hit-${activeIndex}` : undefined}
        autocomplete="off"
        spellcheck={false}
        value={text}
        onInput={(event) => {
          setText((event.target as HTMLInputElement).value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {showList && (
        <div class="search-popover">
          <ul id="search-results" role="listbox" aria-label="Search results" class="search-results">
            {items.map((hit, index) => (
              <li
                key={hit.id}
                id={`search-hit-${index}`}
                role="option"
                aria-selected={index === activeIndex}
                class={index === activeIndex ? "search-hit active" : "search-hit"}
                onMouseDown={(event) => event.preventDefault()}
                onMouseEnter={() => setActiveIndex(index)}
                onClick={() => openHit(hit)}
              >
                <span class={`kind-icon kind-${hit.kind}`}>
                  <Icon
                    name={hit.kind === "deal" ? "deal" : hit.kind === "lead" ? "lead" : "contact"}
                    size={16}
                  />
                </span>
                <span class="search-hit-text">
                  <span class="search-hit-name">{hit.display_name}</span>
                  <span class="search-hit-meta">
                    <HitDetail hit={hit} />
                  </span>
                </span>
                <Badge value={hit.kind} />
              </li>
            ))}
          </ul>
          {pending && items.length === 0 && <p class="search-note">Searching…</p>}
          {!pending && results?.error && <p class="search-note error">{results.error}</p>}
          {!pending && results && !results.error && items.length === 0 && (
            <p class="search-note">No lead, contact or deal matches “{results.query}”.</p>
          )}
        </div>
      )}
    </div>
  );
}

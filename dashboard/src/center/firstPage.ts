/** Silent refreshes of a center list: the first page fetched again, merged with what was loaded. */

import type { Page } from "../api/types";

/**
 * The fresh first page followed by what was loaded beyond it (older than its last row).
 * `id` names a row, `time` orders rows (ISO times, newest first).
 */
export function mergeFirstPage<T>(
  page: Page<T>,
  previous: T[],
  id: (item: T) => string,
  time: (item: T) => string,
): T[] {
  if (!page.next_cursor || page.items.length === 0) return page.items;
  const fresh = new Set(page.items.map(id));
  const oldest = time(page.items[page.items.length - 1]);
  return [...page.items, ...previous.filter((item) => !fresh.has(id(item)) && time(item) < oldest)];
}

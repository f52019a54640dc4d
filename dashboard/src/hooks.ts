/** Data loading hooks shared by the pages. */

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError, isAbort } from "./api/client";
import type { Page } from "./api/types";

export type AsyncState<T> = {
  data: T | null;
  error: string | null;
  /** The HTTP status of the failure, when the API answered one (404 reads differently from 500). */
  errorStatus: number | null;
  loading: boolean;
  reload: () => void;
};

/** Runs `load` when `deps` change; aborts the previous run so a slow answer never wins. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [errorStatus, setErrorStatus] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    setErrorStatus(null);
    load(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (exc: unknown) => {
        if (controller.signal.aborted || isAbort(exc)) return;
        setError(describeError(exc));
        setErrorStatus(exc instanceof ApiError ? exc.status : null);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, errorStatus, loading, reload };
}

export type PagedState<T> = {
  items: T[];
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  prepend: (item: T) => void;
  /** Changes the loaded items in place (an item edited, removed, or a fresher first page). */
  update: (change: (items: T[]) => T[]) => void;
};

/** A cursor-paged list: first page on `deps` change, "Load more" appends the next one. */
export function usePaged<T>(
  load: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
  deps: unknown[],
): PagedState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  useEffect(() => {
    const controller = new AbortController();
    const current = ++generation.current;
    setLoading(true);
    setError(null);
    load(null, controller.signal).then(
      (page) => {
        if (current !== generation.current) return;
        setItems(page.items);
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (exc: unknown) => {
        if (current !== generation.current || isAbort(exc)) return;
        setItems([]);
        setCursor(null);
        setError(describeError(exc));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [...deps, attempt]);
  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const current = generation.current;
    setLoadingMore(true);
    load(cursor, new AbortController().signal).then(
      (page) => {
        if (current !== generation.current) return;
        setItems((previous) => [...previous, ...page.items]);
        setCursor(page.next_cursor);
        setLoadingMore(false);
      },
      (exc: unknown) => {
        if (current !== generation.current) return;
        setError(describeError(exc));
        setLoadingMore(false);
      },
    );
  }, [cursor, loadingMore, ...deps]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const prepend = useCallback((item: T) => setItems((previous) => [item, ...previous]), []);
  const update = useCallback((change: (items: T[]) => T[]) => setItems(change), []);
  return { items, loading, loadingMore, error, hasMore: cursor !== null, loadMore, reload, prepend, update };
}

/** `value`, once it has stopped changing for `delay` ms. */
export function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** The browser tab's title while a page is shown. */
export function useTitle(title: string | null): void {
  useEffect(() => {
    if (!title) return;
    document.title = `${title} · Commcenter`;
    return () => {
      document.title = "Commcenter";
    };
  }, [title]);
}

/** Calls `tick` every `delay` ms while the tab is visible, and once when it becomes visible again. */
export function useInterval(tick: () => void, delay: number): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const run = () => {
      if (document.visibilityState === "visible") latest.current();
    };
    const timer = window.setInterval(run, delay);
    document.addEventListener("visibilitychange", run);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", run);
    };
  }, [delay]);
}

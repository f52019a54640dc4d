/**
 * The signed-in user's bearer token. Kept in sessionStorage: it survives a reload but not
 * the closing of the tab, and is never shared with other tabs.
 */

const TOKEN_KEY = "commcenter.token";
const NEXT_KEY = "commcenter.next";

type Listener = () => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  listeners.forEach((listener) => listener());
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  listeners.forEach((listener) => listener());
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where to go once signed in (the page that asked for sign-in). Only same-app paths. */
export function rememberNext(path: string): void {
  if (path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/sign-in")) {
    sessionStorage.setItem(NEXT_KEY, path);
  }
}

export function takeNext(): string {
  const next = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** A `#token=...` in the URL signs in directly; the hash is removed so it is not bookmarked. */
export function takeTokenFromHash(): boolean {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (!match) return false;
  setToken(decodeURIComponent(match[1]));
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, "", pathname + search);
  return true;
}

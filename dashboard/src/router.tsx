/** A tiny History-API router: the current path as state, `navigate`, and `<Link>`. */

import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";

const NAVIGATE_EVENT = "commcenter:navigate";

export function currentPath(): string {
  return window.location.pathname + window.location.search;
}

/**
 * Go to `path`: a new history entry, or in place of the current one (`replace`). A new page
 * starts at the top; a change of view inside the page (`keepScroll`: a section, an open
 * conversation) stays where the rep is.
 */
export function navigate(path: string, options: { replace?: boolean; keepScroll?: boolean } = {}): void {
  if (path === currentPath()) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  if (!options.replace && !options.keepScroll) window.scrollTo(0, 0);
}

export function useLocation(): { path: string; pathname: string; query: URLSearchParams } {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener("popstate", update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  const url = new URL(path, window.location.origin);
  return { path, pathname: url.pathname, query: url.searchParams };
}

/** Matches `/records/:id` style patterns; returns the params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const patternParts = pattern.split("/").filter(Boolean);
  const pathParts = pathname.split("/").filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i++) {
    const part = patternParts[i];
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(pathParts[i]);
    else if (part !== pathParts[i]) return null;
  }
  return params;
}

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, "href"> & {
  href: string;
  children?: ComponentChildren;
};

export function Link({ href, onClick, ...rest }: LinkProps) {
  const handleClick = (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (onClick) (onClick as (e: JSX.TargetedMouseEvent<HTMLAnchorElement>) => void)(event);
    // Let the browser handle new tabs, downloads and modified clicks.
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handleClick} {...rest} />;
}

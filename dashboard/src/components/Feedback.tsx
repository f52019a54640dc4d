/** Loading, empty and error states, shared by every page. */

import type { ComponentChildren } from "preact";
import type { PagedState } from "../hooks";
import { Icon, type IconName } from "./Icon";

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <div class="spinner-row" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function SkeletonRows({ rows = 5 }: { rows?: number }) {
  return (
    <div class="skeleton-list" aria-hidden="true">
      {Array.from({ length: rows }, (_, index) => (
        <div class="skeleton-row" key={index}>
          <span class="skeleton skeleton-avatar" />
          <span class="skeleton skeleton-line" style={{ width: `${40 + ((index * 17) % 35)}%` }} />
        </div>
      ))}
    </div>
  );
}

type EmptyProps = { icon: IconName; title: string; children?: ComponentChildren; action?: ComponentChildren };

export function EmptyState({ icon, title, children, action }: EmptyProps) {
  return (
    <div class="empty-state">
      <div class="empty-icon">
        <Icon name={icon} size={28} />
      </div>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action && <div class="empty-action">{action}</div>}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div class="error-state" role="alert">
      <Icon name="alert" size={20} />
      <span>{message}</span>
      {onRetry && (
        <button type="button" class="btn btn-ghost btn-sm" onClick={onRetry}>
          <Icon name="refresh" size={16} /> Retry
        </button>
      )}
    </div>
  );
}

/** The foot of a paged list: the error of a later page (with Retry), then "Load more" while
 * pages remain. */
type MoreOf = Pick<PagedState<unknown>, "error" | "items" | "hasMore" | "loading" | "loadingMore" | "loadMore">;

export function LoadMore({ list }: { list: MoreOf }) {
  return (
    <>
      {list.error && list.items.length > 0 && <ErrorState message={list.error} onRetry={list.loadMore} />}
      {list.hasMore && !list.loading && (
        <div class="load-more">
          <button type="button" class="btn btn-secondary" onClick={list.loadMore} disabled={list.loadingMore}>
            {list.loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </>
  );
}

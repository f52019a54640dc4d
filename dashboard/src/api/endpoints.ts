/** One function per API route the dashboard uses. */

import { api, withQuery } from "./client";
import type { Activity, ActivityType, CrmRecord, Page, RecordKind, Rep, SearchHit } from "./types";

export type RecordOrder = "newest" | "name";

export const getMe = () => api<Rep>("GET", "/api/me");

export const listReps = () => api<{ items: Rep[] }>("GET", "/api/reps");

export const listRecords = (
  kind: RecordKind,
  order: RecordOrder,
  cursor: string | null,
  signal?: AbortSignal,
) =>
  api<Page<CrmRecord>>(
    "GET",
    withQuery("/api/records", { kind, order, cursor, limit: 25 }),
    undefined,
    signal,
  );

export const getRecord = (id: string, signal?: AbortSignal) =>
  api<CrmRecord>("GET", `/api/records/${encodeURIComponent(id)}`, undefined, signal);

export const createRecord = (body: Record<string, unknown>) => api<CrmRecord>("POST", "/api/records", body);

export const updateRecord = (id: string, patch: Record<string, unknown>) =>
  api<CrmRecord>("PATCH", `/api/records/${encodeURIComponent(id)}`, patch);

export const deleteRecord = (id: string) => api<void>("DELETE", `/api/records/${encodeURIComponent(id)}`);

export type FeedFilter = { type: ActivityType | null; starred: boolean };

export const listActivities = (id: string, filter: FeedFilter, cursor: string | null, signal?: AbortSignal) =>
  api<Page<Activity>>(
    "GET",
    withQuery(`/api/records/${encodeURIComponent(id)}/activities`, {
      type: filter.type,
      starred: filter.starred ? "true" : null,
      cursor,
      limit: 25,
    }),
    undefined,
    signal,
  );

export const addNote = (id: string, body: string) =>
  api<Activity>("POST", `/api/records/${encodeURIComponent(id)}/notes`, { body });

export const search = (q: string, signal?: AbortSignal, kind?: RecordKind) =>
  api<{ items: SearchHit[] }>("GET", withQuery("/api/search", { q, kind, limit: 8 }), undefined, signal);

/** fetch() for the API: base URL from the runtime config, bearer token, JSON, typed errors. */

import { getToken } from "../auth/session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

let baseUrl = "";
let unauthorizedHandler: () => void = () => undefined;

export function configureApi(apiBaseUrl: string, onUnauthorized: () => void): void {
  baseUrl = apiBaseUrl;
  unauthorizedHandler = onUnauthorized;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page, say): fall back to the status line.
  }
  const error = (body as { error?: { code?: string; message?: string; fields?: Record<string, string> } })
    ?.error;
  if (error) {
    return new ApiError(response.status, error.code ?? "error", error.message ?? "", error.fields ?? {});
  }
  const message = (body as { message?: string })?.message ?? response.statusText;
  return new ApiError(response.status, response.status === 401 ? "unauthorized" : "error", message);
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The request every API call makes: the bearer token, JSON in and out. */
function apiRequest(method: Method, body: unknown): RequestInit {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
}

export async function api<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(baseUrl + path, { ...apiRequest(method, body), signal });
  } catch (exc) {
    if ((exc as Error).name === "AbortError") throw exc;
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection and retry.");
  }
  if (response.status === 401) {
    unauthorizedHandler();
    throw await errorFrom(response);
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * A request sent as the tab closes: `keepalive` lets it outlive the page. (`sendBeacon` cannot
 * carry the Authorization header the API needs.) Nobody is left to read the answer.
 */
export function sendWhileLeaving(method: Method, path: string, body?: unknown): void {
  fetch(baseUrl + path, { ...apiRequest(method, body), keepalive: true }).catch(() => undefined);
}

export function isAbort(error: unknown): boolean {
  return (error as Error)?.name === "AbortError";
}

/** A sentence to show a user for any failure. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 404) return "This item does not exist (any more).";
    if (error.message) return error.message;
    return `The server answered ${error.status}.`;
  }
  return "Something went wrong. Please retry.";
}

/**
 * The browser's way to the console API: JSON both ways, the CSRF token on every mutation, and failures as ApiError
 * (with the status, so the UI can tell "signed out" from "Redis down" from "refused").
 */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly path?: string) {
    super(message);
    this.name = "ApiError";
  }
}

export interface FetchOptions { method?: "GET" | "POST" | "PATCH" | "DELETE"; body?: unknown; csrf?: string; signal?: AbortSignal }

export async function fetchJson<T>(url: string, opts: FetchOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (opts.csrf) headers["x-fanout-csrf"] = opts.csrf;
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? "GET", headers, credentials: "same-origin", cache: "no-store", signal: opts.signal,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (err) {
    throw new ApiError(0, `console unreachable: ${err instanceof Error ? err.message : String(err)}`, undefined);
  }
  const text = await res.text();
  const data: unknown = text ? parse(text) : null;
  if (!res.ok) {
    const e = (data ?? {}) as { error?: unknown; path?: unknown };
    throw new ApiError(res.status, typeof e.error === "string" ? e.error : `HTTP ${res.status}`, typeof e.path === "string" ? e.path : undefined);
  }
  return data as T;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return { error: text.slice(0, 200) };
    throw err;
  }
}

/**
 * Response headers as the network clients read them, and the small parsers every network's rate-limit headers share.
 * Kept apart from http.ts so the classifiers stay pure functions of (status, headers, body, now).
 */

/** Lower-cased header names; repeated headers joined with ", " (as HTTP allows for list-valued fields). */
export type HeaderMap = Readonly<Record<string, string>>;

export function normalizeHeaders(raw: Record<string, string | string[] | undefined>): HeaderMap {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** A non-negative integer header, or undefined when absent or not a number. */
export function intHeader(headers: HeaderMap, name: string): number | undefined {
  const value = headers[name];
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/**
 * simnet's `x-simnet-reset-ms` (epoch ms). Whole-second reset headers cannot express its scaled windows, so a
 * client prefers it when present; the real APIs never send it.
 */
export function simnetResetMs(headers: HeaderMap): number | undefined {
  return intHeader(headers, "x-simnet-reset-ms");
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from `now`. */
export function retryAfterMs(headers: HeaderMap, now: number): number | undefined {
  const value = headers["retry-after"]?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Milliseconds until a reset instant, never negative; undefined when the reset is unknown. */
export function msUntil(resetAtMs: number | undefined, now: number): number | undefined {
  return resetAtMs === undefined ? undefined : Math.max(0, resetAtMs - now);
}

/** Drops undefined fields; null when nothing is left, so "no rate information" has one spelling. */
export function compactRate<T extends object>(rate: T): T | null {
  const entries = Object.entries(rate).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? null : (Object.fromEntries(entries) as T);
}

import type { ErrorKind } from "@fanout/jobs/networks/errors";

/**
 * A network's error breakdown, from the engine's per-minute buckets (fields `kind|code`): rows for a stacked chart
 * by kind, and the codes that matter most. Plain functions, tested without a DOM.
 */
export const ERROR_KINDS = ["rate_limited", "transient", "outage", "auth_invalid", "permanent"] as const satisfies readonly ErrorKind[];

// Fails to compile when the engine gains a kind this list lacks.
type Missing = Exclude<ErrorKind, (typeof ERROR_KINDS)[number]>;
export const KINDS_COMPLETE: [Missing] extends [never] ? true : never = true;

export interface Bucket { minute: number; counts: Record<string, number> }
export type KindRow = { at: number } & Record<(typeof ERROR_KINDS)[number], number>;

function splitField(field: string): { kind: string; code: string } {
  const i = field.indexOf("|");
  return i < 0 ? { kind: field, code: "none" } : { kind: field.slice(0, i), code: field.slice(i + 1) };
}

/** One row per minute (every minute of the range, zeros included, so the time axis is honest), a column per kind. */
export function toKindRows(buckets: readonly Bucket[]): KindRow[] {
  return buckets.map((b) => {
    const row = { at: b.minute, rate_limited: 0, transient: 0, outage: 0, auth_invalid: 0, permanent: 0 } as KindRow;
    for (const [field, n] of Object.entries(b.counts)) {
      const { kind } = splitField(field);
      if ((ERROR_KINDS as readonly string[]).includes(kind)) row[kind as keyof Omit<KindRow, "at">] += n;
    }
    return row;
  });
}

export interface CodeRow { kind: string; code: string; count: number; share: number }

/** The most frequent (kind, code) pairs over the range, with their share of all errors. */
export function topCodes(buckets: readonly Bucket[], limit = 8): CodeRow[] {
  const sums = new Map<string, number>();
  let total = 0;
  for (const b of buckets) {
    for (const [field, n] of Object.entries(b.counts)) {
      sums.set(field, (sums.get(field) ?? 0) + n);
      total += n;
    }
  }
  return [...sums.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([field, count]) => ({ ...splitField(field), count, share: total ? count / total : 0 }));
}

export function totalsByKind(buckets: readonly Bucket[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of toKindRows(buckets)) for (const k of ERROR_KINDS) out[k] = (out[k] ?? 0) + row[k];
  return out;
}

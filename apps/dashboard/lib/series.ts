import type { MinuteCounts, QueueThroughput } from "@fanout/jobs/console-queries";
import type { DepthSample, WaitSample } from "@fanout/jobs/metrics";

/**
 * The overview's time series, shaped from the engine's stored history: depth samples (one per 5 s, fleet-wide), the
 * workers' wait percentiles and BullMQ's per-minute completed/failed counts. Plain functions; the clock is an argument.
 */
export const MINUTE = 60_000;

export interface DepthPoint { at: number; waiting: number; active: number; delayed: number; failed: number }

export function toDepthSeries(samples: readonly DepthSample[]): DepthPoint[] {
  return samples.map((s) => {
    const sum = (k: string) => Object.values(s.queues).reduce((n, c) => n + (c[k] ?? 0), 0);
    return { at: s.at, waiting: sum("wait") + sum("prioritized"), active: sum("active"), delayed: sum("delayed"), failed: sum("failed") };
  });
}

export type WaitRow = { at: number } & Record<string, number>;
export interface WaitSeries { rows: WaitRow[]; queues: string[]; latest: Record<string, number> }

/**
 * Wait-time p95 per queue in buckets of `bucketMs`. Each worker reports its own p95; the fleet's true p95 lies at or
 * below the highest of them, so a bucket shows the maximum: an upper bound that never hides a slow queue.
 * `latest` is that bound over the last `recentMs` before `nowMs` (queues with no sample then are absent).
 */
export function toWaitSeries(samples: readonly WaitSample[], bucketMs: number, nowMs: number, recentMs = 5 * MINUTE): WaitSeries {
  const buckets = new Map<number, Record<string, number>>();
  const queues = new Set<string>();
  const latest: Record<string, number> = {};
  for (const s of samples) {
    const at = Math.floor(s.at / bucketMs) * bucketMs;
    const row = buckets.get(at) ?? {};
    for (const [q, v] of Object.entries(s.queues)) {
      queues.add(q);
      row[q] = Math.max(row[q] ?? 0, v.p95);
      if (s.at >= nowMs - recentMs) latest[q] = Math.max(latest[q] ?? 0, v.p95);
    }
    buckets.set(at, row);
  }
  const rows = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([at, r]) => ({ ...r, at }) as WaitRow);
  return { rows, queues: [...queues].sort(), latest };
}

/**
 * One queue's BullMQ metric as counts per minute, oldest first, for the `minutes` minutes ending with `nowMs`'s.
 * BullMQ keeps `data` newest first, ending with the minute before `prevTS`'s; the jobs of `prevTS`'s own minute are
 * `count − prevCount` (not yet pushed). Minutes after it had no job.
 */
export function minuteCounts(m: MinuteCounts, nowMs: number, minutes: number): number[] {
  const byMinute = new Map<number, number>();
  if (m.prevTS > 0) {
    const last = Math.floor(m.prevTS / MINUTE) * MINUTE;
    byMinute.set(last, Math.max(0, m.count - m.prevCount));
    m.data.forEach((n, i) => byMinute.set(last - (i + 1) * MINUTE, n));
  }
  const end = Math.floor(nowMs / MINUTE) * MINUTE;
  return Array.from({ length: minutes }, (_, i) => byMinute.get(end - (minutes - 1 - i) * MINUTE) ?? 0);
}

export interface ThroughputPoint { at: number; completed: number; failed: number }

/** Completed and failed (for good) jobs per minute, all queues together. */
export function toThroughput(queues: readonly QueueThroughput[], nowMs: number, minutes: number): ThroughputPoint[] {
  const end = Math.floor(nowMs / MINUTE) * MINUTE;
  const out = Array.from({ length: minutes }, (_, i) => ({ at: end - (minutes - 1 - i) * MINUTE, completed: 0, failed: 0 }));
  for (const q of queues) {
    const c = minuteCounts(q.completed, nowMs, minutes);
    const f = minuteCounts(q.failed, nowMs, minutes);
    out.forEach((p, i) => { p.completed += c[i] ?? 0; p.failed += f[i] ?? 0; });
  }
  return out;
}

/** Sums over the last `n` points of a per-minute series (the current, partial minute included). */
export function lastMinutes(points: readonly ThroughputPoint[], n: number): { completed: number; failed: number } {
  return points.slice(-n).reduce((a, p) => ({ completed: a.completed + p.completed, failed: a.failed + p.failed }), { completed: 0, failed: 0 });
}

export type ErrorMinute = { at: number; total: number } & Record<string, number>;

/** API errors per minute across networks, by kind (bucket fields are `kind|code`). */
export function errorsPerMinute(perNetwork: readonly { minute: number; counts: Record<string, number> }[][]): ErrorMinute[] {
  const rows = new Map<number, Record<string, number>>();
  for (const buckets of perNetwork) {
    for (const b of buckets) {
      const row = rows.get(b.minute) ?? { total: 0 };
      for (const [k, n] of Object.entries(b.counts)) {
        const kind = k.split("|")[0] || "unknown";
        row[kind] = (row[kind] ?? 0) + n;
        row.total = (row.total ?? 0) + n;
      }
      rows.set(b.minute, row);
    }
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([at, r]) => ({ total: 0, ...r, at }) as ErrorMinute);
}

import type { Stats } from "@fanout/jobs/ops";

/** Chart and table rows for the overview, from `ops.stats()`: plain functions, tested without a DOM. */
export const DEPTH_STATES = ["wait", "prioritized", "active", "delayed", "failed"] as const;
export type DepthState = (typeof DEPTH_STATES)[number];

export interface DepthRow { queue: string; paused: boolean; wait: number; prioritized: number; active: number; delayed: number; failed: number; completed: number }

export function toDepthRows(stats: Stats): DepthRow[] {
  return Object.entries(stats.queues).map(([queue, c]) => ({
    queue, paused: c.paused > 0,
    wait: c.wait ?? 0, prioritized: c.prioritized ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0,
    completed: c.completed ?? 0,
  }));
}

export interface Totals { waiting: number; active: number; delayed: number; failed: number; completed: number; workers: number; pausedQueues: number }

export function totals(stats: Stats): Totals {
  const rows = toDepthRows(stats);
  const sum = (f: (r: DepthRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  return {
    waiting: sum((r) => r.wait + r.prioritized), active: sum((r) => r.active), delayed: sum((r) => r.delayed),
    failed: sum((r) => r.failed), completed: sum((r) => r.completed), workers: stats.workers.length,
    pausedQueues: rows.filter((r) => r.paused).length,
  };
}

export interface NetworkRow { network: string; paused: boolean; breaker: string; errors: number; byKind: [string, number][] }

export function toNetworkRows(stats: Stats): NetworkRow[] {
  return Object.entries(stats.networks).map(([network, n]) => {
    const byKind = Object.entries(n.errorsLastHour).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    return { network, paused: n.paused, breaker: n.breaker, errors: byKind.reduce((s, [, v]) => s + v, 0), byKind };
  });
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

export function formatClock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((v) => String(v).padStart(2, "0")).join(":");
}

const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1_000);

/** Time-axis ticks on round steps (never two ticks with the same label), at most `max` of them. */
export function timeTicks(fromMs: number, toMs: number, max = 6): number[] {
  if (!(toMs > fromMs)) return [fromMs];
  const step = TICK_STEPS.find((s) => (toMs - fromMs) / s <= max) ?? 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) ticks.push(t);
  return ticks;
}

import type { DepthSample, WaitSample } from "@fanout/jobs/metrics";
import { describe, expect, it } from "vitest";
import { errorsPerMinute, lastMinutes, minuteCounts, toDepthSeries, toThroughput, toWaitSeries } from "../lib/series.ts";

const M = 60_000;
const T0 = 1_700_000_040_000; // on a minute boundary
const meta = (o: Partial<{ count: number; prevTS: number; prevCount: number; data: number[] }>) => ({ count: 0, prevTS: 0, prevCount: 0, data: [], ...o });

describe("overview series", () => {
  it("sums depth samples over queues; waiting counts prioritized jobs", () => {
    const s: DepthSample[] = [{ at: T0, queues: { default: { wait: 2, prioritized: 3, active: 1, delayed: 4, failed: 0 }, whales: { wait: 1, failed: 2 } } }];
    expect(toDepthSeries(s)).toEqual([{ at: T0, waiting: 6, active: 1, delayed: 4, failed: 2 }]);
  });

  it("reads BullMQ's per-minute metrics: data newest first, ending the minute before prevTS's", () => {
    // prevTS in minute T0+2M with 4 jobs so far in it; the 3 minutes before had 5, 0, 7 jobs.
    const m = meta({ count: 20, prevCount: 16, prevTS: T0 + 2 * M + 10_000, data: [5, 0, 7] });
    // Now is two minutes later: those minutes saw no job (nothing was pushed).
    expect(minuteCounts(m, T0 + 4 * M + 1, 7)).toEqual([0, 7, 0, 5, 4, 0, 0]);
    expect(minuteCounts(m, T0 + 4 * M + 1, 3)).toEqual([4, 0, 0]);
    expect(minuteCounts(meta({}), T0, 3)).toEqual([0, 0, 0]);
  });

  it("adds queues' throughput minute by minute, and sums the last minutes", () => {
    const q = (completed: ReturnType<typeof meta>, failed = meta({})) => ({ queue: "default" as const, completed, failed });
    const points = toThroughput([
      q(meta({ count: 3, prevCount: 0, prevTS: T0 + 5_000 })),
      { ...q(meta({ count: 1, prevCount: 0, prevTS: T0 - M + 1 }), meta({ count: 2, prevCount: 0, prevTS: T0 + 7_000 })), queue: "whales" as const },
    ], T0 + 30_000, 3);
    expect(points).toEqual([
      { at: T0 - 2 * M, completed: 0, failed: 0 },
      { at: T0 - M, completed: 1, failed: 0 },
      { at: T0, completed: 3, failed: 2 },
    ]);
    expect(lastMinutes(points, 2)).toEqual({ completed: 4, failed: 2 });
  });

  it("buckets wait p95 by the worst worker, and keeps the latest per queue", () => {
    const w = (at: number, worker: string, q: Record<string, number>): WaitSample => ({ at, worker, queues: Object.fromEntries(Object.entries(q).map(([k, p95]) => [k, { n: 10, p50: p95 / 2, p95 }])) });
    const series = toWaitSeries([w(T0, "a", { default: 100 }), w(T0 + 5_000, "b", { default: 300, whales: 50 }), w(T0 + 20_000, "a", { default: 80 })], 15_000, T0 + 30_000, 15_000);
    expect(series.queues).toEqual(["default", "whales"]);
    expect(series.rows).toEqual([{ at: T0, default: 300, whales: 50 }, { at: T0 + 15_000, default: 80 }]);
    expect(series.latest).toEqual({ default: 80 });
  });

  it("counts API errors per minute by kind across networks", () => {
    const rows = errorsPerMinute([
      [{ minute: T0, counts: { "transient|500": 2, "rate_limited|429": 1 } }, { minute: T0 + M, counts: {} }],
      [{ minute: T0, counts: { "transient|503": 1 } }],
    ]);
    expect(rows).toEqual([{ at: T0, total: 4, transient: 3, rate_limited: 1 }, { at: T0 + M, total: 0 }]);
  });
});

import type { Stats } from "@fanout/jobs/ops";
import { describe, expect, it } from "vitest";
import { fleetHealth } from "../lib/health.ts";

const T0 = 1_700_000_000_000;
const ADAPTIVE = { engaged: false, rate: 5, ceiling: 0, throttles: 0 };
const counts = (o: Partial<Record<string, number>> = {}) => ({ wait: 0, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0, paused: 0, ...o });
const stats = (o: { workers?: number; breaker?: string; paused?: boolean; queuePaused?: boolean; wait?: number } = {}): Stats => ({
  at: T0,
  queues: { default: counts({ wait: o.wait ?? 0, paused: o.queuePaused ? 1 : 0 }) },
  workers: Array.from({ length: o.workers ?? 2 }, (_, i) => ({ id: `w${i}`, host: "h", pid: i, queues: ["default"], active: 0, at: T0 })),
  networks: { twitter: { paused: o.paused ?? false, breaker: o.breaker ?? "closed", errorsLastHour: {}, limits: [], adaptive: ADAPTIVE } },
});
const quiet = { waitP95: {}, recent: { completed: 12, failed: 0 }, apiErrors: 1 };

describe("fleet health", () => {
  it("is healthy when workers run, breakers are closed and nothing is paused or failing", () => {
    const v = fleetHealth({ stats: stats(), ...quiet });
    expect(v).toEqual({ level: "ok", headline: "Healthy: 2 workers online, 12 jobs done in 5 min, 1 API errors", findings: [] });
  });

  it("needs attention now with no worker while jobs wait, or an open breaker", () => {
    expect(fleetHealth({ stats: stats({ workers: 0, wait: 4 }), ...quiet }).findings).toEqual([{ level: "bad", text: "no worker online: 4 jobs wait" }]);
    expect(fleetHealth({ stats: stats({ breaker: "open" }), ...quiet }).level).toBe("bad");
  });

  it("is degraded by pauses, final failures and slow queues, listing each", () => {
    const v = fleetHealth({ stats: stats({ paused: true, queuePaused: true }), waitP95: { interactive: 30_000, trickle: 999_999 }, recent: { completed: 0, failed: 3 }, apiErrors: 0 });
    expect(v.level).toBe("warn");
    expect(v.findings.map((f) => f.text)).toEqual(["twitter paused", "queue default paused", "3 jobs failed for good in the last 5 min", "interactive wait p95 30 s"]);
  });
});

import type { Stats } from "@fanout/jobs/ops";
import { describe, expect, it } from "vitest";
import { timeTicks, toDepthRows, toNetworkRows, totals } from "../lib/overview-data.ts";

const T0 = 1_700_000_000_000;
const ADAPTIVE = { engaged: false, rate: 5, ceiling: 0, throttles: 0 };
const counts = (o: Partial<Record<string, number>>) => ({ wait: 0, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0, paused: 0, ...o });
const sample = (at: number, wait = 5): Stats => ({
  at,
  queues: { interactive: counts({ wait, active: 2 }), default: counts({ prioritized: 3, delayed: 1, failed: 4, paused: 1 }) },
  workers: [{ id: "w1", host: "h", pid: 1, queues: ["default"], active: 2, at }],
  networks: {
    twitter: { paused: false, breaker: "closed", errorsLastHour: { rate_limited: 3, transient: 7, permanent: 0 }, limits: [], adaptive: ADAPTIVE },
    mastodon: { paused: true, breaker: "open", errorsLastHour: {}, limits: [], adaptive: ADAPTIVE },
  },
});

describe("overview data", () => {
  it("shapes queue rows and totals (waiting counts prioritized jobs too)", () => {
    expect(toDepthRows(sample(T0))[1]).toEqual({ queue: "default", paused: true, wait: 0, prioritized: 3, active: 0, delayed: 1, failed: 4, completed: 0 });
    expect(totals(sample(T0))).toEqual({ waiting: 8, active: 2, delayed: 1, failed: 4, completed: 0, workers: 1, pausedQueues: 1 });
  });

  it("sorts a network's errors by count and drops empty kinds", () => {
    expect(toNetworkRows(sample(T0))).toEqual([
      { network: "twitter", paused: false, breaker: "closed", errors: 10, byKind: [["transient", 7], ["rate_limited", 3]] },
      { network: "mastodon", paused: true, breaker: "open", errors: 0, byKind: [] },
    ]);
  });

  it("puts time ticks on round steps, never twice the same second", () => {
    expect(timeTicks(T0 + 200, T0 + 3_700)).toEqual([T0 + 1_000, T0 + 2_000, T0 + 3_000]);
    const H = 1_700_000_400_000; // on a 10-minute boundary
    expect(timeTicks(H, H + 3_600_000)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => H + i * 600_000));
    const ticks = timeTicks(T0 + 123, T0 + 123_456);
    expect(new Set(ticks.map((t) => Math.floor(t / 1_000))).size).toBe(ticks.length);
    expect(ticks.length).toBeLessThanOrEqual(7);
    expect(timeTicks(T0, T0)).toEqual([T0]);
  });
});

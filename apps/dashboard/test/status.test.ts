import { describe, expect, it } from "vitest";
import { freshness } from "../lib/freshness.ts";
import { ago, liveStatus } from "../lib/live-status.ts";

const base = { nowMs: 100_000, lastAnswerAt: 98_000, redisUp: true, unreachable: false, staleAfterMs: 15_000 };

describe("live status", () => {
  it("is live only while answers are recent and Redis is up", () => {
    expect(liveStatus(base)).toBe("live");
    expect(liveStatus({ ...base, redisUp: false })).toBe("redis-down");
    expect(liveStatus({ ...base, lastAnswerAt: 80_000 })).toBe("stale");
    expect(liveStatus({ ...base, lastAnswerAt: 0, redisUp: null })).toBe("connecting");
  });
  it("turns stale, then disconnected, when the console stops answering", () => {
    expect(liveStatus({ ...base, unreachable: true })).toBe("stale");
    expect(liveStatus({ ...base, unreachable: true, lastAnswerAt: 50_000 })).toBe("disconnected");
  });
  it("says how old data is", () => {
    expect(ago(100_000, 97_000)).toBe("3 s ago");
    expect(ago(1_000_000, 700_000)).toBe("5 min ago");
    expect(ago(1, 0)).toBe("never");
  });
  it("flags polled data that stalls without an error", () => {
    const f = { nowMs: 100_000, updatedAt: 95_000, failing: false, signedOut: false, staleAfterMs: 10_000 };
    expect(freshness(f)).toBe("fresh");
    expect(freshness({ ...f, updatedAt: 80_000 })).toBe("stalled");
    expect(freshness({ ...f, failing: true })).toBe("failing");
    expect(freshness({ ...f, failing: true, signedOut: true })).toBe("signed-out");
    expect(freshness({ ...f, updatedAt: 0 })).toBe("loading");
  });
});

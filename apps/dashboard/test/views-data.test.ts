import type { KeyGauge, LimitSample } from "@fanout/jobs/limiter/gauges";
import { describe, expect, it } from "vitest";
import { toKindRows, topCodes, totalsByKind, type Bucket } from "../lib/errors-data.ts";
import { affected, safePayload } from "../lib/jobs-data.ts";
import { allowedRate, describeWindow, gaugeView, limitHistoryRows, splitIdle, throttlesIn } from "../lib/limits-data.ts";
import { etaMs, whaleProgress } from "../lib/whales-data.ts";

const T0 = 1_700_000_000_000;

describe("error breakdown", () => {
  const buckets: Bucket[] = [
    { minute: T0, counts: { "transient|500": 3, "rate_limited|429": 1, "weird|x": 2 } },
    { minute: T0 + 60_000, counts: {} },
    { minute: T0 + 120_000, counts: { "transient|503": 1, "outage|none": 4 } },
  ];
  it("stacks kinds per minute, every minute kept, unknown kinds left out of the stack", () => {
    expect(toKindRows(buckets)).toEqual([
      { at: T0, rate_limited: 1, transient: 3, outage: 0, auth_invalid: 0, permanent: 0 },
      { at: T0 + 60_000, rate_limited: 0, transient: 0, outage: 0, auth_invalid: 0, permanent: 0 },
      { at: T0 + 120_000, rate_limited: 0, transient: 1, outage: 4, auth_invalid: 0, permanent: 0 },
    ]);
    expect(totalsByKind(buckets)).toMatchObject({ transient: 4, outage: 4, rate_limited: 1 });
  });
  it("ranks codes by count with their share of all errors", () => {
    expect(topCodes(buckets, 2)).toEqual([
      { kind: "outage", code: "none", count: 4, share: 4 / 11 },
      { kind: "transient", code: "500", count: 3, share: 3 / 11 },
    ]);
  });
});

describe("rate-limit gauges", () => {
  const g: KeyGauge = { key: "token.big.9000.followers", scope: "token", who: "big", windowMs: 9_000, max: 15, used: 13, remaining: 2, resetAt: T0 + 4_000, blockedUntil: null, lastUsed: T0 };
  it("shows fill, tone and a countdown from the clock it is given", () => {
    expect(gaugeView(g, T0)).toMatchObject({ fill: 13 / 15, tone: "warn", resetInMs: 4_000, blockedForMs: null });
    expect(gaugeView({ ...g, used: 15, remaining: 0 }, T0 + 5_000)).toMatchObject({ fill: 1, tone: "bad", resetInMs: 0 });
    expect(gaugeView({ ...g, max: null, remaining: null, blockedUntil: T0 + 1_000 }, T0)).toMatchObject({ fill: null, tone: "bad", blockedForMs: 1_000 });
  });
  it("says what a key counts, and folds idle keys away behind the busy ones", () => {
    expect(gaugeView({ ...g, key: "token.big.9000.paging" }, T0).applies).toBe("paging");
    expect(gaugeView({ ...g, key: "app.60000", scope: "app", who: "app" }, T0).applies).toBe("all calls");
    const views = [gaugeView({ ...g, key: "a", used: 0 }, T0), gaugeView({ ...g, key: "b", used: 3 }, T0), gaugeView({ ...g, key: "c", used: 14 }, T0)];
    const { busy, idle } = splitIdle(views);
    expect([busy.map((v) => v.key), idle.map((v) => v.key)]).toEqual([["c", "b"], ["a"]]);
  });
  it("charts the busiest keys, the adaptive rate and the 429s seen", () => {
    const s = (at: number, a: number, b: number, throttles: number): LimitSample => ({
      at, keys: [{ key: "a", used: a, max: 15 }, { key: "b", used: b, max: 15 }], adaptive: { rate: 5.123, ceiling: 0, throttles },
    });
    const h = [s(T0, 1, 0, 2), s(T0 + 5_000, 9, 3, 5)];
    expect(limitHistoryRows(h, 1)).toEqual({ keys: ["a"], rows: [{ at: T0, rate: 5.12, ceiling: 0, throttles: 2, a: 1 }, { at: T0 + 5_000, rate: 5.12, ceiling: 0, throttles: 5, a: 9 }] });
    expect(throttlesIn(h)).toBe(3);
  });
  it("takes the lowest cap that applies to follower pages as the allowed rate", () => {
    const adaptive = { rate: 0.5, ceiling: 2, throttles: 0, active: false };
    const published = [
      { scope: "token" as const, max: 15, windowMs: 9_000, endpoint: "followers" },
      { scope: "token" as const, max: 900, windowMs: 9_000, endpoint: "profile" },
    ];
    expect(allowedRate({ published, adaptive })).toEqual({ perSecond: 15 / 9, source: "published", detail: "15 per 9 s (token)" });
    expect(allowedRate({ published, adaptive: { ...adaptive, active: true } })).toMatchObject({ perSecond: 0.5, source: "adaptive" });
    expect(allowedRate({ published: [], adaptive: { ...adaptive, active: false } })).toMatchObject({ perSecond: 0, source: "none" });
    expect(describeWindow(900_000)).toBe("15 min");
  });
});

describe("whales", () => {
  it("measures progress in pages against the total's pages, and the ETA at the allowed rate", () => {
    const p = whaleProgress({ pages: 25, total: 1_000_000, state: "running" }, 1_000);
    expect(p).toEqual({ done: 25, total: 1_000, left: 975, fraction: 0.025, state: "running" });
    expect(etaMs(p?.left ?? null, 15 / 9)).toBeCloseTo(585_000);
    expect(etaMs(10, 0)).toBeNull();
    expect(whaleProgress({ pages: 3, total: null, state: "running" }, 100)).toMatchObject({ total: null, left: null, fraction: null });
    expect(whaleProgress(null, 100)).toBeNull();
    // A cancelled (partial) sync has progress but nothing left to wait for.
    expect(whaleProgress({ pages: 25, total: 1_000_000, state: "partial" }, 1_000)).toMatchObject({ done: 25, left: null, fraction: 0.025 });
  });
});

describe("job payloads", () => {
  it("shows known primitive fields only, in catalog order, and counts the rest as hidden", () => {
    expect(safePayload({ page: "p3", treeId: "t1", network: "twitter", accountId: "big", token: "secret", extra: { a: 1 } })).toEqual({
      fields: [["treeId", "t1"], ["network", "twitter"], ["accountId", "big"], ["page", "p3"]], hidden: 2,
    });
    expect(safePayload(null)).toEqual({ fields: [], hidden: 0 });
  });
  it("reads how many jobs an audit entry touched", () => {
    expect(affected({ matched: 4, requeued: 3 })).toBe(3);
    expect(affected({ account: "x", moved: 2 })).toBe(2);
    expect(affected({ target: "default" })).toBeNull();
  });
});

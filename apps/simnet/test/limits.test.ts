import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Limit } from "../src/config/schema.ts";
import { LimitAudit } from "../src/limits/audit.ts";
import { FixedWindows, type RequestFacts } from "../src/limits/windows.ts";
import { startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await h.ok("POST", "/_simnet/reset");
  await h.quiet();
});
afterAll(() => h.close());

type Stats = { networks: Record<string, { requests: number; byStatus: Record<string, number>; rateLimited: number; overLimit: number }> };
const twitterPage = (token: string): Promise<Response> =>
  fetch(`${h.url}/twitter/2/users/medium/followers?max_results=5`, { headers: { authorization: `Bearer ${token}` } });

describe("published limits over HTTP", () => {
  it("every applicable limit is charged: a token limit and an app limit together", async () => {
    await h.ok("PATCH", "/_simnet/config", {
      networks: { twitter: { limits: [{ scope: "token", max: 3, windowMs: 60_000 }, { scope: "app", max: 5, windowMs: 60_000 }] } },
    });
    const a = await h.account("twitter", "small");
    const b = await h.account("twitter", "solo");
    const sa = [];
    for (let i = 0; i < 4; i++) sa.push((await twitterPage(a.token)).status);
    expect(sa).toEqual([200, 200, 200, 429]);
    // b has its own token bucket but shares the app bucket: 3 used + 2 = 5
    const sb = [];
    for (let i = 0; i < 3; i++) sb.push((await twitterPage(b.token)).status);
    expect(sb).toEqual([200, 200, 429]);
  });

  it("ip scope counts every token from one address", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { limits: [{ scope: "ip", max: 2, windowMs: 60_000 }] } } });
    const a = await h.account("twitter", "small");
    const b = await h.account("twitter", "medium");
    expect([(await twitterPage(a.token)).status, (await twitterPage(b.token)).status, (await twitterPage(a.token)).status]).toEqual([200, 200, 429]);
  });

  it("overLimit stays 0 under a concurrent burst across short scaled windows, and 200s never exceed the limit", async () => {
    await h.ok("PATCH", "/_simnet/config", {
      timeScale: 0.001,
      networks: {
        twitter: { limits: [{ scope: "token", max: 15, windowMs: 200_000 }, { scope: "app", max: 40, windowMs: 500_000 }] },
        mastodon: { limits: [{ scope: "token", max: 10, windowMs: 300_000 }, { scope: "token", max: 4, windowMs: 900_000, paging: true }] },
      },
    });
    await h.ok("POST", "/_simnet/stats/reset");
    const tokens = await Promise.all(["small", "solo", "medium"].map(async (id) => (await h.account("twitter", id)).token));
    const m = await h.account("mastodon", "medium");
    const first = await fetch(`${h.url}/mastodon/api/v1/accounts/medium/followers?limit=1`, { headers: { authorization: `Bearer ${m.token}` } });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")?.[1] ?? "";
    const started = Date.now();
    while (Date.now() - started < 1_200) {
      await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => twitterPage(tokens[i % 3] ?? "").then((r) => r.arrayBuffer())),
        ...Array.from({ length: 6 }, (_, i) => fetch(i % 2 === 0 ? next : `${h.url}/mastodon/api/v1/accounts/medium/followers?limit=1`,
          { headers: { authorization: `Bearer ${m.token}` } }).then((r) => r.arrayBuffer())),
      ]);
    }
    const s = await h.ok<Stats>("GET", "/_simnet/stats");
    for (const n of ["twitter", "mastodon"]) {
      expect(s.networks[n]?.overLimit, n).toBe(0);
      expect(s.networks[n]?.rateLimited, n).toBeGreaterThan(0);
      expect(s.networks[n]?.byStatus["200"], n).toBeGreaterThan(0);
    }
    // app limit: 40 per 500 ms, so 200s can never exceed 40 per started 500 ms (+1 window at each edge)
    const elapsed = Date.now() - started;
    expect(s.networks.twitter?.byStatus["200"] ?? 0).toBeLessThanOrEqual(40 * (Math.ceil(elapsed / 500) + 1));
  });
});

describe("the overLimit audit catches a limiter that lets too much through", () => {
  const limits: Limit[] = [{ scope: "token", max: 2, windowMs: 1_000 }];
  const facts: RequestFacts = { token: "t", ip: "127.0.0.1", paging: false };

  it("passes honest admissions", () => {
    const w = new FixedWindows(false);
    const audit = new LimitAudit(false);
    let bad = 0;
    for (const now of [0, 10, 20, 1_005, 1_010]) {
      const a = w.admit(limits, facts, 1, now);
      if (!a.ok) continue;
      audit.admitted(a.tickets, now);
      bad += audit.violations(limits, facts, 1, a.tickets, now);
    }
    expect(bad).toBe(0);
  });

  it("flags a 200 served past max, a 200 served without a charge, and a window of the wrong length", () => {
    const audit = new LimitAudit(false);
    const ticket = (count: number, start = 0, resetAt = 1_000) => [{ index: 0, key: "t:t", start, resetAt, max: 2, count }];
    audit.admitted(ticket(1), 0);
    audit.admitted(ticket(2), 1);
    audit.admitted(ticket(3), 2); // a buggy limiter admitted a third call
    expect(audit.violations(limits, facts, 1, ticket(3), 2)).toBe(1);
    expect(audit.violations(limits, facts, 1, null, 3)).toBe(1);
    const other = new LimitAudit(false);
    other.admitted(ticket(1, 0, 5_000), 0);
    expect(other.violations(limits, facts, 1, ticket(1, 0, 5_000), 0)).toBe(1);
  });

  it("flags overlapping anchored windows and misaligned aligned ones", () => {
    const anchored = new LimitAudit(false);
    anchored.admitted([{ index: 0, key: "t:t", start: 0, resetAt: 1_000, max: 2, count: 1 }], 0);
    expect(anchored.violations(limits, facts, 1, [{ index: 0, key: "t:t", start: 0, resetAt: 1_000, max: 2, count: 1 }], 0)).toBe(0);
    const early = [{ index: 0, key: "t:t", start: 500, resetAt: 1_500, max: 2, count: 1 }];
    anchored.admitted(early, 500);
    expect(anchored.violations(limits, facts, 1, early, 500)).toBe(1);
    const aligned = new LimitAudit(true);
    const off = [{ index: 0, key: "t:t", start: 250, resetAt: 1_250, max: 2, count: 1 }];
    aligned.admitted(off, 300);
    expect(aligned.violations(limits, facts, 1, off, 300)).toBe(1);
  });
});

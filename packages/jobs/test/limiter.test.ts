import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLimiter, DEFAULT_ADAPTIVE, DEFAULT_BREAKER, type Limiter, type NetworkLimits } from "../src/limiter/limiter.ts";
import { testRedis } from "./helpers.ts";

describe("limiter (Lua on real Redis, fake clock in ARGV)", () => {
  let ctx: Awaited<ReturnType<typeof testRedis>>;
  let t = 1_000_000;
  let limiter: Limiter;
  const clock = { now: () => t };
  const twitter: NetworkLimits = { name: "twitter", limits: [{ scope: "token", max: 3, windowMs: 1_000 }], adaptive: DEFAULT_ADAPTIVE, breaker: DEFAULT_BREAKER };
  const call = { tokenRef: "a", paging: false, endpoint: "followers" };
  beforeEach(async () => {
    ctx = await testRedis();
    t = 1_000_000;
    limiter = createLimiter({ redis: ctx.redis, keys: ctx.keys, clock });
  });
  afterEach(() => ctx.cleanup());

  it("admits max calls per sliding window and says exactly how long to wait", async () => {
    for (let i = 0; i < 3; i++) { expect((await limiter.acquire(twitter, call)).go).toBe(true); t += 100; }
    const v = await limiter.acquire(twitter, call);
    expect(v).toMatchObject({ go: false, reason: "limit" });
    const guard = 10; // 1% of the window: jitter between a charge and the request's arrival
    if (!v.go) expect(v.waitMs).toBe(1_000_000 + 1_000 + guard - t + 1);
    t = 1_000_000 + 1_000 + guard + 1;
    expect((await limiter.acquire(twitter, call)).go).toBe(true);
  });

  it("charges all factors or none", async () => {
    const both: NetworkLimits = { ...twitter, name: "mastodon", limits: [{ scope: "token", max: 5, windowMs: 1_000 }, { scope: "token", max: 1, windowMs: 1_000, paging: true }] };
    expect((await limiter.acquire(both, { ...call, paging: true })).go).toBe(true);
    expect((await limiter.acquire(both, { ...call, paging: true })).go).toBe(false); // the paging factor refuses…
    for (let i = 0; i < 4; i++) expect((await limiter.acquire(both, call)).go).toBe(true); // …and charged nothing to the other
    expect((await limiter.acquire(both, call)).go).toBe(false);
  });

  it("takes the API's word: remaining 0 blocks the factor fleet-wide until the reset", async () => {
    expect((await limiter.acquire(twitter, call)).go).toBe(true);
    await limiter.observe(twitter, call, { limit: 3, remaining: 0, resetAtMs: t + 800 }, false);
    const v = await limiter.acquire(twitter, call);
    expect(v.go).toBe(false);
    if (!v.go) expect(v.waitMs).toBe(800);
  });

  it("adds the calls it did not make when the headers say fewer remain", async () => {
    await limiter.observe(twitter, call, { limit: 3, remaining: 1, resetAtMs: t + 500 }, false);
    expect((await limiter.acquire(twitter, call)).go).toBe(true);
    expect((await limiter.acquire(twitter, call)).go).toBe(false);
  });

  it("adaptive: paces nothing until the first throttle, then cuts and regrows toward the refused rate", async () => {
    const linkedin: NetworkLimits = { name: "linkedin", limits: [], adaptive: DEFAULT_ADAPTIVE, breaker: DEFAULT_BREAKER };
    for (let i = 0; i < 100; i++) { // 100 calls in one second: nothing is paced yet
      expect((await limiter.acquire(linkedin, call)).go).toBe(true);
      t += 10;
    }
    expect((await limiter.acquire(linkedin, call)).go).toBe(true); // rolls the measuring window
    expect((await limiter.adaptiveState(linkedin)).ceiling).toBe(0);
    await limiter.observe(linkedin, call, null, true);
    const cut = await limiter.adaptiveState(linkedin);
    expect(cut.ceiling).toBeCloseTo(100, 0);
    expect(cut.rate).toBeCloseTo(70, 0);
    await limiter.observe(linkedin, call, null, true); // a refusal of a call sent before the cut: no second cut
    expect((await limiter.adaptiveState(linkedin)).rate).toBeCloseTo(70, 0);
    // paced now: two calls in the same millisecond do not both go
    const a = await limiter.acquire(linkedin, call);
    const b = await limiter.acquire(linkedin, call);
    expect(a.go && b.go).toBe(false);
    t += 3_000; // concave regrowth: most of the way back, still below the ceiling
    const mid = (await limiter.adaptiveState(linkedin)).rate;
    expect(mid).toBeGreaterThan(90);
    expect(mid).toBeLessThan(100);
    t += 10_000; // then it probes past it
    expect((await limiter.adaptiveState(linkedin)).rate).toBeGreaterThan(100);
  });

  it("breaker opens after consecutive failures, lets one probe through after the cooldown", async () => {
    // one broken account never trips it, however often it fails
    for (let i = 0; i < 20; i++) expect((await limiter.breaker.failure(twitter, "twitter:one")).open).toBe(false);
    await limiter.breaker.success(twitter); // someone else's call went through: the streak ends
    t += 2 * DEFAULT_BREAKER.bucketMs;
    // noise below the ratio does not either: 4 failures in 20 calls from many accounts
    for (let i = 0; i < 20; i++) await limiter.acquire(twitter, { ...call, tokenRef: `n${i}` });
    for (let i = 0; i < 4; i++) expect((await limiter.breaker.failure(twitter, `twitter:n${i}`)).open).toBe(false);
    await limiter.breaker.success(twitter);
    t += 2 * DEFAULT_BREAKER.bucketMs;
    // an outage: everyone fails
    for (let i = 0; i < DEFAULT_BREAKER.threshold - 1; i++) expect((await limiter.breaker.failure(twitter, `twitter:a${i}`)).open).toBe(false);
    expect((await limiter.breaker.failure(twitter, "twitter:last")).open).toBe(true);
    expect(await limiter.acquire(twitter, call)).toMatchObject({ go: false, reason: "breaker" });
    t += DEFAULT_BREAKER.baseCooldownMs;
    expect(await limiter.acquire(twitter, { ...call, tokenRef: "p" })).toMatchObject({ go: true, probe: true });
    expect(await limiter.acquire(twitter, call)).toMatchObject({ go: false, reason: "breaker" });
    await limiter.breaker.success(twitter);
    expect((await limiter.acquire(twitter, { ...call, tokenRef: "q" })).go).toBe(true);
  });
});

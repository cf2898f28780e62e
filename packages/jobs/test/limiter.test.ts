import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLimiter, DEFAULT_ADAPTIVE, DEFAULT_BREAKER, guardMs, type Limiter, type NetworkLimits } from "../src/limiter/limiter.ts";
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
    const guard = guardMs(1_000); // jitter between a charge and the request's arrival
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

  it("paces inside the window: a burst after a quiet spell, then one call per window/max, reserved ahead", async () => {
    const fast: NetworkLimits = { ...twitter, limits: [{ scope: "token", max: 100, windowMs: 1_000 }] };
    const spacing = (1_000 + guardMs(1_000)) / 100; // the window with its guard, over max
    for (let i = 0; i < 10; i++) expect(await limiter.acquire(fast, call)).toMatchObject({ go: true, delayMs: 0 });
    // the 11th call in the same millisecond: its slot is one spacing after the burst's, reserved now
    expect(await limiter.acquire(fast, call)).toMatchObject({ go: true, delayMs: Math.ceil(spacing) });
    // the reservations run ahead up to the 250 ms horizon; past it a call is refused and charged nothing
    let last = 0;
    for (let i = 0; ; i++) {
      const v = await limiter.acquire(fast, call);
      if (!v.go) { expect(v.waitMs).toBeGreaterThan(250); expect(v.waitMs).toBeLessThanOrEqual(250 + Math.ceil(spacing)); break; }
      expect(v.delayMs).toBeGreaterThanOrEqual(last);
      last = v.delayMs;
      expect(i).toBeLessThan(30);
    }
    const gauges = await ctx.redis.zcard(ctx.keys.limitWindow("twitter", "token.a.1000"));
    expect(gauges).toBe(10 + Math.floor(250 / spacing)); // the burst and every reserved call, not the refused one
    // refused callers are told to come back one spacing apart (a virtual queue), not all when the first slot frees
    const waits: number[] = [];
    for (let i = 0; i < 40; i++) { const v = await limiter.acquire(fast, call); if (!v.go) waits.push(v.waitMs); }
    expect(waits).toHaveLength(40);
    expect((waits[39] ?? 0) - (waits[0] ?? 0)).toBeGreaterThan(39 * spacing - 125 - 2);
    expect(await ctx.redis.zcard(ctx.keys.limitWindow("twitter", "token.a.1000"))).toBe(gauges);
  });

  it("never lets any rolling window hold more than max, whatever the arrival pattern (by charge time)", async () => {
    const fast: NetworkLimits = { ...twitter, limits: [{ scope: "token", max: 20, windowMs: 500 }, { scope: "app", max: 50, windowMs: 2_000 }] };
    const slots: number[] = [];
    let seed = 7;
    const rand = () => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed / 2 ** 31; };
    for (let i = 0; i < 3_000; i++) {
      t += rand() < 0.3 ? Math.floor(rand() * 200) : 0; // bursts of callers and quiet spells
      const v = await limiter.acquire(fast, { ...call, tokenRef: rand() < 0.8 ? "a" : "b" });
      if (v.go) slots.push(v.charge?.slot ?? t);
    }
    expect(slots.length).toBeGreaterThan(500);
    slots.sort((x, y) => x - y);
    // the app factor (all tokens): any 2,000 ms holds at most 50
    for (let i = 0, j = 0; i < slots.length; i++) {
      while ((slots[i] ?? 0) - (slots[j] ?? 0) >= 2_000) j++;
      expect(i - j + 1).toBeLessThanOrEqual(50);
    }
  });

  it("keeps pacing when saturated: no burst at each window edge once the first burst ages out of the log", async () => {
    const fast: NetworkLimits = { ...twitter, limits: [{ scope: "token", max: 100, windowMs: 1_000 }] };
    const spacing = (1_000 + guardMs(1_000)) / 100;
    // Saturated callers for 3 windows: each asks, waits for its reservation (or its refusal), and asks again.
    const slots: number[] = [];
    const end = t + 3_100;
    while (t < end) {
      const v = await limiter.acquire(fast, call);
      if (v.go) slots.push(v.charge?.slot ?? t);
      else t += Math.max(1, Math.min(v.waitMs, 5));
      if (v.go && v.delayMs > 0) t += 1;
    }
    slots.sort((a, b) => a - b);
    const first = slots[0] ?? 0;
    // the first burst (10 at once) is the only one: past it, no two calls closer than one spacing (rounded to the ms)
    const later = slots.filter((x) => x > first);
    for (let i = 1; i < later.length; i++) expect((later[i] ?? 0) - (later[i - 1] ?? 0)).toBeGreaterThanOrEqual(Math.floor(spacing));
    // and still the full rate: 100 per window and guard
    expect(later.filter((x) => x < first + 3 * (1_000 + guardMs(1_000))).length).toBeGreaterThanOrEqual(3 * 100 - 10 - 2);
  });

  it("gives back a slot no call will use: the window has room for another call again", async () => {
    const two: NetworkLimits = { ...twitter, limits: [{ scope: "token", max: 2, windowMs: 1_000 }] };
    expect(await limiter.acquire(two, call)).toMatchObject({ go: true, delayMs: 0 });
    const unused = await limiter.acquire(two, call);
    if (!unused.go || !unused.charge) throw new Error("expected a reservation");
    await limiter.release(unused.charge);
    expect(await ctx.redis.zcard(ctx.keys.limitWindow("twitter", "token.a.1000"))).toBe(1);
    t += 600; // past one pacing step, inside the window: only the call made counts
    expect(await limiter.acquire(two, call)).toMatchObject({ go: true, delayMs: 0 });
  });

  it("moves a call that left late to when it left, so the next window counts it where the API did", async () => {
    const one: NetworkLimits = { ...twitter, limits: [{ scope: "token", max: 1, windowMs: 1_000 }] };
    const v = await limiter.acquire(one, call);
    if (!v.go || !v.charge) throw new Error("expected a reservation");
    expect(v.charge.slot).toBe(t);
    await limiter.departed(v.charge, 40);
    const next = await limiter.acquire(one, call);
    expect(next).toMatchObject({ go: false, waitMs: 40 + 1_000 + guardMs(1_000) + 1 });
    // never earlier than the slot: an early report changes nothing
    await limiter.departed(v.charge, 5);
    expect(Number(await ctx.redis.zscore(ctx.keys.limitWindow("twitter", "token.a.1000"), v.charge.member))).toBe(t + 40);
  });

  it("counts only calls already made against the API's remaining, not reservations", async () => {
    const fast: NetworkLimits = { ...twitter, limits: [{ scope: "token", max: 10, windowMs: 1_000, burst: 1 }] };
    expect(await limiter.acquire(fast, call)).toMatchObject({ go: true, delayMs: 0 });
    const spacing = Math.ceil((1_000 + guardMs(1_000)) / 10);
    expect(await limiter.acquire(fast, call)).toMatchObject({ go: true, delayMs: spacing }); // reserved, not yet made
    // the API saw one call: 9 remain. Nothing was missed, so no phantom call is added
    await limiter.observe(fast, call, { limit: 10, remaining: 9, resetAtMs: t + 1_000 }, false);
    expect(await ctx.redis.zcard(ctx.keys.limitWindow("twitter", "token.a.1000"))).toBe(2);
    // it saw 3 (someone else used the token): one phantom beside our one made call
    await limiter.observe(fast, call, { limit: 10, remaining: 7, resetAtMs: t + 1_000 }, false);
    expect(await ctx.redis.zcard(ctx.keys.limitWindow("twitter", "token.a.1000"))).toBe(4);
  });

  it("a 429 while calls were left moves a published key to the adaptive pace, which refuses without keeping a slot", async () => {
    const big: NetworkLimits = { ...twitter, limits: [{ scope: "token", max: 10_000, windowMs: 1_000 }] };
    const log = ctx.keys.limitWindow("twitter", "token.a.1000");
    // a hidden bucket's refusal: calls were left, and nothing says when to come back
    await limiter.observe(big, call, { limit: 10_000, remaining: 5_000, retryAfterMs: 0 }, true);
    for (let i = 0; i < 100; i++) { // the adaptive pace measures the rate: nothing is paced before its first cut
      expect((await limiter.acquire(big, call)).go).toBe(true);
      t += 10;
    }
    expect((await limiter.acquire(big, call)).go).toBe(true); // rolls the measuring window
    await limiter.observe(big, call, { limit: 10_000, remaining: 4_000, retryAfterMs: 0 }, true);
    const before = await ctx.redis.zcard(log);
    const a = await limiter.acquire(big, call);
    const b = await limiter.acquire(big, call);
    expect([a.go, b.go].sort()).toEqual([false, true]);
    expect([a, b].find((v) => !v.go)).toMatchObject({ reason: "adaptive" });
    expect(await ctx.redis.zcard(log)).toBe(before + 1);
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
    expect(cut.rate).toBeCloseTo(100 * DEFAULT_ADAPTIVE.beta, 0);
    await limiter.observe(linkedin, call, null, true); // a refusal of a call sent before the cut: no second cut
    expect((await limiter.adaptiveState(linkedin)).rate).toBeCloseTo(100 * DEFAULT_ADAPTIVE.beta, 0);
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
    // the refused attempt holds no slot of the token's window (an open breaker ends the acquisition before the factors)
    expect(await ctx.redis.zcard(ctx.keys.limitWindow("twitter", "token.a.1000"))).toBe(0);
    t += DEFAULT_BREAKER.baseCooldownMs;
    expect(await limiter.acquire(twitter, { ...call, tokenRef: "p" })).toMatchObject({ go: true, probe: true });
    expect(await limiter.acquire(twitter, call)).toMatchObject({ go: false, reason: "breaker" });
    await limiter.breaker.success(twitter);
    expect((await limiter.acquire(twitter, { ...call, tokenRef: "q" })).go).toBe(true);
  });
});

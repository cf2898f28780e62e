import { randomUUID } from "node:crypto";
import { ReplyError } from "ioredis";
import type { Keys } from "../keys.ts";
import type { LimitFactor, RateObservation } from "../networks/types.ts";
import type { RedisClient } from "../redis.ts";
import { loadScripts } from "../scripts.ts";

/**
 * The fleet's one view of every limit. Published limits are sliding logs charged for all factors of a call at once
 * (acquire-n.lua) and corrected by the API's own headers (observe-2.lua); unpublished ones are discovered by a shared
 * CUBIC controller (adaptive-1.lua). All keys of a network share its hash tag, so one acquisition — breaker check,
 * published factors and adaptive pacing — is one script (gate-n.lua) in one slot.
 */
export interface AdaptiveParams {
  initialRate: number; minRate: number; maxRate: number; beta: number; c: number; doublingMs: number; toleranceMs: number; cooldownMs: number;
}
export const DEFAULT_ADAPTIVE: AdaptiveParams = {
  initialRate: 5, minRate: 0.2, maxRate: 2_000, beta: 0.8, c: 0.4, doublingMs: 1_000, toleranceMs: 20, cooldownMs: 1_000,
};

export interface BreakerParams {
  /** Failures (over two buckets) before it may open; the failure ratio and distinct failing accounts it needs. */
  threshold: number; ratio: number; minAccounts: number; bucketMs: number;
  baseCooldownMs: number; maxCooldownMs: number; probeLeaseMs: number;
}
export const DEFAULT_BREAKER: BreakerParams = {
  threshold: 5, ratio: 0.5, minAccounts: 2, bucketMs: 5_000, baseCooldownMs: 2_000, maxCooldownMs: 60_000, probeLeaseMs: 15_000,
};

export interface NetworkLimits {
  name: string;
  limits: readonly LimitFactor[];
  adaptive: AdaptiveParams;
  breaker: BreakerParams;
}

export interface CallShape {
  /** The account whose token makes the call (never the token itself). */
  tokenRef: string;
  paging: boolean;
  endpoint: string;
  /** Egress address label for `ip` factors. */
  ip?: string;
}

/** Where a published-limit call was charged: its member in each factor's sliding log, at `slot` (server ms). */
export interface Charge { logs: string[]; member: string; slot: number }

export type Verdict =
  /** `delayMs`: the call's reserved slot is that far ahead; the caller waits, then calls without asking again. */
  | { go: true; probe: boolean; delayMs: number; charge?: Charge;
    /**
     * When the slot comes on this process's monotonic clock (`performance.now()`): the time the acquisition was
     * SENT plus `delayMs`. Not the time its answer was read: a busy process reads answers late, and that lag is
     * lateness too.
     */
    dueAt: number }
  | { go: false; waitMs: number; reason: "breaker" | "limit" | "adaptive"; factor?: string };

interface Overrides { limits?: LimitFactor[]; adaptiveCap?: number; adaptiveUntil?: number }

/**
 * `horizonMs`: how far ahead a published-limit slot may be reserved (the caller sleeps until it); a later slot is
 * refused with its wait instead, and nothing is charged. The processor passes its inline-wait bound.
 */
/** The connection or a pipeline, seen as the commands (and our scripts) the limiter sends. */
type Cmds = Record<string, ((...a: (string | number)[]) => unknown) | undefined>;
type Op = (c: Cmds) => unknown;

export function createLimiter(deps: { redis: RedisClient; keys: Keys; clock?: { now(): number }; overrideTtlMs?: number; horizonMs?: number }) {
  const { redis, keys } = deps;
  const horizonMs = deps.horizonMs ?? 250;
  loadScripts(redis);
  const cache = new Map<string, { at: number; value: Overrides }>();
  const nowArg = () => (deps.clock ? String(deps.clock.now()) : "");
  const now = () => deps.clock?.now() ?? Date.now();

  async function overrides(network: string): Promise<Overrides> {
    const hit = cache.get(network);
    if (hit && now() - hit.at < (deps.overrideTtlMs ?? 1_000)) return hit.value;
    const raw = await redis.hgetall(keys.limitOverrides(network));
    const value: Overrides = {};
    if (raw.limits) value.limits = JSON.parse(raw.limits) as LimitFactor[];
    if (raw.adaptiveCap) value.adaptiveCap = Number(raw.adaptiveCap);
    if (raw.adaptiveUntil) value.adaptiveUntil = Number(raw.adaptiveUntil);
    cache.set(network, { at: now(), value });
    return value;
  }

  function factorsFor(net: NetworkLimits, o: Overrides, call: CallShape): { key: string; factor: LimitFactor }[] {
    const limits = o.limits ?? net.limits;
    return limits
      .filter((f) => (!f.paging || call.paging) && (!f.endpoint || f.endpoint === call.endpoint))
      .map((f) => ({ key: factorKey(f, call), factor: f }));
  }

  const adaptiveArgs = (p: AdaptiveParams, cap?: number) =>
    [p.initialRate, p.minRate, p.maxRate, p.beta, p.c, p.doublingMs, cap ?? "", p.toleranceMs, p.cooldownMs];
  const breakerArgs = (p: BreakerParams) => [p.threshold, p.ratio, p.minAccounts, p.bucketMs, p.baseCooldownMs, p.maxCooldownMs, p.probeLeaseMs];
  const breakerKeys = (network: string) => [keys.breaker(network), keys.breakerAccounts(network)];
  /**
   * Sends commands in one round trip: one on its own, several as a pipeline. A pipeline is not free: ioredis copies
   * every script defined on the connection into each one it builds (issue 11). As a pipeline does, an error of one
   * command is not thrown: these are best-effort corrections, the next response corrects again.
   */
  async function batch(ops: Op[]): Promise<void> {
    const [only] = ops;
    if (ops.length === 1 && only) {
      await Promise.resolve(only(redis as unknown as Cmds)).catch((err: unknown) => {
        if (!(err instanceof (ReplyError as new () => Error))) throw err;
      });
      return;
    }
    if (ops.length === 0) return;
    const p = redis.pipeline();
    for (const op of ops) op(p as unknown as Cmds);
    await p.exec();
  }
  async function release(charge: Charge): Promise<void> {
    await batch(charge.logs.map((log) => (c) => c.zrem?.(log, charge.member)));
  }
  const cmd = (name: string) => (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name] as (...a: (string | number)[]) => Promise<unknown>;

  return {
    /**
     * One command (gate-n.lua): is the breaker closed, and do all published factors and the adaptive pace admit this
     * call? Parts run in order and a refusal ends it, so nothing is reserved for a call that does not go.
     */
    async acquire(net: NetworkLimits, call: CallShape, share = 1): Promise<Verdict> {
      const o = await overrides(net.name);
      const factors = factorsFor(net, o, call);
      const useAdaptive = factors.length === 0 || (o.adaptiveUntil ?? 0) > now();
      const member = factors.length ? randomUUID() : "";
      const logs = factors.map(({ key }) => keys.limitWindow(net.name, key));
      const gateKeys = [...breakerKeys(net.name), keys.adaptive(net.name, "app"), keys.limitKeys(net.name),
        ...factors.flatMap(({ key }) => [keys.limitWindow(net.name, key), keys.limitWindow(net.name, `${key}:b`)])];
      const args = [nowArg(), useAdaptive ? "1" : "0", ...breakerArgs(net.breaker), ...adaptiveArgs(net.adaptive, o.adaptiveCap), member, horizonMs, now(),
        ...factors.flatMap(({ key, factor }) => [key, ...factorArgs(factor, share)])];
      const sentAt = performance.now();
      const [breaker, known, adaptive] = (await cmd("limiterGate").call(redis, gateKeys.length, ...gateKeys, ...args)) as [number, number, string][];
      if (breaker && breaker[0] === 1) return { go: false, waitMs: breaker[1], reason: "breaker" };
      if (known?.length && known[0] > 0) return { go: false, waitMs: known[0], reason: "limit", factor: factors[known[1] - 1]?.key ?? "" };
      if (adaptive?.length && adaptive[0] > 0) return { go: false, waitMs: adaptive[0], reason: "adaptive" };
      const probe = breaker?.[2] === "probe";
      if (!factors.length) return { go: true, probe, delayMs: 0, dueAt: sentAt };
      const [, , delayMs = 0, slot = 0] = (known ?? []) as number[];
      return { go: true, probe, delayMs, charge: { logs, member, slot }, dueAt: sentAt + delayMs };
    },

    /** Gives back a slot that no call will use (the job waits instead): the log forgets the reservation. */
    release,

    /**
     * The call left `lateMs` after its slot (a busy event loop, a GC pause, a wait for a connection): its entry in
     * every log moves to when it really left, its headers written to the socket, so acquisitions from here on see it
     * where the API will (never earlier, GT; only if it is still there, XX). Sent while the request travels.
     */
    async departed(charge: Charge, lateMs: number): Promise<void> {
      if (lateMs < 1) return;
      await batch(charge.logs.map((log) => (c) => c.zadd?.(log, "XX", "GT", charge.slot + Math.ceil(lateMs), charge.member)));
    },

    /**
     * Feeds a response's rate headers back: they correct the shared counters of the factor they describe (the
     * token factor whose max matches the header's limit, the one with the nearest window). A throttle with no
     * reset information cuts the adaptive rate; a 429 while the headers still showed calls left moves the network
     * to the adaptive regime until the reset.
     */
    async observe(net: NetworkLimits, call: CallShape, rate: RateObservation | null, throttled: boolean, succeeded = false): Promise<void> {
      const o = await overrides(net.name);
      const factors = factorsFor(net, o, call);
      const t = now();
      const target = rate ? pickFactor(factors, rate, t) : undefined;
      const cut = throttled && (factors.length === 0 || (o.adaptiveUntil ?? 0) > t);
      // The published numbers are not the whole story for this key: pace adaptively until the reset.
      const until = throttled && factors.length && rate?.remaining !== undefined && rate.remaining > 0 ? rate.resetAtMs ?? t + 60_000 : undefined;
      if (!succeeded && !target && !cut && until === undefined) return;
      const reportKeys = [...breakerKeys(net.name), keys.adaptive(net.name, "app"), keys.limitOverrides(net.name),
        ...(target ? [keys.limitWindow(net.name, target.key), keys.limitWindow(net.name, `${target.key}:b`)] : [])];
      const block = target && rate && throttled ? (rate.resetAtMs ?? (rate.retryAfterMs !== undefined ? t + rate.retryAfterMs : undefined)) : undefined;
      const args = [nowArg(), succeeded ? "1" : "0", cut ? "1" : "0", until ?? "", ...breakerArgs(net.breaker), ...adaptiveArgs(net.adaptive, o.adaptiveCap),
        ...(target && rate ? [target.factor.max, target.factor.windowMs, rate.remaining ?? "", rate.resetAtMs ?? "", block ?? "", `ph:${randomUUID()}:`] : [])];
      if (until !== undefined) cache.delete(net.name);
      // Best effort, as corrections are (batch): a Redis error here is not the call's failure; the next response corrects.
      await batch([(c) => c.limiterReport?.(reportKeys.length, ...reportKeys, ...args)]);
    },

    /** Blocks every factor of the call until `untilMs` (a usage cap, a Retry-After with no headers). */
    async block(net: NetworkLimits, call: CallShape, untilMs: number): Promise<void> {
      const o = await overrides(net.name);
      const p = redis.pipeline();
      for (const { key } of factorsFor(net, o, call)) {
        p.hset(keys.limitWindow(net.name, `${key}:b`), "until", untilMs);
        p.pexpire(keys.limitWindow(net.name, `${key}:b`), Math.max(1, untilMs - now()) + 1_000);
      }
      await p.exec();
    },

    async setOverride(network: string, o: Overrides): Promise<void> {
      const fields: Record<string, string> = {};
      if (o.limits) fields.limits = JSON.stringify(o.limits);
      if (o.adaptiveCap !== undefined) fields.adaptiveCap = String(o.adaptiveCap);
      if (Object.keys(fields).length) await redis.hset(keys.limitOverrides(network), fields);
      cache.delete(network);
    },

    async clearOverrides(network: string): Promise<void> {
      await redis.del(keys.limitOverrides(network));
      cache.delete(network);
    },

    /** The adaptive controller's current view of a network: rate/s now, the last refused rate, throttles seen. */
    async adaptiveState(net: NetworkLimits): Promise<{ rate: number; ceiling: number; throttles: number }> {
      const o = await overrides(net.name);
      const r = (await cmd("adaptive").call(redis, keys.adaptive(net.name, "app"), "peek", nowArg(), ...adaptiveArgs(net.adaptive, o.adaptiveCap))) as [number, number, number, number];
      return { rate: r[1] / 1_000, ceiling: r[2] / 1_000, throttles: r[3] };
    },

    breaker: {
      async success(net: NetworkLimits): Promise<void> {
        await cmd("breaker").call(redis, ...breakerKeys(net.name), "success", nowArg(), ...breakerArgs(net.breaker), "");
      },
      /** Records a failed call by `account`; answers whether the breaker is (now) open. */
      async failure(net: NetworkLimits, account: string): Promise<{ open: boolean; retryInMs: number }> {
        const r = (await cmd("breaker").call(redis, ...breakerKeys(net.name), "failure", nowArg(), ...breakerArgs(net.breaker), account)) as [number, number, string];
        return { open: r[0] === 1, retryInMs: r[1] };
      },
      async reset(net: NetworkLimits): Promise<void> {
        await cmd("breaker").call(redis, ...breakerKeys(net.name), "reset", nowArg(), ...breakerArgs(net.breaker), "");
      },
      async state(network: string): Promise<Record<string, string>> {
        return redis.hgetall(keys.breaker(network));
      },
    },
  };
}

export type Limiter = ReturnType<typeof createLimiter>;

/** The factor a key was built from: scope, who, window, paging/endpoint flags (see factorKey). */
export function describeKey(key: string): { scope: string; who: string; windowMs: number; paging: boolean; endpoint: string | null } {
  const parts = key.split(".");
  const scope = parts[0] ?? "";
  const rest = scope === "app" ? parts.slice(1) : parts.slice(2);
  const who = scope === "app" ? "app" : (parts[1] ?? "");
  return { scope, who, windowMs: Number(rest[0] ?? 0), paging: rest.includes("paging"), endpoint: rest.filter((x) => x !== "paging")[1] ?? null };
}

/** From this window length on, a factor's default burst is its whole max (see LimitFactor.burst). */
const LONG_WINDOW_MS = 60_000;

/** Jitter between a call's headers leaving the socket and the API counting it (its queues, the network's): up to 16 ms seen on a busy 2-core machine. */
const ARRIVAL_JITTER_MS = 20;

/**
 * How much longer than the API's window the sliding log counts: the arrival jitter, or 1% of the window when that is
 * more, at most 50 ms. Calls that leave evenly paced may arrive up to this much closer together, and any rolling
 * window at the API still holds no more than the max.
 */
export function guardMs(windowMs: number): number {
  return Math.min(50, Math.max(ARRIVAL_JITTER_MS, Math.ceil(windowMs / 100)));
}

/**
 * A factor's arguments to acquire-n.lua: max, window, spacing, burst. `share` < 1 (trickle) admits only that fraction
 * of the max, so other work keeps the rest; the spacing stays the full rate's. The window includes its guard.
 */
export function factorArgs(f: LimitFactor, share = 1): number[] {
  const window = f.windowMs + guardMs(f.windowMs);
  const burst = Math.max(1, Math.min(f.max, f.burst ?? (f.windowMs >= LONG_WINDOW_MS ? f.max : 10)));
  return [Math.max(1, Math.floor(f.max * share)), window, window / f.max, burst];
}

function factorKey(f: LimitFactor, call: CallShape): string {
  const who = f.scope === "token" ? `token.${call.tokenRef}` : f.scope === "ip" ? `ip.${call.ip ?? "local"}` : "app";
  return `${who}.${f.windowMs}${f.paging ? ".paging" : ""}${f.endpoint ? `.${f.endpoint}` : ""}`;
}

function pickFactor(factors: { key: string; factor: LimitFactor }[], rate: RateObservation | null, now: number) {
  if (!rate || (rate.remaining === undefined && rate.resetAtMs === undefined)) return undefined;
  const tokenFactors = factors.filter(({ factor }) => factor.scope === "token");
  const pool = tokenFactors.length ? tokenFactors : factors;
  const matching = pool.filter(({ factor }) => rate.limit === undefined || factor.max === rate.limit);
  const candidates = matching.length ? matching : pool;
  const untilReset = rate.resetAtMs !== undefined ? rate.resetAtMs - now : 0;
  return candidates
    .filter(({ factor }) => factor.windowMs >= untilReset)
    .sort((a, b) => a.factor.windowMs - b.factor.windowMs)[0] ?? candidates[0];
}

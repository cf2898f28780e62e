import type { Engine } from "../engine.ts";
import type { LimitFactor } from "../networks/types.ts";
import { audit, InputError, type Actor } from "../ops.ts";
import { describeKey } from "./limiter.ts";

/**
 * What operators see of the limits: per key used/limit, remaining, reset and block; per network the adaptive
 * controller's rate, ceiling and throttles; and a history (one sample per 5 s, 24 h) written by the fleet sampler.
 * Reading a network costs one round trip for the key index plus one pipelined round trip for up to `max` keys.
 */
export interface KeyGauge { key: string; scope: string; who: string; windowMs: number; max: number | null; used: number; remaining: number | null; resetAt: number | null; blockedUntil: number | null; lastUsed: number }
export interface NetworkGauges { network: string; published: readonly LimitFactor[]; keys: KeyGauge[]; adaptive: { rate: number; ceiling: number; throttles: number; active: boolean }; overrides: Record<string, string> }

export async function networkGauges(engine: Engine, network: string, max = 50): Promise<NetworkGauges> {
  const net = engine.networks.get(network);
  if (!net) throw new InputError(`unknown network "${network}"`);
  const { redis, keys } = engine;
  const now = engine.clock.now();
  const [indexed, overrides] = await Promise.all([
    redis.zrevrange(keys.limitKeys(network), 0, max - 1, "WITHSCORES"),
    redis.hgetall(keys.limitOverrides(network)),
  ]);
  const published: LimitFactor[] = overrides.limits ? (JSON.parse(overrides.limits) as LimitFactor[]) : [...net.limits.limits];
  const names: { key: string; lastUsed: number }[] = [];
  for (let i = 0; i + 1 < indexed.length; i += 2) names.push({ key: indexed[i] ?? "", lastUsed: Number(indexed[i + 1]) });
  const p = redis.pipeline();
  for (const { key } of names) {
    const d = describeKey(key);
    p.zcount(keys.limitWindow(network, key), now - d.windowMs, "+inf");
    p.zrangebyscore(keys.limitWindow(network, key), now - d.windowMs, "+inf", "WITHSCORES", "LIMIT", 0, 1);
    p.hget(keys.limitWindow(network, `${key}:b`), "until");
  }
  const res = ((await p.exec()) ?? []).map(([, v]) => v);
  const gauges = names.map(({ key, lastUsed }, i): KeyGauge => {
    const d = describeKey(key);
    const used = Number(res[i * 3] ?? 0);
    const oldest = res[i * 3 + 1] as string[] | undefined;
    const until = Number(res[i * 3 + 2] ?? 0);
    const factor = published.find((f) => f.scope === d.scope && f.windowMs === d.windowMs && Boolean(f.paging) === d.paging);
    const maxCalls = factor?.max ?? null;
    return {
      key, scope: d.scope, who: d.who, windowMs: d.windowMs, max: maxCalls, used, lastUsed,
      remaining: maxCalls === null ? null : Math.max(0, maxCalls - used),
      resetAt: oldest?.[1] ? Number(oldest[1]) + d.windowMs : null,
      blockedUntil: until > now ? until : null,
    };
  });
  const a = await engine.limiter.adaptiveState(net.limits);
  const adaptiveActive = published.length === 0 || Number(overrides.adaptiveUntil ?? 0) > now;
  return { network, published, keys: gauges, adaptive: { ...a, active: adaptiveActive }, overrides };
}

export interface LimitSample { at: number; keys: { key: string; used: number; max: number | null }[]; adaptive: { rate: number; ceiling: number; throttles: number } }

/** Written by the fleet sampler: the busiest keys and the adaptive state of each network. */
export async function sampleLimits(engine: Engine): Promise<void> {
  for (const network of engine.networks.keys()) {
    const g = await networkGauges(engine, network, 10);
    const sample: LimitSample = { at: engine.clock.now(), keys: g.keys.map((k) => ({ key: k.key, used: k.used, max: k.max })), adaptive: g.adaptive };
    // One pipeline per network: each network's keys live in its own cluster slot.
    await engine.redis.pipeline().lpush(engine.keys.limitHistory(network), JSON.stringify(sample)).ltrim(engine.keys.limitHistory(network), 0, 17_279).exec();
  }
}

export async function limitHistory(engine: Engine, network: string, fromMs: number): Promise<LimitSample[]> {
  if (!engine.networks.has(network)) throw new InputError(`unknown network "${network}"`);
  const span = Math.min(17_280, Math.ceil((engine.clock.now() - fromMs) / 5_000) + 10);
  const raw = await engine.redis.lrange(engine.keys.limitHistory(network), 0, span - 1);
  return raw.map((r) => JSON.parse(r) as LimitSample).filter((s) => s.at >= fromMs).reverse();
}

/** Runtime overrides take effect fleet-wide within a second (each process caches overrides for 1 s). */
export async function overrideLimits(engine: Engine, network: string, o: { limits?: LimitFactor[]; adaptiveCap?: number }, actor: Actor): Promise<void> {
  if (!engine.networks.has(network)) throw new InputError(`unknown network "${network}"`);
  for (const f of o.limits ?? []) {
    if (!["token", "app", "ip"].includes(f.scope) || !(f.max > 0) || !(f.windowMs > 0)) throw new InputError("each limit needs scope token|app|ip, max > 0 and windowMs > 0");
  }
  if (o.adaptiveCap !== undefined && !(o.adaptiveCap > 0)) throw new InputError("adaptiveCap must be > 0");
  await engine.limiter.setOverride(network, o);
  await audit(engine, actor, "limit-override", { network, ...o });
}

/** Forgets a key's counted calls and any block on it (the API's next answer corrects it again). */
export async function clearLimitKey(engine: Engine, network: string, key: string, actor: Actor): Promise<{ cleared: boolean }> {
  if (!engine.networks.has(network)) throw new InputError(`unknown network "${network}"`);
  const n = await engine.redis.del(engine.keys.limitWindow(network, key), engine.keys.limitWindow(network, `${key}:b`));
  await engine.redis.zrem(engine.keys.limitKeys(network), key);
  await audit(engine, actor, "limit-clear", { network, key });
  return { cleared: n > 0 };
}

import { createAccounts } from "./accounts.ts";
import { loadConfig, type FanoutConfig } from "./config.ts";
import { DEFAULT_SETTINGS, type Engine, type NetworkRuntime } from "./engine.ts";
import { ZodError } from "zod";
import { ConfigError, loadEnv, type Env } from "./env.ts";
import { createErrorStats } from "./error-stats.ts";
import { keys as makeKeys } from "./keys.ts";
import { DEFAULT_ADAPTIVE, DEFAULT_BREAKER, createLimiter } from "./limiter/limiter.ts";
import { createLogger, type Logger } from "./log.ts";
import { createRegistry } from "./networks/registry.ts";
import { createQueues } from "./queues.ts";
import { createRedis, type RedisClient } from "./redis.ts";
import { loadScripts } from "./scripts.ts";
import { createFollowerStore } from "./store/followers.ts";
import { createTreeStore } from "./tree/tree.ts";
import { createVault } from "./vault.ts";
import { createWhales } from "./whales.ts";
import { deliverySettings } from "./delivery/settings.ts";

/** The registry, with a user network's bad spec reported as a config error naming the field. */
function buildRegistry(opts: Parameters<typeof createRegistry>[0]): ReturnType<typeof createRegistry> {
  try {
    return createRegistry(opts);
  } catch (err) {
    if (err instanceof ZodError) {
      const issue = err.issues[0];
      throw new ConfigError(`config: networks: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
    }
    if (err instanceof Error && /already defined/.test(err.message)) throw new ConfigError(`config: ${err.message}`);
    throw err;
  }
}

export interface RuntimeOptions {
  env?: Env;
  config?: FanoutConfig;
  log?: Logger;
  redis?: RedisClient;
  clock?: { now(): number };
  /** Fail commands within seconds when Redis is unreachable (the CLI), instead of waiting for it (workers). */
  failFast?: boolean;
}

/**
 * Builds the engine for one process: two Redis connections (the engine's own, and BullMQ's: see Engine.queueRedis;
 * one when the caller passes `redis`), one Queue per queue, every store.
 */
export async function createEngine(opts: RuntimeOptions = {}): Promise<Engine & { env: Env; close(): Promise<void> }> {
  const env = opts.env ?? loadEnv();
  const config = opts.config ?? (await loadConfig(env.FANOUT_CONFIG));
  const log = opts.log ?? createLogger({ level: env.LOG_LEVEL });
  const redis = opts.redis ?? createRedis(env, { failFast: opts.failFast ?? false });
  const queueRedis = opts.redis ?? createRedis(env, { failFast: opts.failFast ?? false });
  const clock = opts.clock ?? { now: () => Date.now() };
  loadScripts(redis);
  const keys = makeKeys(env.FANOUT_PREFIX);
  const registry = buildRegistry({
    simnetUrl: env.SIMNET_URL, live: env.live,
    timeoutMs: Object.fromEntries(Object.entries(config.tuning ?? {}).flatMap(([n, t]) => (t.timeoutMs ? [[n, t.timeoutMs]] : []))),
    networks: config.networks ?? [],
  });
  const networks = new Map<string, NetworkRuntime>();
  // Built after the registry so a bad user network is reported as a config error, not a stack trace.
  for (const name of registry.names()) {
    const client = registry.require(name);
    const t = config.tuning?.[name] ?? {};
    networks.set(name, {
      client,
      limits: {
        name, limits: t.limits ?? client.limits,
        adaptive: { ...DEFAULT_ADAPTIVE, ...t.adaptive }, breaker: { ...DEFAULT_BREAKER, ...t.breaker },
      },
      pageSize: Math.min(t.pageSize ?? client.maxPageSize, client.maxPageSize),
      window: t.window ?? 8,
      maxPages: t.maxPages ?? 200_000,
      sizeFirst: t.sizeFirst ?? true,
      // LinkedIn's fresh tokens answer 65601 for a while, and a re-consent can linger: one retry before flagging.
      authRetryDelayMs: t.authRetryDelayMs ?? (name === "linkedin" ? 5_000 : 0),
    });
  }
  const queues = createQueues(queueRedis, keys);
  // Connection trouble surfaces through the command that fails; per-retry events only at debug level. Our own
  // connections need a listener too: ioredis prints an 'error' nobody listens to with its stack (a CLI's EPIPE).
  if (!opts.redis) for (const c of [redis, queueRedis]) c.on("error", (err: Error) => log.debug({ err: err.message }, "redis connection error"));
  for (const q of Object.values(queues)) q.on("error", (err: Error) => log.debug({ err: err.message }, "queue connection error"));
  const vault = createVault(env.secrets);
  const delivery = deliverySettings(config.delivery, env.FANOUT_PG_URL); // issue 12
  const engine: Engine = {
    redis, queueRedis, keys, queues, log, clock, networks,
    tree: createTreeStore({ redis, keys, clock }),
    followers: createFollowerStore({ redis, keys, clock, retention: delivery }),
    limiter: createLimiter({ redis, keys, horizonMs: DEFAULT_SETTINGS.inlineWaitMs }),
    accounts: createAccounts({ redis, keys, vault, clock }),
    vault,
    errors: createErrorStats({ redis, keys }),
    whales: createWhales({ redis, keys, clock, threshold: config.whaleThreshold ?? 100_000, ...(config.whaleSpikePagesPerMinute ? { spikePagesPerMinute: config.whaleSpikePagesPerMinute } : {}) }),
    settings: {
      ...DEFAULT_SETTINGS,
      ...(config.treeRetentionMs ? { treeRetentionMs: config.treeRetentionMs } : {}),
      ...(config.backoffBaseMs ? { backoffBaseMs: config.backoffBaseMs } : {}),
      trickle: { ...DEFAULT_SETTINGS.trickle, ...config.trickle },
      schedules: config.schedules ?? [],
      delivery,
    },
  };
  return {
    ...engine, env,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      if (!opts.redis) await Promise.all([redis.quit(), queueRedis.quit()]);
    },
  };
}

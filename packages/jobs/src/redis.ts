import { Cluster, Redis } from "ioredis";
import type { Env } from "./env.ts";

export type RedisClient = Redis | Cluster;

/**
 * One connection per process (plus the blocking ones BullMQ makes itself). maxRetriesPerRequest null: a Redis that
 * goes away makes commands wait for the reconnect instead of failing a job half-way.
 */
export function createRedis(env: Pick<Env, "REDIS_URL" | "clusterNodes">, opts: { lazy?: boolean; failFast?: boolean } = {}): RedisClient {
  // failFast (the CLI): a command answers an error within seconds when Redis is unreachable, instead of waiting.
  const retries = opts.failFast ? { maxRetriesPerRequest: 2, connectTimeout: 3_000, retryStrategy: (n: number) => (n > 3 ? null : 200 * n) } : { maxRetriesPerRequest: null };
  if (env.clusterNodes) {
    return new Cluster(env.clusterNodes, {
      lazyConnect: opts.lazy ?? false,
      redisOptions: retries,
      enableReadyCheck: true,
      ...(opts.failFast ? { clusterRetryStrategy: (n: number) => (n > 3 ? null : 200 * n) } : {}),
    });
  }
  return new Redis(env.REDIS_URL, { ...retries, lazyConnect: opts.lazy ?? false });
}

/** For request paths that must answer quickly (health checks, the console): fail fast instead of queueing. */
export function createFastFailRedis(env: Pick<Env, "REDIS_URL" | "clusterNodes">): RedisClient {
  if (env.clusterNodes) {
    return new Cluster(env.clusterNodes, { redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 2_000 }, enableOfflineQueue: false });
  }
  // commandTimeout: a Redis that hangs (rather than refuses) must not hang the console's requests.
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 2_000, enableOfflineQueue: false });
}

import { keys } from "@fanout/jobs/keys";
import { createOperators, type Operators } from "@fanout/jobs/operators";
import { createRedis } from "@fanout/jobs/redis";

/** Runs `fn` with the jobs package's operator API on the stack's Redis and prefix (as the CLI would). */
export async function withOperators<T>(at: { redisUrl: string; prefix: string }, fn: (ops: Operators) => Promise<T>): Promise<T> {
  const redis = createRedis({ REDIS_URL: at.redisUrl, clusterNodes: null });
  try {
    return await fn(createOperators({ redis, keys: keys(at.prefix), clock: { now: () => Date.now() } }));
  } finally {
    await redis.quit();
  }
}

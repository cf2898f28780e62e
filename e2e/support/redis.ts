import { createRedis } from "@fanout/jobs/redis";

/** Makes the stack's Redis hold every client's commands for `ms` (CLIENT PAUSE ALL): a Redis that stops answering. */
export async function pauseRedis(at: { redisUrl: string }, ms: number): Promise<void> {
  const redis = createRedis({ REDIS_URL: at.redisUrl, clusterNodes: null });
  try {
    await redis.call("CLIENT", "PAUSE", String(ms), "ALL");
  } finally {
    redis.disconnect(); // QUIT would wait for the pause to end
  }
}

import { randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { testRedisClient, wipePrefix } from "@fanout/testkit/redis-client";
import { keys as makeKeys, type Keys } from "../src/keys.ts";

/** A connection to the suite's private Redis (or cluster) and a fresh prefix; `cleanup` deletes only that prefix. */
export async function testRedis(): Promise<{ redis: Redis | Cluster; prefix: string; keys: Keys; cleanup(): Promise<void> }> {
  const redis = testRedisClient();
  const prefix = `test-${randomUUID()}`;
  return {
    redis, prefix, keys: makeKeys(prefix),
    async cleanup() {
      await wipePrefix(redis, prefix);
      await redis.quit();
    },
  };
}

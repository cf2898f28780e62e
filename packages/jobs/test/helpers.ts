import type {} from "@fanout/testkit/global-setup";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { keys as makeKeys, type Keys } from "../src/keys.ts";

/** A connection to the suite's private Redis and a fresh prefix; `cleanup` deletes only keys under that prefix. */
export async function testRedis(): Promise<{ redis: Redis; prefix: string; keys: Keys; cleanup(): Promise<void> }> {
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const prefix = `test-${randomUUID()}`;
  return {
    redis, prefix, keys: makeKeys(prefix),
    async cleanup() {
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
        cursor = next;
        if (found.length) await redis.del(...found);
      } while (cursor !== "0");
      await redis.quit();
    },
  };
}

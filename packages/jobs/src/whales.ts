import type { Keys } from "./keys.ts";
import type { QueueName } from "./queues.ts";
import type { RedisClient } from "./redis.ts";

/**
 * Whales: accounts whose follower lists are massive (or whose job rate spikes). Their pages run in the `whales`
 * queue, with its own concurrency, so they never starve everyone else. The flag lives in one hash; each process
 * caches it for a second, which bounds how long a late page may still land in the old queue.
 */
export interface WhaleInfo { account: string; reason: string; size: number | null; at: number; manual: boolean }

/**
 * The job-rate trigger's default: 1,000 pages done for one account in one minute. At 100 followers a page that is a
 * whale's worth (the size threshold's 100,000) every minute, from an account whose size was unknown or understated.
 */
export const DEFAULT_SPIKE_PAGES_PER_MINUTE = 1_000;

export function createWhales({ redis, keys, clock, threshold, spikePagesPerMinute = DEFAULT_SPIKE_PAGES_PER_MINUTE }: {
  redis: RedisClient; keys: Keys; clock: { now(): number }; threshold: number; spikePagesPerMinute?: number;
}) {
  let cache = { at: 0, set: new Set<string>() };
  async function current(): Promise<Set<string>> {
    if (clock.now() - cache.at > 1_000) cache = { at: clock.now(), set: new Set(await redis.hkeys(keys.whales())) };
    return cache.set;
  }
  return {
    threshold,
    spikePagesPerMinute,
    async isWhale(account: string): Promise<boolean> {
      return (await current()).has(account);
    },
    /** The queue an account's next pages go to, given the queue the current page ran in. */
    async route(account: string, from: QueueName): Promise<QueueName> {
      const whale = (await current()).has(account);
      if (whale) return "whales";
      return from === "whales" ? "default" : from;
    },
    async flag(account: string, reason: string, size: number | null, manual: boolean): Promise<boolean> {
      cache.at = 0;
      const info: WhaleInfo = { account, reason, size, at: clock.now(), manual };
      return (await redis.hset(keys.whales(), account, JSON.stringify(info))) === 1;
    },
    async unflag(account: string): Promise<boolean> {
      cache.at = 0;
      return (await redis.hdel(keys.whales(), account)) === 1;
    },
    async list(): Promise<WhaleInfo[]> {
      const all = await redis.hgetall(keys.whales());
      return Object.values(all).map((v) => JSON.parse(v) as WhaleInfo).sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
    },
  };
}

export type Whales = ReturnType<typeof createWhales>;

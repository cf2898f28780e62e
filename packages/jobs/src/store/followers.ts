import { createHash } from "node:crypto";
import type { Keys } from "../keys.ts";
import type { RedisClient } from "../redis.ts";
import { runScript } from "../scripts.ts";

/**
 * The follower store: one readable set per account and network. Page jobs write into the sync's staging set (under the
 * tree's hash tag, by leaf-6.lua); when the account's node completes with no failed page the staging set is copied
 * over the readable one in one atomic RESTORE … REPLACE, so readers never see a half-written list.
 */
export interface FollowerInfo { account: string; count: number; version: number; treeId: string | null; updatedAt: number | null }

export function createFollowerStore({ redis, keys, clock }: { redis: RedisClient; keys: Keys; clock: { now(): number } }) {
  return {
    /** Publishes a completed node's staged set (cross-slot safe: DUMP from the tree's slot, RESTORE in the account's). */
    async publish(treeId: string, network: string, accountId: string): Promise<boolean> {
      const node = `${network}:${accountId}`;
      const dump = await redis.dumpBuffer(keys.treeStaging(treeId, node));
      const swapped = await runScript(redis, "followersSwap",
        [keys.followers(network, accountId), keys.followersMeta(network, accountId)], [treeId, dump ?? "", clock.now()]);
      return swapped === 1;
    },

    async info(network: string, accountId: string): Promise<FollowerInfo> {
      const m = await redis.hgetall(keys.followersMeta(network, accountId));
      return {
        account: `${network}:${accountId}`,
        count: Number(m.count ?? 0), version: Number(m.version ?? 0),
        treeId: m.treeId ?? null, updatedAt: m.updatedAt ? Number(m.updatedAt) : null,
      };
    },

    /** All ids, streamed with SSCAN so a million-follower set never sits in one reply. */
    async *ids(network: string, accountId: string): AsyncGenerator<string[]> {
      let cursor = "0";
      do {
        const [next, batch] = await redis.sscan(keys.followers(network, accountId), cursor, "COUNT", 5_000);
        cursor = next;
        if (batch.length) yield batch;
      } while (cursor !== "0");
    },

    /** count + sha256 as INTERFACES.md defines it: ids sorted by byte order, each followed by "\n". */
    async digest(network: string, accountId: string): Promise<{ count: number; sha256: string }> {
      const all: string[] = [];
      for await (const batch of this.ids(network, accountId)) all.push(...batch);
      return digestIds(all);
    },
  };
}

export type FollowerStore = ReturnType<typeof createFollowerStore>;

export function digestIds(ids: string[]): { count: number; sha256: string } {
  const bufs = ids.map((id) => Buffer.from(id, "utf8")).sort(Buffer.compare);
  const h = createHash("sha256");
  for (const b of bufs) { h.update(b); h.update("\n"); }
  return { count: bufs.length, sha256: h.digest("hex") };
}

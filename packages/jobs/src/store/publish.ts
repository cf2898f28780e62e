import { randomBytes } from "node:crypto";
import type { Keys } from "../keys.ts";
import type { RedisClient } from "../redis.ts";
import { runScript as runLua } from "../scripts.ts";

/**
 * Publishing a completed sync's staged ids as the account's next version, in steps that each keep Redis busy for a
 * few milliseconds, whatever the size of the set (one atomic RESTORE + ZUNIONSTORE + 2 ZDIFFSTORE of a 1,000,000-id
 * set blocks Redis for seconds; see the issue 12 report):
 *  1. take the account's publish lock (one builder at a time; refreshed while building, expires if we die);
 *  2. the staged SET becomes version N+1: RENAMEd on a single Redis (O(1)); on a cluster, where it lives in the
 *     tree's slot and the version in the account's, copied with SSCAN → SADD, chunk by chunk;
 *  3. build the change set against version N with diff-3.lua, an SSCAN batch per call, both ways; then finish
 *     moving N+1's hash table if its last SADDs left it half moved (settle-1.lua), so readers' positions hold;
 *  4. commit-8.lua: in one step, N+1 becomes current, the change set gets its counts and clocks, N starts to expire.
 * Until step 4 nothing is visible: readers only ever ask for versions up to `meta.version`. A crash leaves half-built
 * keys under version N+1 that the next build clears first (or a purge deletes).
 */
export interface PublishResult { published: boolean; version: number; added: number; removed: number; count: number }
export interface PublishRetention { versionRetentionMs: number; changesRetentionMs: number }

const CHUNK = 5_000;
/** Random picks per settle call: about 3 ms of Redis (a million-id version takes 34 calls). */
const SETTLE_PICKS = 2_000;
const LOCK_MS = 60_000;
const LOCK_WAIT_MS = 10 * 60_000;

export async function publishVersion(deps: { redis: RedisClient; keys: Keys; clock: { now(): number }; retention: PublishRetention },
  treeId: string, network: string, accountId: string): Promise<PublishResult> {
  const { redis, keys } = deps;
  const published = keys.followersPublished(network, accountId);
  const done = async () => {
    const v = await redis.zscore(published, treeId);
    return v === null ? null : { published: false, version: Number(v), added: 0, removed: 0, count: 0 };
  };
  const before = await done();
  if (before) return before;

  const lock = keys.followersLock(network, accountId);
  const token = randomBytes(8).toString("hex");
  const deadline = Date.now() + LOCK_WAIT_MS;
  while ((await redis.set(lock, token, "PX", LOCK_MS, "NX")) !== "OK") {
    if (Date.now() > deadline) throw new Error(`${network}:${accountId}: another publish held the lock for ${LOCK_WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    // Whoever held the lock may have published this very tree.
    const meanwhile = await done();
    if (meanwhile) return meanwhile;
    const cur = Number((await redis.hget(keys.followersMeta(network, accountId), "version")) ?? 0);
    return await build(deps, treeId, network, accountId, cur + 1, () => redis.pexpire(lock, LOCK_MS));
  } finally {
    await runLua(redis, "unlock", [lock], [token]);
  }
}

async function build(deps: { redis: RedisClient; keys: Keys; clock: { now(): number }; retention: PublishRetention },
  treeId: string, network: string, accountId: string, n: number, keepLock: () => Promise<unknown>): Promise<PublishResult> {
  const { redis, keys, retention } = deps;
  const vnew = keys.followersVersion(network, accountId, n);
  const vprev = keys.followersVersion(network, accountId, n - 1);
  const [cadd, crem, cinfo] = (["add", "rem", "info"] as const).map((p) => keys.followersChange(network, accountId, n, p)) as [string, string, string];
  await redis.del(cadd, crem, cinfo); // leftovers of a build that died
  const staging = keys.treeStaging(treeId, `${network}:${accountId}`);
  const [staged, built] = await Promise.all([redis.type(staging), redis.type(vnew)]);
  const isVersion = (t: string) => t === "set" || t === "zset";
  let chunks = 0;
  if (!redis.isCluster && isVersion(staged)) {
    // The staged set becomes version N+1 in O(1): a million ids published in one step (issue 6: copying them took
    // 5.7 s of the whale's sync). A ZSET staged before issue 11 stays one: readers page either kind. Leftovers of a
    // dead build go first, off the main thread.
    await redis.unlink(vnew);
    await redis.rename(staging, vnew);
  } else if (staged === "none" && isVersion(built)) {
    // A build that died after its RENAME: version N+1 is already whole.
  } else {
    // A cluster: the staged ids live in the tree's slot and the version in the account's, and no script spans two
    // slots, so the copy goes through this process, a chunk at a time. (On a single Redis, this is an empty sync.)
    await redis.unlink(vnew);
    let cursor = "0";
    do {
      const [next, flat] = staged === "zset" ? await redis.zscan(staging, cursor, "COUNT", CHUNK) : await redis.sscan(staging, cursor, "COUNT", CHUNK);
      cursor = next;
      const ids = staged === "zset" ? flat.filter((_, i) => i % 2 === 0) : flat;
      if (ids.length) await redis.sadd(vnew, ...ids);
      if (++chunks % 20 === 0) await keepLock();
    } while (cursor !== "0");
  }

  if (n > 1) {
    for (const [from, against, dest] of [[vnew, vprev, cadd], [vprev, vnew, crem]] as const) {
      let cursor = "0";
      do {
        const [next] = (await runLua(redis, "followersDiff", [from, against, dest], [cursor, CHUNK])) as [string, number];
        cursor = String(next);
        if (++chunks % 20 === 0) await keepLock();
      } while (cursor !== "0");
    }
  }

  // Before readers see it, the new version's table finishes any move into a doubled table (settle-1.lua): the old
  // table has fewer buckets than the largest power of two below the count, and each pick moves up to 15 of them.
  // The diff above looked every id of version N up in N+1, a step of that move each: as many as that finish it.
  // (A version staged as a ZSET before issue 11 has no such table: its SCARD fails and counts as 0.)
  const [scard, prevCount] = (await redis.pipeline().scard(vnew).hget(keys.followersMeta(network, accountId), "count").exec()) ?? [];
  const members = typeof scard?.[1] === "number" ? scard[1] : 0;
  const buckets = members > 0 ? 2 ** Math.floor(Math.log2(members)) : 0;
  const looked = n > 1 ? Number(prevCount?.[1] ?? 0) : 0;
  for (let picks = buckets > looked ? Math.ceil(buckets / 15) + 1 : 0; picks > 0; picks -= SETTLE_PICKS) {
    await runLua(redis, "followersSettle", [vnew], [Math.min(picks, SETTLE_PICKS)]);
    if (++chunks % 20 === 0) await keepLock();
  }

  const keepHistory = Math.max(retention.versionRetentionMs, retention.changesRetentionMs) + 86_400_000;
  const res = ((await runLua(redis, "followersCommit", [keys.followersMeta(network, accountId), keys.followersPublished(network, accountId),
    keys.followersHistory(network, accountId), vnew, vprev, cadd, crem, cinfo],
  [treeId, deps.clock.now(), n, retention.versionRetentionMs, retention.changesRetentionMs, newGeneration(), keepHistory])) as number[]).map(Number);
  const [status = 0, version = 0, added = 0, removed = 0, count = 0] = res;
  if (status === 1) return { published: true, version, added, removed, count };
  if (status === 0) return { published: false, version, added: 0, removed: 0, count: 0 };
  // The lock makes this unreachable unless it expired mid-build (a stalled process): fail, the job retries.
  throw new Error(`${network}:${accountId}: the current version moved to ${version} while version ${n} was built`);
}

/** Lowercase base36, so version strings stay `N.GEN` with no escaping. */
function newGeneration(): string {
  return BigInt(`0x${randomBytes(6).toString("hex")}`).toString(36);
}

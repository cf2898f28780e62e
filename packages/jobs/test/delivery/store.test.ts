import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { CursorError, VersionGoneError } from "../../src/store/errors.ts";
import { createFollowerStore, digestIds, type FollowerStore, type StoreRetention } from "../../src/store/followers.ts";
import { testRedis } from "../helpers.ts";

type T = Awaited<ReturnType<typeof testRedis>>;
const NET = "twitter";
const ACC = "acc:1"; // an id with a ':' in it, on purpose
let seq = 0;

describe("versioned follower store", () => {
  let t: T;
  beforeEach(async () => { t = await testRedis(); });
  afterEach(() => t.cleanup());

  const store = (r: Partial<StoreRetention> = {}) => createFollowerStore({
    redis: t.redis, keys: t.keys, clock: { now: () => Date.now() },
    retention: { versionRetentionMs: 3_600_000, changesRetentionMs: 3_600_000, maxChangeIds: 100_000, ...r },
  });

  /** Stages `ids` as a finished sync of a fresh tree would (leaf-8.lua: a ZSET, score 0), then publishes it. */
  async function publish(s: FollowerStore, ids: string[], treeId = `t${++seq}`) {
    if (ids.length) await t.redis.zadd(t.keys.treeStaging(treeId, `${NET}:${ACC}`), ...ids.flatMap((id) => [0, id]));
    return { treeId, ...(await s.publish(treeId, NET, ACC)) };
  }

  it("publishes ids staged as a SET (before staging became a ZSET) and the ZSET alike", async () => {
    const s = store();
    await t.redis.sadd(t.keys.treeStaging("legacy", `${NET}:${ACC}`), "1", "2", "3");
    expect(await s.publish("legacy", NET, ACC)).toMatchObject({ published: true, version: 1, count: 3 });
    expect(await publish(s, ["2", "3", "4", "5"])).toMatchObject({ published: true, version: 2, added: 2, removed: 1, count: 4 });
    expect(await s.digest(NET, ACC)).toEqual(digestIds(["2", "3", "4", "5"]));
    // a single Redis renames the staged ZSET into the version (nothing left behind); a cluster copies it across slots
    expect(await t.redis.exists(t.keys.treeStaging(`t${seq}`, `${NET}:${ACC}`))).toBe(t.redis.isCluster ? 1 : 0);
  });

  it("a publish that died after moving the staged ids into the version finishes it on the retry", async () => {
    const s = store();
    await publish(s, ["a", "b"]);
    // what a build leaves when it dies right after the RENAME: version 2 whole, no staging, nothing committed
    await t.redis.zadd(t.keys.followersVersion(NET, ACC, 2), 0, "b", 0, "c", 0, "d");
    expect(await s.publish("died", NET, ACC)).toMatchObject({ published: true, version: 2, added: 2, removed: 1, count: 3 });
    expect(await s.digest(NET, ACC)).toEqual(digestIds(["b", "c", "d"]));
  });

  async function readAll(s: FollowerStore, limit: number, cursor: string | null = null) {
    const seen: string[] = [];
    let pages = 0;
    do {
      const p = await s.page(NET, ACC, { cursor, limit });
      seen.push(...p.followers);
      cursor = p.next;
      pages++;
    } while (cursor);
    return { seen, pages };
  }

  it("pages one version in byte order with no duplicate, and a full last page has no next", async () => {
    const s = store();
    const ids = Array.from({ length: 103 }, (_, i) => `${(i * 7919) % 1000}`).concat(["b", "a", "é", "Z"]);
    const uniq = [...new Set(ids)];
    expect((await publish(s, ids)).version).toBe(1);
    const { seen, pages } = await readAll(s, 10);
    expect(seen).toHaveLength(uniq.length);
    expect(new Set(seen).size).toBe(uniq.length);
    expect(seen).toEqual(uniq.map((x) => Buffer.from(x)).sort(Buffer.compare).map((b) => b.toString()));
    expect(pages).toBe(Math.ceil(uniq.length / 10));
    const exact = await s.page(NET, ACC, { limit: uniq.length });
    expect(exact.next).toBeNull();
    expect(exact.count).toBe(uniq.length);
    expect(await s.digest(NET, ACC)).toEqual(digestIds(uniq));
  });

  it("a change set larger than Lua's argument limit in one chunk (0 → 12,000 followers → 1) is recorded whole", async () => {
    const s = store();
    const ids = Array.from({ length: 12_000 }, (_, i) => String(10_000_000 + i));
    await publish(s, []);
    const v2 = await publish(s, ids);
    expect(v2).toMatchObject({ published: true, added: 12_000, removed: 0, count: 12_000 });
    const v3 = await publish(s, ["only"]);
    expect(v3).toMatchObject({ added: 1, removed: 12_000, count: 1 });
  });

  it("publishes once per tree; a retried publish answers the version it made", async () => {
    const s = store();
    const first = await publish(s, ["1", "2"], "tA");
    expect(first).toMatchObject({ published: true, version: 1, count: 2 });
    expect(await s.publish("tA", NET, ACC)).toMatchObject({ published: false, version: 1 });
    await publish(s, ["1", "2", "3"], "tB");
    expect(await s.publish("tA", NET, ACC)).toMatchObject({ published: false, version: 1 }); // not back to tA's set
    expect((await s.info(NET, ACC)).version).toBe(2);
    expect((await s.digest(NET, ACC)).count).toBe(3);
  });

  it("a cursor stays on its version while a new one swaps in, then gets gone after the retention", async () => {
    const s = store({ versionRetentionMs: 600 });
    await publish(s, ["a", "b", "c", "d", "e"]);
    const p1 = await s.page(NET, ACC, { limit: 2 });
    expect(p1.followers).toEqual(["a", "b"]);
    await publish(s, ["a", "b", "x", "y"]);
    const p2 = await s.page(NET, ACC, { cursor: p1.next, limit: 10 });
    expect(p2).toMatchObject({ followers: ["c", "d", "e"], version: p1.version, count: 5, next: null });
    expect((await s.page(NET, ACC, { limit: 10 })).followers).toEqual(["a", "b", "x", "y"]);
    await waitFor(() => s.page(NET, ACC, { cursor: p1.next, limit: 10 }).then(() => "ok", (e: unknown) => e), (r) => r instanceof VersionGoneError, { timeoutMs: 5_000 });
  });

  it("changesSince folds change sets exactly: an id added then removed cancels out", async () => {
    const s = store();
    const v1 = (await s.page(NET, ACC, { limit: 1 })).version;
    expect(v1).toBe("0");
    await publish(s, ["a", "b", "c"]);
    const after1 = (await s.page(NET, ACC, { limit: 1 })).version;
    await publish(s, ["a", "b", "c", "d"]);
    await publish(s, ["a", "b", "c"]);
    expect(await s.changesSince(NET, ACC, after1)).toMatchObject({ added: [], removed: [] });
    await publish(s, ["b", "c", "e"]);
    expect((await s.history(NET, ACC)).map((x) => [x.version.split(".")[0], x.added, x.removed])).toEqual([["4", 1, 1], ["3", 0, 1], ["2", 1, 0], ["1", null, null]]);
    const now = await s.changesSince(NET, ACC, after1);
    expect(now).toMatchObject({ added: ["e"], removed: ["a"] });
    expect(await s.changesSince(NET, ACC, now.version)).toEqual({ added: [], removed: [], version: now.version });
    await expect(s.changesSince(NET, ACC, "0")).rejects.toBeInstanceOf(VersionGoneError);
    await expect(s.changesSince(NET, ACC, "99.zz")).rejects.toBeInstanceOf(VersionGoneError);
    await expect(s.changesSince(NET, ACC, "nope")).rejects.toBeInstanceOf(CursorError);
    await expect(s.page(NET, ACC, { cursor: "bm90LWEtY3Vyc29y", limit: 1 })).rejects.toBeInstanceOf(CursorError);
  });

  it("the fold equals the set difference for any sequence of versions", async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 25 }), { minLength: 1, maxLength: 6 }), async (sets) => {
      await t.redis.del(t.keys.followersMeta(NET, ACC), t.keys.followersPublished(NET, ACC), t.keys.followersHistory(NET, ACC));
      const s = store();
      const versions: { v: string; ids: Set<string> }[] = [];
      for (const set of sets) {
        const ids = set.map(String);
        await publish(s, ids);
        versions.push({ v: (await s.page(NET, ACC, { limit: 1 })).version, ids: new Set(ids) });
      }
      const last = versions[versions.length - 1]?.ids ?? new Set<string>();
      for (const { v, ids } of versions) {
        const ch = await s.changesSince(NET, ACC, v);
        expect(ch.added).toEqual(sorted([...last].filter((x) => !ids.has(x))));
        expect(ch.removed).toEqual(sorted([...ids].filter((x) => !last.has(x))));
      }
      await s.purge(NET, ACC);
    }), { numRuns: 25 });
  });

  it("says gone when change sets expired, when too many ids changed, and after a purge", async () => {
    const s = store({ changesRetentionMs: 300, maxChangeIds: 3 });
    await publish(s, ["a"]);
    const v1 = (await s.page(NET, ACC, { limit: 1 })).version;
    await publish(s, ["a", "b", "c", "d", "e"]);
    await expect(s.changesSince(NET, ACC, v1)).rejects.toMatchObject({ reason: "too-many" });
    await waitFor(() => s.changesSince(NET, ACC, v1).then(() => "ok", (e: unknown) => (e as VersionGoneError).reason), (r) => r === "expired", { timeoutMs: 5_000 });
    await s.purge(NET, ACC);
    await publish(s, ["a"]);
    await publish(s, ["a", "b"]);
    // "1.<old generation>" names the purged account's first version, not this one
    await expect(s.changesSince(NET, ACC, v1)).rejects.toMatchObject({ reason: "unknown-version" });
  });

  it("an empty sync publishes an empty version; purge deletes every key of the store", async () => {
    const s = store();
    await publish(s, ["a", "b"]);
    await publish(s, []);
    expect(await s.page(NET, ACC, { limit: 5 })).toMatchObject({ followers: [], next: null, count: 0 });
    expect((await s.changesSince(NET, ACC, "1." + (await s.info(NET, ACC)).generation)).removed).toEqual(["a", "b"]);
    await s.purge(NET, ACC);
    const left = await t.redis.keys(`${t.keys.accountTag(NET, ACC).replace(/[{}]/g, "\\$&")}*`);
    expect(left).toEqual([]);
  });

  it("memory: bytes per follower of a readable version (reported, and bounded)", async () => {
    const s = store();
    const n = 100_000;
    const ids = Array.from({ length: n }, (_, i) => String(1_000_000_000 + i * 7));
    for (let i = 0; i < n; i += 10_000) await t.redis.sadd(t.keys.treeStaging("tmem", `${NET}:${ACC}`), ...ids.slice(i, i + 10_000));
    const staged = Number(await t.redis.call("MEMORY", "USAGE", t.keys.treeStaging("tmem", `${NET}:${ACC}`), "SAMPLES", "0"));
    await s.publish("tmem", NET, ACC);
    const version = Number(await t.redis.call("MEMORY", "USAGE", t.keys.followersVersion(NET, ACC, 1), "SAMPLES", "0"));
    console.info(`memory per follower (10-digit ids): staged SET ${(staged / n).toFixed(1)} B, readable ZSET version ${(version / n).toFixed(1)} B`);
    expect(version / n).toBeLessThan(150);
  });
});

function sorted(xs: string[]): string[] {
  return xs.map((x) => Buffer.from(x)).sort(Buffer.compare).map((b) => b.toString());
}

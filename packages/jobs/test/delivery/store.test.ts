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

  /** Stages `ids` as a finished sync of a fresh tree would (leaf-8.lua: a SET), then publishes it. */
  async function publish(s: FollowerStore, ids: string[], treeId = `t${++seq}`) {
    if (ids.length) await t.redis.sadd(t.keys.treeStaging(treeId, `${NET}:${ACC}`), ...ids);
    return { treeId, ...(await s.publish(treeId, NET, ACC)) };
  }

  it("publishes a ZSET staged before issue 11 as a ZSET version, read by id, and diffs it against the SET after it", async () => {
    const s = store();
    await t.redis.zadd(t.keys.treeStaging("legacy", `${NET}:${ACC}`), 0, "3", 0, "1", 0, "2");
    expect(await s.publish("legacy", NET, ACC)).toMatchObject({ published: true, version: 1, count: 3 });
    expect(await t.redis.type(t.keys.followersVersion(NET, ACC, 1))).toBe(t.redis.isCluster ? "set" : "zset");
    const p1 = await s.page(NET, ACC, { limit: 2 });
    if (!t.redis.isCluster) expect(p1.followers).toEqual(["1", "2"]);
    // a cursor as Fanout issued them before issue 11: "N.GEN.LASTID"
    const legacy = Buffer.from(`${p1.version}.${p1.followers[1] ?? ""}`).toString("base64url");
    expect(await publish(s, ["2", "3", "4", "5"])).toMatchObject({ published: true, version: 2, added: 2, removed: 1, count: 4 });
    expect(await t.redis.type(t.keys.followersVersion(NET, ACC, 2))).toBe("set");
    if (!t.redis.isCluster) expect(await s.page(NET, ACC, { cursor: legacy, limit: 5 })).toMatchObject({ followers: ["3"], next: null, version: p1.version });
    expect(await s.digest(NET, ACC)).toEqual(digestIds(["2", "3", "4", "5"]));
    expect(await s.changesSince(NET, ACC, p1.version)).toMatchObject({ added: ["4", "5"], removed: ["1"] });
    // a single Redis renames the staged SET into the version (nothing left behind); a cluster copies it across slots
    expect(await t.redis.exists(t.keys.treeStaging(`t${seq}`, `${NET}:${ACC}`))).toBe(t.redis.isCluster ? 1 : 0);
    // a cursor of one kind of version does not read the other
    await expect(s.page(NET, ACC, { cursor: Buffer.from(`${(await s.page(NET, ACC, { limit: 1 })).version}.x`).toString("base64url"), limit: 1 })).rejects.toBeInstanceOf(CursorError);
  });

  it("a publish that died after moving the staged ids into the version finishes it on the retry", async () => {
    const s = store();
    await publish(s, ["a", "b"]);
    // what a build leaves when it dies right after the RENAME: version 2 whole, no staging, nothing committed
    await t.redis.sadd(t.keys.followersVersion(NET, ACC, 2), "b", "c", "d");
    expect(await s.publish("died", NET, ACC)).toMatchObject({ published: true, version: 2, added: 2, removed: 1, count: 3 });
    expect(await s.digest(NET, ACC)).toEqual(digestIds(["b", "c", "d"]));
  });

  async function readAll(s: FollowerStore, limit: number, cursor: string | null = null) {
    const seen: string[] = [];
    const sizes: number[] = [];
    do {
      const p = await s.page(NET, ACC, { cursor, limit });
      seen.push(...p.followers);
      sizes.push(p.followers.length);
      cursor = p.next;
    } while (cursor);
    return { seen, sizes };
  }

  it("pages a version exactly: `limit` ids a page but the last, every id once, and a full last page has no next", async () => {
    const s = store();
    // an intset (small, numeric), a small hash table, and one of many buckets; ids with odd bytes on purpose
    for (const ids of [
      Array.from({ length: 300 }, (_, i) => String((i * 7919) % 100_000)),
      Array.from({ length: 103 }, (_, i) => `${(i * 7919) % 1000}`).concat(["b", "a", "é", "Z", "x y", "😀"]),
      Array.from({ length: 5_000 }, (_, i) => `id-${i}`),
    ]) {
      const uniq = [...new Set(ids)];
      await publish(s, ids);
      for (const limit of [1, 7, 100, uniq.length, 10_000]) {
        if (limit === 1 && uniq.length > 1_000) continue; // 5,000 round trips add nothing the 7s do not show
        const { seen, sizes } = await readAll(s, limit);
        expect(sorted(seen)).toEqual(sorted(uniq));
        expect(sizes.slice(0, -1).every((n) => n === limit)).toBe(true);
        expect(sizes.length).toBe(Math.max(1, Math.ceil(uniq.length / limit)));
      }
      const p = await s.page(NET, ACC, { limit: 7 });
      // the same cursor read twice answers the same page
      expect(await s.page(NET, ACC, { cursor: p.next, limit: 7 })).toEqual(await s.page(NET, ACC, { cursor: p.next, limit: 7 }));
      expect(p.count).toBe(uniq.length);
      expect(await s.digest(NET, ACC)).toEqual(digestIds(uniq));
    }
  });

  it("pages stay exact while a version's table is still moving into a doubled one (lookups move it on)", async () => {
    const s = store();
    // Publishing finishes such a move (settle-1.lua), so make one: a 4,097th member doubles the table to 8,192
    // buckets, and none has moved yet.
    const ids = Array.from({ length: 4_097 }, (_, i) => `m${i}`);
    await publish(s, ids.slice(0, 4_096));
    await t.redis.sadd(t.keys.followersVersion(NET, ACC, 1), ids[4_096] ?? "");
    const vkey = t.keys.followersVersion(NET, ACC, 1);
    const seen: string[] = [];
    let cursor: string | null = null;
    // a later publish's diff looks ids up in this version: 100 lookups move ~100 of the 4,096 buckets, never all
    for (let round = 0; round < 12; round++) {
      for (const limit of [3, 50, 7]) {
        const p = await s.page(NET, ACC, { cursor, limit });
        expect(p.followers).toHaveLength(limit);
        seen.push(...p.followers);
        cursor = p.next;
      }
      await t.redis.smismember(vkey, ...ids.slice(round * 100, round * 100 + 100));
    }
    expect(new Set(seen).size).toBe(seen.length);
    const { seen: rest } = await readAll(s, 500, cursor);
    expect(sorted([...seen, ...rest])).toEqual(sorted(ids));
  });

  it("a cursor whose batch changed under it (a table resized mid-read) may repeat ids, never skip one", async () => {
    const s = store();
    const ids = Array.from({ length: 4_096 }, (_, i) => `m${i}`);
    await publish(s, ids);
    const vkey = t.keys.followersVersion(NET, ACC, 1);
    for (const [limit, extra] of [[3, "x1"], [50, "x2"]] as const) {
      const first = await s.page(NET, ACC, { limit });
      const second = await s.page(NET, ACC, { cursor: first.next, limit });
      // Published versions never change, so force one here: one more member doubles the table, and lookups move all
      // its buckets, so the batches these cursors name are no longer the same.
      await t.redis.sadd(vkey, extra);
      for (let i = 0; i < ids.length; i += 1_000) await t.redis.smismember(vkey, ...ids.slice(i, i + 1_000));
      const { seen } = await readAll(s, limit, second.next);
      const all = new Set([...first.followers, ...second.followers, ...seen]);
      expect(ids.filter((id) => !all.has(id))).toEqual([]);
    }
  });

  it("a position whose batch lost an id it had already returned takes the batch whole: the rest is not skipped", async () => {
    const s = store();
    const ids = Array.from({ length: 4_096 }, (_, i) => `m${i}`);
    await publish(s, ids);
    const before: string[] = [];
    let p = await s.page(NET, ACC, { limit: 3 });
    // a page that stopped inside a batch: its position skips the batch's first members (which it returned)
    while (!/:\d+:[1-9]\d*:[0-9a-f]{12}$/.test(Buffer.from(p.next ?? "", "base64url").toString())) {
      before.push(...p.followers);
      p = await s.page(NET, ACC, { cursor: p.next, limit: 3 });
    }
    before.push(...p.followers);
    const gone = p.followers[p.followers.length - 1] ?? "";
    await t.redis.srem(t.keys.followersVersion(NET, ACC, 1), gone); // a batch one shorter: skipping as many would lose one
    const { seen } = await readAll(s, 3, p.next);
    const all = new Set([...before, ...seen]);
    expect(ids.filter((id) => !all.has(id))).toEqual([]);
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
    expect(p1.followers).toHaveLength(2);
    await publish(s, ["a", "b", "x", "y"]);
    const p2 = await s.page(NET, ACC, { cursor: p1.next, limit: 10 });
    expect(p2).toMatchObject({ version: p1.version, count: 5, next: null });
    expect(sorted([...p1.followers, ...p2.followers])).toEqual(["a", "b", "c", "d", "e"]);
    expect(sorted((await s.page(NET, ACC, { limit: 10 })).followers)).toEqual(["a", "b", "x", "y"]);
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
    console.info(`memory per follower (10-digit ids): staged SET ${(staged / n).toFixed(1)} B, readable version ${(version / n).toFixed(1)} B`);
    expect(version / n).toBeLessThan(150);
  });
});

function sorted(xs: string[]): string[] {
  return xs.map((x) => Buffer.from(x)).sort(Buffer.compare).map((b) => b.toString());
}

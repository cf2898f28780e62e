import { createHash } from "node:crypto";
import type { Keys } from "../keys.ts";
import type { RedisClient } from "../redis.ts";
import { decodeCursor, encodeCursor, formatVersion, parseVersion, type VersionRef } from "./cursor.ts";
import { CursorError, VersionGoneError } from "./errors.ts";
import { runScript as runLua } from "../scripts.ts";
import { publishVersion, type PublishResult } from "./publish.ts";

/**
 * The follower store: versioned readable sets with change sets, all under the account's hash tag.
 *
 * Page jobs write into the sync's staging SET (under the tree's tag, by leaf-8.lua). When the account's node completes
 * with no failed page, publish.ts makes the staged ids the account's next version: that SET, renamed. Readers page a
 * version with SSCAN from a position that names a batch and how much of it was read (page-2.lua): exact pages, in
 * no particular order, where a cursor belongs to one version. It records the change set against the previous version
 * (added and removed ids, ZSETs of score 0, so a fold returns them sorted) and lets the replaced version expire after
 * `versionRetentionMs`: cursors on it keep working until then, then get 410. Readers switch atomically:
 * `meta.version` moves in one script, after everything is built.
 *
 * Why SETs (issue 11): storing a page in a ZSET cost 0.70× the throughput of storing it in a SET, in the very same
 * plain worker; a SET is what a plain worker would write. Versions published as ZSETs before (score 0, paged by id)
 * stay readable until they expire.
 *
 * Costs: a page is one script call, O(page). Publishing renames the staged SET on a single Redis (O(1)) and copies it
 * in chunks of 5,000 on a cluster; the change set is O(N) in chunks (no step blocks Redis for more than a few ms).
 * Memory: a version is a SET, about 51 B per follower for 10-digit ids (store.test.ts prints it); a replaced version
 * is kept only for the retention period, a change set 2 × its ids.
 */
export interface FollowerInfo {
  account: string; count: number; version: number; generation: string; treeId: string | null; updatedAt: number | null;
}
export type { PublishResult };
export interface FollowerPage { followers: string[]; next: string | null; version: string; count: number }
export interface Changes { added: string[]; removed: string[]; version: string }
export interface StoreRetention { versionRetentionMs: number; changesRetentionMs: number; maxChangeIds: number }

const DEFAULT_RETENTION: StoreRetention = { versionRetentionMs: 3_600_000, changesRetentionMs: 7 * 24 * 3_600_000, maxChangeIds: 100_000 };
const READ_CHUNK = 5_000;
const MAX_FOLD = 10_000;

export function createFollowerStore({ redis, keys, clock, retention = DEFAULT_RETENTION }: {
  redis: RedisClient; keys: Keys; clock: { now(): number }; retention?: StoreRetention;
}) {
  const meta = (net: string, id: string) => keys.followersMeta(net, id);
  const vkey = (net: string, id: string, n: number) => keys.followersVersion(net, id, n);

  async function current(net: string, id: string): Promise<VersionRef> {
    const [v, gen] = await redis.hmget(meta(net, id), "version", "gen");
    return { n: Number(v ?? 0), gen: gen ?? "" };
  }

  /**
   * One page of version `want` (null: the current one) from `pos` ("" = its start), and where the next page starts
   * ("" = nowhere). Throws VersionGoneError when the version expired, CursorError for a position of another kind.
   */
  async function readPage(net: string, id: string, want: VersionRef | null, pos: string, limit: number)
    : Promise<{ ref: VersionRef; count: number; ids: string[]; next: string; kind: string }> {
    for (let tries = 0; tries < 5; tries++) {
      const ref = want ?? (await current(net, id));
      const res = (await runLua(redis, "followersPage", [meta(net, id), vkey(net, id, ref.n)],
        [ref.n, want ? want.gen : "", pos, limit])) as [string, number?, string?, number?, string[]?, string?, string?];
      if (res[0] === "ok") return { ref: { n: Number(res[1]), gen: res[2] ?? "" }, count: Number(res[3] ?? 0), ids: res[4] ?? [], next: res[5] ?? "", kind: res[6] ?? "" };
      if (res[0] === "gone") throw new VersionGoneError("expired", `version ${formatVersion(ref)} of ${net}:${id} is no longer kept`);
      if (res[0] === "badcursor") throw new CursorError("not a cursor Fanout issued");
      // "moved": the current version was replaced (and not kept) between our two reads: read it again.
    }
    throw new Error(`the follower set of ${net}:${id} kept changing while being read`);
  }

  /**
   * Every id of one version in chunks, pinned at the first call. A SET version is walked with plain SSCAN (no page
   * positions: chunks need not be exact), a ZSET one by pages. `count` is the version's size, to check the walk by.
   */
  async function* walk(net: string, id: string, opts: { version?: VersionRef; onVersion?: (v: VersionRef, count: number) => void }): AsyncGenerator<{ ids: string[]; count: number }> {
    const head = await readPage(net, id, opts.version ?? null, "", 0);
    opts.onVersion?.(head.ref, head.count);
    if (head.kind === "set") {
      const key = vkey(net, id, head.ref.n);
      let cursor = "0";
      let total = 0;
      do {
        const [next, ids] = await redis.sscan(key, cursor, "COUNT", READ_CHUNK);
        cursor = next;
        total += ids.length;
        if (ids.length) yield { ids, count: head.count };
      } while (cursor !== "0");
      // SSCAN misses no member of a set that is there throughout: fewer means the version expired meanwhile.
      if (total < head.count) throw new VersionGoneError("expired", `version ${formatVersion(head.ref)} of ${net}:${id} expired while it was read`);
      return;
    }
    let pos = "";
    for (;;) {
      const res = await readPage(net, id, head.ref, pos, READ_CHUNK);
      if (res.ids.length) yield { ids: res.ids, count: res.count };
      if (!res.next) return;
      pos = res.next;
    }
  }

  return {
    /**
     * Publishes a completed node's staged set as the account's next version (store/publish.ts: built in small steps,
     * switched in atomically). Idempotent per tree: a second call answers the version it made the first time.
     */
    publish: (treeId: string, network: string, accountId: string): Promise<PublishResult> => publishVersion({ redis, keys, clock, retention }, treeId, network, accountId),

    async info(network: string, accountId: string): Promise<FollowerInfo> {
      const m = await redis.hgetall(meta(network, accountId));
      return {
        account: accountKey(network, accountId),
        count: Number(m.count ?? 0), version: Number(m.version ?? 0), generation: m.gen ?? "",
        treeId: m.treeId ?? null, updatedAt: m.updatedAt ? Number(m.updatedAt) : null,
      };
    },

    /** One page of the current version, or of the cursor's version (which may have been replaced since). */
    async page(network: string, accountId: string, opts: { cursor?: string | null; limit: number }): Promise<FollowerPage> {
      const c = opts.cursor ? decodeCursor(opts.cursor) : null;
      const res = await readPage(network, accountId, c, c?.pos ?? "", opts.limit);
      return {
        followers: res.ids, count: res.count, version: formatVersion(res.ref),
        next: res.next ? encodeCursor({ ...res.ref, pos: res.next }) : null,
      };
    },

    /**
     * What changed since `since` (a version string this store issued), folded exactly up to the current version.
     * Throws VersionGoneError when a change set on the way expired, the account was purged since, or the answer
     * would hold more than `maxChangeIds` ids; CursorError for a string that is not a version.
     */
    async changesSince(network: string, accountId: string, since: string): Promise<Changes> {
      const s = parseVersion(since);
      for (let tries = 0; tries < 5; tries++) {
        const cur = await current(network, accountId);
        if (s.n === cur.n && s.gen === cur.gen) return { added: [], removed: [], version: formatVersion(cur) };
        if (s.n === 0 || s.n > cur.n || s.gen !== cur.gen) {
          throw new VersionGoneError("unknown-version", `version ${since} of ${network}:${accountId} is unknown (re-read the full set)`);
        }
        if (cur.n - s.n > MAX_FOLD) throw new VersionGoneError("too-many", `more than ${MAX_FOLD} versions since ${since}`);
        const ks = [meta(network, accountId), ...["a", "r", "t1", "t2"].map((x) => keys.followersScratch(network, accountId, x))];
        for (let k = s.n + 1; k <= cur.n; k++) {
          ks.push(keys.followersChange(network, accountId, k, "add"), keys.followersChange(network, accountId, k, "rem"), keys.followersChange(network, accountId, k, "info"));
        }
        const res = (await runLua(redis, "followersChanges", ks, [cur.n, cur.gen, retention.maxChangeIds])) as [string, unknown?, unknown?];
        if (res[0] === "ok") return { added: res[1] as string[], removed: res[2] as string[], version: formatVersion(cur) };
        if (res[0] === "gone") throw new VersionGoneError("expired", `the changes since ${since} of ${network}:${accountId} are no longer kept (re-read the full set)`);
        if (res[0] === "too-many") throw new VersionGoneError("too-many", `${String(res[1])} followers changed since ${since}: re-read the full set`);
      }
      throw new Error(`the follower set of ${network}:${accountId} kept changing while its changes were read`);
    },

    /**
     * Every id of one version (the current one unless given), in chunks, each id once, in no particular order. The
     * version is pinned at the start, so a publish during the walk does not mix two versions; it throws
     * VersionGoneError if the pinned version expires before the walk ends. `onVersion` learns which version is read.
     * A Redis that resized the version's table mid-walk (a restore, a manual write: page-2.lua) may return an id
     * twice: then the total exceeds the version's count and the walk ends with an error, after its last chunk, to
     * be done again (the sink's job retries).
     */
    async *ids(network: string, accountId: string, opts: { version?: VersionRef; onVersion?: (v: VersionRef, count: number) => void } = {}): AsyncGenerator<string[]> {
      let total = 0;
      let count = 0;
      for await (const chunk of walk(network, accountId, opts)) {
        total += chunk.ids.length;
        count = chunk.count;
        yield chunk.ids;
      }
      if (total > count) throw new Error(`${network}:${accountId}: ${total - count} ids came twice while the version's hash table resized: read it again`);
    },

    /**
     * count + sha256 of the current version as INTERFACES.md defines it: ids sorted by bytes, each followed by "\n".
     * The ids are sorted here (a SET has no order), ~1 s for a million.
     */
    async digest(network: string, accountId: string): Promise<{ count: number; sha256: string }> {
      const all: string[] = [];
      for await (const chunk of walk(network, accountId, {})) for (const id of chunk.ids) all.push(id);
      return digestIds(all);
    },

    /**
     * Recent versions, newest first, with what each changed (null when its change set expired, or for the first):
     * for the console's account view. One round trip per version listed.
     */
    async history(network: string, accountId: string, limit = 20): Promise<{ version: string; publishedAt: number; added: number | null; removed: number | null }[]> {
      const cur = await current(network, accountId);
      const rows = await redis.zrevrange(keys.followersHistory(network, accountId), 0, limit - 1, "WITHSCORES");
      const out = [];
      for (let i = 0; i + 1 < rows.length; i += 2) {
        const n = Number(rows[i]);
        const [added, removed] = await redis.hmget(keys.followersChange(network, accountId, n, "info"), "added", "removed");
        out.push({ version: formatVersion({ n, gen: cur.gen }), publishedAt: Number(rows[i + 1]), added: added === null ? null : Number(added), removed: removed === null ? null : Number(removed) });
      }
      return out;
    },

    /** Deletes every key of the account's store: versions, change sets, history, meta. */
    async purge(network: string, accountId: string): Promise<number> {
      const [history, cur] = await Promise.all([redis.zrange(keys.followersHistory(network, accountId), 0, -1), current(network, accountId)]);
      // cur + 1: a version being built right now (or left half-built by a crash).
      const versions = new Set([...history.map(Number), cur.n, cur.n + 1].filter((n) => n > 0));
      const doomed = [
        meta(network, accountId), keys.followersPublished(network, accountId), keys.followersHistory(network, accountId),
        keys.followersLock(network, accountId), ...["a", "r", "t1", "t2"].map((x) => keys.followersScratch(network, accountId, x)),
        keys.followers(network, accountId), // the readable SET of the store before versions (issue 12)
      ];
      for (const n of versions) {
        doomed.push(vkey(network, accountId, n), ...(["add", "rem", "info"] as const).map((p) => keys.followersChange(network, accountId, n, p)));
      }
      let deleted = 0;
      // One slot: a multi-key DEL is fine in a cluster; batches keep each call short.
      for (let i = 0; i < doomed.length; i += 500) deleted += await redis.del(...doomed.slice(i, i + 500));
      return deleted;
    },
  };
}

export type FollowerStore = ReturnType<typeof createFollowerStore>;

function accountKey(network: string, accountId: string): string {
  return `${network}:${accountId}`;
}

/** UTF-16 order is byte order unless a surrogate pair meets a character from U+E000 up: only then compare bytes. */
export function needsByteOrder(ids: string[]): boolean {
  return ids.some((id) => /[\ud800-\uffff]/.test(id));
}

/** Sorts ids in place by their UTF-8 bytes (as Redis, PostgreSQL's "C" collation and INTERFACES.md's digest do). */
export function sortByBytes(ids: string[]): string[] {
  if (needsByteOrder(ids)) return ids.sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
  return ids.sort();
}

/** count + sha256 of a list of ids (repeats counted once): sorted by bytes, each followed by "\n". */
export function digestIds(ids: string[]): { count: number; sha256: string } {
  const sorted = sortByBytes([...ids]);
  const h = createHash("sha256");
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i] as string;
    if (i > 0 && id === sorted[i - 1]) continue;
    h.update(id, "utf8");
    h.update("\n");
    count++;
  }
  return { count, sha256: h.digest("hex") };
}

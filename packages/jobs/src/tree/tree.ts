import type { Keys } from "../keys.ts";
import type { RedisClient } from "../redis.ts";
import { runScript } from "../scripts.ts";

/**
 * A sync is a tree: the sync → one node per account (`NETWORK:ID`) → its pages, discovered as paging proceeds.
 * State lives in Redis under the tree's own hash tag and is changed only by leaf-8.lua, atomically.
 *
 * Cost of reads (Redis commands per call, independent of the tree's size):
 *   read():      1 round trip — HGETALL meta, HGETALL counts, HSCAN failed (COUNT 100) pipelined.
 *   children():  1 round trip — ZRANGE nodes BYSCORE LIMIT + one HGETALL per returned node (≤ limit).
 *   leaves():    1 round trip — HSCAN node leaves COUNT limit.
 */
export type TreeState = "pending" | "running" | "done" | "failed" | "partial" | "unknown";
export type LeafState = "pending" | "running" | "delayed" | "parked" | "done" | "failed";
export type NodeState = "pending" | "running" | "committing" | "done" | "partial" | "failed";

export interface TreeCounts { pending: number; running: number; done: number; failed: number; parked: number; delayed: number }
export interface FailedLeaf { node: string; page: string; error: string; kind: string; at?: number; payload?: unknown; queue?: string }
export interface TreeDoc {
  treeId: string;
  state: TreeState;
  counts: TreeCounts;
  failed: FailedLeaf[];
  cancelled?: boolean;
  nodes?: { total: number; open: number; done: number; partial: number; failed: number };
  createdAt?: number;
  settledAt?: number;
  priority?: string;
}
export interface NodeDoc {
  node: string; state: NodeState; counts: TreeCounts; pages: number; total: number | null; anomaly: string | null;
  /** The total the first page reported (offset paging); later totals differ when the list shifted mid-walk. */
  total0: number | null;
  verify: number;
}
export interface LeafResult {
  nodeState: NodeState | "unknown" | "orphan"; treeState: TreeState | ""; added: number; registered: string[];
  /** Done op: pages the node has done in the current minute (the whale detector's job-rate trigger); else 0. */
  pagesThisMinute: number;
}

export interface TreeStoreDeps { redis: RedisClient; keys: Keys; clock: { now(): number } }

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ZERO: TreeCounts = { pending: 0, running: 0, done: 0, failed: 0, parked: 0, delayed: 0 };

export function createTreeStore({ redis, keys, clock }: TreeStoreDeps) {
  const leafKeys = (treeId: string, node: string) => [
    keys.treeMeta(treeId), keys.treeCounts(treeId), keys.treeNode(treeId, node),
    keys.treeLeaves(treeId, node), keys.treeStaging(treeId, node), keys.treeFailed(treeId), keys.treeCursors(treeId, node), keys.treeCover(treeId, node),
  ];

  async function leafOp(treeId: string, node: string, leaf: string, op: string, args: (string | number)[] = []): Promise<LeafResult> {
    const res = (await runScript(redis, "treeLeaf", leafKeys(treeId, node), [node, leaf, op, clock.now(), ...args])) as [string, string, number, string[], number?];
    return { nodeState: res[0] as LeafResult["nodeState"], treeState: res[1] as TreeState | "", added: Number(res[2]), registered: res[3] ?? [], pagesThisMinute: Number(res[4] ?? 0) };
  }

  return {
    /** Creates the tree with one node per account, each with its first page registered as pending. */
    async create(treeId: string, nodes: { node: string; firstLeaf: string }[], meta: Record<string, string>): Promise<void> {
      const now = clock.now();
      const m = redis.multi();
      m.hset(keys.treeMeta(treeId), { ...meta, state: "open", createdAt: String(now) });
      m.hset(keys.treeCounts(treeId), { ...ZERO, pending: nodes.length, nodesTotal: nodes.length, nodesOpen: nodes.length, nodesDone: 0, nodesFailed: 0, nodesPartial: 0 });
      nodes.forEach(({ node, firstLeaf }, i) => {
        m.zadd(keys.treeNodes(treeId), i, node);
        m.hset(keys.treeNode(treeId, node), { ...ZERO, pending: 1, state: "pending", pages: 0 });
        m.hset(keys.treeLeaves(treeId, node), firstLeaf, "pending");
      });
      await m.exec();
    },
    setState: (treeId: string, node: string, leaf: string, state: "running" | "delayed" | "parked" | "pending") => leafOp(treeId, node, leaf, "state", [state]),
    register: (treeId: string, node: string, leaf: string, state: "pending" | "delayed" = "pending") => leafOp(treeId, node, leaf, "register", [state]),
    /** Stores a page's ids and registers its successors in one step; successors are registered before the page counts as done. */
    done: async (treeId: string, node: string, leaf: string, p: {
      ids: string[]; successors: string[]; anomaly?: string; total?: number | null; nextCursor?: string | null;
      stopIfNoNew?: false | "quiet" | "anomaly";
      /** Offset paging: the true position of the page's first item (offset minus the drift the total revealed). */
      coverStart?: number | null;
    }) => {
      // The ids travel as one JSON array (leaf-8.lua decodes it with cjson, in C): one argument, not one per id.
      const ids = JSON.stringify(p.ids);
      const bad = p.ids.indexOf("");
      if (bad >= 0) throw new Error(`follower id ${bad} of the page is empty`);
      // JSON.stringify writes an unpaired surrogate as a \ud8xx-style escape, which cjson refuses: say so here.
      if (ids.includes("\\u") && p.ids.some((id) => LONE_SURROGATE.test(id))) throw new Error("a follower id holds an unpaired UTF-16 surrogate");
      return await leafOp(treeId, node, leaf, "done", [p.anomaly ?? "", p.total == null ? "" : p.total, p.nextCursor ?? "", p.stopIfNoNew === "anomaly" ? "2" : p.stopIfNoNew === "quiet" ? "1" : "0",
        p.coverStart == null ? "" : p.coverStart, p.successors.length, ...p.successors, ids]);
    },
    extend: (treeId: string, node: string, leaves: string[]) => leafOp(treeId, node, "", "extend", [leaves.length, ...leaves]),
    /** Records what is wrong with a node's data (it settles partial), keeping an anomaly recorded before. */
    flagAnomaly: (treeId: string, node: string, anomaly: string) => redis.hsetnx(keys.treeNode(treeId, node), "anomaly", anomaly),
    /** Positions in [0, total) the node holds no follower for (offset paging under drift), as [start, end) runs. */
    async gaps(treeId: string, node: string, total: number, max = 1_000): Promise<[number, number][]> {
      const buf = await redis.getrangeBuffer(keys.treeCover(treeId, node), 0, Math.ceil(total / 8));
      const out: [number, number][] = [];
      let start = -1;
      for (let i = 0; i < total && out.length < max; i++) {
        const byte = buf[i >> 3] ?? 0;
        const set = (byte >> (7 - (i & 7))) & 1;
        if (!set && start < 0) start = i;
        if (set && start >= 0) { out.push([start, i]); start = -1; }
      }
      if (start >= 0 && out.length < max) out.push([start, total]);
      return out;
    },
    fail: (treeId: string, node: string, leaf: string, err: { error: string; kind: string; payload?: unknown; queue?: string }) =>
      leafOp(treeId, node, leaf, "fail", [JSON.stringify({ ...err, at: clock.now() })]),
    requeue: (treeId: string, node: string, leaf: string) => leafOp(treeId, node, leaf, "requeue"),
    commit: (treeId: string, node: string) => leafOp(treeId, node, "", "commit"),

    async read(treeId: string, failedLimit = 100): Promise<TreeDoc> {
      const p = redis.pipeline();
      p.hgetall(keys.treeMeta(treeId));
      p.hgetall(keys.treeCounts(treeId));
      p.hscan(keys.treeFailed(treeId), "0", "COUNT", failedLimit);
      const [[, meta], [, counts], [, scan]] = (await p.exec()) as [[unknown, Record<string, string>], [unknown, Record<string, string>], [unknown, [string, string[]]]];
      if (!meta || Object.keys(meta).length === 0) return { treeId, state: "unknown", counts: { ...ZERO }, failed: [] };
      const c = toCounts(counts);
      const failed: FailedLeaf[] = [];
      const flat = scan[1];
      for (let i = 0; i + 1 < flat.length && failed.length < failedLimit; i += 2) {
        failed.push(parseFailed(flat[i] ?? "", flat[i + 1] ?? "{}"));
      }
      const doc: TreeDoc = {
        treeId, state: treeState(meta, c), counts: c, failed,
        nodes: {
          total: num(counts.nodesTotal), open: num(counts.nodesOpen), done: num(counts.nodesDone),
          partial: num(counts.nodesPartial), failed: num(counts.nodesFailed),
        },
        createdAt: num(meta.createdAt),
      };
      if (meta.settledAt) doc.settledAt = num(meta.settledAt);
      if (meta.cancelled === "1") doc.cancelled = true;
      if (meta.priority) doc.priority = meta.priority;
      return doc;
    },

    /** One page of a tree's account nodes, in creation order. `cursor` is the index to start at. */
    async children(treeId: string, cursor = 0, limit = 50): Promise<{ nodes: NodeDoc[]; next: number | null }> {
      const ids = await redis.zrange(keys.treeNodes(treeId), cursor, "+inf", "BYSCORE", "LIMIT", 0, limit + 1);
      const page = ids.slice(0, limit);
      const p = redis.pipeline();
      for (const id of page) p.hgetall(keys.treeNode(treeId, id));
      const rows = ((await p.exec()) ?? []) as [unknown, Record<string, string>][];
      const nodes = page.map((node, i) => toNode(node, rows[i]?.[1] ?? {}));
      return { nodes, next: ids.length > limit ? cursor + limit : null };
    },

    async node(treeId: string, node: string): Promise<NodeDoc | null> {
      const h = await redis.hgetall(keys.treeNode(treeId, node));
      return Object.keys(h).length ? toNode(node, h) : null;
    },

    /** One page of a node's pages (leaves) and their states; `cursor` is an HSCAN cursor ("0" to start). */
    async leaves(treeId: string, node: string, cursor = "0", limit = 100): Promise<{ leaves: { page: string; state: LeafState }[]; next: string | null }> {
      const [next, flat] = await redis.hscan(keys.treeLeaves(treeId, node), cursor, "COUNT", limit);
      const leaves: { page: string; state: LeafState }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) leaves.push({ page: flat[i] ?? "", state: (flat[i + 1] ?? "pending") as LeafState });
      return { leaves, next: next === "0" ? null : next };
    },

    async failedLeaves(treeId: string): Promise<FailedLeaf[]> {
      const all = await redis.hgetall(keys.treeFailed(treeId));
      return Object.entries(all).map(([k, v]) => parseFailed(k, v));
    },

    async meta(treeId: string): Promise<Record<string, string>> {
      return redis.hgetall(keys.treeMeta(treeId));
    },
  };
}

export type TreeStore = ReturnType<typeof createTreeStore>;

function treeState(meta: Record<string, string>, c: TreeCounts): TreeState {
  const s = meta.state;
  if (s === "done" || s === "failed" || s === "partial") return s;
  return c.running + c.done + c.failed + c.delayed + c.parked === 0 ? "pending" : "running";
}

function num(v: string | undefined): number {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function toCounts(h: Record<string, string>): TreeCounts {
  return { pending: num(h.pending), running: num(h.running), done: num(h.done), failed: num(h.failed), parked: num(h.parked), delayed: num(h.delayed) };
}

function toNode(node: string, h: Record<string, string>): NodeDoc {
  return {
    node, state: (h.state ?? "pending") as NodeState, counts: toCounts(h), pages: num(h.pages),
    total: h.total === undefined ? null : num(h.total), anomaly: h.anomaly ?? null,
    total0: h.total0 === undefined ? null : num(h.total0), verify: num(h.verify),
  };
}

function parseFailed(field: string, json: string): FailedLeaf {
  const sep = field.lastIndexOf("|");
  const node = sep >= 0 ? field.slice(0, sep) : field;
  const page = sep >= 0 ? field.slice(sep + 1) : "";
  try {
    const v = JSON.parse(json) as { error?: string; kind?: string; at?: number; payload?: unknown; queue?: string };
    return { node, page, error: v.error ?? "", kind: v.kind ?? "unknown", ...(v.at ? { at: v.at } : {}), ...(v.payload ? { payload: v.payload, queue: v.queue ?? "default" } : {}) };
  } catch (err) {
    return { node, page, error: `unreadable failure record: ${(err as Error).message}`, kind: "unknown" };
  }
}

import type { Job } from "bullmq";
import type { Engine } from "./engine.ts";
import type { FailedEntry, FailedFilter } from "./jobs.ts";
import { audit, InputError, NotFoundError, persistTree, requireAccount, rerunFailedPage, type Actor } from "./ops.ts";
import { isQueueName, pageJobId, QUEUES, type QueueName } from "./queues.ts";

/**
 * Bounded reads the operator console needs beyond ops.ts/jobs.ts, and the subtree requeue. Every function states its
 * Redis cost; none walks an unbounded structure on behalf of a browser request.
 */

/** Networks whose jobs are paused in every queue (`fanout pause network:NAME`): one SMEMBERS. */
export async function pausedNetworks(engine: Engine): Promise<string[]> {
  return engine.redis.smembers(engine.keys.networkPaused());
}

/** An account's latest syncs, newest first: one ZREVRANGE (O(log N + limit)). */
export async function treesOfAccount(engine: Engine, account: string, limit = 20): Promise<{ treeId: string; at: number }[]> {
  const { network, id } = requireAccount(account);
  const flat = await engine.redis.zrevrange(engine.keys.treesByAccount(`${network}:${id}`), 0, Math.max(0, limit - 1), "WITHSCORES");
  const out: { treeId: string; at: number }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ treeId: flat[i] ?? "", at: Number(flat[i + 1]) });
  return out;
}

export interface AccountJob {
  id: string; queue: string; state: string; priority: number; treeId: string; page: string;
  /** The page's state in its tree: `parked` is a delayed job waiting for its account to reconnect. */
  leaf: string;
  attemptsMade: number; timestamp: number; delayUntil: number | null;
}

const OPEN_LEAF = new Set(["pending", "running", "delayed", "parked"]);

/**
 * An account's unfinished jobs, through the open pages of its latest `trees` syncs (as ops.waitingJobsOf), but
 * examining at most `maxLeaves` pages: ≤ maxLeaves/100 HSCANs, then ≤ 5 HGETALL + 1 state script per open page.
 */
export async function accountJobs(engine: Engine, account: string, opts: { trees?: number; maxLeaves?: number } = {}): Promise<{ jobs: AccountJob[]; truncated: boolean }> {
  const { network, id } = requireAccount(account);
  const node = `${network}:${id}`;
  const budget = opts.maxLeaves ?? 200;
  const open: { treeId: string; page: string; leaf: string }[] = [];
  let scanned = 0;
  let truncated = false;
  for (const { treeId } of await treesOfAccount(engine, node, opts.trees ?? 3)) {
    let cursor: string | null = "0";
    while (cursor !== null) {
      if (scanned >= budget) { truncated = true; break; }
      const res: Awaited<ReturnType<typeof engine.tree.leaves>> = await engine.tree.leaves(treeId, node, cursor, Math.min(100, budget - scanned));
      scanned += res.leaves.length;
      cursor = res.next;
      for (const l of res.leaves) if (OPEN_LEAF.has(l.state)) open.push({ treeId, page: l.page, leaf: l.state });
    }
  }
  const found = await Promise.all(open.map(async ({ treeId, page, leaf }) => {
    const jobId = pageJobId(treeId, network, id, page);
    const hits = await Promise.all(QUEUES.map((q) => engine.queues[q].getJob(jobId)));
    const job = hits.find((j): j is Job => Boolean(j));
    if (!job) return null;
    const view: AccountJob = {
      id: job.id ?? jobId, queue: job.queueName, state: await job.getState(), priority: job.priority, treeId, page, leaf,
      attemptsMade: job.attemptsMade, timestamp: job.timestamp, delayUntil: job.delay ? job.timestamp + job.delay : null,
    };
    return view;
  }));
  return { jobs: found.filter((j): j is AccountJob => j !== null), truncated };
}

export interface FailedRow extends FailedEntry {
  /** False when the job is no longer in its queue's failed set (retried or requeued since, or removed). */
  stillFailed: boolean;
}

/**
 * One page of the failed-jobs index (newest first) matching a filter. The cursor is `score:skip` (the last time seen
 * and how many entries at that time were already returned), so a deep page costs the same as the first. At most
 * `budget` index entries are read per call (chunks of 500 with ZREVRANGEBYSCORE … LIMIT): a filter that matches
 * rarely returns a short page with a cursor to continue. Plus one ZSCORE per entry returned.
 */
export async function failedPage(engine: Engine, f: FailedFilter, opts: { cursor?: string | null; limit?: number; budget?: number } = {}):
  Promise<{ entries: FailedRow[]; next: string | null; scanned: number }> {
  const page = await scanFailed(engine, f, opts);
  return { ...page, entries: await markStillFailed(engine, page.entries) };
}

/**
 * The index keeps an entry after its job runs again (a tree requeue, a retry): one ZSCORE per entry says which still
 * failed. Sent together but not as one pipeline: the queues' failed sets live in different cluster slots.
 */
async function markStillFailed(engine: Engine, entries: FailedEntry[]): Promise<FailedRow[]> {
  const scores = await Promise.all(entries.map((e) => (isQueueName(e.queue) ? engine.redis.zscore(engine.queues[e.queue].toKey("failed"), e.jobId) : null)));
  return entries.map((e, i) => ({ ...e, stillFailed: scores[i] !== null && scores[i] !== undefined }));
}

async function scanFailed(engine: Engine, f: FailedFilter, opts: { cursor?: string | null; limit?: number; budget?: number }):
  Promise<{ entries: FailedEntry[]; next: string | null; scanned: number }> {
  if (f.network && !engine.networks.has(f.network)) throw new InputError(`unknown network "${f.network}"`);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const budget = Math.min(Math.max(opts.budget ?? 5_000, limit), 50_000);
  let [max, skip] = parseCursor(opts.cursor, f.toMs);
  const min = f.fromMs ?? "-inf";
  const entries: FailedEntry[] = [];
  let scanned = 0;
  for (;;) {
    const rows = await engine.redis.zrevrangebyscore(engine.keys.failedIndex(), max, min, "WITHSCORES", "LIMIT", skip, 500);
    if (!rows.length) return { entries, next: null, scanned };
    for (let i = 0; i + 1 < rows.length; i += 2) {
      const score = Number(rows[i + 1]);
      skip = String(score) === max ? skip + 1 : 1;
      max = String(score);
      scanned++;
      const [queue = "", jobId = "", network = "", kind = "", acct = ""] = (rows[i] ?? "").split("|");
      if ((f.network && network !== f.network) || (f.kind && kind !== f.kind) || (f.account && acct !== f.account)) continue;
      entries.push({ at: score, queue, jobId, network, kind, account: acct });
      if (entries.length >= limit) return { entries, next: `${max}:${skip}`, scanned };
    }
    if (rows.length < 1_000) return { entries, next: null, scanned }; // fewer than 500 pairs: the range is exhausted
    if (scanned >= budget) return { entries, next: `${max}:${skip}`, scanned };
  }
}

function parseCursor(cursor: string | null | undefined, toMs: number | undefined): [string, number] {
  if (!cursor) return [toMs === undefined ? "+inf" : String(toMs), 0];
  const m = /^(\d{1,16}):(\d{1,9})$/.exec(cursor);
  if (!m?.[1] || !m[2]) throw new InputError("cursor: a value from a previous page");
  return [m[1], Number(m[2])];
}

export interface LeafFailure { page: string; error: string; kind: string; at: number | null }

/** The failure records of some pages of a node: one HMGET on the tree's failed hash. */
export async function leafFailures(engine: Engine, treeId: string, node: string, pages: string[]): Promise<LeafFailure[]> {
  if (!pages.length) return [];
  const raw = await engine.redis.hmget(engine.keys.treeFailed(treeId), ...pages.map((p) => `${node}|${p}`));
  return pages.flatMap((page, i) => {
    const v = raw[i];
    return v ? [{ page, ...readFailure(v) }] : [];
  });
}

/**
 * A node's failed pages with their errors (at most `limit`): HSCAN MATCH on the tree's failed hash, so the cost is
 * bounded by the tree's failed pages (≤ limit/100 + failed/100 round trips), not by its size.
 */
export async function failedOfNode(engine: Engine, treeId: string, node: string, limit = 100): Promise<(LeafFailure & { payload?: unknown; queue?: string })[]> {
  const out: (LeafFailure & { payload?: unknown; queue?: string })[] = [];
  let cursor = "0";
  do {
    const [next, flat] = await engine.redis.hscan(engine.keys.treeFailed(treeId), cursor, "MATCH", `${globEscape(node)}|*`, "COUNT", 200);
    cursor = next;
    for (let i = 0; i + 1 < flat.length && out.length < limit; i += 2) {
      const field = flat[i] ?? "";
      const page = field.slice(field.lastIndexOf("|") + 1);
      const v = JSON.parse(flat[i + 1] ?? "{}") as { payload?: unknown; queue?: string };
      out.push({ page, ...readFailure(flat[i + 1] ?? "{}"), ...(v.payload ? { payload: v.payload, queue: v.queue ?? "default" } : {}) });
    }
  } while (cursor !== "0" && out.length < limit);
  return out;
}

function readFailure(json: string): Omit<LeafFailure, "page"> {
  const v = JSON.parse(json) as { error?: string; kind?: string; at?: number };
  return { error: v.error ?? "", kind: v.kind ?? "unknown", at: v.at ?? null };
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * "Requeue failed" on a subtree: re-runs exactly one node's failed pages (as ops.requeueTree does for the whole
 * tree), keeps the tree from expiring while it runs again, and audits it. Safe to run twice.
 */
export async function requeueNode(engine: Engine, treeId: string, node: string, actor: Actor): Promise<{ treeId: string; node: string; requeued: number }> {
  const meta = await engine.tree.meta(treeId);
  if (!meta.state) throw new NotFoundError(`unknown tree ${treeId}`);
  if (!(await engine.tree.node(treeId, node))) throw new NotFoundError(`tree ${treeId} has no node ${node}`);
  let requeued = 0;
  for (;;) {
    const failed = await failedOfNode(engine, treeId, node, 500);
    let ran = 0;
    for (const f of failed) if (await rerunFailedPage(engine, treeId, { ...f, node })) ran++;
    requeued += ran;
    if (ran < 500) break;
  }
  if (requeued) await persistTree(engine, treeId, [node]);
  await audit(engine, actor, "requeue-node", { treeId, node, requeued });
  return { treeId, node, requeued };
}

export interface QueueThroughput { queue: QueueName; completed: MinuteCounts; failed: MinuteCounts }
/** BullMQ's per-minute metrics: `data` newest first, ending the minute before `prevTS`'s; count − prevCount is that minute so far. */
export interface MinuteCounts { count: number; prevTS: number; prevCount: number; data: number[] }

/** Completed/failed per minute for every queue (BullMQ's own metrics, written by the workers): 2 reads per queue. */
export async function throughput(engine: Engine, minutes = 60): Promise<QueueThroughput[]> {
  const n = Math.min(Math.max(minutes, 1), 1_440);
  return Promise.all(QUEUES.map(async (queue) => {
    const [c, f] = await Promise.all([engine.queues[queue].getMetrics("completed", 0, n - 1), engine.queues[queue].getMetrics("failed", 0, n - 1)]);
    return { queue, completed: { ...c.meta, data: c.data }, failed: { ...f.meta, data: f.data } };
  }));
}

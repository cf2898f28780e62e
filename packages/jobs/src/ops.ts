import type { Job } from "bullmq";
import { parseAccount } from "./accounts.ts";
import { purgeAccountData } from "./delivery/purge.ts";
import type { Engine } from "./engine.ts";
import { resumeParked } from "./parking.ts";
import { parsePayload } from "./payloads.ts";
import { isQueueName, pageJobId, PRIORITIES, QUEUES, type QueueName } from "./queues.ts";
import { publishSettled } from "./settle.ts";
import { markConnected } from "./trickle.ts";
import { networkGauges } from "./limiter/gauges.ts";
import type { TreeDoc } from "./tree/tree.ts";

/**
 * The operator library API: every action the CLI and the console offer is written once, here. Each mutating action
 * lands in the audit log (a Redis stream) with who did it and how many jobs it touched.
 */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

export interface Actor { name: string; via: "cli" | "console" | "api" }
/** Who acted, when a caller does not say (the CLI passes the shell user). */
const CLI: Actor = { name: "cli", via: "cli" };

export function requireAccount(account: string): { network: string; id: string } {
  const p = parseAccount(account);
  if (!p) throw new InputError(`"${account}" is not NETWORK:ACCOUNT_ID`);
  return p;
}

export async function audit(engine: Engine, actor: Actor, action: string, details: Record<string, unknown>): Promise<void> {
  await engine.redis.xadd(engine.keys.audit(), "MAXLEN", "~", 100_000, "*",
    "at", String(engine.clock.now()), "who", actor.name, "via", actor.via, "action", action, "details", JSON.stringify(details));
}

/** The tree document of INTERFACES.md (`fanout tree --json`); `unknown` for an id that does not exist or expired. */
export async function treeDoc(engine: Engine, treeId: string): Promise<TreeDoc> {
  const doc = await engine.tree.read(treeId);
  return { ...doc, failed: doc.failed.map(({ node, page, error, kind, at }) => ({ node, page, error, kind, ...(at ? { at } : {}) })) };
}

/** Sum of the stored follower counts of a tree's accounts. */
export async function treeFollowers(engine: Engine, treeId: string): Promise<number> {
  const meta = await engine.tree.meta(treeId);
  const accounts = meta.accounts ? (JSON.parse(meta.accounts) as string[]) : [];
  let total = 0;
  for (const a of accounts) {
    const p = parseAccount(a);
    if (p) total += (await engine.followers.info(p.network, p.id)).count;
  }
  return total;
}

/**
 * Waits until the tree settles, woken by the settled-events stream rather than polling every job; `onProgress` gets
 * the tree document at most once per `progressMs`. Resolves with the last document (settled, or not when timed out).
 */
export async function waitForTree(engine: Engine, treeId: string, opts: { timeoutMs?: number; progressMs?: number; onProgress?: (doc: TreeDoc) => void } = {}): Promise<TreeDoc> {
  const deadline = engine.clock.now() + (opts.timeoutMs ?? 3_600_000);
  const blocking = engine.redis.duplicate();
  try {
    let lastId = "$";
    for (;;) {
      const doc = await treeDoc(engine, treeId);
      opts.onProgress?.(doc);
      if (doc.settledAt || doc.state === "unknown") return doc;
      const left = deadline - engine.clock.now();
      if (left <= 0) return doc;
      const res = (await blocking.xread("BLOCK", Math.min(left, opts.progressMs ?? 1_000), "STREAMS", engine.keys.treeEvents(), lastId)) as [string, [string, string[]][]][] | null;
      const entries = res?.[0]?.[1] ?? [];
      if (entries.length) lastId = entries[entries.length - 1]?.[0] ?? lastId;
    }
  } finally {
    blocking.disconnect();
  }
}

/** Re-runs exactly the failed pages of a tree (and the paging cut off behind them); safe to run twice. */
export async function requeueTree(engine: Engine, treeId: string, actor: Actor = CLI): Promise<{ treeId: string; requeued: number }> {
  const meta = await engine.tree.meta(treeId);
  if (!meta.state) throw new NotFoundError(`unknown tree ${treeId}`);
  let requeued = 0;
  for (const f of await engine.tree.failedLeaves(treeId)) if (await rerunFailedPage(engine, treeId, f)) requeued++;
  if (requeued) await persistTree(engine, treeId);
  await audit(engine, actor, "requeue-tree", { treeId, requeued });
  return { treeId, requeued };
}

/**
 * One failed page runs again: its leaf goes back to pending, and its job is retried (fresh attempts) or, when BullMQ
 * no longer keeps it, added again under its deterministic id. False for a leaf without a payload (nothing to run).
 */
export async function rerunFailedPage(engine: Engine, treeId: string, f: { node: string; page: string; payload?: unknown; queue?: string | null }): Promise<boolean> {
  if (!f.payload) return false;
  const p = parsePayload("followers.page", f.payload);
  await engine.tree.requeue(treeId, f.node, f.page);
  const queueName: QueueName = f.queue && isQueueName(f.queue) ? f.queue : "default";
  const queue = engine.queues[queueName];
  const jobId = pageJobId(p.treeId, p.network, p.accountId, p.page);
  const job: Job | undefined = await queue.getJob(jobId);
  if (job && (await job.isFailed())) await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
  else if (!job) await queue.add("followers.page", { ...p, authRetried: false }, { jobId });
  return true;
}

/** A tree (or some of its nodes) running again must not expire under it: the tree's keys and the nodes' keys lose their TTL. */
export async function persistTree(engine: Engine, treeId: string, nodes?: string[]): Promise<void> {
  const { keys } = engine;
  const which = nodes ?? await engine.redis.zrange(keys.treeNodes(treeId), 0, -1);
  const p = engine.redis.pipeline();
  for (const k of [keys.treeMeta(treeId), keys.treeCounts(treeId), keys.treeNodes(treeId), keys.treeFailed(treeId)]) p.persist(k);
  for (const n of which) for (const k of [keys.treeNode(treeId, n), keys.treeLeaves(treeId, n), keys.treeStaging(treeId, n), keys.treeCursors(treeId, n), keys.treeCover(treeId, n)]) p.persist(k);
  await p.exec();
}

export async function followersOf(engine: Engine, account: string): Promise<{ account: string; count: number; sha256: string; version: number; updatedAt: number | null }> {
  const { network, id } = requireAccount(account);
  const info = await engine.followers.info(network, id);
  if (info.version === 0 && !(await engine.accounts.info(network, id))) throw new NotFoundError(`unknown account ${account}`);
  const d = await engine.followers.digest(network, id);
  return { account: `${network}:${id}`, count: d.count, sha256: d.sha256, version: info.version, updatedAt: info.updatedAt };
}

/** Stores the token (sealed) and resumes the jobs that were parked while the account was disconnected. */
export async function connectAccount(engine: Engine, account: string, token: string, refreshToken: string | null = null, actor: Actor = CLI): Promise<{ account: string; connected: true; resumed: number }> {
  const { network, id } = requireAccount(account);
  if (!engine.networks.has(network)) throw new InputError(`unknown network "${network}"`);
  if (!token || token.length > 8_192 || /\s/.test(token)) throw new InputError("the token must be 1–8192 characters without spaces");
  await engine.accounts.connect(network, id, token, refreshToken);
  await markConnected(engine, `${network}:${id}`);
  // After the token: a processor parking meanwhile sees it and wakes its own job (parking.ts).
  const resumed = await resumeParked(engine, network, id);
  await audit(engine, actor, "connect", { account: `${network}:${id}`, resumed });
  return { account: `${network}:${id}`, connected: true, resumed };
}

export async function disconnectAccount(engine: Engine, account: string, purge: boolean, actor: Actor = CLI): Promise<{ account: string; connected: false; purged: boolean; removed: number }> {
  const { network, id } = requireAccount(account);
  const node = `${network}:${id}`;
  const known = await engine.accounts.disconnect(network, id);
  if (!known) throw new NotFoundError(`unknown account ${account}`);
  // The parked jobs' tickets go first: a reconnect racing this must not wake jobs that are being removed.
  await engine.accounts.takeParked(network, id);
  // Issue 12: a purge deletes every key of the account, its part of recent syncs (jobs removed, open pages ended, the
  // trees announced once its node is gone), its earlier audit entries and its sink rows (delivery/purge.ts).
  const report = purge ? await purgeAccountData(engine, network, id) : null;
  let removed = report?.jobs ?? 0;
  if (!report) {
    // Its waiting jobs (parked ones included) are removed and their pages ended, so every sync it was in settles.
    for (const treeId of await engine.redis.zrange(engine.keys.treesByAccount(node), 0, -1)) {
      // Settled (or expired) trees have no open page.
      if ((await engine.redis.hget(engine.keys.treeMeta(treeId), "state")) === "open") removed += await closeOpenPages(engine, treeId, node, "account disconnected");
    }
  }
  await engine.redis.zrem(engine.keys.accountsDue(), node);
  await audit(engine, actor, purge ? "disconnect-purge" : "disconnect", { account: node, removed, ...(report ? { auditEntries: report.auditEntries } : {}) });
  return { account: node, connected: false, purged: purge, removed };
}

/** TARGET: a queue name, or `network:NAME` (that network's jobs wait in every queue; others flow). */
export async function setPaused(engine: Engine, target: string, paused: boolean, actor: Actor = CLI): Promise<{ target: string; paused: boolean }> {
  if (target.startsWith("network:")) {
    const network = target.slice("network:".length);
    if (!engine.networks.has(network)) throw new InputError(`unknown network "${network}"`);
    if (paused) await engine.redis.sadd(engine.keys.networkPaused(), network);
    else await engine.redis.srem(engine.keys.networkPaused(), network);
  } else if (isQueueName(target)) {
    if (paused) await engine.queues[target].pause();
    else await engine.queues[target].resume();
  } else {
    throw new InputError(`unknown target "${target}": a queue (${QUEUES.join(", ")}) or network:NAME`);
  }
  await audit(engine, actor, paused ? "pause" : "resume", { target });
  return { target, paused };
}

export interface Stats {
  at: number;
  queues: Record<string, Record<string, number> & { paused: number }>;
  /** `whaleSlots`: whale jobs this process takes at a time now, of its full concurrency (fewer while it yields). */
  workers: { id: string; host: string; pid: number; queues: string[]; active: number; at: number; whaleSlots?: { now: number; full: number } | null }[];
  networks: Record<string, {
    paused: boolean; breaker: string; errorsLastHour: Record<string, number>;
    limits: { key: string; used: number; max: number | null; resetAt: number | null; blockedUntil: number | null }[];
    adaptive: { engaged: boolean; rate: number; ceiling: number; throttles: number };
  }>;
}

export async function stats(engine: Engine): Promise<Stats> {
  const now = engine.clock.now();
  const queues: Stats["queues"] = {};
  for (const q of QUEUES) {
    const counts = await engine.queues[q].getJobCounts("wait", "active", "delayed", "prioritized", "completed", "failed");
    queues[q] = { ...counts, paused: (await engine.queues[q].isPaused()) ? 1 : 0 };
  }
  await engine.redis.zremrangebyscore(engine.keys.workers(), "-inf", now - 60_000);
  const ids = await engine.redis.zrange(engine.keys.workers(), 0, -1);
  const docs = ids.length ? await engine.redis.mget(...ids.map((i) => engine.keys.worker(i))) : [];
  const workers = docs.filter((d): d is string => d !== null).map((d) => JSON.parse(d) as Stats["workers"][number]);
  const paused = new Set(await engine.redis.smembers(engine.keys.networkPaused()));
  const networks: Stats["networks"] = {};
  for (const name of engine.networks.keys()) {
    const breaker = await engine.limiter.breaker.state(name);
    const buckets = await engine.errors.buckets(name, now - 3_600_000, now);
    const byKind: Record<string, number> = {};
    for (const b of buckets) for (const [k, n] of Object.entries(b.counts)) {
      const kind = k.split("|")[0] ?? "unknown";
      byKind[kind] = (byKind[kind] ?? 0) + n;
    }
    const g = await networkGauges(engine, name, 5);
    networks[name] = {
      paused: paused.has(name), breaker: breaker.state ?? "closed", errorsLastHour: byKind,
      limits: g.keys.map(({ key, used, max, resetAt, blockedUntil }) => ({ key, used, max, resetAt, blockedUntil })),
      adaptive: { engaged: g.adaptive.ceiling > 0, rate: g.adaptive.rate, ceiling: g.adaptive.ceiling, throttles: g.adaptive.throttles },
    };
  }
  return { at: now, queues, workers, networks };
}

const OPEN_LEAF = new Set(["pending", "delayed", "parked"]);
const WAITING_STATES = new Set(["waiting", "prioritized", "delayed", "paused", "waiting-children"]);

/** The job of that id that has not started, in whichever queue holds one (a whale move can leave a copy in two). */
async function waitingJob(engine: Engine, jobId: string): Promise<Job | null> {
  for (const q of QUEUES) {
    const job = await engine.queues[q].getJob(jobId);
    if (job && WAITING_STATES.has(await job.getState())) return job;
  }
  return null;
}

/**
 * An account's jobs that have not run yet, found through its recent trees' open pages (no extra index to keep):
 * the cost is bounded by the open pages of the account's last `trees` syncs.
 */
export async function waitingJobsOf(engine: Engine, account: string, trees = 5): Promise<Job[]> {
  const { network, id } = requireAccount(account);
  const node = `${network}:${id}`;
  const treeIds = await engine.redis.zrevrange(engine.keys.treesByAccount(node), 0, trees - 1);
  const jobs: Job[] = [];
  for (const treeId of treeIds) {
    let cursor: string | null = "0";
    while (cursor !== null) {
      const res: Awaited<ReturnType<typeof engine.tree.leaves>> = await engine.tree.leaves(treeId, node, cursor, 500);
      cursor = res.next;
      const open = res.leaves.filter((l) => OPEN_LEAF.has(l.state));
      for (const l of open) {
        const job = await waitingJob(engine, pageJobId(treeId, network, id, l.page));
        if (job) jobs.push(job);
      }
    }
  }
  return jobs;
}

/**
 * Moves an account (and its waiting jobs) to the whale queue, or back. Idempotent by job id, so safe across cluster
 * slots and safe to run twice: add to the target queue first, then remove from the old one.
 */
export async function setWhale(engine: Engine, account: string, on: boolean, actor: Actor = CLI): Promise<{ account: string; whale: boolean; moved: number }> {
  const { network, id } = requireAccount(account);
  const node = `${network}:${id}`;
  if (!(await engine.accounts.info(network, id)) && !(await engine.redis.exists(engine.keys.treesByAccount(node)))) {
    throw new NotFoundError(`unknown account ${account}`);
  }
  if (on) await engine.whales.flag(node, "moved by an operator", null, true);
  else await engine.whales.unflag(node);
  const moved = await moveWaitingJobs(engine, node, on ? "whales" : "default");
  await audit(engine, actor, on ? "whale-on" : "whale-off", { account: node, moved });
  return { account: node, whale: on, moved };
}

/**
 * Moves an account's waiting jobs to `target`: add there first (same job id), then remove from the old queue, so a
 * crash in between leaves a duplicate id that runs once in effect (idempotent pages), never a lost page. Running
 * jobs finish where they are; their successors follow the whale flag.
 */
export async function moveWaitingJobs(engine: Engine, node: string, target: QueueName): Promise<number> {
  let moved = 0;
  for (const job of await waitingJobsOf(engine, node)) {
    if (job.queueName === target) continue;
    const delayedUntil = (await job.getState()) === "delayed" ? job.timestamp + (job.delay || (job.opts.delay ?? 0)) : 0;
    await engine.queues[target].add(job.name, job.data, {
      jobId: job.id, ...(job.priority ? { priority: job.priority } : {}),
      ...(delayedUntil > engine.clock.now() ? { delay: delayedUntil - engine.clock.now() } : {}),
    });
    // A job that started meanwhile stays where it is (locked): its copy in `target` runs once in effect.
    await job.remove().catch((err: unknown) => engine.log.debug({ jobId: job.id, err: String(err) }, "moved job started meanwhile"));
    moved++;
  }
  return moved;
}

/** Changes the priority of an account's waiting jobs. */
export async function reprioritize(engine: Engine, account: string, priority: keyof typeof PRIORITIES, actor: Actor = CLI): Promise<{ account: string; priority: string; changed: number }> {
  if (!(priority in PRIORITIES)) throw new InputError(`priority must be one of ${Object.keys(PRIORITIES).join(", ")}`);
  const node = `${requireAccount(account).network}:${requireAccount(account).id}`;
  let changed = 0;
  for (const job of await waitingJobsOf(engine, node)) {
    await job.changePriority({ priority: PRIORITIES[priority] });
    changed++;
  }
  await audit(engine, actor, "reprioritize", { account: node, priority, changed });
  return { account: node, priority, changed };
}

/** Cancels a sync: its waiting pages are removed and recorded as failed (cancelled), so the tree settles partial or failed. */
export async function cancelTree(engine: Engine, treeId: string, actor: Actor = CLI): Promise<{ treeId: string; cancelled: number }> {
  const meta = await engine.tree.meta(treeId);
  if (!meta.state) throw new NotFoundError(`unknown tree ${treeId}`);
  await engine.redis.hset(engine.keys.treeMeta(treeId), "cancelled", "1");
  const accounts = meta.accounts ? (JSON.parse(meta.accounts) as string[]) : [];
  let cancelled = 0;
  for (const account of accounts) cancelled += await closeOpenPages(engine, treeId, account, "cancelled by an operator");
  await audit(engine, actor, "cancel-tree", { treeId, cancelled });
  return { treeId, cancelled };
}

/**
 * Ends an account's open pages in one tree (pending, delayed or parked): each one's job is removed when it has not
 * started, and the page is recorded failed (kind "cancelled", with `error`), so the tree settles. A job running at
 * this moment finishes; its page stays failed. Answers how many pages it ended.
 */
async function closeOpenPages(engine: Engine, treeId: string, account: string, error: string): Promise<number> {
  const { network, id } = requireAccount(account);
  let closed = 0;
  let cursor: string | null = "0";
  while (cursor !== null) {
    const res: Awaited<ReturnType<typeof engine.tree.leaves>> = await engine.tree.leaves(treeId, account, cursor, 500);
    cursor = res.next;
    for (const l of res.leaves.filter((x) => OPEN_LEAF.has(x.state))) {
      await (await waitingJob(engine, pageJobId(treeId, network, id, l.page)))?.remove();
      const r = await engine.tree.fail(treeId, account, l.page, { error, kind: "cancelled" });
      closed++;
      if (r.treeState) await publishSettled(engine, treeId, r.treeState);
    }
  }
  return closed;
}

export interface AuditEntry { id: string; at: number; who: string; via: string; action: string; details: Record<string, unknown> }

/** The audit log, newest first, one page at a time (`before` is the last id seen). */
export async function auditLog(engine: Engine, opts: { limit?: number; before?: string; action?: string; who?: string } = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const out: AuditEntry[] = [];
  let end = opts.before ? `(${opts.before}` : "+";
  for (let rounds = 0; out.length < limit && rounds < 20; rounds++) {
    const rows = (await engine.redis.xrevrange(engine.keys.audit(), end, "-", "COUNT", limit * 2)) as [string, string[]][];
    if (!rows.length) break;
    for (const [id, flat] of rows) {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i] ?? ""] = flat[i + 1] ?? "";
      const e: AuditEntry = { id, at: Number(f.at), who: f.who ?? "", via: f.via ?? "", action: f.action ?? "", details: JSON.parse(f.details ?? "{}") as Record<string, unknown> };
      if ((opts.action && e.action !== opts.action) || (opts.who && e.who !== opts.who)) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    end = `(${rows[rows.length - 1]?.[0] ?? "0"}`;
  }
  return out;
}

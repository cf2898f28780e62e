import type { Job, JobType } from "bullmq";
import type { Engine } from "./engine.ts";
import { audit, InputError, NotFoundError, type Actor } from "./ops.ts";
import { parsePayload } from "./payloads.ts";
import { isQueueName, PRIORITIES, QUEUES, type Priority, type QueueName } from "./queues.ts";

/**
 * Jobs as operators see them: lists that page through millions by state (BullMQ's own sorted sets and lists,
 * ranged by index: O(log N + page) per request), a job by id at once (ids are deterministic, at most one lookup
 * per queue), failed jobs by network, kind and time (the failed index), and the per-job actions.
 */
export const JOB_STATES = ["wait", "prioritized", "active", "delayed", "failed", "completed"] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobView {
  id: string; queue: string; name: string; state: string; data: unknown; priority: number;
  attemptsMade: number; attemptsStarted: number; timestamp: number; processedOn: number | null; finishedOn: number | null;
  failedReason: string | null; stacktrace: string[]; delayUntil: number | null;
}

async function view(job: Job, state?: string): Promise<JobView> {
  return {
    id: job.id ?? "", queue: job.queueName, name: job.name, state: state ?? (await job.getState()), data: job.data,
    priority: job.priority, attemptsMade: job.attemptsMade, attemptsStarted: job.attemptsStarted,
    timestamp: job.timestamp, processedOn: job.processedOn ?? null, finishedOn: job.finishedOn ?? null,
    failedReason: job.failedReason || null, stacktrace: job.stacktrace ?? [],
    delayUntil: job.delay ? job.timestamp + job.delay : null,
  };
}

function queueOf(engine: Engine, queue: string) {
  if (!isQueueName(queue)) throw new InputError(`unknown queue "${queue}": one of ${QUEUES.join(", ")}`);
  return engine.queues[queue];
}

/** One page of a queue's jobs in one state; `start` is an index (0-based). */
export async function listJobs(engine: Engine, queue: string, state: string, start = 0, limit = 50): Promise<{ jobs: JobView[]; total: number; next: number | null }> {
  if (!(JOB_STATES as readonly string[]).includes(state)) throw new InputError(`unknown state "${state}": one of ${JOB_STATES.join(", ")}`);
  if (!Number.isInteger(start) || start < 0) throw new InputError("start must be a whole number ≥ 0");
  const n = Math.min(Math.max(Math.trunc(limit), 1), 500);
  const q = queueOf(engine, queue);
  const [jobs, counts] = await Promise.all([q.getJobs([state as JobType], start, start + n - 1, state !== "completed" && state !== "failed"), q.getJobCounts(state as JobType)]);
  const total = counts[state] ?? 0;
  return { jobs: await Promise.all(jobs.filter(Boolean).map((j) => view(j, state))), total, next: start + n < total ? start + n : null };
}

/** A job by id, whichever queue it is in. */
export async function findJob(engine: Engine, id: string): Promise<{ job: Job; view: JobView } | null> {
  if (!id || id.length > 512) throw new InputError("a job id is 1–512 characters");
  for (const q of QUEUES) {
    const job = await engine.queues[q].getJob(id);
    if (job) return { job, view: await view(job) };
  }
  return null;
}

export async function jobDetail(engine: Engine, id: string): Promise<JobView & { logs: string[] }> {
  const found = await findJob(engine, id);
  if (!found) throw new NotFoundError(`no job ${id}`);
  const logs = await engine.queues[found.job.queueName as QueueName].getJobLogs(id, 0, 99);
  return { ...found.view, logs: logs.logs };
}

export type JobAction = "retry" | "promote" | "remove" | "reprioritize";

/** Per-job actions; a retried page goes back to running in its tree (a failed page moves from failed to pending). */
export async function jobAction(engine: Engine, id: string, action: JobAction, actor: Actor, priority?: Priority): Promise<{ id: string; action: JobAction; state: string }> {
  const found = await findJob(engine, id);
  if (!found) throw new NotFoundError(`no job ${id}`);
  const { job } = found;
  const state = found.view.state;
  switch (action) {
    case "retry": {
      if (state !== "failed") throw new InputError(`only a failed job can be retried (this one is ${state})`);
      const p = parsePayload("followers.page", job.data);
      await engine.tree.requeue(p.treeId, `${p.network}:${p.accountId}`, p.page);
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      break;
    }
    case "promote":
      if (state !== "delayed") throw new InputError(`only a delayed job can be promoted (this one is ${state})`);
      await job.promote();
      break;
    case "remove":
      if (state === "active") throw new InputError("an active job cannot be removed; wait for it to finish");
      await job.remove();
      break;
    case "reprioritize":
      if (!priority || !(priority in PRIORITIES)) throw new InputError(`priority must be one of ${Object.keys(PRIORITIES).join(", ")}`);
      if (state !== "wait" && state !== "prioritized" && state !== "delayed") throw new InputError(`only a waiting job can be reprioritized (this one is ${state})`);
      await job.changePriority({ priority: PRIORITIES[priority] });
      break;
  }
  await audit(engine, actor, `job-${action}`, { id, ...(priority ? { priority } : {}) });
  return { id, action, state: action === "remove" ? "removed" : await job.getState() };
}

export interface FailedFilter { network?: string; account?: string; kind?: string; fromMs?: number; toMs?: number }

export interface FailedEntry { at: number; queue: string; jobId: string; network: string; kind: string; account: string }

/** Failed page jobs matching a filter, newest first; the cost is bounded by the failures in the time range. */
export async function failedJobs(engine: Engine, f: FailedFilter, limit = 1_000): Promise<FailedEntry[]> {
  if (f.network && !engine.networks.has(f.network)) throw new InputError(`unknown network "${f.network}"`);
  const rows = await engine.redis.zrevrangebyscore(engine.keys.failedIndex(), f.toMs ?? "+inf", f.fromMs ?? "-inf", "WITHSCORES");
  const out: FailedEntry[] = [];
  for (let i = 0; i + 1 < rows.length && out.length < limit; i += 2) {
    const [queue = "", jobId = "", network = "", kind = "", account = ""] = (rows[i] ?? "").split("|");
    if ((f.network && network !== f.network) || (f.kind && kind !== f.kind) || (f.account && account !== f.account)) continue;
    out.push({ at: Number(rows[i + 1]), queue, jobId, network, kind, account });
  }
  return out;
}

/**
 * Requeues every failed job matching the filter (bulk recovery across trees). Safe to run twice: a job that is no
 * longer failed is skipped. `dryRun` only counts, so the console can show how many jobs an action will touch.
 */
export async function requeueFailed(engine: Engine, f: FailedFilter, actor: Actor, dryRun = false): Promise<{ matched: number; requeued: number }> {
  const entries = await failedJobs(engine, f, 100_000);
  if (dryRun) return { matched: entries.length, requeued: 0 };
  let requeued = 0;
  for (const e of entries) {
    if (!isQueueName(e.queue)) continue;
    const job = await engine.queues[e.queue].getJob(e.jobId);
    if (!job || !(await job.isFailed())) continue;
    const p = parsePayload("followers.page", job.data);
    await engine.tree.requeue(p.treeId, `${p.network}:${p.accountId}`, p.page);
    await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    await engine.redis.zrem(engine.keys.failedIndex(), [e.queue, e.jobId, e.network, e.kind, e.account].join("|"));
    requeued++;
  }
  await audit(engine, actor, "requeue-failed", { filter: f, matched: entries.length, requeued });
  return { matched: entries.length, requeued };
}

import { UnrecoverableError, Worker, type JobsOptions, type Queue } from "bullmq";
import { pageJobId, PRIORITIES, type QueueName } from "@fanout/jobs/queues";
import { waitUntil } from "./stats.ts";
import type { BenchEngine } from "./workers.ts";

/**
 * Filling the engine's queues with page jobs fast: BullMQ addBulk in batches of 5,000, the job name, payload shape,
 * ids and options the engine itself uses (sync.ts, processor.ts), no workers or simnet. Completed and failed jobs
 * are real BullMQ completions: a throw-away Worker runs them before the waiting jobs are added, so it takes nothing
 * else.
 */
export interface QueueMix {
  queue: QueueName;
  /** Waiting with a priority (first pages and their successors carry the sync's priority). */
  prioritized?: number;
  priority?: keyof typeof PRIORITIES;
  /** Waiting without one (a page re-added by an operator's requeue). */
  wait?: number;
  /** Delayed: backoff, rate limits, parked pages. */
  delayed?: number;
  completed?: number;
  failed?: number;
}

const BATCH = 5_000;

/** A realistic page payload: a Twitter cursor page in the middle of an account's list (~300 bytes of JSON). */
export function pagePayload(treeId: string, account: number, page: number): Record<string, unknown> {
  return {
    treeId, network: "twitter", accountId: `acct${account}`, authAccount: `acct${account}`, page: `p${page}`,
    cursor: String(1_790_000_000_000_000_000n + BigInt(account * 1_000 + page)), offset: 0, pageSize: 1_000, mode: "cursor",
    window: 1, authRetried: false,
  };
}

interface Spec { data: Record<string, unknown>; opts: JobsOptions }

/** `count` page jobs of one tree: 100 pages per account, ids as pageJobId builds them. */
function specs(treeId: string, from: number, count: number, opts: (k: number) => JobsOptions): Spec[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const account = Math.floor(i / 100);
    const page = i % 100;
    return { data: pagePayload(treeId, account, page), opts: { ...opts(k), jobId: pageJobId(treeId, "twitter", `acct${account}`, `p${page}`) } };
  });
}

async function addAll(queue: Queue, all: Spec[]): Promise<void> {
  for (let i = 0; i < all.length; i += BATCH) {
    await queue.addBulk(all.slice(i, i + BATCH).map((s) => ({ name: "followers.page", data: s.data, opts: s.opts })));
  }
}

/** Adds the mix; returns the jobs per state actually added. Completed jobs beyond removeOnComplete's count are trimmed by BullMQ. */
export async function seedJobs(engine: BenchEngine, mix: QueueMix[], treeId = "tseed"): Promise<Record<string, number>> {
  const added: Record<string, number> = {};
  let next = 0;
  const take = (n: number) => { const from = next; next += n; return from; };
  for (const m of mix) {
    const queue = engine.queues[m.queue];
    const finish = (m.completed ?? 0) + (m.failed ?? 0);
    if (finish) {
      // Alone in the queue while they run: the worker takes these and nothing else.
      const from = take(finish);
      const failFrom = from + (m.completed ?? 0);
      await addAll(queue, specs(treeId, from, finish, () => ({})));
      await runToEnd(engine, queue, (index) => index >= failFrom);
    }
    const priority = PRIORITIES[m.priority ?? "normal"];
    if (m.prioritized) await addAll(queue, specs(treeId, take(m.prioritized), m.prioritized, () => ({ priority })));
    if (m.wait) await addAll(queue, specs(treeId, take(m.wait), m.wait, () => ({})));
    // Spread over 10 to 60 minutes, as backoffs and limit waits are: none comes due while the bench runs.
    if (m.delayed) await addAll(queue, specs(treeId, take(m.delayed), m.delayed, (k) => ({ delay: 600_000 + ((k * 997) % 3_000_000) })));
    for (const k of ["prioritized", "wait", "delayed", "completed", "failed"] as const) added[k] = (added[k] ?? 0) + (m[k] ?? 0);
  }
  return added;
}

/** A Worker on the queue until it is empty: jobs whose index `fails` picks fail for good, the rest complete. */
async function runToEnd(engine: BenchEngine, queue: Queue, fails: (index: number) => boolean): Promise<void> {
  const connection = engine.redis.duplicate();
  const worker = new Worker(queue.name, async (job) => {
    const data = job.data as { accountId: string; page: string };
    const index = Number(data.accountId.slice("acct".length)) * 100 + Number(data.page.slice(1));
    if (fails(index)) throw new UnrecoverableError("HTTP 500 (bench seed)");
  }, { connection, prefix: queue.opts.prefix, concurrency: 200 });
  try {
    await waitUntil(() => queue.getJobCounts("wait", "prioritized", "active"), (c) => (c.wait ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0) === 0,
      600_000, `the seeded jobs of ${queue.name} to finish`, 250);
  } finally {
    await worker.close();
    await connection.quit();
  }
}

import type { FailedFilter, JobView } from "@fanout/jobs/jobs";
import type { AccountDoc, FailedDoc, JobDetailDoc, JobListDoc, JobRow } from "../api-types.ts";
import { accountOf, safePayload } from "../jobs-data.ts";
import { services } from "../services.ts";

/** The job browser: lists by index (never loading a whole state), one job by id, an account's jobs, failed jobs. */
export function toRow(v: JobView): JobRow {
  const d = (v.data ?? {}) as { page?: unknown; treeId?: unknown };
  return {
    id: v.id, queue: v.queue, name: v.name, state: v.state, account: accountOf(v.data),
    page: typeof d.page === "string" ? d.page : null, treeId: typeof d.treeId === "string" ? d.treeId : null,
    priority: v.priority, attemptsMade: v.attemptsMade, timestamp: v.timestamp, processedOn: v.processedOn, finishedOn: v.finishedOn,
    failedReason: v.failedReason ? v.failedReason.slice(0, 300) : null, delayUntil: v.delayUntil,
  };
}

/** One page of a queue's jobs in one state: BullMQ ranges its own sorted sets/lists by index, O(log N + page). */
export async function loadJobList(queue: string, state: string, start: number, limit: number): Promise<JobListDoc> {
  const s = services();
  const page = await s.jobs.listJobs(s.engine, queue, state, start, limit);
  return { queue, state, start, jobs: page.jobs.map(toRow), total: page.total, next: page.next };
}

/** A job with its payload (known primitive fields only), attempts, error, stack and its last 100 log lines. */
export async function loadJobDetail(id: string): Promise<JobDetailDoc> {
  const s = services();
  const d = await s.jobs.jobDetail(s.engine, id);
  return { ...toRow(d), payload: safePayload(d.data), attemptsStarted: d.attemptsStarted, stacktrace: d.stacktrace.slice(0, 10), logs: d.logs };
}

/** At most this many failed entries per account view (the failed-jobs page pages further). */
const ACCOUNT_FAILED = 50;

export async function loadAccount(account: string): Promise<AccountDoc> {
  const s = services();
  const { engine } = s;
  const sep = account.indexOf(":");
  const network = account.slice(0, sep);
  const id = account.slice(sep + 1);
  const [info, whale, trees, jobs, failed] = await Promise.all([
    engine.accounts.info(network, id),
    engine.whales.list().then((w) => w.find((x) => x.account === account) ?? null),
    s.queries.treesOfAccount(engine, account, 10),
    s.queries.accountJobs(engine, account, { trees: 3, maxLeaves: 300 }),
    s.queries.failedPage(engine, { account }, { limit: ACCOUNT_FAILED }),
  ]);
  const docs = await Promise.all(trees.map((t) => engine.tree.read(t.treeId, 1)));
  return {
    account, known: info !== null || trees.length > 0, connected: info ? info.connected : null, reason: info?.reason ?? null,
    connectedAt: info?.connectedAt ?? null, disconnectedAt: info?.disconnectedAt ?? null, whale,
    trees: trees.map((t, i) => ({ treeId: t.treeId, at: t.at, state: docs[i]?.state ?? "unknown", counts: docs[i]?.counts ?? { pending: 0, running: 0, done: 0, failed: 0, parked: 0, delayed: 0 } })),
    jobs: jobs.jobs, truncated: jobs.truncated, failed: failed.entries,
  };
}

export async function loadFailed(f: FailedFilter, cursor: string | null, limit: number): Promise<FailedDoc> {
  const s = services();
  return s.queries.failedPage(s.engine, f, { cursor, limit });
}

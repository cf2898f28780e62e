/**
 * The baselines Fanout is measured against: a plain BullMQ worker process, written the way one would without
 * Fanout — no limiter of our own, no error classification, no trees. One job = one page; a page stores its ids
 * with SADD (a SET, the format of Fanout's readable versions) and enqueues the next page. Modes:
 *   noop      the job does nothing (BullMQ's raw floor)
 *   twitter   cursor paging: GET /twitter/2/users/:id/followers?max_results=N&pagination_token=…; with `profiles`,
 *             each account's first job reads its profile first (its follower total), the call Fanout makes
 *             before paging to route whales, and then enqueues the first page
 *   linkedin  offset paging: the first page reads paging.total and enqueues every other page at once
 * Options: BullMQ's own queue limiter (`limiter`), and how a failed call is retried (`backoff`).
 * Configured by one JSON document in BENCH_BASELINE; prints "baseline ready" once it takes jobs.
 */
import { readFileSync } from "node:fs";
import { Queue, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import { Agent, request } from "undici";

export interface BaselineConfig {
  redisUrl: string;
  prefix: string;
  queue: string;
  concurrency: number;
  mode: "noop" | "twitter" | "linkedin";
  simnetUrl?: string;
  pageSize?: number;
  /** One token for every call (Twitter read "via" one account), or a file mapping account id → token. */
  token?: string;
  tokensFile?: string;
  limiter?: { max: number; duration: number };
  /** Twitter: a job `{ id, profile: true }` reads the account's profile (one call), then enqueues its first page. */
  profiles?: boolean;
  /**
   * How a refused or failed call is retried. fixed / expo-jitter: the job fails and BullMQ retries it after that
   * delay (per job). client: the process backs off as a whole — after a 429 no call of this process goes out until
   * min(cap, base · 2^(consecutive 429s − 1)) has passed (half of it jittered); a success resets it. The job waits
   * for the gate in-process and tries again.
   */
  backoff?: { kind: "fixed" | "expo-jitter" | "client"; baseMs: number; capMs: number };
  jobOptions?: JobsOptions;
}

interface PageJob { id: string; cursor?: string | null; start?: number; profile?: boolean }

const cfg = JSON.parse(process.env.BENCH_BASELINE ?? "{}") as BaselineConfig;
const redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue(cfg.queue, { connection: redis, prefix: cfg.prefix });
const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
const tokens: Record<string, string> = cfg.tokensFile ? (JSON.parse(readFileSync(cfg.tokensFile, "utf8")) as Record<string, string>) : {};
const pageSize = cfg.pageSize ?? 1000;
const jobOptions: JobsOptions = cfg.jobOptions ?? {};

function tokenOf(id: string): string {
  const t = cfg.token ?? tokens[id];
  if (!t) throw new Error(`no token for ${id}`);
  return t;
}

async function once(path: string, token: string): Promise<{ status: number; body: string }> {
  const res = await request(`${cfg.simnetUrl ?? ""}${path}`, { headers: { authorization: `Bearer ${token}` }, dispatcher: agent });
  return { status: res.statusCode, body: await res.body.text() };
}

/** The process-wide backoff gate of the "client" retry kind. */
const gate = { until: 0, consecutive: 0 };

async function get(path: string, token: string): Promise<{ status: number; body: string }> {
  if (cfg.backoff?.kind !== "client") return once(path, token);
  const { baseMs, capMs } = cfg.backoff;
  for (;;) {
    const wait = gate.until - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await once(path, token);
    if (res.status !== 429) {
      if (res.status === 200) gate.consecutive = 0;
      return res;
    }
    gate.consecutive++;
    const d = Math.min(capMs, baseMs * 2 ** (gate.consecutive - 1));
    gate.until = Math.max(gate.until, Date.now() + d / 2 + Math.random() * (d / 2));
  }
}

async function storeIds(key: string, ids: string[]): Promise<void> {
  await redis.sadd(key, ...ids);
}

/** The same profile call Fanout makes before paging: the follower total decides where the pages run. */
async function twitterProfile(job: Job<PageJob>): Promise<number> {
  const { id } = job.data;
  const res = await get(`/twitter/2/users/${encodeURIComponent(id)}?user.fields=public_metrics`, tokenOf(id));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const body = JSON.parse(res.body) as { data?: { public_metrics?: { followers_count?: number } } };
  const total = body.data?.public_metrics?.followers_count;
  if (typeof total !== "number") throw new Error("profile without a follower total");
  await queue.add("page", { id, cursor: null }, jobOptions);
  return total;
}

async function twitterPage(job: Job<PageJob>): Promise<number> {
  if (job.data.profile === true && cfg.profiles === true) return twitterProfile(job);
  const { id, cursor } = job.data;
  const q = `max_results=${pageSize}${cursor ? `&pagination_token=${encodeURIComponent(cursor)}` : ""}`;
  const res = await get(`/twitter/2/users/${encodeURIComponent(id)}/followers?${q}`, tokenOf(id));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const body = JSON.parse(res.body) as { data?: { id: string }[]; meta?: { next_token?: string } };
  const ids = (body.data ?? []).map((u) => u.id);
  if (ids.length) await storeIds(`${cfg.prefix}:followers:twitter:${id}`, ids);
  const next = body.meta?.next_token;
  if (next) await queue.add("page", { id, cursor: next }, jobOptions);
  else await redis.incr(`${cfg.prefix}:accounts-done`);
  return ids.length;
}

const PERSON = "urn:li:person:";

async function linkedinPage(job: Job<PageJob>): Promise<number> {
  const { id } = job.data;
  const start = job.data.start ?? 0;
  const res = await get(`/linkedin/v2/connections?q=viewer&start=${start}&count=${pageSize}`, tokenOf(id));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const body = JSON.parse(res.body) as { elements?: { to: string }[]; paging?: { total?: number } };
  const ids = (body.elements ?? []).map((e) => (e.to.startsWith(PERSON) ? e.to.slice(PERSON.length) : e.to));
  if (ids.length) await storeIds(`${cfg.prefix}:followers:linkedin:${id}`, ids);
  const total = body.paging?.total ?? 0;
  if (start === 0 && total > pageSize) {
    const rest: { name: string; data: PageJob; opts: JobsOptions }[] = [];
    for (let s = pageSize; s < total; s += pageSize) rest.push({ name: "page", data: { id, start: s }, opts: jobOptions });
    for (let i = 0; i < rest.length; i += 1_000) await queue.addBulk(rest.slice(i, i + 1_000));
  }
  return ids.length;
}

function backoff(attemptsMade: number): number {
  const b = cfg.backoff ?? { kind: "fixed", baseMs: 1_000, capMs: 1_000 };
  if (b.kind === "fixed" || b.kind === "client") return b.baseMs;
  // Exponential with full jitter (the AWS "standard" retry): uniform in [0, min(cap, base · 2^(attempt − 1))).
  return Math.floor(Math.random() * Math.min(b.capMs, b.baseMs * 2 ** Math.max(0, attemptsMade - 1)));
}

const processor = async (job: Job<PageJob>): Promise<number> => {
  if (cfg.mode === "noop") return 0;
  return cfg.mode === "twitter" ? twitterPage(job) : linkedinPage(job);
};

const worker = new Worker<PageJob, number>(cfg.queue, processor, {
  connection: redis, prefix: cfg.prefix, concurrency: cfg.concurrency,
  ...(cfg.limiter ? { limiter: cfg.limiter } : {}),
  settings: { backoffStrategy: (attemptsMade: number) => backoff(attemptsMade) },
});
worker.on("error", (err) => console.error(`baseline worker error: ${err.message}`));
await worker.waitUntilReady();
console.log("baseline ready");

const stop = async () => {
  await worker.close();
  await queue.close();
  await agent.close();
  await redis.quit();
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());

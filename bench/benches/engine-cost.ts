import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { FanoutConfig } from "@fanout/jobs/config";
import { waitForTree } from "@fanout/jobs/ops";
import { startSync } from "@fanout/jobs/sync";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { summarizeProfiles, type ProfileSummary } from "../lib/cpuprofile.ts";
import { cpuOf, whenQuiet } from "../lib/procs.ts";
import { commandStats, commandTable, diffCommands, perUnit, redisCpuSeconds, round, totalCommands, wipePrefix, type CommandCounts } from "../lib/redis.ts";
import { quietConfig, startSimnet, type SimAccount, type Simnet } from "../lib/simnet.ts";
import { sleep, waitUntil } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { benchEngine, startBaselineWorkers, startFanoutWorkers, stopWorkers, writeConfig, writeTokens } from "../lib/workers.ts";

/**
 * Engine cost (issue 11): N Twitter accounts of 10,000 followers synced through simnet with no limits and no latency,
 * 2 worker processes, against a plain BullMQ worker written in the bench doing the same HTTP calls (each account's
 * profile, which Fanout reads to route whales, then its pages) and storing the same ids with SADD (no limiter,
 * classification or trees). Also Redis commands and CPU per page for both, a CPU
 * profile of Fanout's workers, and the raw floor: BullMQ no-op jobs/s and redis-benchmark on the same Redis. Both
 * store a SET per account: Fanout's staged SET becomes its readable version by RENAME.
 */
export const name = "engine-cost";
export const title = "Fanout pages/s vs a plain BullMQ worker, Redis commands and CPU per page, raw floor";

const FOLLOWERS = 10_000;
const PAGE = 1_000;
const WORKERS = 2;
const CONCURRENCY = 50; // Fanout's default-queue concurrency per process; the baseline gets the same
/** The same retry/retention options Fanout's queues use, so the difference is the engine's own work. */
const BASELINE_JOB_OPTIONS: JobsOptions = { attempts: 6, backoff: { type: "bench" }, removeOnComplete: { age: 3_600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3_600 } };

interface RunMeasure {
  /** The measured interval on the monotonic clock (µs), to cut CPU profiles to it. */
  window: { fromUs: number; toUs: number };
  wallS: number; pages: number; calls: number; pagesPerS: number; commands: CommandCounts; commandsPerPage: number;
  /** Redis µs per command name over the run (a script's time includes the commands it ran). */
  commandUsec: CommandCounts;
  workerCpuS: number; redisCpuS: number; simnetCpuS: number; checked: { account: string; count: number }[];
  /** Mean job counts of the queue while the run went on (sampled every 250 ms): are slots busy, are jobs waiting? */
  queue: Record<string, number>;
}

type Counts = () => Promise<Record<string, number>>;

function sampleCounts(counts: Counts): { stop(): Promise<Record<string, number>> } {
  const sums: Record<string, number> = {};
  let n = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const c = await counts();
      for (const [k, v] of Object.entries(c)) sums[k] = (sums[k] ?? 0) + v;
      n++;
      await sleep(250);
    }
  })();
  return { async stop() { stopped = true; await loop; return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, round(v / Math.max(1, n), 1)])); } };
}

async function measure(ctx: BenchContext, sim: Simnet, pids: number[], counts: Counts, work: () => Promise<{ pages: number; calls: number }>): Promise<Omit<RunMeasure, "checked">> {
  const cmd0 = await commandTable(ctx.redis);
  const cpu0 = cpuOf(pids);
  const rcpu0 = await redisCpuSeconds(ctx.redis);
  const scpu0 = cpuOf([sim.child.pid]);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const t0 = performance.now();
  const sampler = sampleCounts(counts);
  const { pages, calls } = await work();
  const wallS = (performance.now() - t0) / 1000;
  const queue = await sampler.stop();
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const cmd1 = await commandTable(ctx.redis);
  const commands = diffCommands(cmd0.calls, cmd1.calls);
  const usec = diffCommands(cmd0.usec, cmd1.usec);
  return {
    commandUsec: usec, queue, window: { fromUs, toUs }, wallS, pages, calls, pagesPerS: pages / wallS, commands, commandsPerPage: totalCommands(commands) / pages,
    workerCpuS: cpuOf(pids) - cpu0, redisCpuS: (await redisCpuSeconds(ctx.redis)) - rcpu0, simnetCpuS: cpuOf([sim.child.pid]) - scpu0,
  };
}

/** Twitter's published limit must not bound this run: none in simnet, none in Fanout's config. */
const FANOUT_CONFIG: FanoutConfig = { tuning: { twitter: { limits: [] } } };

async function runFanout(ctx: BenchContext, sim: Simnet, accounts: SimAccount[], tag: string, config: FanoutConfig, cpuProfDir?: string): Promise<RunMeasure> {
  const prefix = `bench-ec-${tag}`;
  const configPath = writeConfig(ctx, `engine-cost-${tag}`, config);
  const engine = await benchEngine(ctx, prefix, sim.url, config);
  try {
    for (let i = 0; i < accounts.length; i += 50) {
      await Promise.all(accounts.slice(i, i + 50).map((a) => engine.accounts.connect("twitter", a.id, a.token, a.refreshToken ?? null)));
    }
    const workers = await startFanoutWorkers(ctx, { count: WORKERS, prefix, simnetUrl: sim.url, configPath, ...(cpuProfDir ? { cpuProfDir } : {}) });
    await whenQuiet(workers.map((w) => w.pid)); // their start-up stays out of the measurement
    await sim.resetStats();
    const m = await measure(ctx, sim, workers.map((w) => w.pid), () => engine.queues.default.getJobCounts("wait", "active", "delayed", "prioritized"), async () => {
      const { treeId } = await startSync(engine, accounts.map((a) => `twitter:${a.id}`));
      const doc = await waitForTree(engine, treeId, { timeoutMs: 900_000 });
      if (doc.state !== "done") throw new Error(`Fanout's sync ended ${doc.state}: ${JSON.stringify(doc.counts)} ${JSON.stringify(doc.failed.slice(0, 3))}`);
      // Every account's first job is its profile call (size), then 10 follower pages.
      return { pages: doc.counts.done - accounts.length, calls: doc.counts.done };
    });
    const checked = [];
    for (const a of accounts.slice(0, 3)) checked.push({ account: a.id, count: (await engine.followers.info("twitter", a.id)).count });
    await stopWorkers(workers);
    return { ...m, checked };
  } finally {
    await engine.close();
    await wipePrefix(ctx.redis, prefix);
  }
}

async function runBaseline(ctx: BenchContext, sim: Simnet, accounts: SimAccount[], tag: string, cpuProfDir?: string): Promise<RunMeasure> {
  const prefix = `bench-ec-${tag}`;
  const tokensFile = writeTokens(ctx, "engine-cost", Object.fromEntries(accounts.map((a) => [a.id, a.token])));
  const workers = await startBaselineWorkers(WORKERS, {
    redisUrl: ctx.redisUrl, prefix, queue: "pages", concurrency: CONCURRENCY, mode: "twitter", simnetUrl: sim.url, pageSize: PAGE, tokensFile,
    jobOptions: BASELINE_JOB_OPTIONS, backoff: { kind: "expo-jitter", baseMs: 1_000, capMs: 60_000 }, profiles: true,
  }, cpuProfDir);
  const conn = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("pages", { connection: conn, prefix });
  try {
    await whenQuiet(workers.map((w) => w.pid)); // their start-up stays out of the measurement
    await sim.resetStats();
    const m = await measure(ctx, sim, workers.map((w) => w.pid), () => queue.getJobCounts("wait", "active", "delayed", "prioritized"), async () => {
      await queue.addBulk(accounts.map((a) => ({ name: "page", data: { id: a.id, profile: true }, opts: BASELINE_JOB_OPTIONS })));
      await waitUntil(async () => Number(await conn.get(`${prefix}:accounts-done`)), (n) => n >= accounts.length, 900_000, "the baseline's accounts", 50);
      const s = await sim.stats();
      // every account's profile is one of the 200s: the pages are the rest
      return { pages: (s.networks.twitter.byStatus["200"] ?? 0) - accounts.length, calls: s.networks.twitter.requests };
    });
    const checked = [];
    for (const a of accounts.slice(0, 3)) {
      const key = `${prefix}:followers:twitter:${a.id}`;
      checked.push({ account: a.id, count: await conn.scard(key) });
    }
    await stopWorkers(workers);
    return { ...m, checked };
  } finally {
    await queue.close();
    await conn.quit();
    await wipePrefix(ctx.redis, prefix);
  }
}

/** BullMQ's raw floor: no-op jobs through 2 worker processes (added while paused, timed from resume). */
async function noopFloor(ctx: BenchContext, jobs: number): Promise<{ jobs: number; wallS: number; jobsPerS: number; commandsPerJob: number }> {
  const prefix = "bench-ec-noop";
  const workers = await startBaselineWorkers(WORKERS, { redisUrl: ctx.redisUrl, prefix, queue: "noop", concurrency: CONCURRENCY, mode: "noop" });
  const conn = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("noop", { connection: conn, prefix });
  try {
    await queue.pause();
    for (let i = 0; i < jobs; i += 1_000) {
      await queue.addBulk(Array.from({ length: Math.min(1_000, jobs - i) }, (_, j) => ({ name: "noop", data: { i: i + j }, opts: { removeOnComplete: true } })));
    }
    const cmd0 = await commandStats(ctx.redis);
    const t0 = performance.now();
    await queue.resume();
    await waitUntil(() => queue.getJobCounts("wait", "active", "prioritized"), (c) => Object.values(c).every((n) => n === 0), 600_000, "no-op jobs to drain", 20);
    const wallS = (performance.now() - t0) / 1000;
    const commands = diffCommands(cmd0, await commandStats(ctx.redis));
    await stopWorkers(workers);
    return { jobs, wallS, jobsPerS: jobs / wallS, commandsPerJob: totalCommands(commands) / jobs };
  } finally {
    await queue.close();
    await conn.quit();
    await wipePrefix(ctx.redis, prefix);
  }
}

/** `redis-benchmark -q -n N -t set,get,lpush` against the bench's Redis: requests/s per command. */
function redisBenchmark(ctx: BenchContext, requests: number): Record<string, number> {
  const res = spawnSync("redis-benchmark", ["-p", String(ctx.redisPort), "-q", "-n", String(requests), "-t", "set,get,lpush"], { encoding: "utf8", timeout: 120_000 });
  if (res.status !== 0) throw new Error(`redis-benchmark failed: ${res.stderr}`);
  const out: Record<string, number> = {};
  for (const m of res.stdout.matchAll(/([A-Z]+): ([\d.]+) requests per second/g)) if (m[1] && m[2]) out[m[1]] = Number(m[2]);
  return out;
}

function profileNote(p: ProfileSummary): string {
  const where = p.byWhere.slice(0, 6).map((w) => `${w.where} ${w.pctOfBusy}%`).join(", ");
  const fns = p.top.slice(0, 6).map((f) => `${f.fn} (${f.where}) ${f.pctOfBusy}%`).join("; ");
  return `Fanout worker CPU profile (self time, ${Math.round(p.busyMs)} ms busy over ${p.files} processes): by where — ${where}. Top functions — ${fns}.`;
}

/** Where each side's worker CPU goes, per page (profiled runs, self time): the rows where Fanout spends more first. */
function whereNote(f: ProfileSummary, fPages: number, b: ProfileSummary, bPages: number): string {
  // Each side's own code (JSON.parse of the page is charged to its caller) is one row.
  const own = (w: string) => (w === "packages/jobs/src" || w.startsWith("bench/workers") ? "own code (incl. JSON.parse of the page)" : w);
  const perPage = (p: ProfileSummary, pages: number) => {
    const m = new Map<string, number>();
    for (const w of p.byWhere) m.set(own(w.where), (m.get(own(w.where)) ?? 0) + w.selfMs / Math.max(1, pages));
    return m;
  };
  const fm = perPage(f, fPages);
  const bm = perPage(b, bPages);
  const rows = [...new Set([...fm.keys(), ...bm.keys()])]
    .map((w) => ({ w, f: fm.get(w) ?? 0, b: bm.get(w) ?? 0 }))
    .sort((x, y) => (y.f - y.b) - (x.f - x.b)).slice(0, 8);
  const fmt = (x: number) => x.toFixed(3);
  return `Worker CPU per page by where, profiled (ms, Fanout vs plain worker; busy ${fmt(f.busyMs / Math.max(1, fPages))} vs ${fmt(b.busyMs / Math.max(1, bPages))}): ${rows.map((r) => `${r.w} ${fmt(r.f)} vs ${fmt(r.b)}`).join(", ")}.`;
}

const ms = (s: number, pages: number) => round((1000 * s) / pages, 2);

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const n = ctx.quick ? 50 : 500;
  const sim = await startSimnet();
  try {
    await sim.patch(quietConfig());
    ctx.log(`creating ${n} twitter accounts of ${FOLLOWERS} followers`);
    const accounts = await sim.createAccounts("twitter", n, FOLLOWERS, "ec");

    // Unmeasured warm-up of both sides on a few accounts: simnet's and Redis's first minutes (JIT, allocations) would
    // otherwise fall on whichever side runs first.
    const warm = accounts.slice(0, ctx.quick ? 4 : 50);
    ctx.log(`warm-up: both sides on ${warm.length} accounts (not measured)`);
    await runFanout(ctx, sim, warm, "warm-fanout", FANOUT_CONFIG);
    await runBaseline(ctx, sim, warm, "warm-base");

    // The machine is shared: the pair runs three times in a full run (twice in quick mode), alternating, and each
    // side keeps its best run (one round each read 0.62× to 0.73× in quick runs minutes apart).
    const rounds = ctx.quick ? 2 : 3;
    const fanoutRuns: RunMeasure[] = [];
    const baseRuns: RunMeasure[] = [];
    for (let r = 0; r < rounds; r++) {
      ctx.log(`Fanout (round ${r + 1}/${rounds}): 2 worker processes (default concurrency)`);
      const f = await runFanout(ctx, sim, accounts, `fanout${r}`, FANOUT_CONFIG);
      fanoutRuns.push(f);
      ctx.log(`Fanout: ${round(f.pagesPerS)} pages/s (${f.pages} pages in ${round(f.wallS, 2)} s), ${round(f.commandsPerPage)} Redis commands/page`);
      ctx.log(`baseline (round ${r + 1}/${rounds}): 2 plain BullMQ worker processes, concurrency 50`);
      const b = await runBaseline(ctx, sim, accounts, `base${r}`);
      baseRuns.push(b);
      ctx.log(`baseline: ${round(b.pagesPerS)} pages/s (${b.pages} pages in ${round(b.wallS, 2)} s), ${round(b.commandsPerPage)} Redis commands/page`);
    }
    const best = (runs: RunMeasure[]) => runs.reduce((a, b) => (b.pagesPerS > a.pagesPerS ? b : a));
    const fanout = best(fanoutRuns);
    const base = best(baseRuns);

    const profN = Math.min(n, ctx.quick ? 12 : 150);
    // BENCH_CPUPROF_DIR keeps the .cpuprofile files (open them in Chrome DevTools); by default they go with the run.
    const profRoot = process.env.BENCH_CPUPROF_DIR ?? join(ctx.tmp, "cpuprof");
    const profDirs = { fanout: join(profRoot, "fanout"), baseline: join(profRoot, "baseline") };
    for (const d of Object.values(profDirs)) mkdirSync(d, { recursive: true });
    ctx.log(`profiling ${ctx.quick ? "Fanout's workers" : "both sides' workers"} (--cpu-prof) on ${profN} accounts`);
    const profiled = await runFanout(ctx, sim, accounts.slice(0, profN), "profiled", FANOUT_CONFIG, profDirs.fanout);
    const profile = summarizeProfiles(profDirs.fanout, 25, profiled.window);
    // The plain worker's profile, for where the difference goes: full mode only (quick mode keeps to its 3 minutes).
    const baseProfiled = ctx.quick ? null : await runBaseline(ctx, sim, accounts.slice(0, profN), "base-profiled", profDirs.baseline);
    const baseProfile = baseProfiled ? summarizeProfiles(profDirs.baseline, 25, baseProfiled.window) : null;

    const noopJobs = ctx.quick ? 3_000 : 50_000;
    ctx.log(`raw floor: ${noopJobs} BullMQ no-op jobs, then redis-benchmark`);
    const noop = await noopFloor(ctx, noopJobs);
    const rbRequests = ctx.quick ? 30_000 : 100_000;
    const rb = redisBenchmark(ctx, rbRequests);
    ctx.log(`raw floor: ${round(noop.jobsPerS)} no-op jobs/s; redis-benchmark ${JSON.stringify(rb)}`);

    const allCpu = (m: RunMeasure) => ms(m.workerCpuS + m.redisCpuS + m.simnetCpuS, m.pages);
    const fanoutCmdsPerS = totalCommands(fanout.commands) / fanout.wallS;
    const rows: Row[] = [
      { figure: `pages/s, ${n} Twitter accounts × ${FOLLOWERS.toLocaleString("en-US")} followers, ${WORKERS} workers, no limits/latency${rounds > 1 ? ` (best of ${rounds}, alternating)` : ""}`, fanout: round(fanout.pagesPerS), baseline: round(base.pagesPerS), vs: "plain BullMQ worker", unit: "pages/s", digits: 0, target: { on: "ratio", op: ">=", value: 0.7 } },
      { figure: "jobs active on average (of 100 slots)", fanout: fanout.queue.active ?? null, baseline: base.queue.active ?? null, vs: "plain BullMQ worker", note: `queue sampled every 250 ms; Fanout waiting ${fanout.queue.wait ?? 0} + prioritized ${fanout.queue.prioritized ?? 0}, delayed ${fanout.queue.delayed ?? 0}` },
      { figure: "Redis commands per page", fanout: round(fanout.commandsPerPage), baseline: round(base.commandsPerPage), vs: "plain BullMQ worker", note: "INFO commandstats delta ÷ pages; lower is better" },
      { figure: "worker CPU per page", fanout: ms(fanout.workerCpuS, fanout.pages), baseline: ms(base.workerCpuS, base.pages), vs: "plain BullMQ worker", unit: "ms", digits: 2, note: "user+sys of the 2 worker processes ÷ pages" },
      { figure: "CPU per page, workers + Redis + simnet", fanout: allCpu(fanout), baseline: allCpu(base), vs: "plain BullMQ worker", unit: "ms", digits: 2, note: "noise-proof: on a CPU-bound machine pages/s ∝ 1 ÷ this, so baseline ÷ Fanout here is the ratio a quiet machine would show" },
      { figure: "Redis CPU per page", fanout: ms(fanout.redisCpuS, fanout.pages), baseline: ms(base.redisCpuS, base.pages), vs: "plain BullMQ worker", unit: "ms", digits: 2 },
      { figure: "pages/s against BullMQ's no-op floor", fanout: round(fanout.pagesPerS), baseline: round(noop.jobsPerS), vs: `no-op jobs/s, ${WORKERS} workers`, unit: "/s", digits: 0, note: "raw floor: what BullMQ alone does on this machine" },
      { figure: "Redis commands/s during Fanout's sync", fanout: round(fanoutCmdsPerS, 0), baseline: rb.GET ?? null, vs: "redis-benchmark GET req/s", digits: 0, note: `redis-benchmark -n ${rbRequests}: SET ${Math.round(rb.SET ?? 0)}, GET ${Math.round(rb.GET ?? 0)}, LPUSH ${Math.round(rb.LPUSH ?? 0)} req/s` },
    ];
    const notes = [
      profileNote(profile),
      ...(baseProfile && baseProfiled ? [whereNote(profile, profiled.pages, baseProfile, baseProfiled.pages)] : []),
      `Both make the same calls: Fanout ${fanout.calls} (${fanout.calls - fanout.pages} profiles, one per account, for whale detection, and ${fanout.pages} follower pages), the plain worker ${base.calls} (${base.calls - base.pages} profiles, ${base.pages} pages).`,
      `Redis commands per page, Fanout: ${JSON.stringify(perUnit(fanout.commands, fanout.pages, 10))}; baseline: ${JSON.stringify(perUnit(base.commands, base.pages, 10))}.`,
    ];
    if ([fanout, base].some((m) => m.checked.some((c) => c.count !== FOLLOWERS))) {
      notes.push(`stored follower counts differ from ${FOLLOWERS}: Fanout ${JSON.stringify(fanout.checked)}, baseline ${JSON.stringify(base.checked)}`);
    }
    return {
      rows,
      config: { accounts: n, followers: FOLLOWERS, pageSize: PAGE, workers: WORKERS, concurrency: CONCURRENCY, fanoutConfig: FANOUT_CONFIG, simnet: quietConfig(), baselineJobOptions: BASELINE_JOB_OPTIONS, noopJobs },
      samples: { fanout, baseline: base, rounds: { fanout: fanoutRuns, baseline: baseRuns }, profiled: { ...profiled, accounts: profN }, profile, baseProfiled, baseProfile, noop, redisBenchmark: rb },
      notes,
    };
  } finally {
    await sim.stop();
  }
}

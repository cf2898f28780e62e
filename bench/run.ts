/**
 * `npm run bench [-- NAME…] [-- --quick]`: starts its own Redis (a free port, never 6379) and, per bench, the
 * simnet and worker processes it needs; runs the selected benches (default: all but soak-type); writes
 * results/NAME.json (machine facts, config, every sample) and regenerates results/SUMMARY.md (figure | Fanout |
 * baseline | ratio | target | pass/fail) plus SVG charts. Exits 1 when a figure misses its target or a bench fails.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServer } from "@fanout/testkit/redis-server";
import * as consoleBench from "./benches/console.ts";
import * as correctness from "./benches/correctness.ts";
import * as fairness from "./benches/fairness.ts";
import * as interactive from "./benches/interactive.ts";
import * as engineCost from "./benches/engine-cost.ts";
import * as limiterAdaptive from "./benches/limiter-adaptive.ts";
import * as limiterKnown from "./benches/limiter-known.ts";
import * as memory from "./benches/memory.ts";
import * as outage from "./benches/outage.ts";
import * as scaling from "./benches/scaling.ts";
import * as simnet from "./benches/simnet.ts";
import * as sink from "./benches/sink.ts";
import * as soak from "./benches/soak.ts";
import * as treeRead from "./benches/tree-read.ts";
import * as trickleScale from "./benches/trickle-scale.ts";
import * as whale from "./benches/whale.ts";
import type { BenchContext, BenchModule } from "./lib/context.ts";
import { machineFacts } from "./lib/machine.ts";
import { RESULTS } from "./lib/paths.ts";
import { killAllSync, liveChildren, stopAll } from "./lib/procs.ts";
import { redisVersion } from "./lib/redis.ts";
import { fmt } from "./lib/stats.ts";
import { evaluate, writeSummary, type BenchFile, type EvaluatedRow } from "./lib/summary.ts";

const BENCHES: BenchModule[] = [simnet, engineCost, whale, limiterKnown, limiterAdaptive, treeRead, consoleBench, memory, outage, scaling, sink, trickleScale, fairness, interactive, correctness, soak];
/**
 * Benches that run only when named, besides soak-type ones: none now (correctness, a check rather than a figure,
 * takes ~90 s since the park/reconnect race was fixed, and fits the full run's budget).
 */
const NAMED_ONLY = new Set<string>();
const USAGE = `usage: npm run bench [-- NAME…] [-- --quick]\n  benches: ${BENCHES.map((b) => `${b.name}${b.soak || NAMED_ONLY.has(b.name) ? " (only when named)" : ""}`).join(", ")}`;

function parseArgs(argv: string[]): { names: string[]; quick: boolean } {
  const names: string[] = [];
  let quick = false;
  for (const a of argv) {
    if (a === "--") continue;
    if (a === "--quick") quick = true;
    else if (a === "--help" || a === "-h") { console.log(USAGE); process.exit(0); }
    else if (a.startsWith("-")) { console.error(`unknown option ${a}\n${USAGE}`); process.exit(2); }
    else names.push(...a.split(",").filter(Boolean));
  }
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) { console.error(`unknown bench ${unknown.join(", ")}\n${USAGE}`); process.exit(2); }
  return { names, quick };
}

const { names, quick } = parseArgs(process.argv.slice(2));
const selected = names.length ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES.filter((b) => !b.soak && !NAMED_ONLY.has(b.name));
const started = Date.now();
const log = (msg: string) => console.log(`[${fmt((Date.now() - started) / 1000, 0).padStart(4)} s] ${msg}`);

/** Filled once Redis is up; read by the exit handler. */
const owned: { redis?: RedisServer; lanes: RedisServer[] } = { lanes: [] };
const tmp = mkdtempSync(join(os.tmpdir(), "fanout-bench-"));
// Whatever happens, no process of ours outlives the runner.
process.on("exit", () => {
  killAllSync();
  for (const r of [owned.redis, ...owned.lanes]) if (r?.proc.exitCode === null) r.proc.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping ${liveChildren().join(", ") || "nothing"}`);
    void stopAll(3_000).finally(() => process.exit(130));
  });
}

mkdirSync(RESULTS, { recursive: true });
const redisServer = await startRedisServer({ dir: tmp });
owned.redis = redisServer;
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
const version = await redisVersion(redis);
// Diagnostic knob: Redis's timer frequency bounds how late a blocking BZPOPMIN (BullMQ's wait for a delayed job)
// times out; BENCH_REDIS_HZ=100 shows how much of a figure that accounts for. Default: Redis's own (10).
const hz = process.env.BENCH_REDIS_HZ;
if (hz) await redis.config("SET", "hz", hz);
log(`${quick ? "quick" : "full"} run of ${selected.map((b) => b.name).join(", ")}; Redis ${version} on port ${redisServer.port}${hz ? `, hz ${hz}` : ""}`);

const ctx: BenchContext = {
  quick, redisUrl: redisServer.url, redisPort: redisServer.port, redis, tmp, resultsDir: RESULTS,
  secret: randomBytes(24).toString("base64url"), log,
};

/**
 * Quick mode's schedule, so that `--quick` fits in 3 minutes. A bench whose figure needs a quiet machine runs alone:
 * a ratio of runs one after another near its target (engine cost, fairness, the sink), a figure paced to the
 * millisecond (the known limiter's worst rolling second, the whale's cursor chain against its bound), sub-millisecond
 * latencies (tree reads) or a latency target on a CPU-heavy setup (the console seeds 50,000 jobs). The others run in
 * two lanes at once, each lane with its own Redis server: the adaptive limiter (a share of its hidden limit, which a
 * busy CPU lowers) beside the outage (a side-by-side ratio), the interactive first page (a latency far from its
 * target) and two whose figures are counts (correctness, the trickle tick's commands); then the informational ones. Each result file names what ran beside it
 * (`beside`). A full run is strictly one bench at a time.
 */
const QUICK_PLAN: (string | [string[], string[]])[] = [
  "engine-cost", "limiter-known", "fairness", "whale", "sink", "tree-read", "console",
  [["limiter-adaptive"], ["outage", "interactive", "correctness", "trickle-scale"]],
  [["scaling", "simnet"], ["memory"]],
];

/** The steps to run: single benches, or two lanes that run at the same time (quick mode only). */
function plan(): (BenchModule | [BenchModule[], BenchModule[]])[] {
  if (!quick) return selected;
  const pick = (names: string[]) => names.flatMap((n) => selected.filter((b) => b.name === n));
  const planned = new Set(QUICK_PLAN.flatMap((s) => (typeof s === "string" ? [s] : s.flat())));
  const steps: (BenchModule | [BenchModule[], BenchModule[]])[] = [];
  for (const step of QUICK_PLAN) {
    if (typeof step === "string") steps.push(...pick([step]));
    else {
      const lanes: [BenchModule[], BenchModule[]] = [pick(step[0]), pick(step[1])];
      if (lanes[0].length && lanes[1].length) steps.push(lanes);
      else steps.push(...lanes.flat());
    }
  }
  return [...steps, ...selected.filter((b) => !planned.has(b.name))];
}

const failures: string[] = [];
const thisRun: { bench: string; rows: EvaluatedRow[]; error?: string }[] = [];

async function runBench(b: BenchModule, benchCtx: BenchContext, beside: string[] = []): Promise<void> {
  const tag = beside.length ? `[${b.name}] ` : "";
  const c: BenchContext = { ...benchCtx, log: (msg) => benchCtx.log(`${tag}${msg}`) };
  c.log(`── ${b.name}: ${b.title}${beside.length ? ` (beside ${beside.join(", ")})` : ""}`);
  const loadAvgBefore = os.loadavg();
  const t0 = Date.now();
  let file: BenchFile;
  const head = () => ({ bench: b.name, mode: quick ? "quick" as const : "full" as const, at: new Date(t0).toISOString(), durationS: (Date.now() - t0) / 1000, machine: machineFacts(version, loadAvgBefore), ...(beside.length ? { beside } : {}) });
  try {
    const out = await b.run(c);
    const rows = out.rows.map(evaluate);
    file = { ...head(), config: out.config, rows, charts: out.charts ?? [], notes: out.notes ?? [], samples: out.samples };
    for (const r of rows) if (r.pass === false) failures.push(`${b.name}: ${r.figure}`);
  } catch (err) {
    const e = err as Error;
    c.log(`${b.name} failed: ${e.stack ?? e.message}`);
    failures.push(`${b.name}: ${e.message.split("\n")[0] ?? ""}`);
    file = { ...head(), config: {}, rows: [], charts: [], notes: [], samples: {}, error: e.stack ?? e.message };
  }
  // Alone, whatever the bench left running is stopped now; in a lane, once both lanes are done (the registry is shared).
  if (!beside.length) await stopAll();
  await c.redis.flushall();
  writeFileSync(join(RESULTS, `${b.name}.json`), JSON.stringify(file, null, 2) + "\n");
  thisRun.push({ bench: b.name, rows: file.rows, ...(file.error ? { error: file.error } : {}) });
  for (const r of file.rows) {
    c.log(`   ${r.pass === false ? "FAIL" : r.pass ? "pass" : "    "}  ${r.figure}: ${fmt(r.fanout, r.digits ?? 1)}${r.unit ? ` ${r.unit}` : ""}` +
      `${r.baseline !== undefined ? ` vs ${fmt(r.baseline, r.digits ?? 1)}${r.vs ? ` (${r.vs})` : ""}` : ""}${r.ratio !== null ? ` = ${fmt(r.ratio, 2)}×` : ""}`);
  }
  c.log(`── ${b.name} done in ${fmt((Date.now() - t0) / 1000, 0)} s`);
}

/** Two lanes at once: the first on the runner's Redis, the second on a Redis server (and temp dir) of its own. */
async function runLanes(lanes: [BenchModule[], BenchModule[]]): Promise<void> {
  const laneTmp = mkdtempSync(join(tmp, "lane-"));
  const server = await startRedisServer({ dir: laneTmp });
  owned.lanes.push(server);
  const laneRedis = new Redis(server.url, { maxRetriesPerRequest: null });
  try {
    if (hz) await laneRedis.config("SET", "hz", hz);
    const laneCtx: BenchContext = { ...ctx, redisUrl: server.url, redisPort: server.port, redis: laneRedis, tmp: laneTmp };
    const names = (l: BenchModule[]) => l.map((b) => b.name);
    log(`two lanes at once: ${names(lanes[0]).join(", ")} ‖ ${names(lanes[1]).join(", ")} (Redis on port ${server.port})`);
    await Promise.all([
      (async () => { for (const b of lanes[0]) await runBench(b, ctx, names(lanes[1])); })(),
      (async () => { for (const b of lanes[1]) await runBench(b, laneCtx, names(lanes[0])); })(),
    ]);
  } finally {
    await stopAll();
    await laneRedis.quit();
    await server.stop();
  }
}

for (const step of plan()) {
  if (Array.isArray(step)) await runLanes(step);
  else await runBench(step, ctx);
}

writeSummary(RESULTS, BENCHES.map((b) => b.name));
await redis.quit();
await redisServer.stop();
log(`done in ${fmt((Date.now() - started) / 1000, 0)} s; summary in bench/results/SUMMARY.md`);
if (failures.length) {
  console.error(`\n${failures.length} figure(s) missed their target or failed:\n  ${failures.join("\n  ")}`);
  process.exitCode = 1;
}

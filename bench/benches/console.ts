import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { firstLoad, type FirstLoad } from "../lib/browser.ts";
import { startConsole, type ConsoleProc } from "../lib/console.ts";
import { commandStats, diffCommands, perUnit, round, totalCommands, wipePrefix } from "../lib/redis.ts";
import { seedJobs, type QueueMix } from "../lib/seed-jobs.ts";
import { percentile, sleep } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { buildTree } from "../lib/tree-build.ts";
import { benchEngine, type BenchEngine } from "../lib/workers.ts";

/**
 * The operator console at scale (issue 9): two real console processes on one Redis, one on a prefix holding 1,000,000
 * jobs and a 100,000-node tree (quick: 50,000 jobs, 20,000 nodes), one on a prefix holding ~100 jobs and a 100-node tree. Signed
 * in over HTTP, the routes the overview and tree pages read are timed (p50/p95, requests alternating between the two
 * consoles so machine noise hits both alike) and costed in Redis commands per request (INFO commandstats delta over
 * sequential requests with nothing else running). Then a cold first load of the overview page in Chromium.
 */
export const name = "console";
export const title = "console API latency and Redis commands per request: 1,000,000 jobs vs ~100";

const TREE_BIG = 100_000;
/** Quick mode's big tree: the tree routes read a page or a doc, whatever the size (tree-read shows it at 100,000). */
const TREE_BIG_QUICK = 20_000;
const TREE_SMALL = 100;
/** Commands per request are counted in 5 batches of this many requests (quick: 5); the median batch counts. */
const COMMAND_BATCHES = 5;
const commandBatch = (ctx: BenchContext) => (ctx.quick ? 5 : 10);

/** Mostly waiting (prioritized, as sync pages are), some delayed, completed (BullMQ keeps 10,000 per queue) and failed. */
function bigMix(total: number): QueueMix[] {
  const f = (share: number) => Math.round(total * share);
  return [
    { queue: "default", completed: f(0.01), failed: f(0.03), prioritized: f(0.6), delayed: f(0.1) },
    { queue: "interactive", prioritized: f(0.1), priority: "high" },
    { queue: "whales", prioritized: f(0.1), delayed: f(0.01) },
    { queue: "trickle", prioritized: f(0.04), priority: "low", wait: f(0.01) },
  ];
}
const SMALL_MIX: QueueMix[] = [{ queue: "default", completed: 10, failed: 5, prioritized: 60, delayed: 10 }, { queue: "interactive", prioritized: 10, priority: "high" }, { queue: "trickle", wait: 5 }];

interface Side { prefix: string; engine: BenchEngine; treeId: string; nodes: number; console?: ConsoleProc }
interface RouteStats { p50: number; p95: number; mean: number; bytes: number; commandsPerRequest: number; commands: Record<string, number> }

/** The load with the median interactive time. */
function medianLoad(loads: FirstLoad[]): FirstLoad {
  const sorted = [...loads].sort((a, b) => a.interactiveMs - b.interactiveMs);
  const m = sorted[Math.floor(sorted.length / 2)];
  if (!m) throw new Error("no page load measured");
  return m;
}

async function usedMemory(ctx: BenchContext): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await ctx.redis.info("memory"))?.[1] ?? 0);
}

async function prepare(ctx: BenchContext, side: Side, mix: QueueMix[]): Promise<{ seedS: number; treeS: number; jobs: Record<string, number>; jobBytes: number; treeBytes: number }> {
  const m0 = await usedMemory(ctx);
  let t = performance.now();
  const jobs = await seedJobs(side.engine, mix);
  const seedS = (performance.now() - t) / 1000;
  const m1 = await usedMemory(ctx);
  t = performance.now();
  await buildTree(side.engine, side.treeId, side.nodes);
  const treeS = (performance.now() - t) / 1000;
  return { seedS, treeS, jobs, jobBytes: m1 - m0, treeBytes: (await usedMemory(ctx)) - m1 };
}

/** Latency with the two consoles alternating, then commands per request for each side apart (sequential requests). */
async function measureRoute(ctx: BenchContext, sides: [ConsoleProc, ConsoleProc], paths: [string, string], iters: number): Promise<[RouteStats, RouteStats]> {
  const perBatch = commandBatch(ctx);
  for (let i = 0; i < (ctx.quick ? 5 : 10); i++) for (let k = 0; k < 2; k++) await sides[k]?.get(paths[k] ?? "");
  const lat: number[][] = [[], []];
  const bytes = [0, 0];
  for (let i = 0; i < iters; i++) {
    for (let k = 0; k < 2; k++) {
      const r = await sides[k]?.get(paths[k] ?? "");
      if (r) { lat[k]?.push(r.ms); bytes[k] = r.bytes; }
    }
  }
  const out: RouteStats[] = [];
  for (let k = 0; k < 2; k++) {
    // In batches: the consoles' own background commands (a few a second) land in one batch or another, and the
    // median batch is the request's own cost.
    const batches: { total: number; d: Record<string, number> }[] = [];
    for (let b = 0; b < COMMAND_BATCHES; b++) {
      const before = await commandStats(ctx.redis);
      for (let i = 0; i < perBatch; i++) await sides[k]?.get(paths[k] ?? "");
      const d = diffCommands(before, await commandStats(ctx.redis));
      batches.push({ total: totalCommands(d), d });
    }
    const median = [...batches].sort((x, y) => x.total - y.total)[Math.floor(COMMAND_BATCHES / 2)] ?? { total: 0, d: {} };
    const l = lat[k] ?? [];
    out.push({
      p50: round(percentile(l, 50), 2), p95: round(percentile(l, 95), 2), mean: round(l.reduce((a, b) => a + b, 0) / l.length, 2), bytes: bytes[k] ?? 0,
      commandsPerRequest: round(median.total / perBatch, 2), commands: perUnit(median.d, perBatch),
    });
  }
  return [out[0] as RouteStats, out[1] as RouteStats];
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const jobsBig = ctx.quick ? 50_000 : 1_000_000;
  const treeBig = ctx.quick ? TREE_BIG_QUICK : TREE_BIG;
  const big: Side = { prefix: "bench-console-big", engine: await benchEngine(ctx, "bench-console-big", "http://127.0.0.1:9", {}), treeId: "tconsolebig", nodes: treeBig };
  const small: Side = { prefix: "bench-console-small", engine: await benchEngine(ctx, "bench-console-small", "http://127.0.0.1:9", {}), treeId: "tconsolesmall", nodes: TREE_SMALL };
  try {
    // The consoles start while the data is seeded, one after the other: the first may have to build the console,
    // and `next build` runs one at a time.
    const consoles = (async () => {
      big.console = await startConsole(ctx, "console-big", big.prefix);
      small.console = await startConsole(ctx, "console-small", small.prefix);
      return [big.console, small.console] as const;
    })();
    consoles.catch(() => undefined); // awaited below; a failure while seeding is the one reported
    const prepBig = await prepare(ctx, big, bigMix(jobsBig));
    ctx.log(`seeded ${JSON.stringify(prepBig.jobs)} in ${round(prepBig.seedS)} s (${Math.round(jobsBig / prepBig.seedS)} jobs/s); ${treeBig}-node tree in ${round(prepBig.treeS)} s`);
    const prepSmall = await prepare(ctx, small, SMALL_MIX);
    const countsBig = await Promise.all(Object.values(big.engine.queues).map((q) => q.getJobCounts()));
    const [bigConsole, smallConsole] = await consoles;

    // The very first load after the console started pays for loading the page's server modules; then fresh browser
    // profiles (empty cache: every script fetched) against a warm server, which is what an operator opening the
    // console meets. The target applies to the median of those.
    const load = (c: ConsoleProc) => firstLoad({ url: c.url, path: "/", cookie: c.cookie, selector: '[data-testid="overview-stats"]', radio: "24 h" });
    const coldBig = await load(bigConsole);
    const coldSmall = await load(smallConsole);
    const warmBig: FirstLoad[] = [];
    const warmSmall: FirstLoad[] = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      warmBig.push(await load(bigConsole));
      warmSmall.push(await load(smallConsole));
    }
    const loadBig = medianLoad(warmBig);
    const loadSmall = medianLoad(warmSmall);
    ctx.log(`first load of the overview (ms): server cold ${JSON.stringify(coldBig)} vs ${JSON.stringify(coldSmall)}; warm ${JSON.stringify(loadBig)} vs ${JSON.stringify(loadSmall)}`);

    // What the console does on its own (no request): subtracted from nothing, reported so the per-request figures can be read.
    const idleS = ctx.quick ? 1 : 3;
    const idle0 = await commandStats(ctx.redis);
    await sleep(idleS * 1000);
    const idle = totalCommands(diffCommands(idle0, await commandStats(ctx.redis)));

    const iters = ctx.quick ? 15 : 500;
    const routes: { label: string; paths: [string, string] }[] = [
      { label: "GET /api/stats (overview cards, queues, workers, networks)", paths: ["/api/stats", "/api/stats"] },
      { label: "GET /api/overview?range=1h (history)", paths: ["/api/overview?range=1h", "/api/overview?range=1h"] },
      { label: "GET /api/trees/ID (tree doc)", paths: [`/api/trees/${big.treeId}`, `/api/trees/${small.treeId}`] },
      { label: "GET /api/trees/ID/nodes (page of 50, middle of the tree)", paths: [`/api/trees/${big.treeId}/nodes?cursor=${treeBig / 2}&limit=50`, `/api/trees/${small.treeId}/nodes?cursor=${TREE_SMALL / 2}&limit=50`] },
      { label: "GET / (overview page, server-rendered)", paths: ["/", "/"] },
    ];
    const results: Record<string, { big: RouteStats; small: RouteStats }> = {};
    const rows: Row[] = [];
    for (const r of routes) {
      const [b, s] = await measureRoute(ctx, [bigConsole, smallConsole], r.paths, iters);
      results[r.label] = { big: b, small: s };
      ctx.log(`${r.label}: p50 ${b.p50}/${s.p50} ms, p95 ${b.p95}/${s.p95} ms, ${b.commandsPerRequest}/${s.commandsPerRequest} commands`);
      rows.push(
        { figure: `${r.label}: p50`, fanout: b.p50, baseline: s.p50, vs: "~100 jobs", unit: "ms", digits: 2 },
        { figure: `${r.label}: p95 (${jobsBig.toLocaleString("en-US")} jobs)`, fanout: b.p95, baseline: s.p95, vs: "~100 jobs", unit: "ms", digits: 2, target: { on: "fanout", op: "<=", value: 100 } },
        { figure: `${r.label}: Redis commands per request`, fanout: b.commandsPerRequest, baseline: s.commandsPerRequest, vs: "~100 jobs", digits: 2, target: { on: "ratio", op: "<=", value: 1 } },
      );
    }
    rows.push(
      { figure: "overview page, first load (empty browser cache): live data shown", fanout: round(loadBig.dataMs, 0), baseline: round(loadSmall.dataMs, 0), vs: "~100 jobs", unit: "ms", digits: 0, note: `HTML first byte ${round(loadBig.htmlFirstByteMs, 0)} ms, load event ${round(loadBig.loadEventMs, 0)} ms, ${round(loadBig.scriptBytes / 1024, 0)} KiB of scripts` },
      { figure: "overview page, first load (empty browser cache): interactive (range toggle answers)", fanout: round(loadBig.interactiveMs, 0), baseline: round(loadSmall.interactiveMs, 0), vs: "~100 jobs", unit: "ms", digits: 0, target: { on: "fanout", op: "<=", value: 2_000 } },
      { figure: "overview page, first load right after the console started: interactive", fanout: round(coldBig.interactiveMs, 0), baseline: round(coldSmall.interactiveMs, 0), vs: "~100 jobs", unit: "ms", digits: 0, note: `live data shown at ${round(coldBig.dataMs, 0)} vs ${round(coldSmall.dataMs, 0)} ms` },
      { figure: `seeding ${jobsBig.toLocaleString("en-US")} jobs (addBulk × 5,000)`, fanout: round(prepBig.seedS), unit: "s", note: `${Math.round(jobsBig / prepBig.seedS).toLocaleString("en-US")} jobs/s, completed/failed run by a throw-away worker` },
    );
    return {
      rows,
      config: { jobs: { big: prepBig.jobs, small: prepSmall.jobs }, treeNodes: { big: treeBig, small: TREE_SMALL }, iterations: iters, commandSamples: COMMAND_BATCHES * commandBatch(ctx), commandBatches: COMMAND_BATCHES, order: "alternating big/small" },
      samples: {
        routes: results, firstLoad: { serverCold: { big: coldBig, small: coldSmall }, warm: { big: warmBig, small: warmSmall } }, idleCommandsPerS: round(idle / idleS, 1), queueCounts: countsBig,
        seeding: { big: prepBig, small: prepSmall },
      },
      notes: [
        `Redis memory: ${round(prepBig.jobBytes / jobsBig, 0)} B per seeded job (all states), ${round(prepBig.treeBytes / treeBig, 0)} B per tree node; both consoles together made ${round(idle / idleS, 1)} Redis commands per second with no request`,
        ...Object.entries(results).map(([label, r]) => `${label}: commands per request (big) ${JSON.stringify(r.big.commands)}`),
      ],
    };
  } finally {
    await big.console?.child.stop(5_000);
    await small.console?.child.stop(5_000);
    await big.engine.close();
    await small.engine.close();
    await wipePrefix(ctx.redis, big.prefix);
    await wipePrefix(ctx.redis, small.prefix);
  }
}

import os from "node:os";
import { Redis } from "ioredis";
import type { FanoutConfig } from "@fanout/jobs/config";
import { waitForTree } from "@fanout/jobs/ops";
import { startSync } from "@fanout/jobs/sync";
import { startRedisCluster, type RedisCluster } from "@fanout/testkit/redis-cluster";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { cpuOf, type Child } from "../lib/procs.ts";
import { commandStats, diffCommands, redisCpuSeconds, round, totalCommands, wipePrefix } from "../lib/redis.ts";
import { quietConfig, startSimnet, type NetworkName, type SimAccount, type Simnet } from "../lib/simnet.ts";
import { sleep } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { benchEngine, startFanoutWorkers, stopWorkers, writeConfig } from "../lib/workers.ts";

/**
 * Scale-out (issue 10): the same sync of Twitter and Facebook accounts (no limits, simnet latency 2–5 ms) with 1, 2
 * and 4 worker processes, on one Redis and on a local 3-master Redis Cluster (testkit). Pages/s, CPU per page of
 * workers, Redis and simnet, Redis commands per master, and after each cluster run the keys each master holds, by
 * hash-tag kind. Informational: every process shares this machine's cores, so a cluster here adds hops, not CPU.
 */
export const name = "scaling";
export const title = "pages/s with 1, 2, 4 workers on one Redis vs a 3-master Redis Cluster; CPU per page; keys per master";

const WORKER_COUNTS = [1, 2, 4];
/**
 * Quick mode runs one Redis with 1 and 4 workers and leaves the cluster to the full run: every run pays worker
 * start-up and a sync's tail, and the cluster its start, a few seconds each.
 */
const QUICK_WORKER_COUNTS = { single: [1, 4], cluster: [] as number[] };
const LATENCY = { p50: 2, p99: 5 };
/**
 * No published limits, so each network runs on its adaptive pacer alone; it starts opened (2,000/s, its ceiling)
 * because its default ramp from 5/s would take most of a quick run's seconds and measure the ramp, not the engine.
 */
const CONFIG: FanoutConfig = {
  tuning: { twitter: { limits: [], adaptive: { initialRate: 2_000 } }, facebook: { limits: [], adaptive: { initialRate: 2_000 } } },
};

type Target = { kind: "single"; admins: Redis[] } | { kind: "cluster"; admins: Redis[]; nodes: string };
interface NodeKeys { port: number; dbsize: number; byKind: Record<string, number> }
interface Measure {
  target: Target["kind"]; workers: number; pages: number; calls: number; simnetRequests: number; wallS: number; pagesPerS: number;
  cpuS: { workers: number; redis: number; simnet: number; driver: number }; redisCpuPerNode: number[];
  /** CPU-s per second of one idle worker process, measured just before the sync. */
  idleCpuPerWorker: number;
  commands: number; commandsPerNode: number[]; keys?: NodeKeys[];
}

/** `{a.twitter.x}` → `a`, `{q.default}` → `q`, `{ops}` → `ops`: what kind of hash tag a key carries. */
function tagKind(key: string): string {
  const tag = /\{([^}]*)\}/.exec(key)?.[1] ?? "none";
  return tag.split(".")[0] ?? tag;
}

/** Keys each master holds (node-local DBSIZE and SCAN), grouped by hash-tag kind. */
async function keySpread(admins: Redis[], prefix: string): Promise<NodeKeys[]> {
  return Promise.all(admins.map(async (r) => {
    const byKind: Record<string, number> = {};
    let cursor = "0";
    do {
      const [next, found] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 5_000);
      cursor = next;
      for (const k of found) byKind[tagKind(k)] = (byKind[tagKind(k)] ?? 0) + 1;
    } while (cursor !== "0");
    return { port: Number(r.options.port), dbsize: await r.dbsize(), byKind };
  }));
}

async function runOne(ctx: BenchContext, sim: Simnet, accounts: { network: NetworkName; account: SimAccount }[], target: Target, count: number): Promise<Measure> {
  const tag = `${target.kind}-${count}`;
  const prefix = `bench-sc-${tag}`;
  const clusterNodes = target.kind === "cluster" ? target.nodes : undefined;
  const configPath = writeConfig(ctx, `scaling-${tag}`, CONFIG);
  const engine = await benchEngine(ctx, prefix, sim.url, CONFIG, clusterNodes);
  let workers: Child[] = [];
  try {
    for (let i = 0; i < accounts.length; i += 50) {
      await Promise.all(accounts.slice(i, i + 50).map(({ network, account }) => engine.accounts.connect(network, account.id, account.token, account.refreshToken ?? null)));
    }
    workers = await startFanoutWorkers(ctx, { count, prefix, simnetUrl: sim.url, configPath, ...(clusterNodes ? { clusterNodes } : {}) });
    await sleep(ctx.quick ? 200 : 500);
    await sim.resetStats();
    const pids = workers.map((w) => w.pid);
    // What the workers burn with nothing to do (blocking waits, stalled checks, heartbeats): a fixed cost per process.
    const idleS = ctx.quick ? 0.3 : 2;
    const idle0 = cpuOf(pids);
    await sleep(idleS * 1000);
    const idleCpuPerWorker = (cpuOf(pids) - idle0) / idleS / count;
    const cmd0 = await Promise.all(target.admins.map(commandStats));
    const rcpu0 = await Promise.all(target.admins.map(redisCpuSeconds));
    const [w0, s0, d0] = [cpuOf(pids), cpuOf([sim.child.pid]), process.cpuUsage()];
    const t0 = performance.now();
    const { treeId } = await startSync(engine, accounts.map(({ network, account }) => `${network}:${account.id}`));
    const doc = await waitForTree(engine, treeId, { timeoutMs: 900_000 });
    const wallS = (performance.now() - t0) / 1000;
    const d = process.cpuUsage(d0);
    const cpuS = { workers: cpuOf(pids) - w0, simnet: cpuOf([sim.child.pid]) - s0, driver: (d.user + d.system) / 1e6, redis: 0 };
    const redisCpuPerNode = (await Promise.all(target.admins.map(redisCpuSeconds))).map((v, i) => v - (rcpu0[i] ?? 0));
    cpuS.redis = redisCpuPerNode.reduce((a, b) => a + b, 0);
    const commandsPerNode = (await Promise.all(target.admins.map(commandStats))).map((c, i) => totalCommands(diffCommands(cmd0[i] ?? {}, c)));
    if (doc.state !== "done") throw new Error(`${tag}: the sync ended ${doc.state}: ${JSON.stringify(doc.counts)} ${JSON.stringify(doc.failed.slice(0, 3))}`);
    const st = await sim.stats();
    // Every account's first call is its profile (size first, for whale detection); the rest are follower pages.
    const pages = doc.counts.done - accounts.length;
    return {
      target: target.kind, workers: count, pages, calls: doc.counts.done, simnetRequests: st.networks.twitter.requests + st.networks.facebook.requests,
      wallS, pagesPerS: pages / wallS, cpuS, redisCpuPerNode, idleCpuPerWorker, commands: commandsPerNode.reduce((a, b) => a + b, 0), commandsPerNode,
      ...(target.kind === "cluster" ? { keys: await keySpread(target.admins, prefix) } : {}),
    };
  } finally {
    await stopWorkers(workers, 5_000);
    await engine.close();
    // The cluster is this bench's own: flushing its masters is the wipe (a multi-key UNLINK would cross slots).
    if (target.kind === "cluster") await Promise.all(target.admins.map((r) => r.flushall()));
    else await wipePrefix(ctx.redis, prefix);
  }
}

async function withCluster<T>(body: (c: RedisCluster, admins: Redis[]) => Promise<T>): Promise<T> {
  const cluster = await startRedisCluster(3);
  // Not started through the process registry: if the runner dies mid-run, its exit must still take the masters down.
  const kill = () => { for (const s of cluster.servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL"); };
  process.once("exit", kill);
  const admins = cluster.servers.map((s) => new Redis(s.url, { maxRetriesPerRequest: null }));
  try {
    return await body(cluster, admins);
  } finally {
    await Promise.all(admins.map((r) => r.quit()));
    await cluster.stop();
    process.off("exit", kill);
  }
}

const ms = (s: number, pages: number) => round((1000 * s) / pages, 2);
const totalCpu = (m: Measure) => m.cpuS.workers + m.cpuS.redis + m.cpuS.simnet + m.cpuS.driver;

function rows(runs: Measure[], counts: number[], cores: number, label: string): { rows: Row[]; notes: string[] } {
  const get = (t: Target["kind"], n: number) => runs.find((r) => r.target === t && r.workers === n);
  const out: Row[] = [];
  for (const n of counts) {
    const s = get("single", n);
    const c = get("cluster", n);
    if (!s || !c) continue;
    out.push({ figure: `pages/s, ${label}, ${n} worker process${n > 1 ? "es" : ""}: 3-master cluster vs one Redis`, fanout: c ? round(c.pagesPerS) : null, baseline: s ? round(s.pagesPerS) : null, vs: "one Redis", unit: "pages/s", digits: 0 });
  }
  for (const t of ["single", "cluster"] as const) {
    const one = get(t, 1);
    for (const n of counts.filter((k) => k > 1)) {
      const m = get(t, n);
      if (!one || !m) continue;
      out.push({ figure: `pages/s, ${n} vs 1 worker process (${t === "single" ? "one Redis" : "cluster"})`, fanout: m ? round(m.pagesPerS) : null, baseline: one ? round(one.pagesPerS) : null, vs: "1 worker", unit: "pages/s", digits: 0 });
    }
  }
  for (const n of counts) {
    const s = get("single", n);
    const c = get("cluster", n);
    if (!s || !c) continue;
    out.push({ figure: `CPU per page, workers + Redis + simnet + driver, ${n} worker${n > 1 ? "s" : ""}: cluster vs one Redis`, fanout: c ? ms(totalCpu(c), c.pages) : null, baseline: s ? ms(totalCpu(s), s.pages) : null, vs: "one Redis", unit: "ms", digits: 2 });
  }
  const notes: string[] = [];
  for (const m of runs) {
    const busy = totalCpu(m) / m.wallS;
    notes.push(`${m.target} Redis, ${m.workers} worker(s): ${round(m.pagesPerS)} pages/s (${m.pages} pages, ${round(m.wallS, 1)} s); CPU per page (ms): workers ${ms(m.cpuS.workers, m.pages)}, ` +
      `Redis ${ms(m.cpuS.redis, m.pages)}${m.redisCpuPerNode.length > 1 ? ` (per master ${m.redisCpuPerNode.map((v) => ms(v, m.pages)).join(" / ")})` : ""}, simnet ${ms(m.cpuS.simnet, m.pages)}, ` +
      `driver ${ms(m.cpuS.driver, m.pages)}; ${round(busy, 2)} of ${cores} cores busy; an idle worker uses ${round(100 * m.idleCpuPerWorker, 1)}% of a core; ${round(m.commands / m.pages, 1)} Redis commands/page` +
      `${m.commandsPerNode.length > 1 ? ` (per master ${m.commandsPerNode.map((v) => round(v / m.pages, 1)).join(" / ")})` : ""}.`);
  }
  // Where the ceiling is: the machine's cores over all CPU per page, and each single-threaded process alone.
  const best = get("single", 4) ?? runs[runs.length - 1];
  if (best) {
    const perPage = totalCpu(best) / best.pages;
    out.push({ figure: `pages/s, one Redis, ${best.workers} workers, against what ${cores} cores allow (cores ÷ CPU-s per page)`, fanout: round(best.pagesPerS), baseline: round(cores / perPage), vs: "CPU ceiling", unit: "pages/s", digits: 0, note: "a ratio near 1: the machine's CPU is the bottleneck" });
    out.push({ figure: `cores busy during the run, one Redis, ${best.workers} workers`, fanout: round(totalCpu(best) / best.wallS, 2), baseline: cores, vs: "cores", digits: 2 });
    out.push({ figure: "simnet's ceiling: calls/s it could serve on a whole core (1 ÷ its CPU-s per call)", fanout: round(best.calls / best.wallS), baseline: round(best.calls / best.cpuS.simnet), vs: "simnet ceiling", unit: "calls/s", digits: 0 });
    out.push({ figure: "one Redis's ceiling: pages/s on a whole core (1 ÷ its CPU-s per page)", fanout: round(best.pagesPerS), baseline: round(best.pages / best.cpuS.redis), vs: "Redis ceiling", unit: "pages/s", digits: 0 });
  }
  const spread = [...runs].reverse().find((r) => r.keys)?.keys;
  if (spread) {
    const accountKeys = spread.map((k) => k.byKind.a ?? 0);
    out.push({ figure: "cluster keys per master after a run (DBSIZE): fewest vs most", fanout: Math.min(...spread.map((k) => k.dbsize)), baseline: Math.max(...spread.map((k) => k.dbsize)), vs: "most", digits: 0, note: `per master ${spread.map((k) => k.dbsize).join(" / ")}` });
    out.push({ figure: "cluster account keys ({a.NET.ID}) per master: fewest vs most", fanout: Math.min(...accountKeys), baseline: Math.max(...accountKeys), vs: "most", digits: 0, note: `per master ${accountKeys.join(" / ")}` });
    notes.push(`Keys per master after the last cluster run, by hash-tag kind: ${spread.map((k) => `:${k.port} ${k.dbsize} (${Object.entries(k.byKind).sort((a, b) => b[1] - a[1]).map(([kind, v]) => `${kind} ${v}`).join(", ")})`).join("; ")}.`);
  }
  return { rows: out, notes };
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const perNet = ctx.quick ? 12 : 100;
  const followers: Record<"twitter" | "facebook", number> = { twitter: ctx.quick ? 5_000 : 10_000, facebook: 5_000 };
  const sim = await startSimnet();
  try {
    await sim.patch(quietConfig({ twitter: { latencyMs: LATENCY }, facebook: { latencyMs: LATENCY } }));
    const accounts: { network: NetworkName; account: SimAccount }[] = [];
    for (const network of ["twitter", "facebook"] as const) {
      ctx.log(`creating ${perNet} ${network} accounts of ${followers[network]} followers`);
      for (const account of await sim.createAccounts(network, perNet, followers[network], `sc${network[0] ?? "x"}`)) accounts.push({ network, account });
    }
    const runs: Measure[] = [];
    const one = async (target: Target, n: number) => {
      const m = await runOne(ctx, sim, accounts, target, n);
      runs.push(m);
      ctx.log(`${target.kind}, ${n} worker(s): ${round(m.pagesPerS)} pages/s (${m.pages} pages in ${round(m.wallS, 1)} s), ${ms(totalCpu(m), m.pages)} ms CPU/page`);
    };
    const counts = ctx.quick ? QUICK_WORKER_COUNTS : { single: WORKER_COUNTS, cluster: WORKER_COUNTS };
    for (const n of counts.single) await one({ kind: "single", admins: [ctx.redis] }, n);
    if (counts.cluster.length) {
      await withCluster(async (cluster, admins) => {
        ctx.log(`3-master cluster up: ${cluster.nodes}`);
        for (const n of counts.cluster) await one({ kind: "cluster", admins, nodes: cluster.nodes }, n);
      });
    }
    const cores = os.cpus().length;
    const label = `${perNet} Twitter × ${followers.twitter.toLocaleString("en-US")} + ${perNet} Facebook × ${followers.facebook.toLocaleString("en-US")}`;
    const r = rows(runs, WORKER_COUNTS, cores, label);
    return {
      rows: r.rows,
      notes: [
        ...r.notes,
        "Every process (workers, the Redis masters, simnet, the driver) shares this machine's cores: the cluster adds connections and hops, not CPU, so it measures that Fanout runs and spreads its keys on a cluster, not the speed-up of more hosts.",
      ],
      config: { accounts: accounts.length, perNetwork: perNet, followers, workerCounts: counts, fanout: CONFIG, simnetLatencyMs: LATENCY, masters: 3 },
      samples: { runs },
    };
  } finally {
    await sim.stop();
  }
}

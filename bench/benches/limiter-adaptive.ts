import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { FanoutConfig } from "@fanout/jobs/config";
import { startSync } from "@fanout/jobs/sync";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { writeChart } from "../lib/context.ts";
import { round, wipePrefix } from "../lib/redis.ts";
import { type Hit, type SimAccount, type Simnet } from "../lib/simnet.ts";
import { sleep } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { alone, runVariants, simnetsFor } from "../lib/side-by-side.ts";
import { lineChart } from "../lib/svg.ts";
import { withFanout } from "../lib/sync-run.ts";
import { startBaselineWorkers, stopWorkers } from "../lib/workers.ts";

/**
 * Unpublished limit (issue 7): simnet's hiddenLimit of 50/s on LinkedIn (429s with no reset information), 4 worker
 * processes syncing many LinkedIn accounts (each read with its own token). From 15 s to the halving at 40 s (quick:
 * 20 s): throughput ≥ 85 % of the hidden limit with ≤ 2 % of calls answered 429. Then the hidden limit is halved and the time to settle again is
 * measured (≤ 15 s). Beside it, plain BullMQ workers retrying 429s with a fixed exponential backoff (full jitter,
 * 100 ms base, 10 s cap). Calls are timestamped where simnet's hidden limit counts them (its arrival log); rate over time is plotted.
 * The full run runs the variants one after another against one simnet; quick mode runs Fanout and the per-process
 * backoff side by side, each against its own simnet (lib/side-by-side.ts): both are paced by their simnet's limit.
 */
export const name = "limiter-adaptive";
export const title = "hidden limit: share of it, 429 rate, settling after a halving vs fixed backoff";

const LIMIT = 50;
const WORKERS = 4;
const CONCURRENCY = 50;
const PAGE = 50;
const FOLLOWERS = 5_000;
const LATENCY = { p50: 5, p99: 20 };
const FANOUT_CONFIG: FanoutConfig = {};
/** Settled: every 5-s window from then on holds ≥ 85 % of the new limit in 200s and ≤ 5 % 429s. */
const SETTLE = { windowS: 5, minShare: 0.85, max429: 0.05 };

interface Run { name: string; hits: Hit[]; t0: number; halveAtS: number; endS: number; pacer?: { t: number; rate: number; ceiling: number; throttles: number }[] }

async function prepare(sim: Simnet): Promise<void> {
  await sim.admin("POST", "/_simnet/reset");
  await sim.patch({ networks: { linkedin: { recordArrivals: true, latencyMs: LATENCY, limits: null, hiddenLimit: { perSecond: LIMIT } } } });
  await sim.resetStats();
}

/** From the first call: run `halveAtS`, halve the hidden limit, run until `endS`. */
async function drive(sim: Simnet, halveAtS: number, endS: number): Promise<{ t0: number; hits: Hit[] }> {
  const first = await sim.firstListArrival("linkedin");
  await sleep(first.t + halveAtS * 1000 - Date.now());
  await sim.patch({ networks: { linkedin: { hiddenLimit: { perSecond: LIMIT / 2 } } } });
  await sleep(first.t + endS * 1000 - Date.now());
  return { t0: first.t, hits: await sim.arrivals("linkedin") };
}

async function runFanout(ctx: BenchContext, sim: Simnet, accounts: SimAccount[], halveAtS: number, endS: number, ready: () => Promise<void>): Promise<Run> {
  await prepare(sim);
  return withFanout(ctx, { tag: "la-fanout", simnetUrl: sim.url, config: FANOUT_CONFIG, workers: WORKERS, connect: accounts.map((account) => ({ network: "linkedin", account })) }, async ({ engine }) => {
    // The controller's own view (rate it allows, last refused rate), to set beside what simnet served.
    const net = engine.networks.get("linkedin");
    if (!net) throw new Error("no linkedin network");
    const pacer: NonNullable<Run["pacer"]> = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const s = await engine.limiter.adaptiveState(net.limits);
        pacer.push({ t: Date.now(), ...s });
        await sleep(250);
      }
    })();
    await ready();
    await startSync(engine, accounts.map((a) => `linkedin:${a.id}`));
    const { t0, hits } = await drive(sim, halveAtS, endS);
    polling = false;
    await poll;
    return { name: "Fanout", hits, t0, halveAtS, endS, pacer: pacer.map((p) => ({ ...p, t: round((p.t - t0) / 1000, 2) })) };
  });
}

type BackoffKind = "client" | "expo-jitter";
const BACKOFF_NAME: Record<BackoffKind, string> = { client: "per-process exp. backoff", "expo-jitter": "per-job exp. backoff (BullMQ retries)" };

async function runBackoff(ctx: BenchContext, sim: Simnet, accounts: SimAccount[], halveAtS: number, endS: number, kind: BackoffKind, ready: () => Promise<void>): Promise<Run> {
  await prepare(sim);
  const prefix = `bench-la-${kind}`;
  const tokens = Object.fromEntries(accounts.map((a) => [a.id, a.token]));
  const { writeTokens } = await import("../lib/workers.ts");
  const jobOptions = { attempts: 10_000, backoff: { type: "bench" }, removeOnComplete: { age: 3_600, count: 10_000 } };
  const workers = await startBaselineWorkers(WORKERS, {
    redisUrl: ctx.redisUrl, prefix, queue: "pages", concurrency: CONCURRENCY, mode: "linkedin", simnetUrl: sim.url, pageSize: PAGE,
    tokensFile: writeTokens(ctx, "limiter-adaptive", tokens), jobOptions, backoff: { kind, baseMs: 100, capMs: 10_000 },
  });
  const conn = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("pages", { connection: conn, prefix });
  try {
    await ready();
    await queue.addBulk(accounts.map((a) => ({ name: "page", data: { id: a.id, start: 0 }, opts: jobOptions })));
    const { t0, hits } = await drive(sim, halveAtS, endS);
    return { name: BACKOFF_NAME[kind], hits, t0, halveAtS, endS };
  } finally {
    await stopWorkers(workers, 5_000);
    await queue.close();
    await conn.quit();
    await wipePrefix(ctx.redis, prefix);
  }
}

interface Bins { ok: number[]; throttled: number[] }

/** 200s and 429s per 1-s bin from the run's first call. */
function bins(r: Run): Bins {
  const n = Math.ceil(r.endS);
  const ok = new Array<number>(n).fill(0);
  const throttled = new Array<number>(n).fill(0);
  for (const h of r.hits) {
    if (!h.list) continue;
    const i = Math.floor((h.t - r.t0) / 1000);
    if (i < 0 || i >= n) continue;
    if (h.status === 200) ok[i] = (ok[i] ?? 0) + 1;
    else if (h.status === 429) throttled[i] = (throttled[i] ?? 0) + 1;
  }
  return { ok, throttled };
}

function sum(a: number[], from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i < Math.min(a.length, to); i++) s += a[i] ?? 0;
  return s;
}

interface Phase { share: number; rate429: number; okPerS: number }
function phase(b: Bins, fromS: number, toS: number, limit: number): Phase {
  const ok = sum(b.ok, fromS, toS);
  const th = sum(b.throttled, fromS, toS);
  return { okPerS: ok / (toS - fromS), share: ok / (toS - fromS) / limit, rate429: th / Math.max(1, ok + th) };
}

/** Seconds after the halving until every later SETTLE.windowS window meets SETTLE; null if it never does. */
function settleTime(b: Bins, halveAtS: number, endS: number, limit: number): number | null {
  for (let s = halveAtS; s + SETTLE.windowS <= endS; s++) {
    let ok = true;
    for (let w = s; w + SETTLE.windowS <= endS; w++) {
      const p = phase(b, w, w + SETTLE.windowS, limit);
      if (p.share < SETTLE.minShare || p.rate429 > SETTLE.max429) { ok = false; break; }
    }
    if (ok) return s - halveAtS;
  }
  return null;
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const halveAtS = ctx.quick ? 20 : 40;
  // The steady share is read from 15 s to the halving, well past the discovery at the start (5–8 s here).
  const steadyFromS = 15;
  // Quick: long enough after the halving for a 3-s settle and the 5-s windows that confirm it, with room to spare.
  const endS = halveAtS + (ctx.quick ? 12 : 35);
  const nAccounts = ctx.quick ? 40 : 60;
  const together = ctx.quick;
  const sims = await simnetsFor(together, 2);
  try {
    const accountsFor = await sims.each((sim) => sim.createAccounts("linkedin", nAccounts, FOLLOWERS, "la-"));
    const fanoutWhat = `Fanout: ${WORKERS} workers, ${nAccounts} LinkedIn accounts, hidden limit ${LIMIT}/s, halved at ${halveAtS} s, until ${endS} s`;
    // Quick mode runs the baseline through the first phase only (its settling is then not measured).
    const backoffWhat = `per-process exponential backoff (plain BullMQ)${ctx.quick ? `, until ${halveAtS} s` : ""}`;
    ctx.log(together ? `side by side, each on its own simnet: ${fanoutWhat}; ${backoffWhat}` : fanoutWhat);
    const [fanout, backoff] = await runVariants<[Run, Run]>(together, [
      (ready) => runFanout(ctx, sims.at(0), accountsFor(0), halveAtS, endS, ready),
      (ready) => { if (!together) ctx.log(backoffWhat); return runBackoff(ctx, sims.at(1), accountsFor(1), halveAtS, ctx.quick ? halveAtS : endS, "client", ready); },
    ]);
    let perJob: Run | undefined;
    if (!ctx.quick) {
      ctx.log("per-job exponential backoff (plain BullMQ retries)");
      perJob = await runBackoff(ctx, sims.at(0), accountsFor(0), halveAtS, endS, "expo-jitter", alone);
    }
    const measure = (r: Run) => {
      const b = bins(r);
      const steady = phase(b, steadyFromS, halveAtS, LIMIT);
      if (r.endS <= halveAtS) return { bins: b, steady, settle: null, after: { share: NaN, rate429: NaN, okPerS: NaN } };
      const settle = settleTime(b, halveAtS, r.endS, LIMIT / 2);
      const after = phase(b, Math.min(r.endS - SETTLE.windowS, halveAtS + (settle ?? r.endS - halveAtS)), r.endS, LIMIT / 2);
      ctx.log(`${r.name}: ${steadyFromS}–${halveAtS} s ${round(steady.okPerS)} ok/s = ${round(100 * steady.share)}% of ${LIMIT}, 429s ${round(100 * steady.rate429, 2)}%; settled after the halving in ${settle ?? "—"} s; then ${round(100 * after.share)}% of ${LIMIT / 2}, 429s ${round(100 * after.rate429, 2)}%`);
      return { bins: b, steady, settle, after };
    };
    const f = measure(fanout);
    const k = measure(backoff);
    const j = perJob ? measure(perJob) : undefined;
    const pct = (x: number) => (Number.isFinite(x) ? round(100 * x, 1) : null);
    const rows: Row[] = [
      { figure: `throughput ${steadyFromS}–${halveAtS} s ÷ hidden limit (${LIMIT}/s)`, fanout: pct(f.steady.share), baseline: pct(k.steady.share), vs: "per-process exp. backoff", unit: "%", target: { on: "fanout", op: ">=", value: 85 } },
      { figure: `calls answered 429, ${steadyFromS}–${halveAtS} s`, fanout: pct(f.steady.rate429), baseline: pct(k.steady.rate429), vs: "per-process exp. backoff", unit: "%", digits: 2, target: { on: "fanout", op: "<=", value: 2 } },
      { figure: `settling time after the limit is halved to ${LIMIT / 2}/s`, fanout: f.settle, baseline: k.settle, vs: "per-process exp. backoff", unit: "s", digits: 0, target: { on: "fanout", op: "<=", value: 15 }, note: `settled: every later ${SETTLE.windowS}-s window ≥ ${SETTLE.minShare * 100}% of the new limit with ≤ ${SETTLE.max429 * 100}% 429s` },
      { figure: `throughput once settled ÷ new limit (${LIMIT / 2}/s)`, fanout: pct(f.after.share), baseline: pct(k.after.share), vs: "per-process exp. backoff", unit: "%" },
      { figure: "calls answered 429 once settled", fanout: pct(f.after.rate429), baseline: pct(k.after.rate429), vs: "per-process exp. backoff", unit: "%", digits: 2 },
    ];
    if (j) {
      rows.push(
        { figure: `throughput ${steadyFromS}–${halveAtS} s ÷ hidden limit, vs per-job backoff`, fanout: pct(f.steady.share), baseline: pct(j.steady.share), vs: "per-job exp. backoff", unit: "%" },
        { figure: `calls answered 429, ${steadyFromS}–${halveAtS} s, vs per-job backoff`, fanout: pct(f.steady.rate429), baseline: pct(j.steady.rate429), vs: "per-job exp. backoff", unit: "%", digits: 2 },
      );
    }
    const pacerPts = (fanout.pacer ?? []).filter((p) => p.t >= 0).map((p) => [p.t, p.rate] as [number, number]);
    const pts = (a: number[]) => a.map((v, i) => [i + 0.5, v] as [number, number]);
    const svg = lineChart({
      title: `Hidden limit on LinkedIn: ${LIMIT}/s, halved to ${LIMIT / 2}/s at ${halveAtS} s (${WORKERS} processes)`,
      xLabel: "seconds since the first call", yLabel: "calls per second (at simnet)",
      series: [
        { name: "Fanout 200s/s", points: pts(f.bins.ok), color: "#1f77b4" },
        { name: "Fanout 429s/s", points: pts(f.bins.throttled), color: "#1f77b4", dashed: true },
        { name: "hidden limit", points: [[0, LIMIT], [halveAtS, LIMIT], [halveAtS, LIMIT / 2], [endS, LIMIT / 2]], color: "#555" },
        { name: "Fanout pacer's allowed rate", points: pacerPts, color: "#2ca02c" },
        { name: "per-process backoff 200s/s", points: pts(k.bins.ok), color: "#d62728" },
        { name: "per-process backoff 429s/s", points: pts(k.bins.throttled), color: "#d62728", dashed: true },
      ],
      vlines: [{ x: steadyFromS, label: `${steadyFromS} s` }, { x: halveAtS, label: "halved" }],
    });
    return {
      rows,
      charts: [writeChart(ctx, "limiter-adaptive.svg", svg)],
      config: { variants: together ? "Fanout and the per-process backoff side by side, each against its own simnet" : "one after another, one simnet", hiddenLimit: LIMIT, halvedTo: LIMIT / 2, halveAtS, steadyFromS, endS, workers: WORKERS, concurrency: CONCURRENCY, accounts: nAccounts, followers: FOLLOWERS, pageSize: PAGE, latencyMs: LATENCY, settle: SETTLE, baselines: { perProcess: "plain BullMQ workers; after a 429 the whole process waits min(10 s, 100 ms · 2^(n−1)) (half jittered), n = consecutive 429s", perJob: "plain BullMQ; a 429 fails the job, retried after U(0, min(10 s, 100 ms · 2^attempt)) (full run only)" } },
      samples: { fanout: { ...f, t0: fanout.t0, pacer: fanout.pacer }, perProcessBackoff: { ...k, t0: backoff.t0 }, ...(j && perJob ? { perJobBackoff: { ...j, t0: perJob.t0 } } : {}) },
    };
  } finally {
    await sims.stop();
  }
}

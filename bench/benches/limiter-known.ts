import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { FanoutConfig } from "@fanout/jobs/config";
import { guardMs } from "@fanout/jobs/limiter/limiter";
import { startSync } from "@fanout/jobs/sync";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { writeChart } from "../lib/context.ts";
import { commandStats, diffCommands, redisCpuSeconds, round, totalCommands, wipePrefix } from "../lib/redis.ts";
import { type Hit, type SimAccount, type Simnet } from "../lib/simnet.ts";
import { countBetween, sleep, worstWindow } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { alone, runVariants, simnetsFor } from "../lib/side-by-side.ts";
import { lineChart } from "../lib/svg.ts";
import { withFanout } from "../lib/sync-run.ts";
import { benchEngine, startBaselineWorkers, stopWorkers } from "../lib/workers.ts";

/**
 * Published limit (issue 7): 4 worker processes share ONE Twitter token (many accounts read `via` it) whose limit is
 * 100 calls per 1 s window, in simnet and in Fanout's config alike. Measured on the API's side, from simnet's own log
 * of arrivals (the times its limits counted): utilization (200s ÷ allowed over the run), 429s, simnet's overLimit, and the worst
 * rolling 1-s window as a ratio of the limit. Beside it, plain BullMQ workers with BullMQ's own queue limiter set to
 * the same rate, and with no limiter at all (both retry a refused call after 1 s). The full run runs the three one
 * after another against one simnet. Quick mode runs Fanout alone, then the baselines and the two-token run side by side,
 * each against its own simnet (lib/side-by-side.ts).
 */
export const name = "limiter-known";
export const title = "known limit: utilization, 429s and worst rolling window vs BullMQ's limiter and none";

const LIMIT = { max: 100, windowMs: 1_000 };
const WORKERS = 4;
const CONCURRENCY = 50;
const PAGE = 100;
const FOLLOWERS = 10_000;
const LATENCY = { p50: 5, p99: 20 };

const FANOUT_CONFIG: FanoutConfig = {
  tuning: { twitter: { pageSize: PAGE, limits: [{ scope: "token", max: LIMIT.max, windowMs: LIMIT.windowMs, endpoint: "followers" }, { scope: "token", max: 900, windowMs: 900_000, endpoint: "profile" }] } },
};
const RETRY: JobsOptions = { attempts: 10_000, backoff: { type: "bench" }, removeOnComplete: { age: 3_600, count: 10_000 } };

interface Variant {
  name: string; hits: Hit[]; t0: number; durationS: number; overLimit: number; simnet429: number;
  /** Fanout only: when its limiter charged each call (scores of its sliding log, read while the run went on). */
  charges?: number[];
  phantoms?: number;
  /** Fanout only: acquisitions its limiter refused (the caller asked again later). */
  refused?: number;
}

interface Figures { steadyUtilization: number; served: number; allowed: number; utilization: number; throttled: number; worst: number; worstServed: number; overLimit: number; calls: number }

function figures(v: Variant): Figures {
  const list = v.hits.filter((h) => h.list && h.net === "twitter");
  const end = v.t0 + v.durationS * 1000;
  const inRun = list.filter((h) => h.t >= v.t0 && h.t < end);
  const served = inRun.filter((h) => h.status === 200).length;
  const allowed = LIMIT.max * (v.durationS * 1000 / LIMIT.windowMs);
  const steadyFrom = v.t0 + 5_000;
  const steadyServed = inRun.filter((h) => h.status === 200 && h.t >= steadyFrom).length;
  return {
    steadyUtilization: steadyServed / (LIMIT.max * ((end - steadyFrom) / LIMIT.windowMs)),
    served, allowed, utilization: served / allowed, calls: inRun.length,
    throttled: list.filter((h) => h.status === 429).length,
    worst: worstWindow(list.map((h) => h.t), LIMIT.windowMs).count / LIMIT.max,
    worstServed: worstWindow(list.filter((h) => h.status === 200).map((h) => h.t), LIMIT.windowMs).count / LIMIT.max,
    overLimit: v.overLimit,
  };
}

/**
 * simnet as a measured run finds it: the token limit, arrivals recorded, counters and stats reset, and warm. A fresh
 * simnet's first requests on a path run cold (its handlers not yet compiled): the first calls of a run reached it up
 * to 58 ms after they left the socket, bunching behind the ones that followed (worst window 1.03×). A real API is
 * warm; so is simnet here: 100 calls on the list endpoint with the run's token, then the reset.
 */
async function settle(sim: Simnet, via: SimAccount): Promise<void> {
  const reset = async () => {
    await sim.admin("POST", "/_simnet/reset");
    await sim.patch({ networks: { twitter: { recordArrivals: true, latencyMs: LATENCY, limits: [{ scope: "token", max: LIMIT.max, windowMs: LIMIT.windowMs }] } } });
    await sim.resetStats();
  };
  await reset();
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    for (let i = 0; i < 100 / WORKERS; i++) {
      const res = await fetch(`${sim.url}/twitter/2/users/${via.id}/followers?max_results=${PAGE}`, { headers: { authorization: `Bearer ${via.token}` } });
      await res.arrayBuffer();
    }
  }));
  await reset();
}

/** Waits for the first list call, then `durationS` more; the run's t0 is that first call. */
async function timeRun(sim: Simnet, durationS: number): Promise<{ t0: number; hits: Hit[] }> {
  const first = await sim.firstListArrival("twitter");
  await sleep(first.t + durationS * 1000 - Date.now() + 200);
  return { t0: first.t, hits: await sim.arrivals("twitter") };
}

/** The accounts one simnet holds for a variant: the token everyone reads `via`, and the accounts to sync. */
interface Cast { via: SimAccount; accounts: SimAccount[] }

async function cast(sim: Simnet, nAccounts: number): Promise<Cast> {
  const [via] = await sim.createAccounts("twitter", 1, 10, "lk-via-");
  if (!via) throw new Error("no via account");
  return { via, accounts: await sim.createAccounts("twitter", nAccounts, FOLLOWERS, "lk-") };
}

async function runFanout(ctx: BenchContext, sim: Simnet, { via, accounts }: Cast, durationS: number, ready: () => Promise<void>): Promise<Variant> {
  await settle(sim, via);
  return withFanout(ctx, { tag: "lk-fanout", simnetUrl: sim.url, config: FANOUT_CONFIG, workers: WORKERS, connect: [{ network: "twitter", account: via }] }, async ({ engine }) => {
    const log = watchLog(ctx, engine.keys.limitWindow("twitter", `token.${via.id}.${LIMIT.windowMs}.followers`));
    await ready();
    await startSync(engine, accounts.map((a) => `twitter:${a.id}`), { via: `twitter:${via.id}` });
    const { t0, hits } = await timeRun(sim, durationS);
    const s = await sim.stats();
    const { charges, phantoms } = await log.stop();
    const refused = Number(await ctx.redis.hget(engine.keys.limitWindow("twitter", `token.${via.id}.${LIMIT.windowMs}.followers:b`), "refused") ?? 0);
    return { name: "Fanout", hits, t0, durationS, overLimit: s.networks.twitter.overLimit, simnet429: s.networks.twitter.byStatus["429"] ?? 0, charges, phantoms, refused };
  });
}

/**
 * Two tokens on one app-level limit (100/s) with their own token limits (60/s each), both saturated: the share of
 * the app budget each one gets once running (issue 7: each ≥ 45%).
 */
async function runTwoTokens(ctx: BenchContext, sim: Simnet, vias: SimAccount[], accounts: SimAccount[], durationS: number, ready: () => Promise<void>): Promise<{ shares: number[]; served: number[]; allowed: number; throttled: number }> {
  await sim.admin("POST", "/_simnet/reset");
  const token = { max: 60, windowMs: LIMIT.windowMs };
  await sim.patch({ networks: { twitter: { recordArrivals: true, latencyMs: LATENCY, limits: [{ scope: "app", ...LIMIT }, { scope: "token", ...token }] } } });
  await sim.resetStats();
  const config: FanoutConfig = {
    tuning: { twitter: { pageSize: PAGE, limits: [{ scope: "app", ...LIMIT, endpoint: "followers" }, { scope: "token", ...token, endpoint: "followers" }, { scope: "token", max: 900, windowMs: 900_000, endpoint: "profile" }] } },
  };
  return withFanout(ctx, { tag: "lk-two", simnetUrl: sim.url, config, workers: WORKERS, connect: vias.map((account) => ({ network: "twitter" as const, account })) }, async ({ engine }) => {
    const half = Math.ceil(accounts.length / 2);
    await ready();
    await Promise.all(vias.map((via, i) => startSync(engine, accounts.slice(i * half, (i + 1) * half).map((a) => `twitter:${a.id}`), { via: `twitter:${via.id}` })));
    const { t0, hits } = await timeRun(sim, durationS);
    const from = t0 + 3_000; // both saturated: past the start, where first jobs are profile calls
    const end = t0 + durationS * 1000;
    const served = vias.map((via) => hits.filter((h) => h.list && h.who === via.id && h.status === 200 && h.t >= from && h.t < end).length);
    const allowed = LIMIT.max * ((end - from) / LIMIT.windowMs);
    const throttled = hits.filter((h) => h.list && h.status === 429).length;
    return { shares: served.map((n) => n / allowed), served, allowed, throttled };
  });
}

async function runBaseline(ctx: BenchContext, sim: Simnet, { via, accounts }: Cast, durationS: number, limiter: boolean, ready: () => Promise<void>): Promise<Variant> {
  await settle(sim, via);
  const prefix = `bench-lk-${limiter ? "bullmq" : "none"}`;
  const workers = await startBaselineWorkers(WORKERS, {
    redisUrl: ctx.redisUrl, prefix, queue: "pages", concurrency: CONCURRENCY, mode: "twitter", simnetUrl: sim.url, pageSize: PAGE,
    token: via.token, jobOptions: RETRY, backoff: { kind: "fixed", baseMs: 1_000, capMs: 1_000 },
    ...(limiter ? { limiter: { max: LIMIT.max, duration: LIMIT.windowMs } } : {}),
  });
  const conn = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("pages", { connection: conn, prefix });
  try {
    await ready();
    await queue.addBulk(accounts.map((a) => ({ name: "page", data: { id: a.id, cursor: null }, opts: RETRY })));
    const { t0, hits } = await timeRun(sim, durationS);
    const s = await sim.stats();
    return { name: limiter ? "BullMQ limiter" : "no limiter", hits, t0, durationS, overLimit: s.networks.twitter.overLimit, simnet429: s.networks.twitter.byStatus["429"] ?? 0 };
  } finally {
    await stopWorkers(workers, 5_000);
    await queue.close();
    await conn.quit();
    await wipePrefix(ctx.redis, prefix);
  }
}

/**
 * Reads Fanout's sliding log (a sorted set: one member per charged call, scored with the charge time) every 200 ms
 * — its entries live 2 s, so nothing is missed — to compare when calls were charged with when they reached simnet.
 */
function watchLog(ctx: BenchContext, key: string): { stop(): Promise<{ charges: number[]; phantoms: number }> } {
  const seen = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const flat = await ctx.redis.zrange(key, 0, -1, "WITHSCORES");
      for (let i = 0; i + 1 < flat.length; i += 2) seen.set(flat[i] ?? "", Number(flat[i + 1]));
      await sleep(200);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const real = [...seen.entries()].filter(([m]) => !m.startsWith("ph:"));
      return { charges: real.map(([, t]) => t), phantoms: seen.size - real.length };
    },
  };
}

/** Charge → arrival, pairing the k-th charge with the k-th arrival (both sorted): approximate, but unbiased. */
function lateness(charges: number[], arrivals: number[]): { p50: number; p95: number; max: number } {
  const c = [...charges].sort((a, b) => a - b);
  const a = [...arrivals].sort((x, y) => x - y);
  const d = c.slice(0, a.length).map((t, i) => (a[i] ?? t) - t).sort((x, y) => x - y);
  const at = (q: number) => d[Math.min(d.length - 1, Math.floor(q * d.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: d[d.length - 1] ?? 0 };
}

/** Calls in the trailing 1-s window, sampled every 50 ms: what a sliding-window API counts. */
function rollingSeries(v: Variant, untilS: number): [number, number][] {
  const times = v.hits.filter((h) => h.list).map((h) => h.t).sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (let s = 1; s <= untilS; s += untilS > 20 ? 0.1 : 0.05) out.push([round(s, 2), countBetween(times, v.t0 + (s - 1) * 1000, v.t0 + s * 1000)]);
  return out;
}

interface Overhead { acquisitionsPerS: number; pingsPerS: number; roundTripsPerAcquisition: number; commandsPerAcquisition: number; redisCpuUs: number; processCpuUs: number }

/**
 * The limiter's own cost (issue 7: acquisitions per second per process, Redis round trips per acquisition), in this
 * process against the bench's Redis, on a limit that never refuses: 50 concurrent callers for `seconds` (beside the
 * same callers sending PING, the round-trip floor), then 1,000 acquisitions one after another while the connection's
 * socket writes are counted (a round trip is one write: ioredis writes a pipeline at once).
 */
async function overhead(ctx: BenchContext, simUrl: string, network: "twitter" | "linkedin", seconds: number): Promise<Overhead> {
  const prefix = `bench-lk-overhead-${network}`;
  const config: FanoutConfig = {
    tuning: {
      twitter: { limits: [{ scope: "token", max: 1_000_000_000, windowMs: 1_000, endpoint: "followers" }] },
      linkedin: { adaptive: { initialRate: 1_000_000, maxRate: 1_000_000 } },
    },
  };
  const engine = await benchEngine(ctx, prefix, simUrl, config);
  try {
    const net = engine.networks.get(network);
    if (!net) throw new Error(`no ${network} network`);
    const call = { tokenRef: "overhead", paging: true, endpoint: "followers" };
    const flood = async (op: () => Promise<unknown>): Promise<number> => {
      let n = 0;
      const end = performance.now() + seconds * 1_000;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) { await op(); n++; }
      }));
      return n / seconds;
    };
    await flood(() => engine.limiter.acquire(net.limits, call)); // warm: scripts loaded, JIT
    const pingsPerS = await flood(() => engine.redis.ping());
    const cmd0 = await commandStats(ctx.redis);
    const rcpu0 = await redisCpuSeconds(ctx.redis);
    const pcpu0 = process.cpuUsage();
    const acquisitionsPerS = await flood(() => engine.limiter.acquire(net.limits, call));
    const pcpu = process.cpuUsage(pcpu0);
    const n = acquisitionsPerS * seconds;
    const redisCpuUs = ((await redisCpuSeconds(ctx.redis)) - rcpu0) * 1e6 / n;
    const commands = totalCommands(diffCommands(cmd0, await commandStats(ctx.redis))) / n;
    const stream = (engine.redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    let writes = 0;
    stream.write = (...a: unknown[]) => { writes++; return write(...a); };
    const SEQ = 1_000;
    try {
      for (let i = 0; i < SEQ; i++) await engine.limiter.acquire(net.limits, call);
    } finally {
      stream.write = write;
    }
    // INFO and the rest of the measuring commands ran on ctx.redis, not this connection: `commands` counts a few of
    // them (4 per run), negligible against the thousands of acquisitions.
    return { acquisitionsPerS, pingsPerS, roundTripsPerAcquisition: writes / SEQ, commandsPerAcquisition: commands, redisCpuUs, processCpuUs: (pcpu.user + pcpu.system) / n };
  } finally {
    await engine.close();
    await wipePrefix(ctx.redis, prefix);
  }
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  // Quick mode: Fanout alone, then the other three variants at once, each against its own simnet; the full run:
  // one after another on one simnet.
  const together = ctx.quick;
  // Fanout's run, alone on the machine: its start (every account's first job is its profile call, then the first
  // second's burst) counts, and the guard caps a run at 1 ÷ 1.02 = 98 %, so 14 s is the shortest that leaves 97 %
  // within reach. Measured beside other runs (even BullMQ's limiter alone, ~100 calls/s), CPU contention put calls
  // more than the guard late (worst window 1.03×) and slowed its start (utilization 92–97 %).
  const durationS = ctx.quick ? 14 : 60;
  // BullMQ's limiter runs as long, so that its start weighs alike. The no-limiter figures are rates and counts of
  // refusals, clear within seconds: a shorter run in quick mode.
  const bullS = durationS;
  const noneS = ctx.quick ? 4 : durationS;
  const twoS = ctx.quick ? 7 : 30;
  const nAccounts = ctx.quick ? 40 : 120;
  const sims = await simnetsFor(together, 3);
  const sim = sims.at(0);
  try {
    const castFor = await sims.each((s) => cast(s, nAccounts));
    const pair = await sim.createAccounts("twitter", 2, 10, "lk-pair-");
    const accounts = castFor(0).accounts;
    ctx.log(`Fanout: ${WORKERS} workers, one token, ${LIMIT.max} per ${LIMIT.windowMs} ms, ${durationS} s`);
    const fanout = await runFanout(ctx, sim, castFor(0), durationS, alone);
    const bullWhat = `BullMQ queue limiter {max ${LIMIT.max}, duration ${LIMIT.windowMs}} ${bullS} s`;
    const noneWhat = `no limiter ${noneS} s`;
    const twoWhat = `Fanout, two tokens on one app limit (${LIMIT.max}/s; 60/s each) ${twoS} s`;
    // Quick mode runs the rest side by side, each on its own simnet: none of their figures is a matter of milliseconds.
    ctx.log(together ? `side by side, each on its own simnet: ${bullWhat}; ${noneWhat}; ${twoWhat}` : bullWhat);
    const [bull, none, two] = await runVariants<[Variant, Variant, Awaited<ReturnType<typeof runTwoTokens>>]>(together, [
      (ready) => runBaseline(ctx, sims.at(1), castFor(1), bullS, true, ready),
      (ready) => { if (!together) ctx.log(noneWhat); return runBaseline(ctx, sims.at(2), castFor(2), noneS, false, ready); },
      (ready) => { if (!together) ctx.log(twoWhat); return runTwoTokens(ctx, sims.at(0), pair, accounts, twoS, ready); },
    ]);
    ctx.log(`two tokens: shares ${two.shares.map((x) => `${round(100 * x, 1)}%`).join(" / ")} of the app budget, 429s ${two.throttled}`);
    const overS = ctx.quick ? 0.25 : 3;
    ctx.log(`limiter overhead: ${CONCURRENCY} concurrent callers in one process, ${overS} s, published and adaptive`);
    const over = { published: await overhead(ctx, sim.url, "twitter", overS), adaptive: await overhead(ctx, sim.url, "linkedin", overS) };
    ctx.log(`limiter overhead: ${JSON.stringify(over)}`);
    const [f, b, n] = [figures(fanout), figures(bull), figures(none)];
    for (const [label, x] of [["Fanout", f], ["BullMQ limiter", b], ["no limiter", n]] as const) {
      ctx.log(`${label}: utilization ${round(100 * x.utilization)}%, 429s ${x.throttled}, worst 1-s window ${round(x.worst, 2)}× (200s only ${round(x.worstServed, 2)}×), overLimit ${x.overLimit}`);
    }
    const pct = (x: number) => round(100 * x, 1);
    const bullVs = "BullMQ queue limiter";
    const noneVs = `no limiter${noneS === durationS ? "" : ` (its own ${noneS} s run)`}`;
    const charged = fanout.charges ?? [];
    const late = lateness(charged, fanout.hits.filter((h) => h.list).map((h) => h.t));
    const chargedWorst = worstWindow(charged, LIMIT.windowMs).count / LIMIT.max;
    ctx.log(`Fanout's own log: ${charged.length} charges, worst rolling 1-s window by charge time ${round(chargedWorst, 2)}×; ${fanout.phantoms ?? 0} phantom entries from headers`);
    const rows: Row[] = [
      { figure: `utilization of ${LIMIT.max}/s shared by ${WORKERS} processes, ${durationS} s`, fanout: pct(f.utilization), baseline: pct(b.utilization), vs: bullVs, unit: "%", target: { on: "fanout", op: ">=", value: 97 } },
      { figure: "utilization after the first 5 s (diagnostic)", fanout: pct(f.steadyUtilization), baseline: pct(b.steadyUtilization), vs: bullVs, unit: "%", note: "without the start, where every account's first job is its profile call" },
      { figure: "utilization, no limiter", fanout: pct(f.utilization), baseline: pct(n.utilization), vs: noneVs, unit: "%" },
      { figure: "429 answers", fanout: f.throttled, baseline: b.throttled, vs: bullVs, digits: 0, target: { on: "fanout", op: "<=", value: 0 } },
      { figure: "429 answers, no limiter", fanout: f.throttled, baseline: n.throttled, vs: noneVs, digits: 0 },
      { figure: "worst rolling 1-s window ÷ limit (all calls sent)", fanout: round(f.worst, 2), baseline: round(b.worst, 2), vs: bullVs, unit: "×", digits: 2, target: { on: "fanout", op: "<=", value: 1 } },
      { figure: "worst rolling 1-s window ÷ limit, by Fanout's charge times (diagnostic)", fanout: round(chargedWorst, 2), unit: "×", digits: 2, note: "the same calls as its limiter's sliding log saw them: any gap to the row above is charge→arrival jitter" },
      { figure: "simnet overLimit", fanout: f.overLimit, baseline: b.overLimit, vs: bullVs, digits: 0, target: { on: "fanout", op: "<=", value: 0 } },
      { figure: "charge → arrival at the API, p50 / p95 (diagnostic)", fanout: round(late.p50, 1), baseline: round(late.p95, 1), vs: "p95", unit: " ms", note: `k-th charge paired with the k-th arrival; max ${round(late.max, 0)} ms. Calls are paced ${round((LIMIT.windowMs + guardMs(LIMIT.windowMs)) / LIMIT.max, 2)} ms apart, so a spread of lateness wider than the ${guardMs(LIMIT.windowMs)} ms guard is what puts a 101st call in some rolling second` },
      { figure: "limiter acquisitions per admitted call", fanout: round((charged.length + (fanout.refused ?? 0)) / Math.max(1, charged.length), 2), unit: "", digits: 2, note: `${fanout.refused ?? 0} refusals (the caller is told when to ask again, one pacing step behind the previous one) for ${charged.length} admitted; each acquisition is one round trip` },
      ...(["published", "adaptive"] as const).map((kind) => ({
        figure: `limiter acquisitions per second, one process, ${CONCURRENCY} concurrent callers (${kind === "published" ? "a published limit" : "the adaptive limiter"}, never refusing)`,
        fanout: round(over[kind].acquisitionsPerS, 0), baseline: round(over[kind].pingsPerS, 0), vs: "PING round trips/s, same callers", digits: 0,
        note: `${round(over[kind].commandsPerAcquisition, 1)} Redis commands, ${round(over[kind].redisCpuUs, 1)} µs of Redis CPU and ${round(over[kind].processCpuUs, 1)} µs of this process's CPU per acquisition`,
      })),
      ...(["published", "adaptive"] as const).map((kind) => ({
        figure: `Redis round trips per acquisition (${kind === "published" ? "a published limit" : "the adaptive limiter"}; socket writes over 1,000 in a row)`,
        fanout: round(over[kind].roundTripsPerAcquisition, 3), unit: "", digits: 3,
        note: "breaker check, every factor's log and pacing (or the adaptive pace) in one script (gate-n.lua) in one slot; the per-network overrides are read once a second at most",
        target: { on: "fanout" as const, op: "<=" as const, value: 1.01 },
      })),
      ...two.shares.map((share, i) => ({ figure: `two tokens on one app limit: token ${i === 0 ? "A" : "B"}'s share of the app budget, both saturated`, fanout: pct(share), unit: "%", note: `${two.served[i] ?? 0} of ${Math.round(two.allowed)} allowed after the first 3 s of ${twoS} s; 429s ${two.throttled}`, target: { on: "fanout" as const, op: ">=" as const, value: 45 } })),
    ];
    const untilS = durationS;
    const svg = lineChart({
      title: `Known limit: calls in the trailing second (limit ${LIMIT.max} per ${LIMIT.windowMs / 1000} s, one token, ${WORKERS} processes)`,
      xLabel: "seconds since the first call", yLabel: "calls in the trailing 1 s (at simnet)",
      series: [
        { name: "Fanout", points: rollingSeries(fanout, untilS) },
        { name: "BullMQ queue limiter", points: rollingSeries(bull, untilS) },
        { name: "no limiter", points: rollingSeries(none, untilS), dashed: true },
      ],
      hlines: [{ y: LIMIT.max, label: `limit ${LIMIT.max}`, color: "#d62728" }],
    });
    const strip = (v: Variant) => ({ name: v.name, t0: v.t0, durationS: v.durationS, overLimit: v.overLimit, simnet429: v.simnet429, calls: v.hits.filter((h) => h.list).map((h) => [round(h.t - v.t0, 2), h.status]) });
    return {
      rows,
      charts: [writeChart(ctx, "limiter-known.svg", svg)],
      config: { variants: together ? "Fanout alone, then BullMQ's limiter, no limiter and the two-token run side by side, each against its own simnet" : "one after another, one simnet", runS: { fanout: durationS, bullmq: bullS, none: noneS, twoTokens: twoS }, limit: LIMIT, workers: WORKERS, concurrency: CONCURRENCY, pageSize: PAGE, accounts: nAccounts, followers: FOLLOWERS, durationS, latencyMs: LATENCY, fanoutConfig: FANOUT_CONFIG, baselineRetry: "fixed 1 s after a 429", measuredAt: "simnet's arrival log (recordArrivals): where its limits count" },
      samples: { figures: { fanout: f, bullmq: b, none: n }, twoTokens: two, overhead: over, lateness: late, refused: fanout.refused ?? 0, fanoutCharges: charged.map((t) => round(t - fanout.t0, 2)), phantoms: fanout.phantoms ?? 0, variants: [strip(fanout), strip(bull), strip(none)] },
      notes: [
        `BullMQ's limiter: ${b.throttled} 429s and a worst rolling second of ${round(b.worst * LIMIT.max, 0)} calls: it counts fixed windows of its own, which drift from simnet's (anchored at the token's first call).`,
        `no limiter: ${n.calls} calls in ${noneS} s for ${n.served} served; ${n.throttled} answered 429.`,
      ],
    };
  } finally {
    await sims.stop();
  }
}

import type { FanoutConfig } from "@fanout/jobs/config";
import { startSync } from "@fanout/jobs/sync";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { round } from "../lib/redis.ts";
import { startSimnet, type SimAccount, type Simnet } from "../lib/simnet.ts";
import { percentile, sleep } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { withFanout } from "../lib/sync-run.ts";

/**
 * Fairness (issue 8): small accounts (1,000 followers) each start their own sync while LinkedIn's 1,000,000-follower
 * whale syncs on the same fleet. LinkedIn's whale is the one that floods a queue: its first page gives the total and
 * all 20,000 pages are enqueued at once (a cursor whale runs one page at a time and crowds nobody). The small syncs'
 * p95 completion time (start → tree settled) is compared with the same run without the whale, and beside it the run
 * with one single queue (whale routing off: both thresholds out of reach), which shows what the whale queue buys.
 */
export const name = "fairness";
export const title = "small syncs' p95 completion with a 1M whale on the same fleet vs without";

const WORKERS = 2;
const LATENCY = { p50: 5, p99: 20 };
const ROUTED: FanoutConfig = {};
const SINGLE_QUEUE: FanoutConfig = { whaleThreshold: 1_000_000_000, whaleSpikePagesPerMinute: 1_000_000_000 };

interface Variant { name: string; p50: number; p95: number; max: number; whalePagesDone: number; times: number[] }

async function runVariant(ctx: BenchContext, sim: Simnet, tag: string, small: SimAccount[], whale: SimAccount | null, config: FanoutConfig): Promise<Variant> {
  await sim.resetStats();
  const connect = [...small, ...(whale ? [whale] : [])].map((account) => ({ network: "linkedin" as const, account }));
  return withFanout(ctx, { tag: `fair-${tag}`, simnetUrl: sim.url, config, workers: WORKERS, connect }, async ({ engine }) => {
    let whaleTree: string | null = null;
    if (whale) {
      whaleTree = (await startSync(engine, [`linkedin:${whale.id}`])).treeId;
      // Small syncs start once the whale's fan-out is queued (its first page learned the total).
      const deadline = Date.now() + 60_000;
      while (((await engine.tree.node(whaleTree, `linkedin:${whale.id}`))?.counts.pending ?? 0) < 1_000) {
        if (Date.now() > deadline) throw new Error("the whale's pages were not enqueued within 60 s");
        await sleep(50);
      }
    }
    const started: { treeId: string; at: number }[] = [];
    for (const a of small) started.push({ treeId: (await startSync(engine, [`linkedin:${a.id}`])).treeId, at: Date.now() });
    const done = new Map<string, number>();
    const deadline = Date.now() + 600_000;
    while (done.size < started.length) {
      if (Date.now() > deadline) throw new Error(`${started.length - done.size} small syncs not settled within 10 minutes (${tag})`);
      await Promise.all(started.filter((s) => !done.has(s.treeId)).map(async (s) => {
        const meta = await engine.redis.hmget(engine.keys.treeMeta(s.treeId), "state", "settledAt");
        if (meta[0] && meta[0] !== "open") done.set(s.treeId, Number(meta[1] ?? Date.now()) - s.at);
      }));
      await sleep(100);
    }
    const whalePagesDone = whale && whaleTree ? (await engine.tree.node(whaleTree, `linkedin:${whale.id}`))?.counts.done ?? 0 : 0;
    const times = [...done.values()].map((ms) => ms / 1000);
    return { name: tag, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), whalePagesDone, times };
  });
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  // Quick mode: enough small syncs that their p95 is not the whale's first seconds alone (with 40 it read 1.46–1.55×).
  const nSmall = ctx.quick ? 60 : 200;
  const sim = await startSimnet();
  try {
    await sim.patch({ networks: { linkedin: { latencyMs: LATENCY } } });
    const small = await sim.createAccounts("linkedin", nSmall, 1_000, "fair-");
    const whale = ctx.quick ? (await sim.createAccounts("linkedin", 1, 200_000, "fairwhale-"))[0] ?? null : await sim.account("linkedin", "whale");
    if (!whale) throw new Error("no whale account");
    ctx.log(`${nSmall} LinkedIn accounts of 1,000 followers, ${WORKERS} workers; whale ${whale.followers.toLocaleString("en-US")} followers`);
    const alone = await runVariant(ctx, sim, "alone", small, null, ROUTED);
    ctx.log(`without the whale: p50 ${round(alone.p50, 2)} s, p95 ${round(alone.p95, 2)} s`);
    const routed = await runVariant(ctx, sim, "routed", small, whale, ROUTED);
    ctx.log(`with the whale (whale queue): p50 ${round(routed.p50, 2)} s, p95 ${round(routed.p95, 2)} s; whale pages done meanwhile ${routed.whalePagesDone}`);
    const single = await runVariant(ctx, sim, "single", small, whale, SINGLE_QUEUE);
    ctx.log(`with the whale, one single queue: p50 ${round(single.p50, 2)} s, p95 ${round(single.p95, 2)} s; whale pages done meanwhile ${single.whalePagesDone}`);
    const whaleNote = `LinkedIn whale, ${whale.followers.toLocaleString("en-US")} followers, all its pages queued before the small syncs start`;
    const rows: Row[] = [
      { figure: `${nSmall} small syncs (1,000 followers each): p95 completion with the whale on the same fleet`, fanout: round(routed.p95, 2), baseline: round(alone.p95, 2), vs: "same run without the whale", unit: " s", digits: 2, target: { on: "ratio", op: "<=", value: 1.5 }, note: whaleNote },
      { figure: "same, p50", fanout: round(routed.p50, 2), baseline: round(alone.p50, 2), vs: "without the whale", unit: " s", digits: 2 },
      { figure: "what the whale queue buys: p95 with the whale, one single queue (no whale routing)", fanout: round(routed.p95, 2), baseline: round(single.p95, 2), vs: "single queue", unit: " s", digits: 2, note: `single queue p50 ${round(single.p50, 2)} s, max ${round(single.max, 2)} s; whale pages done meanwhile: ${routed.whalePagesDone} routed, ${single.whalePagesDone} single` },
    ];
    return {
      rows,
      config: { smallAccounts: nSmall, smallFollowers: 1_000, whaleFollowers: whale.followers, workers: WORKERS, latencyMs: LATENCY, singleQueue: SINGLE_QUEUE },
      samples: { alone, routed, single },
    };
  } finally {
    await sim.stop();
  }
}

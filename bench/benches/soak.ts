import { readFileSync } from "node:fs";
import type { FanoutConfig } from "@fanout/jobs/config";
import { startSync } from "@fanout/jobs/sync";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { writeChart } from "../lib/context.ts";
import { NETWORKS, startSimnet, type NetworkName, type SimAccount } from "../lib/simnet.ts";
import { lineChart } from "../lib/svg.ts";
import { withFanout } from "../lib/sync-run.ts";

/**
 * Soak (issue 10, `npm run bench -- soak`; 10 minutes, `--quick` 2): syncs run back to back at full load while Redis
 * memory and every worker's RSS are sampled every 10 s. Redis must stay bounded (completed jobs are trimmed to
 * 10,000 per queue, settled trees and replaced follower versions expire after their retention — 2 minutes here) and worker RSS flat: the last
 * quarter's mean within 10% of the second quarter's (the first is warm-up).
 */
export const name = "soak";
export const title = "soak: bounded Redis memory, flat worker RSS";
export const soak = true;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const minutes = ctx.quick ? 2 : 10;
  const sim = await startSimnet();
  try {
    await sim.patch({ timeScale: 0.001, networks: Object.fromEntries(NETWORKS.map((n) => [n, { latencyMs: { p50: 2, p99: 10 } }])) });
    const created: { network: NetworkName; account: SimAccount }[] = [];
    for (const network of NETWORKS) {
      for (const account of await sim.createAccounts(network, 10, 3_000, `soak${network[0] ?? "x"}`)) created.push({ network, account });
    }
    const config: FanoutConfig = {
      treeRetentionMs: 120_000,
      // Replaced follower versions stay readable 1 h by default: ~350 KB per version here, a new one per account per
      // sync, so a 10-minute soak would only measure that hour filling. 2 minutes, like the trees; change sets too.
      delivery: { versionRetentionMs: 120_000, changesRetentionMs: 120_000 },
      // Published windows scaled by simnet's timeScale, as simnet scales its own. Mastodon's real 5-minute windows
      // held its pages in the delayed set for minutes once a token had made 300 calls: the backlog never drained
      // below the bound and the load loop stopped after ~30 syncs, leaving an idle soak.
      tuning: {
        twitter: { limits: [{ scope: "token", max: 15, windowMs: 900, endpoint: "followers" }, { scope: "token", max: 900, windowMs: 900, endpoint: "profile" }] },
        mastodon: { limits: [{ scope: "token", max: 300, windowMs: 300, aligned: true }, { scope: "token", max: 300, windowMs: 900, aligned: true, paging: true }] },
      },
    };
    return await withFanout(ctx, { tag: "soak", simnetUrl: sim.url, config, workers: 2, connect: created }, async ({ engine, workers }) => {
      const accounts = created.map((c) => `${c.network}:${c.account.id}`);
      const samples: { t: number; redisMb: number; rss: number[]; syncs: number }[] = [];
      const t0 = Date.now();
      let syncs = 0;
      let stop = false;
      const load = (async () => {
        while (!stop) {
          await startSync(engine, accounts);
          syncs++;
          // Keep a bounded backlog: a new sync when the default queue has drained below a few hundred jobs.
          for (;;) {
            const c = await engine.queues.default.getJobCounts("wait", "prioritized", "delayed");
            if (stop || (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) < 300) break;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      })();
      while (Date.now() - t0 < minutes * 60_000) {
        await new Promise((r) => setTimeout(r, 10_000));
        const info = await ctx.redis.info("memory");
        const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1_048_576;
        samples.push({ t: (Date.now() - t0) / 1000, redisMb: used, rss: workers.map((w) => rssMb(w.pid)), syncs });
        ctx.log(`soak t=${Math.round((Date.now() - t0) / 1000)}s redis ${used.toFixed(1)} MB rss ${workers.map((w) => rssMb(w.pid).toFixed(0)).join("/")} MB syncs ${syncs}`);
      }
      stop = true;
      await load;
      const q = Math.max(1, Math.floor(samples.length / 4));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
      const rssOf = (s: typeof samples) => mean(s.map((x) => mean(x.rss)));
      const rssEarly = rssOf(samples.slice(q, 2 * q));
      const rssLate = rssOf(samples.slice(-q));
      const redisEarly = mean(samples.slice(q, 2 * q).map((s) => s.redisMb));
      const redisLate = mean(samples.slice(-q).map((s) => s.redisMb));
      const chart = writeChart(ctx, "soak.svg", lineChart({
        title: "soak: Redis used memory and worker RSS (MB)", xLabel: "s", yLabel: "MB",
        series: [
          { name: "Redis used_memory", points: samples.map((s) => [s.t, s.redisMb]) },
          { name: "worker RSS (mean)", points: samples.map((s) => [s.t, mean(s.rss)]) },
        ],
      }));
      return {
        rows: [
          { figure: `worker RSS, last quarter vs second quarter of ${minutes} min`, fanout: Math.round(rssLate), baseline: Math.round(rssEarly), vs: "second quarter", unit: " MB", target: { on: "ratio", op: "<=", value: 1.1 } },
          { figure: `Redis used memory, last quarter vs second quarter (${syncs} syncs of ${accounts.length} accounts)`, fanout: Math.round(redisLate), baseline: Math.round(redisEarly), vs: "second quarter", unit: " MB", target: { on: "ratio", op: "<=", value: 1.5 } },
        ],
        config: { minutes, accounts: accounts.length, fanout: config },
        samples: { samples },
        charts: [chart],
      };
    });
  } finally {
    await sim.stop();
  }
}

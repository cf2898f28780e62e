import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { writeChart } from "../lib/context.ts";
import { lineChart } from "../lib/svg.ts";
import { rssMb, withSustainedLoad } from "../lib/sustained.ts";

/**
 * Soak (issue 10, `npm run bench -- soak`; 10 minutes, `--quick` 2): syncs run back to back at full load while Redis
 * memory and every worker's RSS are sampled every 10 s. Redis must stay bounded (completed jobs are trimmed to
 * 10,000 per queue, settled trees and replaced follower versions expire after their retention — 2 minutes here) and worker RSS flat: the last
 * quarter's mean within 10% of the second quarter's (the first is warm-up).
 */
export const name = "soak";
export const title = "soak: bounded Redis memory, flat worker RSS";
export const soak = true;

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const minutes = ctx.quick ? 2 : 10;
  return withSustainedLoad(ctx, { tag: "soak", workers: 2, ...(ctx.quick ? { retentionMs: 30_000 } : {}) }, async ({ workers, accounts, config, start }) => {
    const samples: { t: number; redisMb: number; rss: number[]; syncs: number }[] = [];
    const t0 = Date.now();
    const load = start();
    while (Date.now() - t0 < minutes * 60_000) {
      await new Promise((r) => setTimeout(r, 10_000));
      const info = await ctx.redis.info("memory");
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1_048_576;
      samples.push({ t: (Date.now() - t0) / 1000, redisMb: used, rss: workers.map((w) => rssMb(w.pid)), syncs: load.syncs() });
      ctx.log(`soak t=${Math.round((Date.now() - t0) / 1000)}s redis ${used.toFixed(1)} MB rss ${workers.map((w) => rssMb(w.pid).toFixed(0)).join("/")} MB syncs ${load.syncs()}`);
    }
    const syncs = await load.stop();
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
}

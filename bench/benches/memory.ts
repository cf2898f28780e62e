import { Queue, Worker } from "bullmq";
import { pageJobId, PRIORITIES } from "@fanout/jobs/queues";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { writeChart } from "../lib/context.ts";
import { round, wipePrefix } from "../lib/redis.ts";
import { pagePayload } from "../lib/seed-jobs.ts";
import { sleep, waitUntil } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { rssMb, withSustainedLoad } from "../lib/sustained.ts";
import { lineChart } from "../lib/svg.ts";
import { benchEngine } from "../lib/workers.ts";

/**
 * Memory (issue 11). Redis bytes per waiting and per completed job (INFO used_memory delta ÷ jobs): Fanout's page
 * jobs as the engine enqueues them (its queue's default options, deterministic ids, the sync's priority) beside a
 * plain BullMQ job with the same name and payload (no options, BullMQ's own ids). Completed jobs are run by a no-op
 * worker returning what Fanout's processor returns. Then one real worker process syncing back to back for 60 s
 * (quick: 4 s): its RSS at start, peak and end.
 */
export const name = "memory";
export const title = "Redis bytes per job (Fanout vs plain BullMQ) and worker RSS while syncing";

/** ≤ 10,000: Fanout keeps that many completed jobs per queue (removeOnComplete), so every one is still there to count. */
const JOBS = 10_000;
const RESULT = { ids: 1_000, successors: 1 };

async function usedMemory(ctx: BenchContext): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await ctx.redis.info("memory"))?.[1] ?? 0);
}

/** used_memory after `add`, and after a no-op worker completed them all, each minus the memory before. */
async function perJob(ctx: BenchContext, queue: Queue, add: () => Promise<void>): Promise<{ waiting: number; completed: number }> {
  await queue.waitUntilReady();
  const m0 = await usedMemory(ctx);
  await add();
  const waiting = (await usedMemory(ctx)) - m0;
  const connection = ctx.redis.duplicate();
  const worker = new Worker(queue.name, async () => RESULT, { connection, prefix: queue.opts.prefix, concurrency: 100 });
  try {
    await waitUntil(() => queue.getCompletedCount(), (n) => n >= JOBS, 120_000, `${JOBS} completed jobs in ${queue.name}`, 200);
  } finally {
    await worker.close();
    await connection.quit();
  }
  // The worker's own keys (its metrics, stalled-check marker) stay: they are part of what completing costs.
  return { waiting: waiting / JOBS, completed: ((await usedMemory(ctx)) - m0) / JOBS };
}

async function redisPerJob(ctx: BenchContext): Promise<{ fanout: { waiting: number; completed: number }; plain: { waiting: number; completed: number } }> {
  const engine = await benchEngine(ctx, "bench-mem-fanout", "http://127.0.0.1:9", {});
  // BullMQ does not close a connection it was handed: ours to quit.
  const connection = ctx.redis.duplicate();
  const plain = new Queue("default", { connection, prefix: "bench-mem-plain" });
  try {
    const treeId = "tmemory";
    const fanout = await perJob(ctx, engine.queues.default, async () => {
      for (let i = 0; i < JOBS; i += 1_000) {
        // As sync.ts and processor.ts enqueue pages: deterministic ids, the sync's priority.
        await engine.queues.default.addBulk(Array.from({ length: 1_000 }, (_, k) => {
          const data = pagePayload(treeId, Math.floor((i + k) / 100), (i + k) % 100);
          return { name: "followers.page", data, opts: { jobId: pageJobId(treeId, "twitter", String(data.accountId), String(data.page)), priority: PRIORITIES.normal } };
        }));
      }
    });
    const base = await perJob(ctx, plain, async () => {
      for (let i = 0; i < JOBS; i += 1_000) {
        await plain.addBulk(Array.from({ length: 1_000 }, (_, k) => ({ name: "followers.page", data: pagePayload(treeId, Math.floor((i + k) / 100), (i + k) % 100) })));
      }
    });
    return { fanout, plain: base };
  } finally {
    await engine.close();
    await plain.close();
    await connection.quit();
    await wipePrefix(ctx.redis, "bench-mem-fanout");
    await wipePrefix(ctx.redis, "bench-mem-plain");
  }
}

/** One worker process syncing back to back (a new sync whenever the backlog falls under 300 jobs); RSS every second. */
async function workerRss(ctx: BenchContext, seconds: number): Promise<{ samples: [number, number][]; syncs: number; accounts: number }> {
  return withSustainedLoad(ctx, { tag: "memory", workers: 1 }, async ({ workers, accounts, start }) => {
    const pid = workers[0]?.pid;
    if (pid === undefined) throw new Error("no worker");
    const samples: [number, number][] = [[0, rssMb(pid)]];
    const t0 = Date.now();
    const load = start();
    while (Date.now() - t0 < seconds * 1_000) {
      await sleep(1_000);
      samples.push([(Date.now() - t0) / 1000, rssMb(pid)]);
    }
    return { samples, syncs: await load.stop(), accounts: accounts.length };
  });
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const perJobBytes = await redisPerJob(ctx);
  const { fanout, plain } = perJobBytes;
  ctx.log(`Redis bytes per job: waiting ${round(fanout.waiting, 0)} vs ${round(plain.waiting, 0)}, completed ${round(fanout.completed, 0)} vs ${round(plain.completed, 0)}`);
  const seconds = ctx.quick ? 4 : 60;
  const rss = await workerRss(ctx, seconds);
  const values = rss.samples.map((s) => s[1]);
  const start = values[0] ?? 0;
  const end = values[values.length - 1] ?? 0;
  const peak = Math.max(...values);
  ctx.log(`worker RSS: start ${round(start)} MB, peak ${round(peak)} MB, end ${round(end)} MB over ${seconds} s, ${rss.syncs} syncs`);
  const chart = writeChart(ctx, "memory-rss.svg", lineChart({
    title: `worker RSS while syncing (${rss.syncs} syncs of ${rss.accounts} accounts)`, xLabel: "s", yLabel: "MB",
    series: [{ name: "worker RSS", points: rss.samples }],
  }));
  const rows: Row[] = [
    { figure: "Redis bytes per waiting page job", fanout: round(fanout.waiting, 0), baseline: round(plain.waiting, 0), vs: "plain BullMQ, same payload", unit: "B", digits: 0 },
    { figure: "Redis bytes per completed page job", fanout: round(fanout.completed, 0), baseline: round(plain.completed, 0), vs: "plain BullMQ, same payload", unit: "B", digits: 0 },
    { figure: `worker RSS, end of ${seconds} s of syncing vs start`, fanout: round(end), baseline: round(start), vs: "RSS once ready", unit: "MB", note: `peak ${round(peak)} MB; growth ${round(((end - start) / start) * 100)} %` },
    { figure: "worker RSS, peak vs start", fanout: round(peak), baseline: round(start), vs: "RSS once ready", unit: "MB" },
  ];
  return {
    rows,
    config: { jobs: JOBS, payloadBytes: JSON.stringify(pagePayload("tmemory", 1, 1)).length, rssSeconds: seconds, accounts: rss.accounts },
    samples: { perJobBytes, rss: rss.samples, syncs: rss.syncs },
    charts: [chart],
    notes: [`worker RSS: start ${round(start)} MB, peak ${round(peak)} MB, end ${round(end)} MB (growth ${round(((end - start) / start) * 100)} % end vs start)`],
  };
}

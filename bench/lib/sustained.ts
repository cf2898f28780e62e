import { readFileSync } from "node:fs";
import type { FanoutConfig } from "@fanout/jobs/config";
import { startSync } from "@fanout/jobs/sync";
import type { BenchContext } from "./context.ts";
import { NETWORKS, startSimnet } from "./simnet.ts";
import { waitUntil } from "./stats.ts";
import { withFanout, type FanoutRun } from "./sync-run.ts";

/**
 * Sustained load for the memory and soak benches: 10 accounts of 3,000 followers per network on a fast simnet, and
 * back-to-back syncs of them all, a new one whenever the default queue's backlog falls under 300 jobs.
 */
const CONFIG: FanoutConfig = {
  treeRetentionMs: 120_000,
  // Replaced follower versions stay readable 1 h by default: ~350 KB per version here, a new one per account per
  // sync, so a long run would only measure that hour filling. 2 minutes, like the trees; change sets too.
  delivery: { versionRetentionMs: 120_000, changesRetentionMs: 120_000 },
  // Published windows scaled by simnet's timeScale, as simnet scales its own. Mastodon's real 5-minute windows held
  // its pages in the delayed set for minutes once a token had made 300 calls: the backlog never drained below the
  // bound and the load stopped.
  tuning: {
    twitter: { limits: [{ scope: "token", max: 15, windowMs: 900, endpoint: "followers" }, { scope: "token", max: 900, windowMs: 900, endpoint: "profile" }] },
    mastodon: { limits: [{ scope: "token", max: 300, windowMs: 300, aligned: true }, { scope: "token", max: 300, windowMs: 900, aligned: true, paging: true }] },
  },
};

export interface Load { syncs(): number; stop(): Promise<number> }

/** `retentionMs` replaces the 2-minute retention of trees, versions and change sets (a short run needs a shorter one to plateau). */
export async function withSustainedLoad<T>(ctx: BenchContext, o: { tag: string; workers: number; retentionMs?: number }, body: (run: FanoutRun & { accounts: string[]; config: FanoutConfig; start(): Load }) => Promise<T>): Promise<T> {
  const sim = await startSimnet();
  try {
    await sim.patch({ timeScale: 0.001, networks: Object.fromEntries(NETWORKS.map((n) => [n, { latencyMs: { p50: 2, p99: 10 } }])) });
    const created = [];
    for (const network of NETWORKS) {
      for (const account of await sim.createAccounts(network, 10, 3_000, `${o.tag}${network[0] ?? "x"}`)) created.push({ network, account });
    }
    const accounts = created.map((c) => `${c.network}:${c.account.id}`);
    const r = o.retentionMs;
    const config: FanoutConfig = r === undefined ? CONFIG : { ...CONFIG, treeRetentionMs: r, delivery: { versionRetentionMs: r, changesRetentionMs: r } };
    return await withFanout(ctx, { tag: o.tag, simnetUrl: sim.url, config, workers: o.workers, connect: created }, (run) => body({
      ...run, accounts, config,
      start() {
        let syncs = 0;
        let stop = false;
        const loop = (async () => {
          while (!stop) {
            await startSync(run.engine, accounts);
            syncs++;
            await waitUntil(() => run.engine.queues.default.getJobCounts("wait", "prioritized", "delayed"),
              (c) => stop || (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) < 300, 120_000, "the backlog to drain", 250);
          }
        })();
        return { syncs: () => syncs, async stop() { stop = true; await loop; return syncs; } };
      },
    }));
  } finally {
    await sim.stop();
  }
}

/** A process's resident set, in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

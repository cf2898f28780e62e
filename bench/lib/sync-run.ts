import type { FanoutConfig } from "@fanout/jobs/config";
import { waitForTree } from "@fanout/jobs/ops";
import { startSync } from "@fanout/jobs/sync";
import type { TreeDoc } from "@fanout/jobs/tree/tree";
import type { BenchContext } from "./context.ts";
import { wipePrefix } from "./redis.ts";
import type { NetworkName, SimAccount, Simnet } from "./simnet.ts";
import { benchEngine, startFanoutWorkers, stopWorkers, writeConfig, type BenchEngine } from "./workers.ts";
import type { Child } from "./procs.ts";

/**
 * The common shape of a Fanout run: a fresh prefix, a config file, accounts connected, N worker processes of the
 * real CLI; `body` gets the engine and the workers, and everything is stopped and wiped afterwards.
 */
export interface FanoutRun { engine: BenchEngine; workers: Child[]; prefix: string }

export async function withFanout<T>(ctx: BenchContext, o: {
  tag: string; simnetUrl: string; config: FanoutConfig; workers: number; workerArgs?: string[];
  connect: { network: NetworkName; account: SimAccount }[];
}, body: (run: FanoutRun) => Promise<T>): Promise<T> {
  const prefix = `bench-${o.tag}`;
  const configPath = writeConfig(ctx, o.tag, o.config);
  const engine = await benchEngine(ctx, prefix, o.simnetUrl, o.config);
  let workers: Child[] = [];
  try {
    for (let i = 0; i < o.connect.length; i += 50) {
      await Promise.all(o.connect.slice(i, i + 50).map(({ network, account }) => engine.accounts.connect(network, account.id, account.token, account.refreshToken ?? null)));
    }
    workers = await startFanoutWorkers(ctx, { count: o.workers, prefix, simnetUrl: o.simnetUrl, configPath, ...(o.workerArgs ? { args: o.workerArgs } : {}) });
    return await body({ engine, workers, prefix });
  } finally {
    await stopWorkers(workers, 5_000);
    await engine.close();
    await wipePrefix(ctx.redis, prefix);
  }
}

/** Starts one sync tree and waits for it to settle; wall time from the start call to the settle. */
export async function syncAndWait(engine: BenchEngine, accounts: string[], opts: { via?: string; timeoutMs: number }): Promise<{ doc: TreeDoc; wallS: number; startedAt: number }> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const { treeId } = await startSync(engine, accounts, opts.via ? { via: opts.via } : {});
  const doc = await waitForTree(engine, treeId, { timeoutMs: opts.timeoutMs });
  return { doc, wallS: (performance.now() - t0) / 1000, startedAt };
}

/** Polls simnet's stats every `everyMs` while running: [seconds since start, served 200s per network]. */
export function pollServed(sim: Simnet, everyMs: number): { stop(): Promise<{ t: number; served: Record<string, number>; requests: Record<string, number> }[]> } {
  const samples: { t: number; served: Record<string, number>; requests: Record<string, number> }[] = [];
  const t0 = Date.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const s = await sim.stats();
      samples.push({
        t: (Date.now() - t0) / 1000,
        served: Object.fromEntries(Object.entries(s.networks).map(([n, v]) => [n, v.byStatus["200"] ?? 0])),
        requests: Object.fromEntries(Object.entries(s.networks).map(([n, v]) => [n, v.requests])),
      });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return { async stop() { stopped = true; await loop; return samples; } };
}

import type {} from "@fanout/testkit/global-setup";
import { randomUUID } from "node:crypto";
import { testRedisClient, testRedisEnv, wipePrefix } from "@fanout/testkit/redis-client";
import { startSimnet, type SimnetProcess } from "@fanout/testkit/simnet";
import { loadEnv } from "../src/env.ts";
import { createLogger } from "../src/log.ts";
import { createEngine } from "../src/runtime.ts";
import { startWorker, type WorkerOptions } from "../src/worker.ts";
import type { FanoutConfig } from "../src/config.ts";

export type TestEngine = Awaited<ReturnType<typeof createEngine>>;

/**
 * A whole engine against the suite's private Redis (fresh prefix) and a simnet process of its own, over real HTTP.
 * `stop()` closes workers, deletes only this prefix's keys, and stops simnet.
 */
export async function startHarness(opts: { config?: FanoutConfig; simnetEnv?: Record<string, string>; logLevel?: string } = {}) {
  const simnet = await startSimnet(opts.simnetEnv);
  const logLines: string[] = [];
  const prefix = `test-${randomUUID()}`;
  const env = loadEnv({ ...testRedisEnv(), FANOUT_PREFIX: prefix, FANOUT_SECRET: "test-secret-0123456789abcdef", SIMNET_URL: simnet.url, LOG_LEVEL: "silent" });
  const stream = { write: (line: string) => void logLines.push(line) };
  const engine = await createEngine({ env, config: opts.config ?? {}, log: createLogger({ level: opts.logLevel ?? "silent", stream }) });
  const members: Awaited<ReturnType<typeof startWorker>>[] = [];
  return {
    simnet, engine, prefix, logLines,
    async worker(o: WorkerOptions = {}) {
      const m = await startWorker(engine, { heartbeatMs: 1_000, graceMs: 5_000, metricsPort: null, ...o });
      members.push(m);
      return m;
    },
    async connect(network: string, id: string): Promise<void> {
      const accounts = await simnet.admin<{ id: string; token: string; refreshToken?: string | null }[]>("GET", `/_simnet/accounts?network=${network}`);
      const a = accounts.find((x) => x.id === id);
      if (!a) throw new Error(`simnet has no ${network}:${id}`);
      await engine.accounts.connect(network, id, a.token, a.refreshToken ?? null);
    },
    truth: (network: string, id: string) => simnet.admin<{ count: number; sha256: string }>("GET", `/_simnet/truth/${network}/${encodeURIComponent(id)}`),
    async stop(): Promise<void> {
      await Promise.all(members.map((m) => m.stop()));
      await engine.close();
      const client = testRedisClient();
      await wipePrefix(client, prefix);
      await client.quit();
      await simnet.stop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
export type { SimnetProcess };

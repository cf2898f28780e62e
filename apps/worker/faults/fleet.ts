import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedisServer, type RedisServer } from "@fanout/testkit/redis-server";
import { startSimnet, type SimnetProcess } from "@fanout/testkit/simnet";
import { waitFor } from "@fanout/testkit/wait";
import { loadEnv } from "@fanout/jobs/env";
import { createLogger } from "@fanout/jobs/log";
import { createEngine } from "@fanout/jobs/runtime";

const CLI = fileURLToPath(new URL("../bin/fanout.js", import.meta.url));

export interface Fleet {
  redis: RedisServer; simnet: SimnetProcess; engine: Awaited<ReturnType<typeof createEngine>>; env: Record<string, string>;
  workers: ChildProcess[]; logs: string[];
  spawnWorker(): Promise<ChildProcess>;
  killRandomWorker(): ChildProcess | null;
  restartRedis(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A fleet as production runs it: a redis-server of its own with AOF (appendfsync everysec), simnet, and worker
 * processes (`fanout worker`), plus an engine in the test process to drive syncs and read results.
 */
export async function startFleet(opts: { workers: number; config?: Record<string, unknown> }): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), "fanout-faults-"));
  let redis = await startRedisServer({ aof: true, dir });
  const simnet = await startSimnet();
  const configPath = join(dir, "fanout.config.mjs");
  writeFileSync(configPath, `export default ${JSON.stringify({ backoffBaseMs: 200, ...opts.config })};\n`);
  const env: Record<string, string> = {
    REDIS_URL: redis.url, FANOUT_PREFIX: `fault-${randomUUID().slice(0, 8)}`, FANOUT_SECRET: "faults-secret-0123456789abcdef",
    SIMNET_URL: simnet.url, FANOUT_CONFIG: configPath, LOG_LEVEL: "info", FANOUT_METRICS_PORT: "0",
  };
  const engine = await createEngine({ env: loadEnv(env), log: createLogger({ level: "silent" }) });
  const logs: string[] = [];
  const fleet: Fleet = {
    redis, simnet, engine, env, workers: [], logs,
    async spawnWorker() {
      const w = spawn(process.execPath, [CLI, "worker", "--concurrency", "20", "--grace", "5000"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      w.stdout?.on("data", (b: Buffer) => { out += b.toString(); logs.push(b.toString()); });
      w.stderr?.on("data", (b: Buffer) => logs.push(b.toString()));
      await waitFor(() => out, (o) => o.includes("worker ready"), { timeoutMs: 30_000, what: "worker ready" });
      fleet.workers.push(w);
      return w;
    },
    killRandomWorker() {
      const alive = fleet.workers.filter((w) => w.exitCode === null && w.signalCode === null);
      const victim = alive[Math.floor(Math.random() * alive.length)];
      victim?.kill("SIGKILL");
      return victim ?? null;
    },
    async restartRedis(signal) {
      const port = redis.port;
      redis.proc.kill(signal);
      await new Promise<void>((resolve) => (redis.proc.exitCode !== null || redis.proc.signalCode !== null ? resolve() : redis.proc.once("exit", () => resolve())));
      redis = await startRedisServer({ aof: true, dir, port });
      fleet.redis = redis;
    },
    async stop() {
      for (const w of fleet.workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
      await engine.close().catch(() => undefined);
      await simnet.stop();
      await redis.stop();
    },
  };
  for (let i = 0; i < opts.workers; i++) await fleet.spawnWorker();
  return fleet;
}

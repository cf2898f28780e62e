import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FanoutConfig } from "@fanout/jobs/config";
import { loadEnv } from "@fanout/jobs/env";
import { createLogger } from "@fanout/jobs/log";
import { createEngine } from "@fanout/jobs/runtime";
import type { BaselineConfig } from "../workers/baseline-worker.ts";
import type { BenchContext } from "./context.ts";
import { BASELINE_WORKER, FANOUT_CLI, ROOT } from "./paths.ts";
import { spawnChild, type Child } from "./procs.ts";

/** Starting the processes under test: Fanout's own worker CLI, and the bench's plain-BullMQ baseline worker. */
export type BenchEngine = Awaited<ReturnType<typeof createEngine>>;

/** A FANOUT_CONFIG file (`export default {…}`) in the run's temp dir. */
export function writeConfig(ctx: BenchContext, name: string, config: FanoutConfig): string {
  const path = join(ctx.tmp, `${name}.config.mjs`);
  writeFileSync(path, `export default ${JSON.stringify(config, null, 2)};\n`);
  return path;
}

/** `clusterNodes` (host:port,…) points a process at a Redis Cluster instead; otherwise never inherited. */
function fanoutEnv(ctx: BenchContext, prefix: string, simnetUrl: string, configPath: string, clusterNodes?: string): Record<string, string | undefined> {
  return {
    ...process.env, REDIS_URL: ctx.redisUrl, FANOUT_PREFIX: prefix, FANOUT_SECRET: ctx.secret, SIMNET_URL: simnetUrl,
    FANOUT_CONFIG: configPath, FANOUT_HOME: ctx.tmp, LOG_LEVEL: "info", FANOUT_METRICS_PORT: "0", REDIS_CLUSTER_NODES: clusterNodes,
  };
}

/** The engine in the bench process: to connect accounts, start syncs and wait for them, like the CLI does. */
export async function benchEngine(ctx: BenchContext, prefix: string, simnetUrl: string, config: FanoutConfig, clusterNodes?: string): Promise<BenchEngine> {
  const env = loadEnv({
    REDIS_URL: ctx.redisUrl, FANOUT_PREFIX: prefix, FANOUT_SECRET: ctx.secret, SIMNET_URL: simnetUrl, LOG_LEVEL: "warn", FANOUT_HOME: ctx.tmp,
    REDIS_CLUSTER_NODES: clusterNodes,
  });
  return createEngine({ env, config, log: createLogger({ level: "warn", fd: 2 }) });
}

export interface FanoutWorkerOptions {
  count: number;
  prefix: string;
  simnetUrl: string;
  configPath: string;
  /** Extra CLI arguments (e.g. --concurrency 10). */
  args?: string[];
  /** Write a V8 CPU profile per process into this directory (written when the process exits). */
  cpuProfDir?: string;
  /** REDIS_CLUSTER_NODES for the workers (the scaling bench's cluster runs); default: the bench's one Redis. */
  clusterNodes?: string;
}

/** `node apps/worker/bin/fanout.js worker` × count, each ready once it logged "worker ready". */
/** Node's arguments to write a V8 CPU profile into `dir` at exit (none without a dir). */
const profArgs = (dir?: string) => (dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : []);

export async function startFanoutWorkers(ctx: BenchContext, o: FanoutWorkerOptions): Promise<Child[]> {
  const nodeArgs = profArgs(o.cpuProfDir);
  return Promise.all(Array.from({ length: o.count }, async (_, i) => {
    const { child } = await spawnChild(`fanout-worker-${i}`, process.execPath, [...nodeArgs, FANOUT_CLI, "worker", ...(o.args ?? [])], {
      cwd: ROOT, env: fanoutEnv(ctx, o.prefix, o.simnetUrl, o.configPath, o.clusterNodes), ready: /worker ready/, readyTimeoutMs: 60_000,
    });
    return child;
  }));
}

/** The plain-BullMQ baseline worker (bench/workers/baseline-worker.ts) × count. */
export async function startBaselineWorkers(count: number, cfg: BaselineConfig, cpuProfDir?: string): Promise<Child[]> {
  const nodeArgs = profArgs(cpuProfDir);
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const { child } = await spawnChild(`baseline-worker-${i}`, process.execPath, [...nodeArgs, "--import", "tsx", BASELINE_WORKER], {
      cwd: ROOT, env: { ...process.env, BENCH_BASELINE: JSON.stringify(cfg) }, ready: /baseline ready/, readyTimeoutMs: 60_000,
    });
    return child;
  }));
}

/** Stops workers gracefully (SIGTERM: a CPU profile is written on a clean exit). */
export async function stopWorkers(children: Child[], graceMs = 15_000): Promise<void> {
  await Promise.all(children.map((c) => c.stop(graceMs)));
}

export function writeTokens(ctx: BenchContext, name: string, tokens: Record<string, string>): string {
  const path = join(ctx.tmp, `${name}.tokens.json`);
  writeFileSync(path, JSON.stringify(tokens), { mode: 0o600 });
  return path;
}

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type { UserNetworkSpec } from "./networks/registry.ts";
import type { DefinedNetwork } from "./networks/define.ts";
import { ConfigError } from "./env.ts";
import type { AdaptiveParams, BreakerParams } from "./limiter/limiter.ts";
import type { LimitFactor } from "./networks/types.ts";
import { ScheduleSchema, type ScheduleDef } from "./schedules.ts";
import type { TrickleSettings } from "./trickle.ts";
import { DeliveryConfigSchema, type DeliveryConfig } from "./delivery/settings.ts";

/**
 * `fanout.config.ts`: what a deployment tunes in code — custom networks, limits, page sizes, schedules, thresholds.
 * Validated with zod on load; a bad file is refused with the field that is wrong.
 */
export interface NetworkTuning {
  pageSize?: number;
  window?: number;
  maxPages?: number;
  timeoutMs?: number;
  authRetryDelayMs?: number;
  sizeFirst?: boolean;
  limits?: LimitFactor[];
  adaptive?: Partial<AdaptiveParams>;
  breaker?: Partial<BreakerParams>;
}

export interface FanoutConfig {
  /** Networks Fanout does not know: `defineNetwork(spec)` results, or bare specs (base URL may depend on simnet/live). */
  networks?: (UserNetworkSpec | DefinedNetwork)[];
  tuning?: Record<string, NetworkTuning>;
  whaleThreshold?: number;
  /** Pages done for one account within a minute that flag it a whale (job-rate spike); default 1,000. */
  whaleSpikePagesPerMinute?: number;
  treeRetentionMs?: number;
  backoffBaseMs?: number;
  schedules?: ScheduleDef[];
  trickle?: Partial<TrickleSettings>;
  /** Issue 12 (delivery): version/change-set retention, webhooks, the PostgreSQL sink, API rate (delivery/settings.ts). */
  delivery?: DeliveryConfig;
}

const Factor = z.object({
  scope: z.enum(["token", "app", "ip"]), max: z.number().int().positive(), windowMs: z.number().int().positive(),
  paging: z.boolean().optional(), aligned: z.boolean().optional(), endpoint: z.string().optional(),
  burst: z.number().int().positive().optional(),
}).strict();

const Tuning = z.object({
  pageSize: z.number().int().positive().optional(),
  window: z.number().int().min(1).max(1_000).optional(),
  maxPages: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().max(300_000).optional(),
  authRetryDelayMs: z.number().int().min(0).max(600_000).optional(),
  sizeFirst: z.boolean().optional(),
  limits: z.array(Factor).optional(),
  adaptive: z.object({
    initialRate: z.number().positive(), minRate: z.number().positive(), maxRate: z.number().positive(), beta: z.number().gt(0).lt(1),
    c: z.number().positive(), doublingMs: z.number().positive(), toleranceMs: z.number().min(0), cooldownMs: z.number().min(0),
  }).partial().strict().optional(),
  breaker: z.object({
    threshold: z.number().int().positive(), ratio: z.number().gt(0).max(1), minAccounts: z.number().int().positive(), bucketMs: z.number().positive(),
    baseCooldownMs: z.number().positive(), maxCooldownMs: z.number().positive(), probeLeaseMs: z.number().positive(),
  }).partial().strict().optional(),
}).strict();

const ConfigSchema = z.object({
  networks: z.array(z.custom<UserNetworkSpec | DefinedNetwork>((v) => typeof v === "object" && v !== null && "name" in v, "a network spec (see defineNetwork)")).optional(),
  tuning: z.record(z.string(), Tuning).optional(),
  whaleThreshold: z.number().int().positive().optional(),
  whaleSpikePagesPerMinute: z.number().int().positive().optional(),
  treeRetentionMs: z.number().int().positive().optional(),
  backoffBaseMs: z.number().int().positive().max(600_000).optional(),
  schedules: z.array(ScheduleSchema).optional(),
  trickle: z.object({ maxAgeMs: z.number().int().min(1_000), batch: z.number().int().min(1).max(100_000), share: z.number().gt(0).max(1) }).partial().strict().optional(),
  delivery: DeliveryConfigSchema.optional(), // issue 12
}).strict();

export function defineConfig(config: FanoutConfig): FanoutConfig {
  return config;
}

export function validateConfig(raw: unknown, source = "config"): FanoutConfig {
  const res = ConfigSchema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new ConfigError(`${source}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return res.data as FanoutConfig;
}

/** Loads FANOUT_CONFIG, else ./fanout.config.ts, else ./fanout.config.mjs; none is fine (defaults). */
export async function loadConfig(path?: string): Promise<FanoutConfig> {
  const candidates = path ? [path] : ["fanout.config.ts", "fanout.config.mjs"];
  for (const c of candidates) {
    const abs = resolve(c);
    if (!existsSync(abs)) {
      if (path) throw new ConfigError(`FANOUT_CONFIG: ${abs} does not exist`);
      continue;
    }
    let mod: { default?: unknown; config?: unknown };
    try {
      mod = (await import(pathToFileURL(abs).href)) as { default?: unknown; config?: unknown };
    } catch (err) {
      throw new ConfigError(`${abs}: cannot load: ${(err as Error).message}`);
    }
    return validateConfig(mod.default ?? mod.config, abs);
  }
  return {};
}

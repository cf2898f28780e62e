import type { Accounts } from "./accounts.ts";
import type { ErrorStats } from "./error-stats.ts";
import type { Keys } from "./keys.ts";
import type { Limiter, NetworkLimits } from "./limiter/limiter.ts";
import type { Logger } from "./log.ts";
import type { NetworkClient } from "./networks/types.ts";
import type { Queues } from "./queues.ts";
import type { RedisClient } from "./redis.ts";
import type { FollowerStore } from "./store/followers.ts";
import type { TreeStore } from "./tree/tree.ts";

/** A network as the engine runs it: its client, its limits and how it pages. */
export interface NetworkRuntime {
  client: NetworkClient;
  limits: NetworkLimits;
  pageSize: number;
  /** Offset pages of unknown total kept in flight. */
  window: number;
  maxPages: number;
}

/** Everything a worker, the CLI and the console share: built once per process (runtime.ts). */
export interface Engine {
  redis: RedisClient;
  keys: Keys;
  queues: Queues;
  tree: TreeStore;
  followers: FollowerStore;
  limiter: Limiter;
  accounts: Accounts;
  errors: ErrorStats;
  networks: Map<string, NetworkRuntime>;
  log: Logger;
  clock: { now(): number };
  settings: EngineSettings;
}

export interface EngineSettings {
  /** Settled trees expire after this long; running trees never do. */
  treeRetentionMs: number;
  /** Waits shorter than this are slept in-process rather than round-tripping the job through the delayed set. */
  inlineWaitMs: number;
  /** How long a parked job (account disconnected) waits for a reconnect before anyone looks at it again. */
  parkMs: number;
  /** Delay before the one retry of an auth error (LinkedIn's fresh tokens answer 65601 for a while). */
  authRetryDelayMs: number;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  treeRetentionMs: 7 * 24 * 3_600_000,
  inlineWaitMs: 250,
  parkMs: 365 * 24 * 3_600_000,
  authRetryDelayMs: 5_000,
};

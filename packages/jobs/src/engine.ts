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
import type { Whales } from "./whales.ts";
import type { ScheduleDef } from "./schedules.ts";
import { DEFAULT_TRICKLE, type TrickleSettings } from "./trickle.ts";
import { DEFAULT_DELIVERY, type DeliverySettings } from "./delivery/settings.ts";
import type { Vault } from "./vault.ts";

/** A network as the engine runs it: its client, its limits and how it pages. */
export interface NetworkRuntime {
  client: NetworkClient;
  limits: NetworkLimits;
  pageSize: number;
  /** Offset pages of unknown total kept in flight. */
  window: number;
  maxPages: number;
  /** Make the profile call for the follower total before paging (whale detection), where pages carry none. */
  sizeFirst: boolean;
  /** > 0: an auth error is retried once after this delay before the account is marked disconnected. */
  authRetryDelayMs: number;
}

/** Everything a worker, the CLI and the console share: built once per process (runtime.ts). */
export interface Engine {
  /** The engine's own commands and scripts. */
  redis: RedisClient;
  /**
   * What BullMQ's queues and workers use: their own connection when the engine made its own (the same one when a
   * caller passed `redis`). BullMQ defines 64 scripts on its connection, and ioredis copies every script of a
   * connection into each pipeline it builds: ~80 µs a pipeline on a shared one, ~10 on ours (issue 11).
   */
  queueRedis: RedisClient;
  keys: Keys;
  queues: Queues;
  tree: TreeStore;
  followers: FollowerStore;
  limiter: Limiter;
  accounts: Accounts;
  errors: ErrorStats;
  whales: Whales;
  networks: Map<string, NetworkRuntime>;
  log: Logger;
  clock: { now(): number };
  settings: EngineSettings;
  /** Seals secrets at rest (tokens, webhook secrets): issue 12 needs it outside `accounts`. */
  vault: Vault;
}

export interface EngineSettings {
  /** Settled trees expire after this long; running trees never do. */
  treeRetentionMs: number;
  /** Waits shorter than this are slept in-process rather than round-tripping the job through the delayed set. */
  inlineWaitMs: number;
  /** Transient failures retry after a random delay in [0, base · 2^attempt) (full jitter), capped. */
  backoffBaseMs: number;
  backoffCapMs: number;
  trickle: TrickleSettings;
  schedules: ScheduleDef[];
  /** How long a parked job (account disconnected) waits for a reconnect before anyone looks at it again. */
  parkMs: number;
  /** Issue 12: follower versions, change sets, webhooks, the PostgreSQL sink, API rate (delivery/settings.ts). */
  delivery: DeliverySettings;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  treeRetentionMs: 7 * 24 * 3_600_000,
  inlineWaitMs: 250,
  trickle: DEFAULT_TRICKLE,
  schedules: [],
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  parkMs: 365 * 24 * 3_600_000,
  delivery: DEFAULT_DELIVERY,
};

import { Queue, type JobsOptions } from "bullmq";
import type { Keys } from "./keys.ts";
import { safeId } from "./keys.ts";
import type { RedisClient } from "./redis.ts";

/**
 * interactive: a user who just connected (first pages fast); default; whales: massive accounts, isolated;
 * trickle: background refresh on spare budget; system: schedule ticks. Each queue has its own hash tag, so a
 * cluster spreads them.
 */
export const QUEUES = ["interactive", "default", "whales", "trickle", "system"] as const;
export type QueueName = (typeof QUEUES)[number];

export const PRIORITIES = { high: 1, normal: 5, low: 10 } as const;
export type Priority = keyof typeof PRIORITIES;

export function isQueueName(q: string): q is QueueName {
  return (QUEUES as readonly string[]).includes(q);
}

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: "jitter" },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

export type Queues = Record<QueueName, Queue>;

export function createQueues(connection: RedisClient, keys: Keys): Queues {
  const make = (name: QueueName) => new Queue(name, { connection, prefix: keys.queuePrefix(name), defaultJobOptions: DEFAULT_JOB_OPTIONS });
  return { interactive: make("interactive"), default: make("default"), whales: make("whales"), trickle: make("trickle"), system: make("system") };
}

/**
 * Deterministic job ids: tree, network, account and page, so the same page of the same sync is enqueued once and a
 * later sync of the same account never collides with a kept completed job. No ':' (BullMQ) and never all digits.
 */
export function pageJobId(treeId: string, network: string, accountId: string, page: string): string {
  return `${treeId}-${network}-${safeId(accountId)}-${page}`;
}

/** Exponential backoff with full jitter: a random delay in [0, base · 2^attempt), capped. */
export function jitterBackoff(attemptsMade: number, baseMs = 1_000, capMs = 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.floor(Math.random() * ceiling);
}

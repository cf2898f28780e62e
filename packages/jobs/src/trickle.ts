import type { Engine } from "./engine.ts";
import { startSync } from "./sync.ts";

/**
 * Trickle: background refresh of every connected account whose data is older than `maxAgeMs`. Accounts sit in one
 * sorted set by next-due time, so a tick's work depends on how many are due, never on how many exist
 * (ZRANGEBYSCORE … LIMIT: O(log N + due)). Trickle pages run in their own queue and may use only `share` of each
 * published limit, so interactive work always keeps the rest.
 */
export interface TrickleSettings { maxAgeMs: number; batch: number; share: number }
export const DEFAULT_TRICKLE: TrickleSettings = { maxAgeMs: 24 * 3_600_000, batch: 500, share: 0.5 };

export async function markSynced(engine: Engine, account: string): Promise<void> {
  await engine.redis.zadd(engine.keys.accountsDue(), engine.clock.now() + engine.settings.trickle.maxAgeMs, account);
}

/** Due now (a newly connected account is due after maxAge: its first sync is the user's own). */
export async function markConnected(engine: Engine, account: string): Promise<void> {
  await engine.redis.zadd(engine.keys.accountsDue(), "NX", engine.clock.now() + engine.settings.trickle.maxAgeMs, account);
}

export async function runTrickle(engine: Engine): Promise<{ due: number; treeId: string | null }> {
  const now = engine.clock.now();
  const due = await engine.redis.zrangebyscore(engine.keys.accountsDue(), "-inf", now, "LIMIT", 0, engine.settings.trickle.batch);
  if (!due.length) return { due: 0, treeId: null };
  // Push them out first: a slow tick never hands the same account to two trees.
  const p = engine.redis.pipeline();
  for (const a of due) p.zadd(engine.keys.accountsDue(), now + engine.settings.trickle.maxAgeMs, a);
  await p.exec();
  const known = due.filter((a) => engine.networks.has(a.slice(0, a.indexOf(":"))));
  if (!known.length) return { due: due.length, treeId: null };
  const { treeId } = await startSync(engine, known, { queue: "trickle", priority: "low" });
  return { due: due.length, treeId };
}

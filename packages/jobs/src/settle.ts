import { emitSyncSettled } from "./delivery/events.ts";
import type { Engine } from "./engine.ts";

/**
 * A settled tree: announce it on the events stream (the console and `sync --wait` are pushed, not polling every job)
 * and start its retention clock. Safe to call twice: the stream entry carries the tree id, readers dedupe.
 */
export async function publishSettled(engine: Engine, treeId: string, state: string): Promise<void> {
  const { redis, keys } = engine;
  // Issue 12: the host's webhooks hear of it (one event per settlement, whatever the number of calls). First, so
  // that whoever the stream wakes finds the settling job as far along as before.
  await emitSyncSettled(engine, treeId);
  await redis.xadd(keys.treeEvents(), "MAXLEN", "~", 10_000, "*", "treeId", treeId, "state", state, "at", String(engine.clock.now()));
  await expireTree(engine, treeId);
  engine.log.info({ treeId, state }, "tree settled");
}

/** Every key of a settled tree expires together; nodes are walked in batches so a huge tree costs bounded work per call. */
export async function expireTree(engine: Engine, treeId: string): Promise<void> {
  const { redis, keys } = engine;
  const ttl = engine.settings.treeRetentionMs;
  const p = redis.pipeline();
  for (const k of [keys.treeMeta(treeId), keys.treeCounts(treeId), keys.treeNodes(treeId), keys.treeFailed(treeId)]) p.pexpire(k, ttl);
  await p.exec();
  let cursor = 0;
  for (;;) {
    const nodes = await redis.zrange(keys.treeNodes(treeId), cursor, cursor + 499);
    if (!nodes.length) break;
    const q = redis.pipeline();
    for (const n of nodes) {
      for (const k of [keys.treeNode(treeId, n), keys.treeLeaves(treeId, n), keys.treeStaging(treeId, n), keys.treeCursors(treeId, n), keys.treeCover(treeId, n)]) q.pexpire(k, ttl);
    }
    await q.exec();
    cursor += 500;
  }
}

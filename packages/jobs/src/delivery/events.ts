import { createHash } from "node:crypto";
import type { Engine } from "../engine.ts";
import { safeId } from "../keys.ts";
import type { DeliveryPayload } from "./jobs.ts";

/**
 * Where webhook events start: the engine calls these at the moment something happened (a tree settled, a job lost an
 * account's authorization). Each enqueues one `webhook.event` job whose id is the event id, derived from what
 * happened, so announcing the same thing twice (a retried job, a second publishSettled) makes one event.
 * With no endpoint configured nothing is enqueued.
 */
const EVENT_JOB_OPTS = { attempts: 10, backoff: { type: "jitter" }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } };

async function hasEndpoints(engine: Engine): Promise<boolean> {
  return (await engine.redis.zcard(engine.keys.webhookEndpoints())) > 0;
}

async function enqueue(engine: Engine, payload: DeliveryPayload<"webhook.event">): Promise<void> {
  if (!(await hasEndpoints(engine))) return;
  await engine.queues.system.add("webhook.event", payload, { ...EVENT_JOB_OPTS, jobId: payload.eventId });
}

/** A settled tree (one event per settlement: a requeued tree that settles again is announced again). */
export async function emitSyncSettled(engine: Engine, treeId: string): Promise<void> {
  const settledAt = Number(await engine.redis.hget(engine.keys.treeMeta(treeId), "settledAt")) || engine.clock.now();
  await enqueue(engine, { type: "sync.settled", eventId: `evt_settled_${safeId(treeId)}_${settledAt.toString(36)}`, createdAt: settledAt, treeId });
}

/** An account whose authorization was lost (one event per connection: `tokenVersion` counts connects). */
export async function emitAccountDisconnected(engine: Engine, network: string, accountId: string, reason: string, tokenVersion: number): Promise<void> {
  await enqueue(engine, {
    type: "account.disconnected", eventId: disconnectedEventId(network, accountId, tokenVersion),
    createdAt: engine.clock.now(), account: `${network}:${accountId}`, reason: reason.slice(0, 1_000),
  });
}

/** Derived from the account without naming it: ids travel into BullMQ's event streams, which a purge must not leave naming it. */
export function disconnectedEventId(network: string, accountId: string, tokenVersion: number): string {
  return `evt_disconnected_${createHash("sha256").update(`${network}:${accountId}:${tokenVersion}`).digest("hex").slice(0, 24)}`;
}

import { randomBytes } from "node:crypto";
import type { Engine } from "../engine.ts";
import { audit, InputError, NotFoundError, type Actor } from "../ops.ts";
import { WEBHOOK_BACKOFF, scheduleOf, webhookSchedule } from "./schedule.ts";

/**
 * Webhook endpoints and their deliveries. An endpoint is a URL and a secret (shown once, sealed with the vault at
 * rest); a delivery is one event sent to one endpoint, retried by BullMQ on the webhook schedule and listed per
 * endpoint with its status, attempts, last error and response code.
 *
 * Keys, one tag `{wh}` (low volume): `endpoints` (zset id by creation), `ep:<id>` (hash), `ep:<id>:deliveries`
 * (zset delivery id by creation, trimmed), `d:<delivery id>` (hash, 7 days), `ev:<event id>` (the body, 7 days).
 */
export interface WebhookView { id: string; url: string; createdAt: number; disabled: boolean; disabledAt: number | null; disabledReason: string | null }
export type DeliveryStatus = "pending" | "retrying" | "delivered" | "failed" | "cancelled";
export interface DeliveryView {
  id: string; endpointId: string; eventId: string; type: string; status: DeliveryStatus; attempts: number;
  lastError: string | null; responseCode: number | null; createdAt: number; updatedAt: number; deliveredAt: number | null;
}

export const EVENT_TTL_MS = 7 * 24 * 3_600_000;
const ID = /^wh_[0-9a-f]{16}$/;

export async function addWebhook(engine: Engine, url: string, actor: Actor): Promise<{ id: string; url: string; secret: string }> {
  const clean = checkUrl(url);
  const id = `wh_${randomBytes(8).toString("hex")}`;
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const now = engine.clock.now();
  await engine.redis.hset(engine.keys.webhookEndpoint(id), { id, url: clean, secret: engine.vault.seal(secret), createdAt: String(now) });
  await engine.redis.zadd(engine.keys.webhookEndpoints(), now, id);
  await audit(engine, actor, "webhook-add", { id, url: clean });
  return { id, url: clean, secret };
}

export async function removeWebhook(engine: Engine, id: string, actor: Actor): Promise<{ id: string; removed: true }> {
  if (!ID.test(id) || !(await engine.redis.exists(engine.keys.webhookEndpoint(id)))) throw new NotFoundError(`no webhook endpoint ${id}`);
  // Pending deliveries to it find no endpoint and end as cancelled; their records expire on their own.
  await engine.redis.del(engine.keys.webhookEndpoint(id), engine.keys.webhookDeliveries(id));
  await engine.redis.zrem(engine.keys.webhookEndpoints(), id);
  await audit(engine, actor, "webhook-remove", { id });
  return { id, removed: true };
}

export async function listWebhooks(engine: Engine): Promise<WebhookView[]> {
  const ids = await engine.redis.zrange(engine.keys.webhookEndpoints(), 0, -1);
  const out: WebhookView[] = [];
  for (const id of ids) {
    const h = await engine.redis.hgetall(engine.keys.webhookEndpoint(id));
    if (h.url) out.push(toView(h));
  }
  return out;
}

/** The endpoint with its opened secret, for the delivering job only. */
export async function endpointForDelivery(engine: Engine, id: string): Promise<(WebhookView & { secret: string }) | null> {
  const h = await engine.redis.hgetall(engine.keys.webhookEndpoint(id));
  if (!h.url || !h.secret) return null;
  return { ...toView(h), secret: engine.vault.open(h.secret) };
}

export async function disableWebhook(engine: Engine, id: string, reason: string): Promise<void> {
  if (!(await engine.redis.exists(engine.keys.webhookEndpoint(id)))) return;
  await engine.redis.hset(engine.keys.webhookEndpoint(id), { disabledAt: String(engine.clock.now()), disabledReason: reason.slice(0, 500) });
  engine.log.warn({ endpoint: id, reason }, "webhook endpoint disabled");
}

/** Recent deliveries to one endpoint, newest first. */
export async function listDeliveries(engine: Engine, endpointId: string, limit = 50): Promise<DeliveryView[]> {
  if (!ID.test(endpointId)) throw new NotFoundError(`no webhook endpoint ${endpointId}`);
  const ids = await engine.redis.zrevrange(engine.keys.webhookDeliveries(endpointId), 0, Math.min(Math.max(limit, 1), 1_000) - 1);
  const out: DeliveryView[] = [];
  for (const id of ids) {
    const d = await readDelivery(engine, id);
    if (d) out.push(d);
  }
  return out;
}

export async function readDelivery(engine: Engine, deliveryId: string): Promise<DeliveryView | null> {
  const h = await engine.redis.hgetall(engine.keys.webhookDelivery(deliveryId));
  if (!h.id) return null;
  return {
    id: h.id, endpointId: h.endpointId ?? "", eventId: h.eventId ?? "", type: h.type ?? "", status: (h.status ?? "pending") as DeliveryStatus,
    attempts: Number(h.attempts ?? 0), lastError: h.lastError || null, responseCode: h.responseCode ? Number(h.responseCode) : null,
    createdAt: Number(h.createdAt ?? 0), updatedAt: Number(h.updatedAt ?? 0), deliveredAt: h.deliveredAt ? Number(h.deliveredAt) : null,
  };
}

/** BullMQ options of a delivery job: attempts and the custom backoff type that spans the retry schedule. */
export function deliveryJobOptions(engine: Engine, jobId: string) {
  const attempts = webhookSchedule(scheduleOf(engine.settings.delivery.webhooks)).length + 1;
  return { jobId, attempts, backoff: { type: WEBHOOK_BACKOFF }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } };
}

/**
 * Records a delivery (once: a second call for the same event and endpoint changes nothing) and enqueues its job
 * under a deterministic id.
 */
export async function createDelivery(engine: Engine, eventId: string, type: string, endpointId: string): Promise<string> {
  const deliveryId = `${eventId}-${endpointId}`;
  const key = engine.keys.webhookDelivery(deliveryId);
  const now = engine.clock.now();
  if ((await engine.redis.hsetnx(key, "id", deliveryId)) === 1) {
    await engine.redis.multi()
      .hset(key, { endpointId, eventId, type, status: "pending", attempts: "0", createdAt: String(now), updatedAt: String(now) })
      .pexpire(key, EVENT_TTL_MS)
      .exec();
    const list = engine.keys.webhookDeliveries(endpointId);
    await engine.redis.multi().zadd(list, now, deliveryId).zremrangebyrank(list, 0, -engine.settings.delivery.webhooks.deliveriesKept - 1).exec();
  }
  await engine.queues.system.add("webhook.deliver", { deliveryId }, deliveryJobOptions(engine, `wh-${deliveryId}`));
  return deliveryId;
}

/** Sends a delivery again by hand (any status), with a fresh retry schedule. */
export async function redeliver(engine: Engine, deliveryId: string, actor: Actor): Promise<{ deliveryId: string; jobId: string }> {
  const d = await readDelivery(engine, deliveryId);
  if (!d) throw new NotFoundError(`no delivery ${deliveryId} (deliveries are kept 7 days)`);
  if (!(await engine.redis.exists(engine.keys.webhookEvent(d.eventId)))) throw new NotFoundError(`the event of delivery ${deliveryId} expired`);
  if (!(await engine.redis.exists(engine.keys.webhookEndpoint(d.endpointId)))) throw new InputError(`the endpoint of delivery ${deliveryId} was removed`);
  const n = await engine.redis.hincrby(engine.keys.webhookDelivery(deliveryId), "manual", 1);
  await engine.redis.hset(engine.keys.webhookDelivery(deliveryId), { status: "pending", updatedAt: String(engine.clock.now()) });
  const jobId = `wh-${deliveryId}-m${n}`;
  await engine.queues.system.add("webhook.deliver", { deliveryId }, deliveryJobOptions(engine, jobId));
  await audit(engine, actor, "webhook-redeliver", { deliveryId });
  return { deliveryId, jobId };
}

/** Re-seals every endpoint secret under the vault's current key (for `fanout secrets rotate`). */
export async function resealWebhookSecrets(engine: Engine): Promise<number> {
  let n = 0;
  for (const id of await engine.redis.zrange(engine.keys.webhookEndpoints(), 0, -1)) {
    const sealed = await engine.redis.hget(engine.keys.webhookEndpoint(id), "secret");
    if (!sealed || engine.vault.keyIdOf(sealed) === engine.vault.currentKeyId) continue;
    await engine.redis.hset(engine.keys.webhookEndpoint(id), "secret", engine.vault.seal(engine.vault.open(sealed)));
    n++;
  }
  return n;
}

function checkUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new InputError(`"${url.slice(0, 100)}" is not a URL (${(err as Error).message})`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new InputError("a webhook URL is http:// or https://");
  if (url.length > 2_048) throw new InputError("a webhook URL is at most 2048 characters");
  return u.toString();
}

function toView(h: Record<string, string>): WebhookView {
  return {
    id: h.id ?? "", url: h.url ?? "", createdAt: Number(h.createdAt ?? 0), disabled: Boolean(h.disabledAt),
    disabledAt: h.disabledAt ? Number(h.disabledAt) : null, disabledReason: h.disabledReason ?? null,
  };
}

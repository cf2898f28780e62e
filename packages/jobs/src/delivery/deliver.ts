import { UnrecoverableError, type Job } from "bullmq";
import type { Engine } from "../engine.ts";
import { treeDoc } from "../ops.ts";
import { WebhookDeliveryError } from "./errors.ts";
import { parseDeliveryJob } from "./jobs.ts";
import { postJson } from "./post.ts";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.ts";
import { createDelivery, disableWebhook, endpointForDelivery, EVENT_TTL_MS } from "./webhooks.ts";

/**
 * The webhook jobs of the `system` queue. `webhook.event` writes the event's body once (SET NX: a retried fan-out
 * sends the very same bytes) and creates one delivery per live endpoint; `webhook.deliver` makes one signed attempt:
 * 2xx delivered, 410 Gone disables the endpoint (no more attempts), anything else is retried on the webhook schedule.
 */
export async function processWebhookEvent(engine: Engine, job: Job): Promise<{ eventId: string; deliveries: number }> {
  const p = parseDeliveryJob("webhook.event", job.data);
  const bodyKey = engine.keys.webhookEvent(p.eventId);
  if (!(await engine.redis.exists(bodyKey))) {
    const data = p.type === "sync.settled" ? await treeDoc(engine, p.treeId) : { account: p.account, reason: p.reason };
    const body = JSON.stringify({ id: p.eventId, type: p.type, createdAt: new Date(p.createdAt).toISOString(), data });
    await engine.redis.set(bodyKey, body, "PX", EVENT_TTL_MS, "NX");
  }
  let deliveries = 0;
  for (const id of await engine.redis.zrange(engine.keys.webhookEndpoints(), 0, -1)) {
    const disabled = await engine.redis.hget(engine.keys.webhookEndpoint(id), "disabledAt");
    if (disabled) continue;
    await createDelivery(engine, p.eventId, p.type, id);
    deliveries++;
  }
  return { eventId: p.eventId, deliveries };
}

export async function processWebhookDelivery(engine: Engine, job: Job): Promise<{ status: number }> {
  const { deliveryId } = parseDeliveryJob("webhook.deliver", job.data);
  const key = engine.keys.webhookDelivery(deliveryId);
  const d = await engine.redis.hgetall(key);
  if (!d.id || !d.endpointId || !d.eventId) throw new UnrecoverableError(`delivery ${deliveryId} expired`);
  const now = () => String(engine.clock.now());
  const endpoint = await endpointForDelivery(engine, d.endpointId);
  if (!endpoint || endpoint.disabled) {
    await engine.redis.hset(key, { status: "cancelled", lastError: endpoint ? "endpoint disabled" : "endpoint removed", updatedAt: now() });
    throw new UnrecoverableError(`delivery ${deliveryId}: endpoint ${endpoint ? "disabled" : "removed"}`);
  }
  const body = await engine.redis.get(engine.keys.webhookEvent(d.eventId));
  if (body === null) {
    await engine.redis.hset(key, { status: "failed", lastError: "event expired", updatedAt: now() });
    throw new UnrecoverableError(`delivery ${deliveryId}: event expired`);
  }
  const w = engine.settings.delivery.webhooks;
  const t = Math.floor(engine.clock.now() / 1_000);
  const attempts = await engine.redis.hincrby(key, "attempts", 1);
  const res = await postJson(endpoint.url, body, {
    [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, t, body), "Fanout-Event-Id": d.eventId, "Fanout-Delivery-Attempt": String(attempts),
  }, { timeoutMs: w.timeoutMs, capBytes: w.responseCapBytes });

  if (res.status !== null && res.status >= 200 && res.status < 300) {
    await engine.redis.hset(key, { status: "delivered", responseCode: String(res.status), lastError: "", updatedAt: now(), deliveredAt: now() });
    return { status: res.status };
  }
  const error = res.error ?? `HTTP ${res.status ?? "?"}${res.body ? `: ${res.body.slice(0, 200)}` : ""}`;
  if (res.status === 410) {
    await disableWebhook(engine, d.endpointId, `answered 410 Gone to delivery ${deliveryId}`);
    await engine.redis.hset(key, { status: "failed", responseCode: "410", lastError: error, updatedAt: now() });
    throw new UnrecoverableError(`delivery ${deliveryId}: 410 Gone, endpoint disabled`);
  }
  const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  await engine.redis.hset(key, { status: last ? "failed" : "retrying", responseCode: res.status === null ? "" : String(res.status), lastError: error, updatedAt: now() });
  // The URL stays out of the message (it lands in logs and may carry a token of the host's).
  throw new WebhookDeliveryError(`delivery ${deliveryId} to endpoint ${d.endpointId}: ${error}`, res.status);
}

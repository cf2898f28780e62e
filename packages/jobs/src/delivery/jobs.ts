import { UnrecoverableError } from "bullmq";
import { z } from "zod";

/**
 * The jobs delivery runs in the `system` queue, one zod schema each (primitives only: ids, never a secret or a body).
 *  - webhook.event:   builds an event's body once and fans it out, one `webhook.deliver` per endpoint (job id = event id)
 *  - webhook.deliver: one delivery (event × endpoint), retried on the webhook schedule (job id = delivery id)
 *  - sink.apply:      brings an account's PostgreSQL rows up to its current version (job id = account + version)
 */
const id = z.string().min(1).max(512);

export const deliveryJobs = {
  "webhook.event": z.discriminatedUnion("type", [
    z.object({ type: z.literal("sync.settled"), eventId: id, createdAt: z.number().int(), treeId: id }).strict(),
    z.object({ type: z.literal("account.disconnected"), eventId: id, createdAt: z.number().int(), account: id, reason: z.string().max(1_000) }).strict(),
  ]),
  "webhook.deliver": z.object({ deliveryId: id }).strict(),
  "sink.apply": z.object({ network: z.string().min(1).max(32), accountId: id, version: z.number().int().min(1) }).strict(),
} as const;

export type DeliveryJobName = keyof typeof deliveryJobs;
export type DeliveryPayload<N extends DeliveryJobName> = z.infer<(typeof deliveryJobs)[N]>;

/** Parses a payload once, at the boundary; a malformed one can never succeed, so it is not retried. */
export function parseDeliveryJob<N extends DeliveryJobName>(name: N, data: unknown): DeliveryPayload<N> {
  const res = deliveryJobs[name].safeParse(data);
  if (!res.success) throw new UnrecoverableError(`invalid ${name} payload: ${res.error.issues[0]?.path.join(".") || "(root)"}: ${res.error.issues[0]?.message ?? "invalid"}`);
  return res.data as DeliveryPayload<N>;
}

export function isDeliveryJob(name: string): name is DeliveryJobName {
  return Object.hasOwn(deliveryJobs, name);
}

export const EVENT_TYPES = ["sync.settled", "account.disconnected"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

import type { Logger } from "@fanout/jobs/log";
import * as queries from "@fanout/jobs/console-queries";
import * as jobs from "@fanout/jobs/jobs";
import { clearLimitKey, limitHistory, networkGauges, overrideLimits } from "@fanout/jobs/limiter/gauges";
import { readSeries } from "@fanout/jobs/metrics";
import * as ops from "@fanout/jobs/ops";
import * as deliveryApi from "@fanout/jobs/delivery/api";
import { createApiKey, listApiKeys, revokeApiKey } from "@fanout/jobs/delivery/apikeys";
import { ApiRequestError } from "@fanout/jobs/delivery/errors";
import { openApiDocument } from "@fanout/jobs/delivery/openapi";
import { addWebhook, listDeliveries, listWebhooks, redeliver, removeWebhook } from "@fanout/jobs/delivery/webhooks";
import { listSchedules, runScheduleNow } from "@fanout/jobs/schedules";
import { createOperators } from "@fanout/jobs/operators";
import { createFastFailRedis, type RedisClient } from "@fanout/jobs/redis";
import { createEngine } from "@fanout/jobs/runtime";
import type { ConsoleEnv } from "../env.ts";
import type { ConsoleServices, HealthReport } from "../lib/services.ts";
import { createSessionCodec } from "./session.ts";

const HEALTH_TIMEOUT_MS = 2_000;

/**
 * The console's one Redis connection fails fast (no offline queue): while Redis is away a request answers 503 at once
 * instead of hanging, and the client reconnects by itself when Redis is back.
 */
export async function createServices(env: ConsoleEnv, log: Logger): Promise<ConsoleServices & { close(): Promise<void> }> {
  const redis = createFastFailRedis(env);
  const quiet = onceEvery(10_000);
  redis.on("error", (err: Error) => quiet(() => log.warn({ err: err.message }, "redis connection error")));
  const engine = await createEngine({ env, redis, log });
  for (const q of Object.values(engine.queues)) q.on("error", (err: Error) => quiet(() => log.warn({ err: err.message, queue: q.name }, "queue error")));

  const health = async (): Promise<HealthReport> => {
    const t0 = Date.now();
    try {
      await withTimeout(redis.ping(), HEALTH_TIMEOUT_MS, "redis did not answer PING within 2 s");
      return { ok: true, redis: "up", latencyMs: Date.now() - t0 };
    } catch (err) {
      return { ok: false, redis: "down", error: err instanceof Error ? err.message : String(err) };
    }
  };

  return {
    engine, ops, jobs, queries, log, health,
    limits: { networkGauges, limitHistory, overrideLimits, clearLimitKey },
    metrics: { readSeries },
    schedules: { listSchedules, runScheduleNow },
    delivery: {
      api: deliveryApi, apikeys: { createApiKey, revokeApiKey, listApiKeys },
      webhooks: { addWebhook, removeWebhook, listWebhooks, listDeliveries, redeliver }, openApiDocument, ApiRequestError,
    },
    operators: createOperators({ redis, keys: engine.keys, clock: engine.clock }),
    sessions: createSessionCodec(env.secrets),
    async close() {
      await engine.close();
      redis.disconnect();
    },
  };
}

/** Resolves once the connection is ready (commands fail while it is not: no offline queue). */
export async function redisReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  await withTimeout(new Promise<void>((resolve) => redis.once("ready", () => resolve())), timeoutMs, "redis not ready");
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A reconnecting client reports the same error every few hundred ms: log it once per period. */
function onceEvery(ms: number): (f: () => void) => void {
  let last = 0;
  return (f) => {
    const now = Date.now();
    if (now - last >= ms) { last = now; f(); }
  };
}

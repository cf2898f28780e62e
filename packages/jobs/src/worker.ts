import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import { Worker, type Job } from "bullmq";
import type { Engine } from "./engine.ts";
import { isDeliveryJob } from "./delivery/jobs.ts";
import { createDeliveryProcessor } from "./delivery/processor.ts";
import { WEBHOOK_BACKOFF, scheduleOf, webhookBackoff } from "./delivery/schedule.ts";
import { sinkFor } from "./delivery/sink.ts";
import { closeHttpAgent } from "./networks/http.ts";
import { createProcessMetrics, startMetricsServer, startSampler } from "./metrics.ts";
import { createPageProcessor } from "./processor.ts";
import { processTick, reconcileSchedules, SCHEDULE_TICK } from "./schedules.ts";
import { jitterBackoff, QUEUES, type QueueName } from "./queues.ts";

export interface WorkerOptions {
  queues?: QueueName[];
  concurrency?: number | Partial<Record<QueueName, number>>;
  /** How long a graceful stop waits for active jobs. */
  graceMs?: number;
  heartbeatMs?: number;
  /** Reconcile the code-defined schedules at start (default true). */
  schedules?: boolean;
  /** How often metrics are sampled (queue depths, wait percentiles). */
  sampleMs?: number;
  version?: string;
  metricsPort?: number | null;
}

export interface WorkerFleetMember {
  id: string;
  metricsPort: number | null;
  workers: Worker[];
  stop(): Promise<void>;
}

const DEFAULT_CONCURRENCY: Record<QueueName, number> = { interactive: 20, default: 50, whales: 20, trickle: 10, system: 2 };

/**
 * One worker process: a BullMQ Worker per queue it serves, a heartbeat for `fanout stats` and the console, and a
 * graceful stop (no new jobs, active ones finish within the grace period). A SIGKILLed process's jobs are taken
 * over by the others through BullMQ's stalled-job check; every page is idempotent, so they finish once in effect.
 */
export async function startWorker(engine: Engine, opts: WorkerOptions = {}): Promise<WorkerFleetMember> {
  const names = opts.queues ?? [...QUEUES];
  const id = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  // Aborted when a stop runs out of grace: calls in flight end at once instead of at their timeout.
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every call in flight listens to it
  const metrics = createProcessMetrics();
  const processPage = createPageProcessor(engine, abort.signal, metrics.observer);
  const server = opts.metricsPort === null ? null : await startMetricsServer(engine, metrics, opts.metricsPort ?? 0);
  const stopSampler = startSampler(engine, metrics, id, opts.sampleMs ?? 5_000);
  if (opts.schedules !== false) await reconcileSchedules(engine);
  // Issue 12: webhooks and the PostgreSQL sink run in the system queue; the sink's migrations apply at start.
  const sink = names.includes("system") ? sinkFor(engine) : null;
  if (sink) engine.log.info({ applied: await sink.migrate() }, "postgres sink ready");
  const processDelivery = createDeliveryProcessor(engine, sink);
  let active = 0; // jobs in this process's hands right now, for the heartbeat
  const dispatch = async (job: Job, token?: string) => {
    if (job.name === "followers.page") return processPage(job, token);
    if (job.name === SCHEDULE_TICK) return processTick(engine, job);
    if (isDeliveryJob(job.name)) return processDelivery(job as Job & { name: typeof job.name });
    throw new Error(`no processor for job type "${job.name}"`);
  };
  const processor = async (job: Job, token?: string) => {
    active++;
    try {
      return await dispatch(job, token);
    } finally {
      active--;
    }
  };
  const workers = names.map((q) => {
    const concurrency = typeof opts.concurrency === "number" ? opts.concurrency : (opts.concurrency?.[q] ?? DEFAULT_CONCURRENCY[q]);
    const w = new Worker(q, processor, {
      connection: engine.queueRedis, prefix: engine.keys.queuePrefix(q), concurrency, metrics: { maxDataPoints: 1_440 },
      settings: {
        // Issue 12: webhook deliveries follow their own ~24 h schedule (delivery/schedule.ts); everything else jitters.
        backoffStrategy: (attemptsMade: number, type?: string) => type === WEBHOOK_BACKOFF
          ? webhookBackoff(attemptsMade, scheduleOf(engine.settings.delivery.webhooks))
          : jitterBackoff(attemptsMade, engine.settings.backoffBaseMs, engine.settings.backoffCapMs),
      },
      // A SIGKILLed worker's jobs come back within lockDuration + stalledInterval; the lock is renewed every 7.5 s.
      stalledInterval: 5_000, maxStalledCount: 10, lockDuration: 15_000,
    });
    w.on("failed", (job, err) => engine.log.warn({ jobId: job?.id, queue: q, err: err.message }, "job failed"));
    w.on("error", (err) => engine.log.error({ queue: q, err: err.message }, "worker error"));
    return w;
  });

  const beat = async () => {
    const doc = { id, host: hostname(), pid: process.pid, queues: names, active, version: opts.version ?? "0.1.0", at: engine.clock.now(), metricsPort: server?.port ?? null };
    const p = engine.redis.pipeline();
    p.set(engine.keys.worker(id), JSON.stringify(doc), "PX", (opts.heartbeatMs ?? 5_000) * 3);
    p.zadd(engine.keys.workers(), doc.at, id);
    await p.exec();
  };
  const timer = setInterval(() => void beat().catch((err: unknown) => engine.log.warn({ err: (err as Error).message }, "heartbeat failed")), opts.heartbeatMs ?? 5_000);
  timer.unref();
  void beat().catch((err: unknown) => engine.log.warn({ err: (err as Error).message }, "heartbeat failed"));

  return {
    id, workers, metricsPort: server?.port ?? null,
    async stop() {
      clearInterval(timer);
      stopSampler();
      await server?.close();
      const grace = opts.graceMs ?? 30_000;
      const closing = Promise.all(workers.map((w) => w.close()));
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), grace).unref());
      if ((await Promise.race([closing.then(() => "closed" as const), timeout])) === "timeout") {
        engine.log.warn({ graceMs: grace }, "active jobs did not finish within the grace period; forcing close");
        abort.abort(new Error("worker stopping"));
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await engine.redis.pipeline().del(engine.keys.worker(id)).zrem(engine.keys.workers(), id).exec();
      await sink?.close();
      await closeHttpAgent();
    },
  };
}

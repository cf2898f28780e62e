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
  /**
   * Whales take spare capacity only: while the interactive or default queue has jobs waiting for a slot, this
   * process's whale slots shrink to `slots` (default a fifth of its whale concurrency), and grow back once neither
   * has. Checked every `everyMs` (default 100) while whale jobs run. `false`: whale slots stay fixed.
   */
  whaleYield?: { slots?: number; everyMs?: number } | false;
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
  const dispatch = async (job: Job, token?: string) => {
    if (job.name === "followers.page") return processPage(job, token);
    if (job.name === SCHEDULE_TICK) return processTick(engine, job);
    if (isDeliveryJob(job.name)) return processDelivery(job as Job & { name: typeof job.name });
    throw new Error(`no processor for job type "${job.name}"`);
  };
  const activeIn: Partial<Record<QueueName, number>> = {}; // jobs in this process's hands, by queue
  const processorFor = (q: QueueName) => async (job: Job, token?: string) => {
    activeIn[q] = (activeIn[q] ?? 0) + 1;
    try {
      return await dispatch(job, token);
    } finally {
      activeIn[q] = (activeIn[q] ?? 1) - 1;
    }
  };
  const workers = names.map((q) => {
    const concurrency = typeof opts.concurrency === "number" ? opts.concurrency : (opts.concurrency?.[q] ?? DEFAULT_CONCURRENCY[q]);
    const w = new Worker(q, processorFor(q), {
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

  const whales = names.includes("whales") ? workers[names.indexOf("whales")] : undefined;
  const whalesFull = whales?.concurrency ?? 0;
  const stopYield = whales && opts.whaleYield !== false ? startWhaleYield(engine, whales, whalesFull, () => activeIn.whales ?? 0, opts.whaleYield ?? {}) : () => undefined;

  const beat = async () => {
    const doc = { id, host: hostname(), pid: process.pid, queues: names, active: Object.values(activeIn).reduce((a, b) => a + b, 0), whaleSlots: whales ? { now: whales.concurrency, full: whalesFull } : null, version: opts.version ?? "0.1.0", at: engine.clock.now(), metricsPort: server?.port ?? null };
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
      stopYield();
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

/** The queues whose waiting jobs make whales yield: a user waiting, and ordinary syncs. */
const YIELD_TO = ["interactive", "default"] as const;
const waitingIn = (c: Record<string, number>) => (c.wait ?? 0) + (c.prioritized ?? 0);

/**
 * While whale jobs run here, checks every `everyMs` (at least 10) whether a queue whales yield to has jobs waiting
 * (wait or prioritized: every slot of the fleet's is taken) and is not paused; if so, this process takes at most
 * `slots` whale jobs at a time, and its `full` whale concurrency again once none waits. Jobs already running finish;
 * BullMQ only fetches fewer.
 */
function startWhaleYield(engine: Engine, whales: Worker, full: number, whalesActive: () => number, o: { slots?: number; everyMs?: number }): () => void {
  const slots = Math.min(full, Math.max(1, o.slots ?? Math.round(full / 5)));
  const everyMs = Math.max(10, o.everyMs ?? 100);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    // Idle at full concurrency: nothing to shrink. Shrunk: keep checking until the others have drained.
    if (whalesActive() === 0 && whales.concurrency === full) return;
    // A paused queue's jobs wait for an operator, not for a slot: nothing to yield to.
    const counts = await Promise.all(YIELD_TO.map(async (q) => {
      const [paused, c] = await Promise.all([engine.queues[q].isPaused(), engine.queues[q].getJobCounts("wait", "prioritized")]);
      return paused ? 0 : waitingIn(c);
    }));
    const waiting = counts.some((n) => n > 0);
    const want = waiting ? slots : full;
    if (whales.concurrency !== want) {
      whales.concurrency = want;
      engine.log.debug({ whaleSlots: want }, waiting ? "whales yield: other queues have jobs waiting" : "whales back to full concurrency");
    }
  };
  const loop = () => {
    timer = setTimeout(() => {
      check()
        .catch((err: unknown) => { if (!stopped) engine.log.warn({ err: (err as Error).message }, "whale yield check failed"); })
        .finally(() => { if (!stopped) loop(); });
    }, everyMs);
    timer.unref();
  };
  loop();
  return () => { stopped = true; clearTimeout(timer); };
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Engine } from "./engine.ts";
import { sampleLimits } from "./limiter/gauges.ts";
import { QUEUES } from "./queues.ts";

/**
 * Fleet metrics. One sampler at a time (a 5 s lease) writes queue depths into a capped list (24 h of 5 s samples);
 * every worker flushes its own wait-time percentiles beside it. Each worker also serves Prometheus `/metrics`.
 */
const SAMPLES_24H = 17_280;

export interface DepthSample { at: number; queues: Record<string, Record<string, number>> }
export interface WaitSample { at: number; worker: string; queues: Record<string, { n: number; p50: number; p95: number }> }

/** What one process saw; the processor reports into it. */
export interface ProcessObserver {
  page(network: string, outcome: "stored" | "delayed" | "parked" | "retried" | "failed"): void;
  error(network: string, kind: string): void;
  waited(queue: string, ms: number): void;
}

export function createProcessMetrics() {
  const registry = new Registry();
  const pages = new Counter({ name: "fanout_pages_total", help: "page jobs by network and outcome", labelNames: ["network", "outcome"], registers: [registry] });
  const errors = new Counter({ name: "fanout_api_errors_total", help: "API errors by network and kind", labelNames: ["network", "kind"], registers: [registry] });
  const wait = new Histogram({ name: "fanout_job_wait_seconds", help: "time from enqueue to start", labelNames: ["queue"], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800], registers: [registry] });
  const waits = new Map<string, number[]>();
  const observer: ProcessObserver = {
    page: (network, outcome) => pages.inc({ network, outcome }),
    error: (network, kind) => errors.inc({ network, kind }),
    waited(queue, ms) {
      wait.observe({ queue }, ms / 1_000);
      const list = waits.get(queue) ?? [];
      if (list.length < 50_000) list.push(ms);
      waits.set(queue, list);
    },
  };
  return {
    registry, observer,
    /** Percentiles since the last call, then forgets them. */
    drainWaits(): WaitSample["queues"] {
      const out: WaitSample["queues"] = {};
      for (const [q, list] of waits) {
        if (!list.length) continue;
        list.sort((a, b) => a - b);
        out[q] = { n: list.length, p50: pct(list, 0.5), p95: pct(list, 0.95) };
      }
      waits.clear();
      return out;
    },
  };
}

export type ProcessMetrics = ReturnType<typeof createProcessMetrics>;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export function startSampler(engine: Engine, metrics: ProcessMetrics, workerId: string, intervalMs = 5_000): () => void {
  const { redis, keys } = engine;
  const tick = async () => {
    const now = engine.clock.now();
    const drained = metrics.drainWaits();
    const p = redis.pipeline();
    if (Object.keys(drained).length) {
      p.lpush(keys.metricsWait(), JSON.stringify({ at: now, worker: workerId, queues: drained } satisfies WaitSample));
      p.ltrim(keys.metricsWait(), 0, SAMPLES_24H * 4 - 1);
    }
    await p.exec();
    // One sampler for the fleet: whoever holds the lease samples the depths.
    if ((await redis.set(keys.samplerLease(), workerId, "PX", intervalMs - 100, "NX")) !== "OK") return;
    const queues: DepthSample["queues"] = {};
    for (const q of QUEUES) {
      const counts = await engine.queues[q].getJobCounts("wait", "active", "delayed", "prioritized", "failed", "completed");
      queues[q] = counts;
    }
    await redis.pipeline().lpush(keys.metricsDepth(), JSON.stringify({ at: now, queues } satisfies DepthSample)).ltrim(keys.metricsDepth(), 0, SAMPLES_24H - 1).exec();
    await sampleLimits(engine);
  };
  const timer = setInterval(() => void tick().catch((err: unknown) => engine.log.warn({ err: (err as Error).message }, "metrics sample failed")), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Serves Prometheus text on /metrics; port 0 picks a free one (reported in the worker's heartbeat). */
export async function startMetricsServer(engine: Engine, metrics: ProcessMetrics, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const depth = new Gauge({
    name: "fanout_queue_jobs", help: "jobs by queue and state (this fleet)", labelNames: ["queue", "state"], registers: [metrics.registry],
    async collect() {
      for (const q of QUEUES) {
        const counts = await engine.queues[q].getJobCounts("wait", "active", "delayed", "prioritized", "failed");
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q, state }, n);
      }
    },
  });
  void depth;
  const server: Server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("not found\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(`metrics failed: ${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The console's time series: depth samples and wait percentiles between two times, newest last. */
export async function readSeries(engine: Engine, fromMs: number, toMs: number, maxPoints = 720): Promise<{ depth: DepthSample[]; wait: WaitSample[] }> {
  const span = Math.ceil(((toMs - fromMs) / 5_000) * 1.1) + 10;
  const [depthRaw, waitRaw] = await Promise.all([
    engine.redis.lrange(engine.keys.metricsDepth(), 0, Math.min(span, SAMPLES_24H) - 1),
    engine.redis.lrange(engine.keys.metricsWait(), 0, Math.min(span * 4, SAMPLES_24H * 4) - 1),
  ]);
  const inRange = <T extends { at: number }>(xs: T[]) => xs.filter((x) => x.at >= fromMs && x.at <= toMs).reverse();
  const depth = thin(inRange(depthRaw.map((r) => JSON.parse(r) as DepthSample)), maxPoints);
  const wait = inRange(waitRaw.map((r) => JSON.parse(r) as WaitSample));
  return { depth, wait };
}

function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)] as T);
}

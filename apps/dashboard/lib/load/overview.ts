import type { OverviewDoc, Range } from "../api-types.ts";
import { errorsPerMinute, lastMinutes, MINUTE, toDepthSeries, toThroughput, toWaitSeries } from "../series.ts";
import { services } from "../services.ts";

const SPAN: Record<Range, number> = { "1h": 3_600_000, "24h": 24 * 3_600_000 };
/** Wait percentiles are bucketed so a chart holds a few hundred points whatever the range. */
const WAIT_BUCKET: Record<Range, number> = { "1h": 15_000, "24h": 5 * MINUTE };

/**
 * The overview's history: depth samples (≤ 720 points), wait p95 per queue, completed/failed per minute (BullMQ's
 * metrics), API errors per minute. Redis cost: 2 LRANGEs bounded by the range (≤ 17,280 depth and 69,120 wait
 * samples for 24 h), 2 metric reads per queue, one pipelined HGETALL per minute per network.
 */
export async function loadOverview(range: Range): Promise<OverviewDoc> {
  const s = services();
  const { engine } = s;
  const at = engine.clock.now();
  const from = at - SPAN[range];
  const minutes = Math.round(SPAN[range] / MINUTE);
  const [series, metrics, errors] = await Promise.all([
    s.metrics.readSeries(engine, from, at, 720),
    s.queries.throughput(engine, minutes + 1),
    Promise.all([...engine.networks.keys()].map((n) => engine.errors.buckets(n, from, at))),
  ]);
  const throughput = toThroughput(metrics, at, minutes);
  const errorRows = errorsPerMinute(errors);
  const apiErrors = errorRows.filter((r) => r.at > at - 5 * MINUTE).reduce((n, r) => n + r.total, 0);
  return {
    at, range,
    depth: toDepthSeries(series.depth),
    wait: toWaitSeries(series.wait, WAIT_BUCKET[range], at),
    throughput,
    errors: errorRows,
    recent: { ...lastMinutes(throughput, 5), apiErrors },
  };
}

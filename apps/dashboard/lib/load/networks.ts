import type { BreakerView, LimitsDoc, NetworkDoc, Range } from "../api-types.ts";
import { allowedRate, limitHistoryRows, throttlesIn } from "../limits-data.ts";
import { services } from "../services.ts";

const SPAN: Record<Range, number> = { "1h": 3_600_000, "24h": 24 * 3_600_000 };

/** Names of the networks the engine runs (built-in and configured). */
export const networkNames = (): string[] => [...services().engine.networks.keys()];

/**
 * One network: its error buckets by kind and code over the range (one pipelined HGETALL per minute), the last error
 * samples (≤ 30, messages never hold tokens), the circuit breaker (1 HGETALL) and whether its jobs are paused (1 SMEMBERS).
 */
export async function loadNetwork(network: string, range: Range): Promise<NetworkDoc> {
  const s = services();
  const { engine } = s;
  const at = engine.clock.now();
  const [paused, breaker, buckets, samples] = await Promise.all([
    s.queries.pausedNetworks(engine),
    engine.limiter.breaker.state(network),
    engine.errors.buckets(network, at - SPAN[range], at),
    engine.errors.samples(network, 30),
  ]);
  return { at, network, range, paused: paused.includes(network), breaker: toBreaker(breaker), buckets, samples };
}

function toBreaker(h: Record<string, string>): BreakerView {
  const n = (v: string | undefined) => (v ? Number(v) : null);
  return { state: h.state ?? "closed", opens: Number(h.opens ?? 0), openedAt: n(h.openedAt), retryAt: n(h.retryAt) };
}

/** How far back the limit history goes on the page (one sample per 5 s: 360 samples). */
const HISTORY_MS = 30 * 60_000;

/** A network's limit gauges (≤ 50 live keys, one pipelined round trip), their recent history and the rate allowed. */
export async function loadLimits(network: string): Promise<LimitsDoc> {
  const s = services();
  const { engine } = s;
  const at = engine.clock.now();
  const [gauges, history] = await Promise.all([s.limits.networkGauges(engine, network), s.limits.limitHistory(engine, network, at - HISTORY_MS)]);
  return { at, network, gauges, history: { ...limitHistoryRows(history), throttles: throttlesIn(history) }, allowed: allowedRate(gauges) };
}

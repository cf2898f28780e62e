import { NETWORKS, type Network } from "./network.ts";

/** Counters of one network, as `GET /_simnet/stats` shows them (plus a few extras). */
export interface NetworkStats {
  requests: number;
  byStatus: Record<string, number>;
  maxInFlight: number;
  rateLimited: number;
  overLimit: number;
  /** Requests being handled right now (latency waits and hanging sockets included). */
  inFlight: number;
  /** Sockets accepted and never answered (hangRate). */
  hung: number;
  /** Connections destroyed without an answer (outage). */
  dropped: number;
}

function empty(inFlight: number): NetworkStats {
  return { requests: 0, byStatus: {}, maxInFlight: inFlight, rateLimited: 0, overLimit: 0, inFlight, hung: 0, dropped: 0 };
}

/** Per-network request counters. */
export class Stats {
  private readonly byNetwork = new Map<Network, NetworkStats>();

  constructor() {
    for (const n of NETWORKS) this.byNetwork.set(n, empty(0));
  }

  of(network: Network): NetworkStats {
    const s = this.byNetwork.get(network);
    if (!s) throw new Error(`no stats for ${network}`);
    return s;
  }

  begin(network: Network): void {
    const s = this.of(network);
    s.requests++;
    s.inFlight++;
    if (s.inFlight > s.maxInFlight) s.maxInFlight = s.inFlight;
  }

  end(network: Network): void {
    this.of(network).inFlight--;
  }

  status(network: Network, status: number): void {
    const by = this.of(network).byStatus;
    const key = String(status);
    by[key] = (by[key] ?? 0) + 1;
  }

  /** Zeroes the counters; requests still in flight stay counted as in flight. */
  reset(): void {
    for (const n of NETWORKS) this.byNetwork.set(n, empty(this.of(n).inFlight));
  }

  snapshot(): { networks: Record<Network, NetworkStats> } {
    const networks = {} as Record<Network, NetworkStats>;
    for (const n of NETWORKS) {
      const s = this.of(n);
      networks[n] = { ...s, byStatus: { ...s.byStatus } };
    }
    return { networks };
  }
}

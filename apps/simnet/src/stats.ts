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

/** One request as the network met it (`recordArrivals`): when it arrived and what it was answered. */
export interface Arrival {
  /** Arrival, epoch ms: the time simnet charged its limits with. */
  t: number;
  /** The status answered; 0 for a request that hung or whose connection was dropped. */
  status: number;
  /** Whether it asked for a follower list (profiles and token refreshes are not lists). */
  list: boolean;
  /** The account whose token made the call, when the token was valid (never the token itself). */
  caller?: string;
}

/** A network keeps at most this many arrivals; later ones are counted in `dropped` and not kept. */
export const MAX_ARRIVALS = 1_000_000;

interface ArrivalLog { arrivals: Arrival[]; dropped: number }

function empty(inFlight: number): NetworkStats {
  return { requests: 0, byStatus: {}, maxInFlight: inFlight, rateLimited: 0, overLimit: 0, inFlight, hung: 0, dropped: 0 };
}

/** Per-network request counters. */
export class Stats {
  private readonly byNetwork = new Map<Network, NetworkStats>();
  private readonly logs = new Map<Network, ArrivalLog>();

  constructor() {
    for (const n of NETWORKS) {
      this.byNetwork.set(n, empty(0));
      this.logs.set(n, { arrivals: [], dropped: 0 });
    }
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

  arrived(network: Network, arrival: Arrival): void {
    const log = this.arrivalLog(network);
    if (log.arrivals.length < MAX_ARRIVALS) log.arrivals.push(arrival);
    else log.dropped++;
  }

  /** The network's recorded arrivals (in arrival order) since the last reset, and how many the cap left out. */
  arrivals(network: Network): { arrivals: readonly Arrival[]; dropped: number } {
    return this.arrivalLog(network);
  }

  /** Zeroes the counters and empties the arrival logs; requests still in flight stay counted as in flight. */
  reset(): void {
    for (const n of NETWORKS) {
      this.byNetwork.set(n, empty(this.of(n).inFlight));
      this.logs.set(n, { arrivals: [], dropped: 0 });
    }
  }

  private arrivalLog(network: Network): ArrivalLog {
    const log = this.logs.get(network);
    if (!log) throw new Error(`no arrival log for ${network}`);
    return log;
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

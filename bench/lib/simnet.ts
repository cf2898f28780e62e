import { SIMNET_MAIN } from "./paths.ts";
import { spawnChild, type Child } from "./procs.ts";

/** simnet as its own process, spoken to over its admin API (INTERFACES.md), exactly as the workers see it. */
export type NetworkName = "twitter" | "facebook" | "linkedin" | "mastodon";
export const NETWORKS: NetworkName[] = ["twitter", "facebook", "linkedin", "mastodon"];

export interface NetStats { requests: number; byStatus: Record<string, number>; maxInFlight: number; rateLimited: number; overLimit: number; inFlight?: number; dropped?: number }
export interface SimnetStats { networks: Record<NetworkName, NetStats> }
export interface SimAccount { network: string; id: string; token: string; refreshToken?: string | null; followers: number }

/** One request as simnet met it (its `recordArrivals` log): arrival time, what it answered, whose token. */
export interface Hit {
  /** Arrival, epoch ms, when simnet charged its limits. */
  t: number;
  net: string;
  status: number;
  /** Whether the path is a follower list (not a profile lookup). */
  list: boolean;
  /** The account whose token made the call (never the token itself). */
  who?: string;
}

export interface Simnet {
  url: string;
  child: Child;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stats(): Promise<SimnetStats>;
  resetStats(): Promise<void>;
  patch(config: unknown): Promise<void>;
  /** Creates `count` accounts (ids `${idPrefix}${i}`), a few requests at a time. */
  createAccounts(network: NetworkName, count: number, followers: number, idPrefix: string): Promise<SimAccount[]>;
  account(network: NetworkName, id: string): Promise<SimAccount>;
  /**
   * The network's arrivals since the last stats reset, when its config has `recordArrivals: true`: timed where the
   * limits count them, with no hop in between.
   */
  arrivals(network: NetworkName): Promise<Hit[]>;
  /** The network's first recorded follower-list call, once one arrives (an error after `timeoutMs`). */
  firstListArrival(network: NetworkName, timeoutMs?: number): Promise<Hit>;
  stop(): Promise<void>;
}

export async function startSimnet(seed = 1): Promise<Simnet> {
  const { child, match } = await spawnChild("simnet", process.execPath, ["--import", "tsx", SIMNET_MAIN], {
    env: { ...process.env, SIMNET_PORT: "0", SIMNET_SEED: String(seed) },
    ready: /simnet listening on (http:\/\/\S+)/,
    readyTimeoutMs: 30_000,
  });
  const url = match?.[1];
  if (!url) throw new Error("simnet printed no URL");
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method, headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simnet ${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const arrivals = async (network: NetworkName): Promise<Hit[]> => {
    type Arrivals = { recording: boolean; dropped: number; arrivals: { t: number; status: number; list: boolean; caller?: string }[] };
    const got = await admin<Arrivals>("GET", `/_simnet/arrivals?network=${network}`);
    if (!got.recording) throw new Error(`simnet is not recording ${network}'s arrivals (set recordArrivals)`);
    if (got.dropped > 0) throw new Error(`simnet dropped ${got.dropped} of ${network}'s arrivals (its log is capped)`);
    return got.arrivals.map((a) => (a.caller === undefined
      ? { t: a.t, net: network, status: a.status, list: a.list }
      : { t: a.t, net: network, status: a.status, list: a.list, who: a.caller }));
  };
  return {
    url, child, admin,
    stats: () => admin<SimnetStats>("GET", "/_simnet/stats"),
    resetStats: async () => { await admin("POST", "/_simnet/stats/reset"); },
    patch: async (config) => { await admin("PATCH", "/_simnet/config", config); },
    async createAccounts(network, count, followers, idPrefix) {
      const out: SimAccount[] = [];
      for (let i = 0; i < count; i += 25) {
        const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) =>
          admin<SimAccount>("POST", "/_simnet/accounts", { network, followers, id: `${idPrefix}${i + j}` }));
        out.push(...(await Promise.all(batch)));
      }
      return out;
    },
    async account(network, id) {
      const all = await admin<SimAccount[]>("GET", `/_simnet/accounts?network=${network}`);
      const a = all.find((x) => x.id === id);
      if (!a) throw new Error(`simnet has no ${network}:${id}`);
      return a;
    },
    arrivals,
    async firstListArrival(network, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const first = (await arrivals(network)).find((h) => h.list);
        if (first) return first;
        if (Date.now() > deadline) throw new Error(`no ${network} list call reached simnet within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => { await child.stop(5_000); },
  };
}

/** Every network quiet: no latency, no faults; published limits as given (default: none). */
export function quietConfig(overrides: Partial<Record<NetworkName, Record<string, unknown>>> = {}, timeScale = 1): Record<string, unknown> {
  return {
    timeScale,
    networks: Object.fromEntries(NETWORKS.map((n) => [n, { latencyMs: { p50: 0, p99: 0 }, limits: null, hiddenLimit: null, ...overrides[n] }])),
  };
}

export function served(s: NetStats | undefined): number {
  return s?.byStatus["200"] ?? 0;
}

import autocannon from "autocannon";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { cpuSeconds } from "../lib/procs.ts";
import { round } from "../lib/redis.ts";
import { startSimnet, type Simnet } from "../lib/simnet.ts";

/**
 * simnet's own capacity: requests/s for 100-item Twitter follower pages with latency, faults and limits off, driven
 * by autocannon from the runner while simnet runs as its own process. Every other figure that goes through simnet
 * can be read against this one. (Adapted from the former bench/simnet-throughput.ts.)
 */
export const name = "simnet";
export const title = "simnet requests/s for 100-item pages";

const ACCOUNT = "large"; // 10,000 followers: 100 distinct pages of 100

/** Walks the account once so the load covers every page, not one hot page. */
async function pagePaths(sim: Simnet, token: string): Promise<string[]> {
  const paths: string[] = [];
  let next: string | undefined;
  do {
    const path = `/twitter/2/users/${ACCOUNT}/followers?max_results=100${next ? `&pagination_token=${next}` : ""}`;
    paths.push(path);
    const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { meta?: { next_token?: string } };
    next = body.meta?.next_token;
  } while (next !== undefined);
  return paths;
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const connections = 32;
  const durationS = ctx.quick ? 3 : 10;
  const sim = await startSimnet();
  try {
    await sim.patch({ networks: { twitter: { latencyMs: { p50: 0, p99: 0 }, limits: [] } } });
    const account = await sim.account("twitter", ACCOUNT);
    const paths = await pagePaths(sim, account.token);
    await sim.resetStats();
    let i = 0;
    const cpuBefore = cpuSeconds(sim.child.pid);
    const result = await autocannon({
      url: sim.url, connections, duration: durationS,
      headers: { authorization: `Bearer ${account.token}` },
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] ?? paths[0] }) }],
    });
    const cpuAfter = cpuSeconds(sim.child.pid);
    const cpuUsed = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    const stats = await sim.stats();
    const rps = result.requests.average;
    const perCpu = cpuUsed ? result.requests.total / cpuUsed : null;
    ctx.log(`simnet: ${Math.round(rps)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${perCpu ? Math.round(perCpu) : "?"} req per CPU-second`);
    return {
      rows: [
        { figure: "simnet req/s, 100-item Twitter pages (32 connections)", fanout: round(rps, 0), unit: "req/s", digits: 0, note: "simnet's own capacity, the ceiling for any bench that goes through it" },
        { figure: "simnet req per CPU-second", fanout: perCpu === null ? null : round(perCpu, 0), digits: 0, note: "independent of what else the machine does" },
      ],
      config: { network: "twitter", account: ACCOUNT, itemsPerPage: 100, pages: paths.length, connections, durationS, latency: "off", faults: "off", limits: "off", topology: "simnet in a child process; autocannon in the runner" },
      samples: {
        requestsPerSec: rps, simnetCpuSeconds: cpuUsed, requestsPerCpuSecond: perCpu,
        latency: { p50: result.latency.p50, p99: result.latency.p99, average: result.latency.average, max: result.latency.max },
        totals: { requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, throughputBytesPerSec: result.throughput.average },
        perSecond: result.requests, simnetStats: stats.networks.twitter,
      },
      notes: result.non2xx || result.errors ? [`${result.non2xx} non-2xx answers and ${result.errors} errors during the simnet bench`] : [],
    };
  } finally {
    await sim.stop();
  }
}

/**
 * simnet throughput: 100-item Twitter follower pages, latency and faults off, limits off, driven by autocannon
 * from this process while simnet runs as its own child process (so the load generator does not share its core).
 * Writes bench/results/simnet.json and prints the figure. `--quick` runs 3 s instead of 10 s.
 *
 *   node --import tsx bench/simnet-throughput.ts [--quick] [--connections N]
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const MAIN = fileURLToPath(new URL("../apps/simnet/src/main.ts", import.meta.url));
const RESULTS = fileURLToPath(new URL("./results/", import.meta.url));
const quick = process.argv.includes("--quick");
const connIdx = process.argv.indexOf("--connections");
const connections = connIdx > 0 ? Number(process.argv[connIdx + 1]) : 32;
const durationS = quick ? 3 : 10;
const ACCOUNT = "large"; // 10,000 followers: 100 distinct pages of 100

interface Account { network: string; id: string; token: string }

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) the child has used, from /proc; undefined off Linux. Requests per CPU-second is what
 * one core could serve, whatever else the machine is doing while the bench runs.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || os.platform() !== "linux") return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

async function startChild(): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, SIMNET_PORT: "0", SIMNET_SEED: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`simnet did not start: ${out}`)), 20_000);
    proc.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /simnet listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once("exit", (code) => reject(new Error(`simnet exited ${String(code)}: ${out}`)));
  });
  return {
    url,
    pid: proc.pid,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

async function admin<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Walks the account once so the load covers every page, not one hot page. */
async function pagePaths(url: string, token: string): Promise<string[]> {
  const paths: string[] = [];
  let next: string | undefined;
  do {
    const path = `/twitter/2/users/${ACCOUNT}/followers?max_results=100${next ? `&pagination_token=${next}` : ""}`;
    paths.push(path);
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { meta?: { next_token?: string } };
    next = body.meta?.next_token;
  } while (next !== undefined);
  return paths;
}

const loadAvgBefore = os.loadavg();
const sim = await startChild();
try {
  const off = { latencyMs: { p50: 0, p99: 0 }, limits: [] };
  await admin(sim.url, "PATCH", "/_simnet/config", { networks: { twitter: off } });
  const accounts = await admin<Account[]>(sim.url, "GET", "/_simnet/accounts?network=twitter");
  const account = accounts.find((a) => a.id === ACCOUNT);
  if (!account) throw new Error(`no twitter account ${ACCOUNT}`);
  const paths = await pagePaths(sim.url, account.token);
  await admin(sim.url, "POST", "/_simnet/stats/reset");

  let i = 0;
  const cpuBefore = cpuSeconds(sim.pid);
  const result = await autocannon({
    url: sim.url,
    connections,
    duration: durationS,
    headers: { authorization: `Bearer ${account.token}` },
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] ?? paths[0] }) }],
  });
  const cpuAfter = cpuSeconds(sim.pid);
  const cpuUsed = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  const stats = await admin<{ networks: { twitter: { byStatus: Record<string, number>; overLimit: number } } }>(sim.url, "GET", "/_simnet/stats");

  const cpus = os.cpus();
  const summary = {
    bench: "simnet-throughput",
    at: new Date().toISOString(),
    scenario: { network: "twitter", account: ACCOUNT, itemsPerPage: 100, pages: paths.length, connections, durationS, latency: "off", faults: "off", limits: "off" },
    requestsPerSec: Math.round(result.requests.average),
    simnetCpuSeconds: cpuUsed,
    requestsPerCpuSecond: cpuUsed ? Math.round(result.requests.total / cpuUsed) : undefined,
    latency: { p50: result.latency.p50, p99: result.latency.p99, average: result.latency.average, max: result.latency.max },
    totals: { requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, throughputBytesPerSec: Math.round(result.throughput.average) },
    simnetStats: stats.networks.twitter,
    machine: {
      cpuModel: cpus[0]?.model ?? "unknown", cpus: cpus.length, node: process.version, platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(), totalMemMiB: Math.round(os.totalmem() / 1_048_576), loadAvgBefore, loadAvgAfter: os.loadavg(),
      topology: "simnet in a child process; autocannon in the bench process",
    },
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}simnet.json`, JSON.stringify(summary, null, 2) + "\n");
  console.log(`simnet: ${summary.requestsPerSec} req/s (100-item Twitter pages, ${connections} connections, ${durationS}s); `
    + `latency p50 ${summary.latency.p50} ms, p99 ${summary.latency.p99} ms; non-2xx ${result.non2xx}, errors ${result.errors}; `
    + `simnet used ${cpuUsed?.toFixed(1) ?? "?"} CPU-s = ${summary.requestsPerCpuSecond ?? "?"} req per CPU-second; load ${loadAvgBefore[0]?.toFixed(1) ?? "?"}`);
  if (result.non2xx > 0 || result.errors > 0 || stats.networks.twitter.overLimit !== 0) process.exitCode = 1;
} finally {
  await sim.stop();
}

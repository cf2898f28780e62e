import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@fanout/testkit/free-port";
import { startPostgres } from "@fanout/testkit/postgres";
import { startRedisServer, type RedisServer } from "@fanout/testkit/redis-server";
import { waitFor } from "@fanout/testkit/wait";
import { withOperators } from "./operators.ts";
import { startProcess } from "./process.ts";

/**
 * A whole Fanout for the browser to drive: a private redis-server, simnet, the console (built if its sources
 * changed) and two worker processes, with a fresh prefix, secret and first admin. Each part is started with `env`
 * and stopped in reverse order by `stop()`; every process logs into e2e/artifacts/.
 */
export interface StackInfo {
  url: string;
  redisUrl: string;
  prefix: string;
  simnetUrl: string;
  /** The host website's PostgreSQL (the sink's target): a private server the stack started. */
  pgUrl: string;
  admin: { name: string; password: string };
  /** Secrets the browser must never see (checked by the tests). */
  secrets: string[];
  artifacts: string;
  /** What a process of this stack (a worker, the CLI) gets: REDIS_URL, FANOUT_PREFIX, FANOUT_SECRET, SIMNET_URL, FANOUT_CONFIG… */
  env: Record<string, string>;
  /** A private directory of the run (not an artifact): the tokens the tests used are listed there for the leak check. */
  home: string;
  logs: string[];
}

export interface Stack extends StackInfo { stop(): Promise<void> }

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
const CONSOLE_START_MS = 10 * 60_000; // a first build takes a minute or two on 2 cores
export const TIME_SCALE = 0.01;

/**
 * The engine's view of the published limits, at simnet's time scale (a 15-minute window becomes 9 s), so the
 * limiter and simnet agree; fast retries; and no breaker for Twitter, where the bulk story fails several accounts
 * at once on purpose (an outage is not what it tests).
 */
function fanoutConfig(): string {
  const s = (ms: number) => Math.round(ms * TIME_SCALE);
  const config = {
    backoffBaseMs: 100,
    tuning: {
      twitter: {
        limits: [{ scope: "token", max: 15, windowMs: s(900_000), endpoint: "followers" }, { scope: "token", max: 900, windowMs: s(900_000), endpoint: "profile" }],
        breaker: { minAccounts: 50 },
      },
      mastodon: { limits: [{ scope: "token", max: 300, windowMs: s(300_000), aligned: true }, { scope: "token", max: 300, windowMs: s(900_000), aligned: true, paging: true }] },
    },
  };
  return `// Written by e2e/support/stack.ts for one run.\nexport default ${JSON.stringify(config, null, 2)};\n`;
}

export async function startStack(): Promise<Stack> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The screenshots are this run's: none left from an earlier one.
  for (const f of readdirSync(ARTIFACTS)) if (f.endsWith(".png")) rmSync(join(ARTIFACTS, f));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => { for (const s of stops.reverse()) await s(); };
  try {
    const redis: RedisServer = await startRedisServer();
    stops.push(() => redis.stop());
    const pg = await startPostgres();
    stops.push(() => pg.stop());
    const home = await mkdtemp(join(tmpdir(), "fanout-e2e-"));
    stops.push(() => rm(home, { recursive: true, force: true }));
    const configPath = join(home, "fanout.config.mjs");
    writeFileSync(configPath, fanoutConfig());

    const simnet = await startProcess({
      name: "simnet", args: ["--import", "tsx", "apps/simnet/src/main.ts"], cwd: ROOT, env: { SIMNET_PORT: "0" },
      ready: /simnet listening on (http:\/\/\S+)/, log: join(ARTIFACTS, "simnet.log"),
    });
    stops.push(simnet.stop);
    await configureSimnet(simnet.match);

    const admin = { name: "admin", password: randomBytes(12).toString("base64url") };
    const secret = randomBytes(32).toString("base64url");
    const env: Record<string, string> = {
      REDIS_URL: redis.url, FANOUT_PREFIX: `e2e-${randomUUID()}`, FANOUT_SECRET: secret, FANOUT_HOME: home,
      SIMNET_URL: simnet.match, FANOUT_CONFIG: configPath, LOG_LEVEL: "info", FANOUT_METRICS_PORT: "0", FANOUT_PG_URL: pg.url,
    };
    const consoleProc = await startProcess({
      name: "console", args: ["--conditions=@fanout/source", "--import", "tsx", "server.ts"], cwd: join(ROOT, "apps/dashboard"),
      env: { ...env, FANOUT_ADMIN: `${admin.name}:${admin.password}`, PORT: String(await freePort()) }, ready: /console listening on (http:\/\/\S+)/,
      log: join(ARTIFACTS, "console.log"), startMs: CONSOLE_START_MS, exitCode: 0,
    });
    stops.push(consoleProc.stop);
    // Concurrency 4 per queue per worker: enough for every story, and few enough slots that priorities decide order.
    for (const n of [1, 2]) {
      const w = await startProcess({
        name: `worker-${n}`, args: ["apps/worker/bin/fanout.js", "worker", "--concurrency", "4", "--grace", "5000"], cwd: ROOT, env,
        ready: /"msg":"worker ready"/, log: join(ARTIFACTS, `worker-${n}.log`), exitCode: 0,
      });
      stops.push(w.stop);
    }
    // The first admin is created just after start: wait for it, so the first sign-in cannot race it.
    await waitFor(() => withOperators({ redisUrl: redis.url, prefix: env.FANOUT_PREFIX ?? "" }, (ops) => ops.getOperator(admin.name)),
      (op) => op !== null, { timeoutMs: 30_000, what: "the first admin" });

    return {
      url: consoleProc.match, redisUrl: redis.url, prefix: env.FANOUT_PREFIX ?? "", simnetUrl: simnet.match, pgUrl: pg.url, admin,
      secrets: [secret, admin.password], artifacts: ARTIFACTS, env, home,
      logs: ["console.log", "worker-1.log", "worker-2.log"].map((f) => join(ARTIFACTS, f)), stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Fast and scaled: 15-minute windows last 9 s, answers take ~5 ms; every fault off (each story sets its own). */
async function configureSimnet(url: string): Promise<void> {
  const latency = { latencyMs: { p50: 5, p99: 30 } };
  const res = await fetch(`${url}/_simnet/config`, {
    method: "PATCH", headers: { "content-type": "application/json" },
    body: JSON.stringify({ timeScale: TIME_SCALE, networks: { twitter: latency, facebook: latency, linkedin: latency, mastodon: latency } }),
  });
  if (!res.ok) throw new Error(`simnet config: ${res.status} ${await res.text()}`);
}

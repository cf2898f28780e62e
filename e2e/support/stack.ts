import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@fanout/testkit/free-port";
import { startRedisServer, type RedisServer } from "@fanout/testkit/redis-server";
import { waitFor } from "@fanout/testkit/wait";
import { withOperators } from "./operators.ts";

/**
 * A whole Fanout for the browser to drive: a private redis-server, then the console (built if its sources changed),
 * with a fresh prefix, secret and first admin. Later parts (simnet, workers) go in here as further steps, each started
 * with `env` and stopped in reverse order by `stop()`.
 */
export interface StackInfo {
  url: string;
  redisUrl: string;
  prefix: string;
  admin: { name: string; password: string };
  /** Secrets the browser must never see (checked by the tests). */
  secrets: string[];
  artifacts: string;
}

export interface Stack extends StackInfo { env: Record<string, string>; stop(): Promise<void> }

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
const CONSOLE_START_MS = 10 * 60_000; // a first build takes a minute or two on 2 cores

export async function startStack(): Promise<Stack> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => { for (const s of stops.reverse()) await s(); };
  try {
    const redis: RedisServer = await startRedisServer();
    stops.push(() => redis.stop());
    const home = await mkdtemp(join(tmpdir(), "fanout-e2e-"));
    stops.push(() => rm(home, { recursive: true, force: true }));

    const admin = { name: "admin", password: randomBytes(12).toString("base64url") };
    const secret = randomBytes(32).toString("base64url");
    const env: Record<string, string> = {
      REDIS_URL: redis.url, FANOUT_PREFIX: `e2e-${randomUUID()}`, FANOUT_SECRET: secret, FANOUT_HOME: home,
      FANOUT_ADMIN: `${admin.name}:${admin.password}`, LOG_LEVEL: "warn",
    };
    const consoleProc = await startConsole(env);
    stops.push(consoleProc.stop);
    // The first admin is created just after start: wait for it, so the first sign-in cannot race it.
    await waitFor(() => withOperators({ redisUrl: redis.url, prefix: env.FANOUT_PREFIX ?? "" }, (ops) => ops.getOperator(admin.name)),
      (op) => op !== null, { timeoutMs: 30_000, what: "the first admin" });

    return {
      url: consoleProc.url, redisUrl: redis.url, prefix: env.FANOUT_PREFIX ?? "", admin, secrets: [secret, admin.password],
      artifacts: ARTIFACTS, env, stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface ConsoleProcess { url: string; proc: ChildProcess; stop(): Promise<void> }

/** `npm run dashboard`'s command, on a free port; resolves once it prints `console listening on URL`. */
export async function startConsole(env: Record<string, string>): Promise<ConsoleProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, ["--conditions=@fanout/source", "--import", "tsx", "server.ts"], {
    cwd: join(ROOT, "apps/dashboard"), env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(join(ARTIFACTS, "console.log"));
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the console did not start within ${CONSOLE_START_MS} ms:\n${out.slice(-4_000)}`)), CONSOLE_START_MS);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /console listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", (b: Buffer) => (out += b.toString()));
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`the console exited ${code}:\n${out.slice(-4_000)}`)); });
  });
  return {
    url, proc,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const code = await exited;
      log.end();
      if (code !== 0) throw new Error(`the console exited ${code} on SIGTERM (expected 0)`);
    },
  };
}

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export interface RedisServer { url: string; port: number; dir: string; proc: ChildProcess; stop(): Promise<void> }
export interface RedisServerOptions { port?: number; dir?: string; aof?: boolean; args?: string[] }

/** Starts a private redis-server on a free loopback port; `stop()` kills it and removes its data. */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "fanout-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
    "--appendonly", opts.aof ? "yes" : "no", "--appendfsync", "everysec", ...(opts.args ?? [])];
  const proc = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  await waitForPing(port, 10_000).catch((err: unknown) => {
    proc.kill("SIGKILL");
    throw new Error(`redis-server did not start on ${port}: ${stderr}`, { cause: err });
  });
  return {
    url: `redis://127.0.0.1:${port}`, port, dir, proc,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await exited;
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once a Redis on `port` answers PING with PONG. */
export async function waitForPing(port: number, timeoutMs: number, host = "127.0.0.1"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port, host)) return;
    if (Date.now() > deadline) throw new Error(`no PONG from ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

function ping(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host });
    const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(500, () => done(false));
    sock.once("error", () => done(false));
    sock.once("connect", () => sock.write("PING\r\n"));
    sock.once("data", (b) => done(b.toString().startsWith("+PONG")));
  });
}

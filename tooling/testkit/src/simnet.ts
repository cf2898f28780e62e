import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface SimnetProcess { url: string; proc: ChildProcess; admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>; stop(): Promise<void> }

const MAIN = fileURLToPath(new URL("../../../apps/simnet/src/main.ts", import.meta.url));

/**
 * Starts simnet as its own process on a free port (it prints `simnet listening on URL` once ready), so tests speak
 * to it over real HTTP exactly as the workers do.
 */
export async function startSimnet(env: Record<string, string> = {}): Promise<SimnetProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, SIMNET_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simnet did not start: ${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /simnet listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", (b: Buffer) => (out += b.toString()));
    proc.once("exit", (code) => { clearTimeout(timer); reject(new Error(`simnet exited ${code}: ${out}`)); });
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return {
    url, proc,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${url}${path}`, {
        method, headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`simnet ${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

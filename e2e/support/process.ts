import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";

export interface Started { name: string; proc: ChildProcess; /** The `ready` pattern's first group (a URL). */ match: string; stop(): Promise<void> }

export interface ProcessSpec {
  name: string; args: string[]; cwd: string; env: Record<string, string>;
  /** Printed once the process is ready; its first group is handed back as `match`. */
  ready: RegExp;
  /** Every line the process writes goes here (stdout and stderr). */
  log: string;
  startMs?: number;
  /** When set, stop() fails unless SIGTERM ends the process with this code. */
  exitCode?: number;
}

/** Starts `node ARGS` and resolves once its output matches `ready`; fails with the output's tail if it exits first. */
export async function startProcess(spec: ProcessSpec): Promise<Started> {
  const proc = spawn(process.execPath, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(spec.log);
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  let out = "";
  const match = await new Promise<string>((resolve, reject) => {
    const limit = spec.startMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`${spec.name} did not start within ${limit} ms:\n${out.slice(-4_000)}`)), limit);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = spec.ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout?.off("data", onData);
      proc.stderr?.off("data", onData);
      resolve(m[1] ?? m[0]);
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`${spec.name} exited ${code} before it was ready:\n${out.slice(-4_000)}`)); });
  });
  return {
    name: spec.name, proc, match,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const code = await exited;
      await new Promise<void>((resolve) => log.end(resolve));
      if (spec.exitCode !== undefined && code !== spec.exitCode) throw new Error(`${spec.name} exited ${code} on SIGTERM (expected ${spec.exitCode})`);
    },
  };
}

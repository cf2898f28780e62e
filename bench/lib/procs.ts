import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/**
 * Every process a bench starts goes through here, so that one registry can stop them all: on success, on a bench
 * that throws, on Ctrl-C, and (synchronously, SIGKILL) when the runner exits for any other reason.
 */
export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last lines of stdout + stderr, for the error message when something goes wrong. */
  tail(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Resolve only once a line matches (e.g. /worker ready/); the match is returned beside the child. */
  ready?: RegExp;
  readyTimeoutMs?: number;
  /** Called with every output line (stdout and stderr). */
  onLine?: (line: string) => void;
}

const live = new Set<Child>();
const TAIL_LINES = 60;

export async function spawnChild(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): Promise<{ child: Child; match: RegExpExecArray | null }> {
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: opts.env as NodeJS.ProcessEnv | undefined, stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const lines: string[] = [];
  let readyResolve: ((m: RegExpExecArray) => void) | undefined;
  const onText = (buf: Buffer, partial: { s: string }) => {
    partial.s += buf.toString();
    const parts = partial.s.split("\n");
    partial.s = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      opts.onLine?.(line);
      if (readyResolve && opts.ready) {
        const m = opts.ready.exec(line);
        if (m) { readyResolve(m); readyResolve = undefined; }
      }
    }
  };
  const out = { s: "" };
  const err = { s: "" };
  // Always drained: a worker logging to a full pipe would block, and the bench would measure that instead.
  proc.stdout?.on("data", (b: Buffer) => onText(b, out));
  proc.stderr?.on("data", (b: Buffer) => onText(b, err));
  const exited = new Promise<number | string>((resolve) => proc.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const child: Child = {
    name, proc, pid: proc.pid,
    tail: () => lines.join("\n"),
    exited,
    async stop(graceMs = 10_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        const t = setTimeout(() => proc.kill("SIGKILL"), graceMs);
        const code = await exited;
        clearTimeout(t);
        live.delete(child);
        return code;
      }
      live.delete(child);
      return exited;
    },
  };
  live.add(child);
  void exited.then(() => live.delete(child));
  if (!opts.ready) return { child, match: null };
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready within ${opts.readyTimeoutMs ?? 30_000} ms:\n${child.tail()}`)), opts.readyTimeoutMs ?? 30_000);
      readyResolve = (m) => { clearTimeout(timer); resolve(m); };
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`${name} exited (${String(code)}) before it was ready:\n${child.tail()}`)); });
    });
    return { child, match };
  } catch (e) {
    await child.stop(2_000);
    throw e;
  }
}

/** Stops every live child (SIGTERM, then SIGKILL). */
export async function stopAll(graceMs = 10_000): Promise<void> {
  await Promise.all([...live].map((c) => c.stop(graceMs)));
}

/** Last resort on process exit: nothing async can run any more. */
export function killAllSync(): void {
  for (const c of live) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  }
  live.clear();
}

export function liveChildren(): string[] {
  return [...live].map((c) => `${c.name}(${c.pid})`);
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc; undefined off Linux or once it has exited. */
export function cpuSeconds(pid: number): number | undefined {
  if (os.platform() !== "linux") return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Sum of CPU seconds over several processes (missing ones count 0). */
export function cpuOf(pids: number[]): number {
  return pids.reduce((s, p) => s + (cpuSeconds(p) ?? 0), 0);
}

/**
 * Waits until processes just started have gone quiet: at most `maxBusy` of a core between them over one `windowMs`
 * (their start-up: modules still compiling, first timers, connections). Returns the ms it took.
 */
export async function whenQuiet(pids: number[], o: { windowMs?: number; maxBusy?: number; timeoutMs?: number } = {}): Promise<number> {
  const { windowMs = 100, maxBusy = 0.1, timeoutMs = 10_000 } = o;
  const t0 = performance.now();
  let before = cpuOf(pids);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = cpuOf(pids);
    if (now - before <= maxBusy * windowMs / 1000) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`processes ${pids.join(", ")} still busy ${timeoutMs} ms after start (${Math.round((now - before) * 1000)} ms CPU in the last ${windowMs} ms)`);
    before = now;
  }
}

// @ts-check
// Child processes for `npm start`: prefixed output, readiness waits, and stopping a whole process group.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { sleep } from "./net.mjs";
import { c } from "./term.mjs";

/**
 * @typedef {object} Child
 * @property {string} name
 * @property {import("node:child_process").ChildProcess} proc
 * @property {number} pid
 * @property {string[]} tail the last lines it printed
 * @property {boolean} stopping set once we asked it to stop
 * @property {{ code: number | null, signal: NodeJS.Signals | null } | null} exit
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {Set<(line: string) => void>} listeners
 */

/**
 * @typedef {object} SpawnOptions
 * @property {string} name prefix, e.g. "worker-1"
 * @property {string} cmd
 * @property {string[]} args
 * @property {string} cwd
 * @property {NodeJS.ProcessEnv} env
 * @property {(s: string) => string} color
 * @property {number} width prefix column width
 * @property {boolean} [quiet] keep the output in `tail` only
 */

/**
 * Starts a child in its own process group (so Ctrl-C in the terminal reaches only us, and we stop the children in
 * order), with every line it prints prefixed by its name.
 * @param {SpawnOptions} o
 * @returns {Child}
 */
export function spawnChild(o) {
  const proc = spawn(o.cmd, o.args, { cwd: o.cwd, env: o.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = o.color(`[${o.name}]`.padEnd(o.width + 2));
  /** @type {Child} */
  const child = {
    name: o.name, proc, pid: proc.pid ?? -1, tail: [], stopping: false, exit: null, listeners: new Set(),
    exited: new Promise((resolve) => {
      proc.once("error", (err) => {
        child.tail.push(`${o.cmd}: ${err.message}`);
        if (!o.quiet) process.stderr.write(`${prefix} ${o.cmd}: ${err.message}\n`);
        child.exit = { code: 127, signal: null };
        resolve(child.exit);
      });
      proc.once("exit", (code, signal) => { child.exit = { code, signal }; resolve(child.exit); });
    }),
  };
  for (const stream of [proc.stdout, proc.stderr]) {
    if (!stream) continue;
    const out = stream === proc.stderr ? process.stderr : process.stdout;
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      child.tail.push(line);
      if (child.tail.length > 60) child.tail.shift();
      if (!o.quiet) out.write(`${prefix} ${readable(line)}\n`);
      for (const fn of child.listeners) fn(line);
    });
  }
  return child;
}

const LEVELS = /** @type {Record<number, string>} */ ({ 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" });
const HIDDEN = new Set(["level", "time", "msg", "name", "pid", "hostname", "v"]);

/**
 * A pino JSON log line as one short human line (`warn msg key=value …`); any other line unchanged.
 * @param {string} line
 */
export function readable(line) {
  if (!line.startsWith("{")) return line;
  /** @type {unknown} */
  let rec;
  try {
    rec = JSON.parse(line);
  } catch (err) {
    if (err instanceof SyntaxError) return line; // not JSON after all: print it as it came
    throw err;
  }
  if (!rec || typeof rec !== "object" || !("level" in rec) || !("msg" in rec)) return line;
  const r = /** @type {Record<string, unknown>} */ (rec);
  const level = typeof r.level === "number" ? (LEVELS[r.level] ?? String(r.level)) : String(r.level);
  const tint = level === "warn" ? c.yellow : level === "error" || level === "fatal" ? c.red : c.dim;
  const fields = Object.entries(r).filter(([k]) => !HIDDEN.has(k)).map(([k, v]) => {
    const text = typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v);
    return c.dim(`${k}=`) + text;
  });
  return [tint(level.padEnd(5)), String(r.msg), ...fields].join(" ");
}

/**
 * Resolves with the first line matching `re`; rejects when the child exits or the deadline passes.
 * @param {Child} child
 * @param {RegExp} re
 * @param {number} timeoutMs
 * @returns {Promise<RegExpExecArray>}
 */
export function waitForLine(child, re, timeoutMs) {
  return new Promise((resolve, reject) => {
    /** @type {(line: string) => void} */
    const onLine = (line) => {
      const m = re.exec(line);
      if (m) { done(); resolve(m); }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`${child.name} did not print ${re} within ${timeoutMs / 1000} s`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); child.listeners.delete(onLine); };
    child.listeners.add(onLine);
    for (const line of child.tail) {
      const m = re.exec(line);
      if (m) { done(); resolve(m); return; }
    }
    void child.exited.then((e) => { done(); reject(new Error(`${child.name} exited (${describeExit(e)}) before it was ready`)); });
  });
}

/**
 * Polls `probe` until it returns true; rejects when the child exits or the deadline passes.
 * @param {Child} child
 * @param {() => Promise<boolean>} probe
 * @param {number} timeoutMs
 * @param {string} what
 */
export async function waitUntil(child, probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exit) throw new Error(`${child.name} exited (${describeExit(child.exit)}) before ${what}`);
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`${child.name}: no ${what} within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

/** @param {{ code: number | null, signal: NodeJS.Signals | null }} e */
export function describeExit(e) {
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

/**
 * True while any process of the group led by `pgid` exists.
 * @param {number} pgid
 */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === "EPERM") return true;
    return false;
  }
}

/**
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 */
export function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== "ESRCH") throw err;
  }
}

/**
 * SIGTERM to the child's whole group, SIGKILL to what is left after `graceMs`. Resolves once the group is gone.
 * @param {Child} child
 * @param {number} graceMs
 * @returns {Promise<boolean>} false when it had to be killed
 */
export async function stopChild(child, graceMs) {
  child.stopping = true;
  if (child.pid <= 0) return true;
  return stopGroup(child.pid, graceMs);
}

/**
 * @param {number} pgid
 * @param {number} graceMs
 * @returns {Promise<boolean>} false when it had to be killed
 */
export async function stopGroup(pgid, graceMs) {
  if (!groupAlive(pgid)) return true;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(50);
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 100 && groupAlive(pgid); i++) await sleep(20);
  return false;
}

/**
 * The kernel's start time of `pid` (Linux), which with the pid identifies one process across pid reuse.
 * @param {number} pid
 * @returns {string | null}
 */
export function startTimeOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; the 22nd field overall is starttime.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19] ?? null;
  } catch (err) {
    if (err instanceof Error) return null; // gone, or no /proc on this system
    throw err;
  }
}

#!/usr/bin/env node
// @ts-check
// `npm start`: from a fresh clone to a running Fanout — dependencies, Redis (embedded when none answers), simnet,
// the workers, the console, the demo — and on Ctrl-C it stops everything it started, and nothing else.
// Plain Node ESM with no dependencies: it runs before `npm ci` has.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomInt } from "node:crypto";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installNeeded } from "./lib/install.mjs";
import { httpStatus, portOrFree } from "./lib/net.mjs";
import { describeExit, signalGroup, spawnChild, stopChild, waitForLine, waitUntil } from "./lib/procs.mjs";
import { embeddedArgs, ensureRedisServer, INSTALL_HINT, parseRedisUrl, ping, waitForPong } from "./lib/redis.mjs";
import { clearRunState, owned, readRunState, stillRunning, stopLeftovers, writeRunState } from "./lib/runstate.mjs";
import { c, fail, info, palette, seconds, warn } from "./lib/term.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `usage: npm start [-- --workers N] [-- --no-demo] [-- --skip-install]

  --workers N      worker processes to run (default 2)
  --no-demo        do not run \`fanout demo\` once everything is up
  --skip-install   do not check node_modules against package-lock.json`;

/** @typedef {import("./lib/procs.mjs").Child} Child */

// ---------------------------------------------------------------------------------------------------- arguments

/** @param {string[]} argv */
function parseArgs(argv) {
  const opts = { workers: 2, demo: true, install: true };
  for (let i = 0; i < argv.length; i++) {
    const a = /** @type {string} */ (argv[i]);
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "--no-demo") opts.demo = false;
    else if (flag === "--skip-install") opts.install = false;
    else if (flag === "--workers") {
      const v = inline ?? argv[++i];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 32) usage(`--workers wants a whole number from 0 to 32 (got ${v ?? "nothing"})`);
      opts.workers = n;
    } else if (flag === "--help" || flag === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown argument ${a}`);
  }
  return opts;
}

/** @param {string} msg @returns {never} */
function usage(msg) {
  fail(msg);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------- supervisor

const opts = parseArgs(process.argv.slice(2));
const HOME = resolve(ROOT, process.env.FANOUT_HOME || ".fanout");
const RUN_FILE = join(HOME, "run.json");
const REDIS_DIR = join(HOME, "redis");
const rel = (/** @type {string} */ p) => relative(process.cwd(), p) || ".";

/** Started by this run, in the order they are stopped: the embedded redis-server last. @type {Child[]} */
const children = [];
/** @type {Child | null} */
let redisChild = null;
/** @type {Promise<never> | null} */
let stopping = null;
let width = 8;

function recordRun() {
  const list = [...children, ...(redisChild ? [redisChild] : [])].filter((ch) => !ch.exit).map((ch) => owned(ch.name, ch.pid));
  writeRunState(RUN_FILE, { supervisor: owned("npm start", process.pid), children: list });
}

/**
 * @param {Omit<import("./lib/procs.mjs").SpawnOptions, "width" | "color" | "cwd"> & { critical?: boolean }} o
 * @returns {Child}
 */
function start(o) {
  const color = /** @type {(s: string) => string} */ (palette[(children.length + (redisChild ? 1 : 0)) % palette.length]);
  const ch = spawnChild({ cwd: ROOT, width, color, ...o });
  if (o.name === "redis") redisChild = ch;
  else children.push(ch);
  recordRun();
  if (o.critical !== false) {
    void ch.exited.then((e) => {
      if (ch.stopping || stopping) return;
      fail(`${ch.name} stopped unexpectedly (${describeExit(e)}); stopping the rest`);
      if (o.quiet) for (const line of ch.tail.slice(-15)) process.stderr.write(`  ${line}\n`);
      void shutdown(1);
    });
  }
  return ch;
}

/**
 * Stops what this run started: the processes that use Redis and simnet first, then simnet, then redis-server.
 * @param {number} code
 * @returns {Promise<never>}
 */
function shutdown(code) {
  stopping ??= (async () => {
    const live = (/** @type {Child[]} */ list) => list.filter((ch) => !ch.exit);
    const users = live(children.filter((ch) => ch.name !== "simnet"));
    const simnet = live(children.filter((ch) => ch.name === "simnet"));
    if (users.length + simnet.length > 0 || (redisChild && !redisChild.exit)) info("stopping (Ctrl-C again to kill at once)…");
    const stop = async (/** @type {Child} */ ch, /** @type {number} */ graceMs) => {
      const clean = await stopChild(ch, graceMs);
      if (!clean) warn(`${ch.name} did not stop within ${graceMs / 1000} s: killed`);
    };
    // Workers finish or hand back their jobs within their own 30 s grace; give them a little more than that.
    await Promise.all(users.map((ch) => stop(ch, ch.name.startsWith("worker") ? 35_000 : 10_000)));
    await Promise.all(simnet.map((ch) => stop(ch, 5_000)));
    if (redisChild && !redisChild.exit) {
      await stop(redisChild, 20_000);
      info(`redis-server stopped; its data stays in ${rel(REDIS_DIR)}`);
    }
    process.exit(code);
  })();
  return stopping;
}

let signals = 0;
/** @param {NodeJS.Signals} sig */
function onSignal(sig) {
  signals += 1;
  if (signals === 1) {
    process.stdout.write("\n");
    void shutdown(0);
    return;
  }
  warn(`${sig} again: killing everything this run started`);
  for (const ch of [...children, ...(redisChild ? [redisChild] : [])]) if (!ch.exit) signalGroup(ch.pid, "SIGKILL");
  process.exit(1);
}
for (const sig of /** @type {NodeJS.Signals[]} */ (["SIGINT", "SIGTERM", "SIGHUP"])) process.on(sig, onSignal);

/**
 * Fatal start-up error: say it in one line, stop what was started, exit 1.
 * @param {string} msg
 * @returns {Promise<never>}
 */
function abort(msg) {
  if (stopping) return stopping; // a wait that failed because we are stopping anyway
  fail(msg);
  return shutdown(1);
}

// ---------------------------------------------------------------------------------------------------- steps

/** Refuses to run beside another `npm start` on the same data; stops what a killed one left behind. */
async function claimRun() {
  mkdirSync(HOME, { recursive: true });
  const prev = readRunState(RUN_FILE);
  if (prev && stillRunning(prev.supervisor) && prev.supervisor.pid !== process.pid) {
    fail(`another npm start is running (pid ${prev.supervisor.pid}) on ${rel(HOME)}: stop it first`);
    process.exit(1);
  }
  if (prev) await stopLeftovers(prev, info);
  writeRunState(RUN_FILE, { supervisor: owned("npm start", process.pid), children: [] });
  process.once("exit", () => clearRunState(RUN_FILE));
}

/** The npm executable: the one running us under `npm start`, else npm from PATH. */
function npmCommand() {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.[cm]?js$/.test(cli)) return { cmd: process.execPath, pre: [cli] };
  return { cmd: process.platform === "win32" ? "npm.cmd" : "npm", pre: [] };
}

async function installDependencies() {
  const need = installNeeded(ROOT);
  if (!need) return;
  info(`installing dependencies: npm ${need.cmd} (${need.reason})`);
  const npm = npmCommand();
  const code = await new Promise((res) => {
    const p = spawn(npm.cmd, [...npm.pre, need.cmd, "--no-audit", "--no-fund"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    p.once("error", (err) => { fail(`npm: ${err.message}`); res(127); });
    p.once("exit", (code) => res(code ?? 1));
  });
  if (code !== 0) {
    fail(`npm ${need.cmd} failed (exit ${code})`);
    process.exit(1);
  }
}

/** @returns {Promise<{ url: string, embedded: boolean }>} */
async function ensureRedis() {
  const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const cluster = process.env.REDIS_CLUSTER_NODES;
  if (cluster) {
    const [host, port] = (cluster.split(",")[0] ?? "").trim().split(":");
    const answer = await ping({ host: host || "127.0.0.1", port: Number(port), username: "", password: "", tls: false });
    if (answer !== "pong" && !/^(NOAUTH|MOVED)/.test(answer)) return abort(`the Redis Cluster at ${cluster} does not answer (${answer})`);
    return { url, embedded: false };
  }
  /** @type {import("./lib/redis.mjs").RedisTarget} */
  let target;
  try {
    target = parseRedisUrl(url);
  } catch (err) {
    return abort(err instanceof Error ? err.message : String(err));
  }
  let answer = await ping(target);
  for (let i = 0; i < 120 && answer.startsWith("LOADING"); i++) {
    if (i === 0) info(`Redis at ${url} is loading its data…`);
    await new Promise((r) => setTimeout(r, 500));
    answer = await ping(target);
  }
  if (answer === "pong") return { url, embedded: false };
  if (answer !== "refused") return abort(`Redis at ${url} answers, but: ${answer} (check REDIS_URL)`);

  const bin = ensureRedisServer();
  if (!bin) {
    process.stderr.write(`${INSTALL_HINT}\n`);
    process.exit(1);
  }
  const local = ["127.0.0.1", "localhost", "::1"].includes(target.host);
  // The configured port when it is ours to take, so `npx fanout …` in another terminal finds it without REDIS_URL.
  const { port } = await portOrFree(local ? target.port : 0);
  info(`no Redis answers at ${url}: starting redis-server on port ${port} (data in ${rel(REDIS_DIR)}, AOF on)`);
  // Quiet: its start-up notices are noise here; its last lines are shown if it fails.
  const ch = start({ name: "redis", cmd: bin, args: embeddedArgs(port, REDIS_DIR), env: process.env, quiet: true });
  const self = { host: "127.0.0.1", port, username: "", password: "", tls: false };
  const up = await Promise.race([waitForPong(self, 20_000), ch.exited.then(() => false)]);
  if (!up) {
    if (ch.exit) return shutdown(1); // its exit handler has said why
    for (const line of ch.tail.slice(-15)) process.stderr.write(`  ${line}\n`);
    return abort(`redis-server did not answer on port ${port}${ch.exit ? ` (it exited, ${describeExit(ch.exit)})` : ""}`);
  }
  return { url: `redis://127.0.0.1:${port}`, embedded: true };
}

/** `name:password` of the first admin: FANOUT_ADMIN, else the one kept in .fanout/admin (made on first start). */
function adminLogin() {
  if (process.env.FANOUT_ADMIN) return { value: process.env.FANOUT_ADMIN, generated: false };
  const file = join(HOME, "admin");
  if (!existsSync(file)) {
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const password = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join("");
    try {
      writeFileSync(file, `admin:${password}\n`, { flag: "wx", mode: 0o600 });
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EEXIST") throw err;
    }
  }
  chmodSync(file, 0o600);
  const value = readFileSync(file, "utf8").trim();
  if (!/^[^:]+:.{8,}$/.test(value)) {
    fail(`${rel(file)} should hold name:password (a password of 8+ characters): fix it or delete it`);
    process.exit(1);
  }
  return { value, generated: true };
}

/** @param {string} file */
function requireFile(file) {
  if (!existsSync(join(ROOT, file))) {
    fail(`${file} does not exist (yet): cannot start that part of Fanout`);
    process.exit(1);
  }
}

/** Console health: 200 from /api/health (which answers 503 while Redis does not). @param {number} port */
async function consoleHealthy(port) {
  for (const host of ["127.0.0.1", "localhost"]) if ((await httpStatus(`http://${host}:${port}/api/health`)) === 200) return true;
  return false;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<string[] | null>} the demo's output, or null when it failed
 */
async function runDemo(env) {
  const ch = start({ name: "demo", cmd: process.execPath, args: [...TS_CONDITIONS, "apps/worker/src/cli.ts", "demo"], env, quiet: true, critical: false });
  const timer = setTimeout(() => void stopChild(ch, 5_000), 180_000);
  const e = await ch.exited;
  clearTimeout(timer);
  children.splice(children.indexOf(ch), 1);
  recordRun();
  if (e.code === 0) return ch.tail;
  warn(`fanout demo failed (${describeExit(e)}); everything else keeps running. Its last lines:`);
  for (const line of ch.tail.slice(-15)) process.stderr.write(`  ${line}\n`);
  return null;
}

const TS_CONDITIONS = ["--conditions=@fanout/source", "--import", "tsx"];

// ---------------------------------------------------------------------------------------------------- main

async function main() {
  const t0 = Date.now();
  await claimRun();
  if (opts.install) await installDependencies();
  requireFile("apps/simnet/src/main.ts");
  if (opts.workers > 0 || opts.demo) requireFile("apps/worker/src/cli.ts");
  width = Math.max(7, ...Array.from({ length: opts.workers }, (_, i) => `worker-${i + 1}`.length));

  const redis = await ensureRedis();
  const admin = adminLogin();
  const simnetWanted = Number(process.env.SIMNET_PORT || 4010);
  const consoleWanted = Number(process.env.PORT || 3000);
  const simnetPort = await portOrFree(simnetWanted);
  const consolePort = await portOrFree(consoleWanted);
  if (simnetPort.moved) info(`port ${simnetWanted} is taken: simnet gets ${simnetPort.port}`);
  if (consolePort.moved) info(`port ${consoleWanted} is taken: the console gets ${consolePort.port}`);

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, REDIS_URL: redis.url, FANOUT_HOME: HOME, FANOUT_ADMIN: admin.value };
  delete env.REDIS_CLUSTER_NODES;
  if (process.env.REDIS_CLUSTER_NODES && !redis.embedded) env.REDIS_CLUSTER_NODES = process.env.REDIS_CLUSTER_NODES;

  info("starting simnet");
  const simnet = start({ name: "simnet", cmd: process.execPath, args: ["--import", "tsx", "apps/simnet/src/main.ts"],
    env: { ...env, SIMNET_PORT: String(simnetPort.port) } });
  const listening = await waitForLine(simnet, /simnet listening on (https?:\/\/\S+)/, 60_000).catch((err) => abort(err.message));
  env.SIMNET_URL = /** @type {string} */ (listening[1]);
  env.SIMNET_PORT = String(simnetPort.port);

  info(`starting ${opts.workers} worker${opts.workers === 1 ? "" : "s"} and the console`);
  const waits = [];
  for (let i = 1; i <= opts.workers; i++) {
    const w = start({ name: `worker-${i}`, cmd: process.execPath, args: [...TS_CONDITIONS, "apps/worker/src/cli.ts", "worker"], env });
    waits.push(waitForLine(w, /worker ready/i, 120_000));
  }
  const npm = npmCommand();
  const consoleChild = start({ name: "console", cmd: npm.cmd, args: [...npm.pre, "run", "--loglevel=error", "dashboard"], env: { ...env, PORT: String(consolePort.port) } });
  let consoleUrl = `http://127.0.0.1:${consolePort.port}`;
  consoleChild.listeners.add((line) => {
    const m = /console listening on (https?:\/\/\S+)/.exec(line);
    // A wildcard bind is reachable on loopback; the wildcard itself is no address for a browser.
    if (m?.[1]) consoleUrl = m[1].replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, "//127.0.0.1");
  });
  // The first start builds the Next.js app, which takes minutes on a small machine.
  waits.push(waitUntil(consoleChild, () => consoleHealthy(consolePort.port), 15 * 60_000, "200 from /api/health"));
  await Promise.all(waits).catch((err) => abort(err.message));
  info(`all up in ${seconds(Date.now() - t0)}`);

  const demo = opts.demo ? await runDemo(env) : null;
  banner({ redis, admin, env, consoleUrl, demo });
}

/**
 * @param {{ redis: { url: string, embedded: boolean }, admin: { value: string, generated: boolean },
 *   env: NodeJS.ProcessEnv, consoleUrl: string, demo: string[] | null }} s
 */
function banner(s) {
  const colon = s.admin.value.indexOf(":");
  const name = s.admin.value.slice(0, colon);
  const password = s.admin.generated ? s.admin.value.slice(colon + 1) : "(the password in FANOUT_ADMIN)";
  const rule = c.dim("─".repeat(64));
  const lines = [
    "", rule,
    `  ${c.bold("Fanout is running")}`,
    "",
    `  console   ${c.cyan(s.consoleUrl)}`,
    `  login     ${c.bold(name)} / ${c.bold(password)}${s.admin.generated ? c.dim(`   (kept in ${rel(join(HOME, "admin"))})`) : ""}`,
    `  simnet    ${s.env.SIMNET_URL}`,
    `  redis     ${s.redis.url}${s.redis.embedded ? c.dim(`   (embedded, data in ${rel(REDIS_DIR)})`) : c.dim("   (yours: left running on exit)")}`,
    `  workers   ${opts.workers}`,
  ];
  if (s.demo) {
    lines.push("", `  ${c.bold("demo")}`, ...s.demo.filter((l) => l.trim()).slice(-20).map((l) => `    ${l}`));
  }
  if (s.redis.url !== "redis://127.0.0.1:6379" || s.env.SIMNET_URL !== "http://127.0.0.1:4010") {
    lines.push("", c.dim(`  CLI from another shell:  REDIS_URL=${s.redis.url} SIMNET_URL=${s.env.SIMNET_URL} npx fanout stats`));
  }
  lines.push("", `  ${c.bold("Ctrl-C to stop")}`, rule, "");
  process.stdout.write(lines.join("\n"));
}

main().catch((err) => abort(err instanceof Error ? (err.stack ?? err.message) : String(err)));

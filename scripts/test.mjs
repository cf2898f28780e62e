#!/usr/bin/env node
// @ts-check
// `npm test`: lint, typecheck, vitest (unit + integration), Playwright — in that order, each once, every stage run
// even after one fails so that the summary is complete. The last line is always `N passed, N failed[, N skipped]`.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stopGroup } from "./lib/procs.mjs";
import { c, seconds, useColor } from "./lib/term.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STAGES = ["lint", "typecheck", "vitest", "playwright"];
const USAGE = `usage: npm test [-- --only STAGE[,STAGE…]]   stages: ${STAGES.join(", ")}`;
const MIN = 60_000;

/**
 * @typedef {{ passed: number, failed: number, skipped: number, note?: string, failures?: string[] }} Counts
 * @typedef {{ name: string, ms: number } & Counts} StageResult
 */

function parseArgs(/** @type {string[]} */ argv) {
  let only = STAGES;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only" || a?.startsWith("--only=")) {
      const v = a === "--only" ? argv[++i] : a.slice(7);
      only = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      const bad = only.find((s) => !STAGES.includes(s));
      if (bad || only.length === 0) usage(`unknown stage ${bad ?? "(none given)"}`);
    } else if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown argument ${a}`);
  }
  return { only };
}

/** @param {string} msg @returns {never} */
function usage(msg) {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

const { only } = parseArgs(process.argv.slice(2));
const tmp = mkdtempSync(join(tmpdir(), "fanout-test-"));

/** @type {NodeJS.ProcessEnv} */
const childEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };
if (!useColor) {
  // Plain output under CI: NO_COLOR alone (Node warns when FORCE_COLOR is set beside it).
  delete childEnv.FORCE_COLOR;
  childEnv.NO_COLOR = "1";
}

/** A workspace tool from node_modules/.bin, or npx as the fallback. @param {string} tool */
function bin(tool) {
  const local = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? `${tool}.cmd` : tool);
  return existsSync(local) ? { cmd: local, pre: [] } : { cmd: "npx", pre: ["--no", tool] };
}

/** The stage running now, so that Ctrl-C stops its whole process tree (redis-servers of test setups included). */
let current = 0;

/**
 * Runs a tool in its own process group with the terminal as its output. A stage that outlives `timeoutMs` is
 * stopped as a whole group and reported failed.
 * @param {string} tool
 * @param {string[]} args
 * @param {{ timeoutMs: number, env?: NodeJS.ProcessEnv }} o
 * @returns {Promise<{ code: number, timedOut: boolean }>}
 */
function run(tool, args, o) {
  const { cmd, pre } = bin(tool);
  return new Promise((res) => {
    const p = spawn(cmd, [...pre, ...args], { cwd: ROOT, env: { ...childEnv, ...o.env }, stdio: ["ignore", "inherit", "inherit"], detached: true });
    current = p.pid ?? 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.stderr.write(`\n${c.red(`${tool} ran longer than ${o.timeoutMs / MIN} min: stopping it`)}\n`);
      void stopGroup(p.pid ?? 0, 15_000);
    }, o.timeoutMs);
    p.once("error", (err) => { clearTimeout(timer); process.stderr.write(`${tool}: ${err.message}\n`); res({ code: 127, timedOut }); });
    p.once("exit", (code, signal) => {
      clearTimeout(timer);
      current = 0;
      res({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

/** @param {string} file @returns {unknown} */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    if (err instanceof Error) return null; // the tool died before writing its report: the caller counts a failure
    throw err;
  }
}

/** @param {unknown} s */
const firstLine = (s) => String(s).trim().split("\n")[0] ?? "";

/** @param {{ code: number, timedOut: boolean }} r @returns {Counts} */
const oneTest = (r) => (r.code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0, note: r.timedOut ? "timed out" : `exit ${r.code}` });

// ---------------------------------------------------------------------------------------------------- stages

/** @type {Record<string, () => Promise<Counts>>} */
const stages = {
  async lint() {
    return oneTest(await run("eslint", ["--max-warnings", "0", "."], { timeoutMs: 15 * MIN }));
  },

  async typecheck() {
    // Every workspace's `typecheck` script through turbo, then the root project (scripts/, root configs).
    const ws = await run("turbo", ["run", "typecheck", "--continue", "--output-logs=errors-only"], { timeoutMs: 20 * MIN });
    const root = await run("tsc", ["--noEmit", "-p", "tsconfig.json"], { timeoutMs: 5 * MIN });
    const counts = oneTest(ws.code !== 0 ? ws : root);
    if (ws.code !== 0 && root.code !== 0) counts.note = "workspaces and root";
    else if (ws.code !== 0) counts.note = "workspaces";
    else if (root.code !== 0) counts.note = "root tsconfig (scripts/, configs)";
    return counts;
  },

  async vitest() {
    const out = join(tmp, "vitest.json");
    const r = await run("vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`], { timeoutMs: 40 * MIN });
    return vitestCounts(readJson(out), r);
  },

  async playwright() {
    const config = join("e2e", "playwright.config.ts");
    if (!existsSync(join(ROOT, config))) return { passed: 0, failed: 0, skipped: 0, note: `no ${config}: not run` };
    const out = join(tmp, "playwright.json");
    const list = useColor ? "list" : "line";
    const r = await run("playwright", ["test", "-c", config, `--reporter=${list},json`], {
      timeoutMs: 40 * MIN, env: { PLAYWRIGHT_JSON_OUTPUT_FILE: out, PLAYWRIGHT_FORCE_TTY: useColor ? undefined : "0" },
    });
    return playwrightCounts(readJson(out), r);
  },
};

/**
 * @param {any} j vitest's JSON report
 * @param {{ code: number, timedOut: boolean }} r
 * @returns {Counts}
 */
function vitestCounts(j, r) {
  if (!j || typeof j.numTotalTests !== "number") return { passed: 0, failed: 1, skipped: 0, note: r.timedOut ? "timed out, no report" : `exit ${r.code}, no report` };
  /** @type {string[]} */
  const failures = [];
  for (const file of j.testResults ?? []) {
    const name = String(file.name ?? "").replace(`${ROOT}/`, "");
    const failed = (file.assertionResults ?? []).filter((/** @type {any} */ t) => t.status === "failed");
    for (const t of failed) failures.push([name, ...(t.ancestorTitles ?? []), t.title].join(" › "));
    if (file.status === "failed" && failed.length === 0) failures.push(`${name}: ${firstLine(file.message || "failed to run")}`);
  }
  const counts = { passed: j.numPassedTests, failed: j.numFailedTests, skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0), failures };
  if (r.code !== 0 && counts.failed === 0) {
    // A file that failed to load, an unhandled error, or a timeout: no test failed, yet the run did.
    counts.failed = Math.max(1, j.numFailedTestSuites ?? 0);
    return { ...counts, note: r.timedOut ? "timed out" : "run failed outside the tests (load or unhandled errors)" };
  }
  return counts;
}

/**
 * @param {any} j Playwright's JSON report
 * @param {{ code: number, timedOut: boolean }} r
 * @returns {Counts}
 */
function playwrightCounts(j, r) {
  if (!j || typeof j.stats !== "object") return { passed: 0, failed: 1, skipped: 0, note: r.timedOut ? "timed out, no report" : `exit ${r.code}, no report` };
  /** @type {string[]} */
  const failures = [];
  /** @param {any} suite @param {string[]} path */
  const walk = (suite, path) => {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) if (t.status === "unexpected") failures.push([...here, spec.title].join(" › "));
    }
    for (const s of suite.suites ?? []) walk(s, here);
  };
  for (const s of j.suites ?? []) walk(s, []);
  const st = j.stats;
  const counts = { passed: (st.expected ?? 0) + (st.flaky ?? 0), failed: st.unexpected ?? 0, skipped: st.skipped ?? 0, failures };
  const notes = [];
  if (st.flaky) notes.push(`${st.flaky} flaky`);
  if (r.code !== 0 && counts.failed === 0) {
    counts.failed = Math.max(1, (j.errors ?? []).length);
    for (const e of j.errors ?? []) failures.push(firstLine(e.message ?? e.value ?? "error"));
    notes.push(r.timedOut ? "timed out" : "run failed outside the tests (config, web server or global setup)");
  }
  return notes.length ? { ...counts, note: notes.join("; ") } : counts;
}

// ---------------------------------------------------------------------------------------------------- main

/** @param {NodeJS.Signals} sig */
function onSignal(sig) {
  process.stderr.write(`\n${sig}: stopping\n`);
  const pgid = current;
  void (pgid ? stopGroup(pgid, 10_000) : Promise.resolve(true)).then(() => {
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

/** @type {StageResult[]} */
const results = [];
const t0 = Date.now();
for (const name of STAGES) {
  if (!only.includes(name)) continue;
  const fn = /** @type {() => Promise<Counts>} */ (stages[name]);
  process.stdout.write(`\n${c.bold(`━━ ${name}`)}\n`);
  const t = Date.now();
  const counts = await fn();
  results.push({ name, ms: Date.now() - t, ...counts });
  const last = /** @type {StageResult} */ (results.at(-1));
  process.stdout.write(`${c.bold(`━━ ${name}`)}: ${stageLine(last)} in ${seconds(last.ms)}\n`);
}
rmSync(tmp, { recursive: true, force: true });

/** @param {StageResult} s */
function stageLine(s) {
  const parts = [];
  if (s.name === "lint" || s.name === "typecheck") parts.push(s.failed ? c.red("failed") : c.green("passed"));
  else if (s.passed + s.failed + s.skipped === 0 && !s.failed) parts.push(c.dim("nothing run"));
  else {
    parts.push(c.green(`${s.passed} passed`));
    if (s.failed) parts.push(c.red(`${s.failed} failed`));
    if (s.skipped) parts.push(c.yellow(`${s.skipped} skipped`));
  }
  return `${parts.join(", ")}${s.note ? c.dim(` (${s.note})`) : ""}`;
}

const total = results.reduce((a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
const out = ["", c.bold(`summary (${seconds(Date.now() - t0)})`)];
for (const s of results) {
  out.push(`  ${s.name.padEnd(11)}${stageLine(s)}  ${c.dim(seconds(s.ms))}`);
  const failures = s.failures ?? [];
  for (const f of failures.slice(0, 20)) out.push(`    ${c.red("✗")} ${f}`);
  if (failures.length > 20) out.push(`    … and ${failures.length - 20} more`);
}
out.push("", `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.stdout.write(`${out.join("\n")}\n`);
process.exit(total.failed > 0 ? 1 : 0);

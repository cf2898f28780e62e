import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRedisClient, testRedisEnv, wipePrefix } from "@fanout/testkit/redis-client";
import type {} from "@fanout/testkit/global-setup";

const CLI = fileURLToPath(new URL("../bin/fanout.js", import.meta.url));

/** Every command that answers and exits (`worker` and `demo` run until stopped; `--wait` is given a 1 s timeout). */
const COMMANDS = ["connect", "sync", "tree", "requeue", "followers", "pause", "resume", "stats", "disconnect", "whale", "cancel",
  "reprioritize", "audit", "schedules", "operators", "apikeys", "webhooks", "secrets", "help", "frobnicate"];
const OPTIONS = ["--json", "--token", "--refresh-token", "--purge", "--off", "--priority", "--queue", "--via", "--limit",
  "--wait", "--timeout", "--simnet", "--help", "-h", "--", "-", "--no-such-option"];
/** Passed only as a --token value: it must never come back in any output. */
const SECRET = `tok-${randomUUID()}`;

interface Run { argv: string[]; code: number | null; stdout: string; stderr: string; timedOut: boolean }

function run(argv: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...argv], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; p.kill("SIGKILL"); }, 30_000);
    p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    p.stdin.end("");
    p.on("exit", (code) => { clearTimeout(timer); resolve({ argv, code, stdout, stderr, timedOut }); });
  });
}

/** Hostile words: empty, huge, unicode, shell and JSON metacharacters, numbers out of range, prototype keys. */
const word = fc.oneof(
  fc.constantFrom("", " ", "-1", "0", "1e309", "NaN", "99999999999999999999", "__proto__", "constructor", "twitter:", ":x", "twitter:1",
    "network:twitter", "default", "whales", "t-nope", "high", "{\"a\":1}", "$(id)", "'; DROP", "é🐳", "../../etc/passwd"),
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 300, maxLength: 5_000 }),
).map((w) => w.replaceAll("\u0000", "")); // no argv can carry a NUL byte

const argvArb = fc.tuple(
  fc.boolean(),
  fc.constantFrom(...COMMANDS),
  fc.array(fc.oneof(word, fc.constantFrom(...OPTIONS), fc.constant("--token"), fc.constant(SECRET)), { maxLength: 6 }),
).map(([json, command, rest]) => {
  const argv = [...(json ? ["--json"] : []), command, ...rest];
  // a secret only ever follows --token, as a user would pass it
  const withSecret = argv.flatMap((a, i) => (a === SECRET && argv[i - 1] !== "--token" ? [] : [a]));
  // --wait gets a short deadline so no run waits for a tree
  return withSecret.includes("--wait") ? [...withSecret, "--timeout", "1"] : withSecret;
});

/**
 * Bad CLI input (issue 10), as users type it: random commands, options and hostile values through the real `fanout`
 * process. Whatever the arguments, it answers within seconds with exit 0, 1 or 2, no stack trace, JSON on stdout
 * under --json, and never echoes a token. Cases come from a fixed seed, so a failure names a reproducible argv.
 */
describe("fanout CLI under random arguments (fast-check)", () => {
  const prefix = `test-${randomUUID()}`;
  let env: Record<string, string>;
  beforeAll(() => {
    env = { ...testRedisEnv(), FANOUT_PREFIX: prefix, FANOUT_SECRET: "cli-fuzz-secret-0123456789", SIMNET_URL: "http://127.0.0.1:9", LOG_LEVEL: "warn" };
  });
  afterAll(async () => {
    const redis = testRedisClient();
    await wipePrefix(redis, prefix);
    await redis.quit();
  });

  it("any argv: exit 0/1/2, no stack trace, JSON under --json, no token echoed", { timeout: 300_000 }, async () => {
    const cases = fc.sample(argvArb, { numRuns: 30, seed: 20261125 });
    const runs: Run[] = [];
    for (let i = 0; i < cases.length; i += 3) runs.push(...(await Promise.all(cases.slice(i, i + 3).map((argv) => run(argv, env)))));
    for (const r of runs) {
      const what = JSON.stringify(r.argv).slice(0, 300);
      expect(r.timedOut, what).toBe(false);
      expect([0, 1, 2], `${what} exited ${r.code}: ${r.stderr.slice(0, 300)}`).toContain(r.code);
      expect(r.stderr, what).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(r.stdout + r.stderr, what).not.toContain(SECRET);
      const helpish = r.argv.some((a) => a === "--help" || a === "-h" || a === "help");
      if (r.argv[0] === "--json" && !helpish && r.stdout.trim()) expect(() => JSON.parse(r.stdout) as unknown, `${what}: ${r.stdout.slice(0, 200)}`).not.toThrow();
    }
    // the sample exercised refusals, not only help screens
    expect(runs.filter((r) => r.code === 2).length).toBeGreaterThan(5);
  });
});

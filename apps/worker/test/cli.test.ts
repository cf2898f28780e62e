import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRedisClient, testRedisEnv, wipePrefix } from "@fanout/testkit/redis-client";
import type {} from "@fanout/testkit/global-setup";
import { startSimnet, type SimnetProcess } from "@fanout/testkit/simnet";
import { waitFor } from "@fanout/testkit/wait";

const CLI = fileURLToPath(new URL("../bin/fanout.js", import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

/** The `fanout` CLI as users run it: a process, its exit code and its two streams. */
describe("fanout CLI", () => {
  let simnet: SimnetProcess;
  const prefix = `test-${randomUUID()}`;
  let env: Record<string, string>;
  const worker = { proc: null as ReturnType<typeof spawn> | null };

  const run = (args: string[], stdin?: string): Promise<Run> => new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    p.stdin.end(stdin ?? "");
    p.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  const json = (r: Run): Record<string, unknown> => JSON.parse(r.stdout) as Record<string, unknown>;

  beforeAll(async () => {
    simnet = await startSimnet();
    await simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: { twitter: { latencyMs: { p50: 0, p99: 0 } }, mastodon: { latencyMs: { p50: 0, p99: 0 } } } });
    env = { ...testRedisEnv(), FANOUT_PREFIX: prefix, FANOUT_SECRET: "cli-test-secret-0123456789", SIMNET_URL: simnet.url, LOG_LEVEL: "warn" };
  });
  afterAll(async () => {
    if (worker.proc && worker.proc.exitCode === null) {
      worker.proc.kill("SIGKILL");
    }
    const redis = testRedisClient();
    await wipePrefix(redis, prefix);
    await redis.quit();
    await simnet.stop();
  });

  it("prints help for every command and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["worker", "connect", "sync", "tree", "requeue", "followers", "whale", "pause", "resume", "stats", "disconnect", "demo"]) expect(r.stdout).toContain(c);
    expect((await run(["sync", "--help"])).stdout).toContain("--wait");
  });

  it("bad usage exits 2 with a one-line reason, and {\"error\"} under --json", async () => {
    const r = await run(["sync"]);
    expect(r.code).toBe(2);
    const j = await run(["--json", "frobnicate"]);
    expect(j.code).toBe(2);
    expect(json(j)).toHaveProperty("error");
    const bad = await run(["--json", "sync", "not-an-account"]);
    expect(bad.code).toBe(2);
    expect(String(json(bad).error)).toMatch(/NETWORK:ACCOUNT_ID/);
    expect((await run(["connect", "twitter:x", "--token", "a", "--simnet"])).code).toBe(2);
  });

  it("an unknown tree is unknown (exit 0); unknown trees and accounts to requeue/followers/whale exit 2", async () => {
    const t = await run(["--json", "tree", "t-nope"]);
    expect(t.code).toBe(0);
    expect(json(t)).toMatchObject({ treeId: "t-nope", state: "unknown" });
    expect((await run(["--json", "requeue", "t-nope"])).code).toBe(2);
    expect((await run(["--json", "followers", "twitter:nobody"])).code).toBe(2);
    expect((await run(["--json", "whale", "twitter:nobody"])).code).toBe(2);
  });

  it("connects, syncs with --wait through a real worker process, and stores exactly simnet's truth", async () => {
    const w = spawn(process.execPath, [CLI, "worker", "--concurrency", "10"], { env: { ...process.env, ...env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
    worker.proc = w;
    let out = "";
    w.stdout?.on("data", (b: Buffer) => (out += b.toString()));
    await waitFor(() => out, (o) => o.includes("worker ready"), { timeoutMs: 20_000, what: "worker ready" });

    const c = await run(["--json", "connect", "twitter:medium", "--simnet"]);
    expect(c.code).toBe(0);
    expect(json(c)).toMatchObject({ account: "twitter:medium", connected: true });
    const token = (await simnet.admin<{ id: string; token: string }[]>("GET", "/_simnet/accounts?network=mastodon")).find((a) => a.id === "small")?.token ?? "";
    expect((await run(["--json", "connect", "mastodon:small", "--token-stdin"], `${token}\n`)).code).toBe(0);

    const s = await run(["--json", "sync", "twitter:medium", "mastodon:small", "--wait", "--timeout", "60"]);
    expect(s.code).toBe(0);
    const doc = json(s);
    expect(doc).toMatchObject({ state: "done", followers: 1_037 });
    const f = await run(["--json", "followers", "twitter:medium"]);
    const truth = await simnet.admin<{ count: number; sha256: string }>("GET", "/_simnet/truth/twitter/medium");
    expect(json(f)).toEqual({ account: "twitter:medium", count: truth.count, sha256: truth.sha256 });
    const tree = await run(["--json", "tree", String(doc.treeId)]);
    expect(json(tree)).toMatchObject({ state: "done", counts: { failed: 0 }, failed: [] });
    expect(r(s)).not.toContain(token);

    const st = await run(["--json", "stats"]);
    expect(st.code).toBe(0);
    expect((json(st).workers as unknown[]).length).toBeGreaterThanOrEqual(1);

    w.kill("SIGTERM");
    const code = await new Promise<number | null>((res) => w.on("exit", (c2) => res(c2)));
    expect(code).toBe(0);
  });

  it("adds operators with the password from stdin, refusing bad input with exit 2", async () => {
    const add = await run(["--json", "operators", "add", "alice", "--role", "viewer"], "correct horse battery\n");
    expect(add.code).toBe(0);
    expect(json(add)).toEqual({ name: "alice", role: "viewer" });
    expect(r(add)).not.toContain("correct horse");
    expect((await run(["--json", "operators", "add", "alice"], "another password\n")).code).toBe(2);
    expect((await run(["--json", "operators", "add", "bob"], "short\n")).code).toBe(2);
    expect((await run(["--json", "operators", "add", "bob", "--role", "god"], "long enough pw\n")).code).toBe(2);
    expect(json(await run(["--json", "operators", "list"]))).toEqual([{ name: "alice", role: "viewer" }]);
  });

  it("pauses and resumes a queue and a network; refuses an unknown target", async () => {
    expect(json(await run(["--json", "pause", "default"]))).toEqual({ target: "default", paused: true });
    expect(json(await run(["--json", "resume", "default"]))).toEqual({ target: "default", paused: false });
    expect(json(await run(["--json", "pause", "network:twitter"]))).toEqual({ target: "network:twitter", paused: true });
    expect((await run(["--json", "resume", "network:twitter"])).code).toBe(0);
    expect((await run(["--json", "pause", "nonsense"])).code).toBe(2);
    const audit = json(await run(["--json", "audit", "--limit", "10"])) as unknown as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["pause", "resume"]));
  });
});

function r(run: Run): string {
  return run.stdout + run.stderr;
}

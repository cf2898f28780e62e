import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { connectAccount, followersOf, treeDoc, waitForTree } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { startHarness, type Harness } from "./harness.ts";

const NETS = ["twitter", "facebook", "linkedin", "mastodon"];

/**
 * Issue 5's acceptance run: 5% 5xx, 1% hangs, 1% malformed bodies everywhere, a 20 s outage of one network and a token
 * revoked mid-way. Every job ends in the right state, neither the rate limits nor the outage spend an attempt, and
 * no token appears in any log line.
 */
describe("faults", () => {
  let h: Harness;
  const tokens: string[] = [];
  beforeAll(async () => {
    h = await startHarness({
      logLevel: "info",
      config: { backoffBaseMs: 200, tuning: Object.fromEntries(NETS.map((n) => [n, { timeoutMs: 1_000, ...(n === "twitter" ? { limits: [{ scope: "token" as const, max: 15, windowMs: 900 }] } : {}) }])) },
    });
    await h.worker({ concurrency: 30 });
    for (const n of NETS) {
      const accounts = await h.simnet.admin<{ id: string; token: string; refreshToken?: string }[]>("GET", `/_simnet/accounts?network=${n}`);
      for (const a of accounts) tokens.push(a.token, ...(a.refreshToken ? [a.refreshToken] : []));
      for (const id of ["small", "medium", "large"]) await h.connect(n, id);
    }
  });
  afterAll(() => h.stop());

  it("ends every job in the right state and keeps every token out of the logs", async () => {
    await h.simnet.admin("PATCH", "/_simnet/config", {
      timeScale: 0.001,
      networks: {
        ...Object.fromEntries(NETS.map((n) => [n, { latencyMs: { p50: 2, p99: 20 }, errorRate: 0.05, hangRate: 0.01, malformedRate: 0.01 }])),
        mastodon: { latencyMs: { p50: 2, p99: 20 }, errorRate: 0.05, hangRate: 0.01, malformedRate: 0.01, outage: { startMs: 500, durationMs: 20_000 } },
      },
    });
    const accounts = NETS.flatMap((n) => ["small", "medium", "large"].map((id) => `${n}:${id}`));
    const { treeId } = await startSync(h.engine, accounts);
    await waitFor(() => treeDoc(h.engine, treeId), (d) => d.counts.done > 20, { timeoutMs: 30_000, what: "progress" });
    await h.simnet.admin("POST", "/_simnet/accounts/linkedin/large/revoke");
    await waitFor(() => treeDoc(h.engine, treeId), (d) => d.counts.parked > 0 || d.settledAt !== undefined, { timeoutMs: 60_000, what: "a parked page" });
    const fresh = await h.simnet.admin<{ token: string }>("POST", "/_simnet/accounts/linkedin/large/token");
    tokens.push(fresh.token);
    await connectAccount(h.engine, "linkedin:large", fresh.token);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 150_000 });
    expect(doc, JSON.stringify(doc.failed)).toMatchObject({ state: "done" });
    for (const a of accounts) {
      const [n, id] = a.split(":") as [string, string];
      expect(`${a} ${(await followersOf(h.engine, a)).sha256}`).toBe(`${a} ${(await h.truth(n, id)).sha256}`);
    }
    // The outage network's pages waited in the delayed set: attempts were spent only on the scattered 5xx/hangs.
    const jobs = await h.engine.queues.default.getJobs(["completed"], 0, 5_000);
    const mastodon = jobs.filter((j) => (j.data as { network: string }).network === "mastodon");
    expect(mastodon.length).toBeGreaterThan(100);
    // A completed job's attemptsMade counts its success too; every start beyond its attempts was a wait.
    const retries = mastodon.reduce((n, j) => n + j.attemptsMade - 1, 0);
    const waits = mastodon.reduce((n, j) => n + (j.attemptsStarted - j.attemptsMade), 0);
    expect(waits).toBeGreaterThanOrEqual(3); // the breaker held the chains while the network was down
    expect(retries / mastodon.length).toBeLessThan(0.3);
    const stats = await h.simnet.admin<{ networks: Record<string, { overLimit: number }> }>("GET", "/_simnet/stats");
    for (const n of NETS) expect(stats.networks[n]?.overLimit).toBe(0);
    const logs = h.logLines.join("");
    expect(logs.length).toBeGreaterThan(0);
    for (const t of tokens) expect(logs.includes(t), "a token leaked into the logs").toBe(false);
  }, 240_000);
});

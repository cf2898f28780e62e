import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { connectAccount, followersOf, requeueTree, treeDoc, waitForTree } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { startHarness, type Harness } from "./harness.ts";

const FAST = { timeScale: 0.001, networks: Object.fromEntries(["twitter", "facebook", "linkedin", "mastodon"].map((n) => [n, { latencyMs: { p50: 0, p99: 0 } }])) };

describe("syncs through simnet over real HTTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { backoffBaseMs: 100, tuning: { twitter: { limits: [{ scope: "token", max: 15, windowMs: 900 }] }, linkedin: { window: 4 } } } });
    await h.worker({ concurrency: 20 });
    for (const net of ["twitter", "facebook", "linkedin", "mastodon"]) {
      for (const id of ["empty", "small", "medium", "large"]) await h.connect(net, id);
    }
  });
  afterAll(() => h.stop());
  beforeEach(() => h.simnet.admin("POST", "/_simnet/reset").then(() => h.simnet.admin("PATCH", "/_simnet/config", FAST)));

  it("every network's accounts end done with exactly simnet's truth", async () => {
    const accounts = ["twitter", "facebook", "linkedin", "mastodon"].flatMap((n) => ["empty", "small", "medium", "large"].map((id) => `${n}:${id}`));
    const { treeId } = await startSync(h.engine, accounts);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 90_000 });
    expect(doc.state).toBe("done");
    for (const a of accounts) {
      const [net, id] = a.split(":") as [string, string];
      const [mine, truth] = await Promise.all([followersOf(h.engine, a), h.truth(net, id)]);
      expect({ a, count: mine.count, sha256: mine.sha256 }).toEqual({ a, count: truth.count, sha256: truth.sha256 });
    }
  });

  it("survives 5xx, malformed bodies, short and overlapping pages without losing or duplicating a follower", async () => {
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: Object.fromEntries(["twitter", "facebook", "linkedin", "mastodon"].map((n) => [n, { errorRate: 0.1, malformedRate: 0.05, shortPageRate: 0.2, overlapRate: 0.2 }])) });
    const accounts = ["facebook:large", "linkedin:large", "mastodon:large", "twitter:large"];
    const { treeId } = await startSync(h.engine, accounts);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 120_000 });
    expect(doc.state).toBe("done");
    for (const a of accounts) {
      const [net, id] = a.split(":") as [string, string];
      expect(`${a} ${(await followersOf(h.engine, a)).sha256}`).toBe(`${a} ${(await h.truth(net, id)).sha256}`);
    }
  });

  it("LinkedIn without a total pages through a window; endless 1-item pages end with an anomaly, not a loop", async () => {
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: { linkedin: { zeroTotal: ["medium"], endlessPaging: ["small"] } } });
    const { treeId } = await startSync(h.engine, ["linkedin:medium", "linkedin:small"]);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 60_000 });
    expect(doc.state).toBe("partial");
    expect((await followersOf(h.engine, "linkedin:medium")).sha256).toBe((await h.truth("linkedin", "medium")).sha256);
    const small = await h.engine.tree.node(treeId, "linkedin:small");
    expect(small?.anomaly).toMatch(/endless|no new follower/);
    expect((await followersOf(h.engine, "linkedin:small")).sha256).toBe((await h.truth("linkedin", "small")).sha256);
  });

  it("a page that keeps failing fails the tree partially; requeue after recovery brings it to done", async () => {
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: { mastodon: { failAccounts: ["medium"] } } });
    const { treeId } = await startSync(h.engine, ["mastodon:medium", "mastodon:small"]);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 120_000 });
    expect(doc.state).toBe("partial");
    expect(doc.failed[0]).toMatchObject({ node: "mastodon:medium", kind: "transient" });
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: { mastodon: { failAccounts: [] } } });
    expect((await requeueTree(h.engine, treeId)).requeued).toBe(1);
    const after = await waitForTree(h.engine, treeId, { timeoutMs: 60_000 });
    expect(after.state).toBe("done");
    expect((await followersOf(h.engine, "mastodon:medium")).sha256).toBe((await h.truth("mastodon", "medium")).sha256);
  });

  it("a revoked token parks the account's jobs (not failed); reconnecting resumes them to done", async () => {
    await h.simnet.admin("POST", "/_simnet/accounts/facebook/large/revoke");
    const { treeId } = await startSync(h.engine, ["facebook:large"]);
    await waitFor(() => treeDoc(h.engine, treeId), (d) => d.counts.parked > 0, { timeoutMs: 30_000, what: "a parked page" });
    const parked = await treeDoc(h.engine, treeId);
    expect(parked).toMatchObject({ state: "running", counts: { failed: 0 } });
    expect((await h.engine.accounts.info("facebook", "large"))?.connected).toBe(false);
    const fresh = await h.simnet.admin<{ token: string }>("POST", "/_simnet/accounts/facebook/large/token");
    expect((await connectAccount(h.engine, "facebook:large", fresh.token)).resumed).toBeGreaterThan(0);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 60_000 });
    expect(doc.state).toBe("done");
    expect((await followersOf(h.engine, "facebook:large")).sha256).toBe((await h.truth("facebook", "large")).sha256);
  });

  it("an access token that expires mid-sync is refreshed once, fleet-wide, without a failed job", async () => {
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: { twitter: { tokenTtlMs: 1_500 } } });
    const fresh = await h.simnet.admin<{ token: string; refreshToken: string }>("POST", "/_simnet/accounts/twitter/big/token");
    await connectAccount(h.engine, "twitter:big", fresh.token, fresh.refreshToken);
    const before = Number(await h.engine.redis.hget(h.engine.keys.account("twitter", "big"), "tokenVersion"));
    const { treeId } = await startSync(h.engine, ["twitter:big"]);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 60_000 });
    expect(doc).toMatchObject({ state: "done", counts: { failed: 0 } });
    const after = Number(await h.engine.redis.hget(h.engine.keys.account("twitter", "big"), "tokenVersion"));
    expect(after - before).toBeGreaterThanOrEqual(1); // refreshed (each refresh outlives 1.5 s of paging)
    expect(after - before).toBeLessThanOrEqual(Math.ceil(60 / 1.5));
    expect((await h.engine.accounts.info("twitter", "big"))?.connected).toBe(true);
    expect((await followersOf(h.engine, "twitter:big")).sha256).toBe((await h.truth("twitter", "big")).sha256);
  });

  it("each worker's heartbeat counts the jobs in its hands", async () => {
    const inHand = async () => {
      const ids = await h.engine.redis.zrange(h.engine.keys.workers(), 0, -1);
      const docs = await Promise.all(ids.map((id) => h.engine.redis.get(h.engine.keys.worker(id))));
      return docs.reduce((n, d) => n + (d ? (JSON.parse(d) as { active: number }).active : 0), 0);
    };
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: { facebook: { latencyMs: { p50: 300, p99: 400 } } } });
    const { treeId } = await startSync(h.engine, ["facebook:large"]);
    await waitFor(inHand, (n) => n >= 1, { timeoutMs: 15_000, what: "a heartbeat with a job in hand" });
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 60_000 })).state).toBe("done");
    await waitFor(inHand, (n) => n === 0, { timeoutMs: 15_000, what: "a heartbeat with nothing in hand" });
  });

  it("unknown tree ids answer unknown", async () => {
    expect((await treeDoc(h.engine, "t-never")).state).toBe("unknown");
  });
});

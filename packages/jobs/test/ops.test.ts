import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedJobs, findJob, jobAction, jobDetail, listJobs, requeueFailed } from "../src/jobs.ts";
import { clearLimitKey, networkGauges, overrideLimits } from "../src/limiter/gauges.ts";
import { auditLog, disconnectAccount, InputError, NotFoundError, setPaused, setWhale, treeDoc, waitForTree, waitingJobsOf } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { waitFor } from "@fanout/testkit/wait";
import { newAccount } from "./delivery/fixtures.ts";
import { startHarness, type Harness } from "./harness.ts";

const op = { name: "ops-test", via: "cli" as const };

describe("operator library API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { backoffBaseMs: 50, tuning: { twitter: { limits: [{ scope: "token", max: 15, windowMs: 900 }] } } } });
    await h.simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: Object.fromEntries(["twitter", "facebook", "linkedin", "mastodon"].map((n) => [n, { latencyMs: { p50: 0, p99: 0 } }])) });
    for (const n of ["twitter", "facebook", "mastodon"]) for (const id of ["small", "medium", "large"]) await h.connect(n, id);
  });
  afterAll(() => h.stop());

  it("finds failed jobs by network and kind, counts a bulk requeue first, then requeues exactly those", async () => {
    const w = await h.worker({ concurrency: 10 });
    // One broken account (two would look like an outage to the breaker when they are the network's only traffic).
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: { facebook: { failAccounts: ["small"] }, mastodon: { failAccounts: ["medium"] } } });
    const { treeId } = await startSync(h.engine, ["facebook:small", "facebook:medium", "mastodon:medium", "mastodon:small"]);
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 60_000 })).state).toBe("partial");
    const failed = await failedJobs(h.engine, { kind: "transient" });
    expect(failed.map((f) => f.account).sort()).toEqual(["facebook:small", "mastodon:medium"]);
    expect(await failedJobs(h.engine, { network: "twitter" })).toEqual([]);
    expect(await failedJobs(h.engine, { account: "facebook:small" })).toHaveLength(1);
    expect((await requeueFailed(h.engine, { network: "facebook" }, op, true))).toEqual({ matched: 1, requeued: 0 });
    const one = await jobDetail(h.engine, failed[0]?.jobId ?? "");
    expect(one).toMatchObject({ state: "failed", attemptsMade: 6 });
    expect(JSON.stringify(one)).not.toMatch(/token/i);
    await h.simnet.admin("PATCH", "/_simnet/config", { networks: { facebook: { failAccounts: [] }, mastodon: { failAccounts: [] } } });
    expect(await requeueFailed(h.engine, {}, op)).toEqual({ matched: 2, requeued: 2 });
    expect(await requeueFailed(h.engine, {}, op)).toEqual({ matched: 0, requeued: 0 }); // twice is once
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 60_000 })).state).toBe("done");
    const log = await auditLog(h.engine, { action: "requeue-failed" });
    expect(log[0]?.details).toMatchObject({ matched: 0, requeued: 0 });
    expect(log[1]?.details).toMatchObject({ matched: 2, requeued: 2 });
    await w.stop();
  });

  it("disconnect removes the account's waiting jobs and ends its pages, so its syncs settle; other accounts go on", async () => {
    await setPaused(h.engine, "default", true, op);
    try {
      const gone = await newAccount(h, "mastodon", 400); // 5 pages of 80 after its profile call
      const stays = await newAccount(h, "mastodon", 100);
      const { treeId } = await startSync(h.engine, [gone.account, stays.account]);
      expect(await waitingJobsOf(h.engine, gone.account)).toHaveLength(1); // its first page, waiting in the paused queue
      const res = await disconnectAccount(h.engine, gone.account, false, op);
      expect(res).toMatchObject({ account: gone.account, connected: false, purged: false, removed: 1 });
      expect(await waitingJobsOf(h.engine, gone.account)).toEqual([]);
      expect(await h.engine.accounts.info("mastodon", gone.id)).toMatchObject({ connected: false });
      await setPaused(h.engine, "default", false, op);
      const w = await h.worker({ concurrency: 4 });
      const doc = await waitForTree(h.engine, treeId, { timeoutMs: 30_000 });
      await w.stop();
      expect(doc.state).toBe("partial");
      expect(doc.failed.map((f) => [f.node, f.kind, f.error])).toEqual([[gone.account, "cancelled", "account disconnected"]]);
      expect((await h.engine.tree.node(treeId, stays.account))?.state).toBe("done");
      expect((await auditLog(h.engine, { action: "disconnect" }))[0]?.details).toEqual({ account: gone.account, removed: 1 });
    } finally {
      await setPaused(h.engine, "default", false, op);
    }
  });

  it("disconnect ends pages parked on a revoked token: the sync settles, no parked job is left to wake", async () => {
    const revoked = await newAccount(h, "mastodon", 400);
    await h.simnet.admin("POST", `/_simnet/accounts/mastodon/${revoked.id}/revoke`);
    const w = await h.worker({ concurrency: 4 });
    const { treeId } = await startSync(h.engine, [revoked.account]);
    await waitFor(() => treeDoc(h.engine, treeId), (d) => d.counts.parked > 0, { timeoutMs: 30_000, what: "a parked page" });
    expect(await h.engine.accounts.parkedJobs("mastodon", revoked.id)).toHaveLength(1);
    const res = await disconnectAccount(h.engine, revoked.account, false, op);
    expect(res.removed).toBe(1);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 10_000 });
    expect(doc).toMatchObject({ state: "failed", counts: { parked: 0, failed: 1 } });
    expect(await h.engine.accounts.parkedJobs("mastodon", revoked.id)).toEqual([]);
    expect(await waitingJobsOf(h.engine, revoked.account)).toEqual([]);
    expect(await h.engine.queues.default.getJobCounts("delayed")).toEqual({ delayed: 0 });
    await w.stop();
  });

  it("pages through jobs by state, finds one by id, and refuses actions that do not fit its state", async () => {
    await setPaused(h.engine, "default", true, op);
    const { treeId } = await startSync(h.engine, ["facebook:small", "facebook:medium", "facebook:large", "mastodon:medium"]);
    const page1 = await listJobs(h.engine, "default", "prioritized", 0, 2);
    expect(page1.jobs).toHaveLength(2);
    expect(page1.total).toBe(4);
    expect(page1.next).toBe(2);
    const page2 = await listJobs(h.engine, "default", "prioritized", 2, 2);
    expect(page2.next).toBeNull();
    expect(new Set([...page1.jobs, ...page2.jobs].map((j) => j.id)).size).toBe(4);
    const id = page1.jobs[0]?.id ?? "";
    expect((await findJob(h.engine, id))?.view.queue).toBe("default");
    await expect(jobAction(h.engine, id, "retry", op)).rejects.toBeInstanceOf(InputError);
    expect((await jobAction(h.engine, id, "reprioritize", op, "high")).action).toBe("reprioritize");
    expect((await findJob(h.engine, id))?.view.priority).toBe(1); // what the job holds now, not its options at enqueue
    await expect(listJobs(h.engine, "nope", "wait")).rejects.toThrow(/unknown queue/);
    await expect(listJobs(h.engine, "default", "weird")).rejects.toThrow(/unknown state/);
    await expect(jobDetail(h.engine, "missing")).rejects.toBeInstanceOf(NotFoundError);

    // whale move: the account's waiting jobs follow it, none lost, none duplicated
    const moved = await setWhale(h.engine, "facebook:large", true, op);
    expect(moved).toMatchObject({ whale: true, moved: 1 });
    expect((await listJobs(h.engine, "whales", "prioritized")).jobs.map((j) => (j.data as { accountId: string }).accountId)).toEqual(["large"]);
    expect((await listJobs(h.engine, "default", "prioritized")).total).toBe(3);
    expect((await setWhale(h.engine, "facebook:large", false, op)).moved).toBe(1);
    expect((await listJobs(h.engine, "whales", "prioritized")).total).toBe(0);
    await setPaused(h.engine, "default", false, op);
    const w = await h.worker({ concurrency: 10 });
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 60_000 })).state).toBe("done");
    await w.stop();
  });

  it("shows rate-limit gauges that move with a sync, and applies overrides and clears", async () => {
    const w = await h.worker({ concurrency: 10 });
    const { treeId } = await startSync(h.engine, ["twitter:large"]);
    const g = await waitFor(() => networkGauges(h.engine, "twitter"), (x) => x.keys.some((k) => k.used > 0), { timeoutMs: 20_000, what: "a used key" });
    const key = g.keys.find((k) => k.used > 0);
    expect(key).toMatchObject({ scope: "token", who: "large", max: 15 });
    expect(key?.remaining).toBe(15 - (key?.used ?? 0));
    expect(key?.resetAt).toBeGreaterThan(Date.now() - 1_000);
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 60_000 })).state).toBe("done");
    await overrideLimits(h.engine, "twitter", { limits: [{ scope: "token", max: 30, windowMs: 900 }] }, op);
    expect((await networkGauges(h.engine, "twitter")).published[0]?.max).toBe(30);
    expect((await clearLimitKey(h.engine, "twitter", key?.key ?? "", op)).cleared).toBe(true);
    await expect(overrideLimits(h.engine, "twitter", { limits: [{ scope: "token", max: 0, windowMs: 1 }] }, op)).rejects.toBeInstanceOf(InputError);
    expect((await networkGauges(h.engine, "linkedin")).adaptive.active).toBe(true);
    expect((await treeDoc(h.engine, treeId)).state).toBe("done");
    await w.stop();
  });
});

import { Worker, type Job } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { followersOf, waitForTree } from "../src/ops.ts";
import type { PagePayload } from "../src/payloads.ts";
import { createPageProcessor, type ProcessorHooks } from "../src/processor.ts";
import { pageJobId } from "../src/queues.ts";
import { startSync } from "../src/sync.ts";
import { newAccount } from "./delivery/fixtures.ts";
import { startHarness, type Harness } from "./harness.ts";

/**
 * Offset drift leaves coverage gaps that a committing LinkedIn node fetches again before it publishes. A duplicate
 * run of a page already done (a whale move's copy, a stalled job run again) is also told "committing". Pinned here:
 * the page that completed the node waits before verifying while a duplicate completes and launches the verify round;
 * the first must then leave the node to that round, not publish the set without the round's followers (a tree
 * publishes once, so that set would stay). Plain BullMQ Workers around the real page processor take the hooks.
 */
describe("coverage verify with duplicate page runs", () => {
  let h: Harness;
  const workers: Worker[] = [];
  beforeAll(async () => {
    h = await startHarness();
    await h.simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: { linkedin: { overlapRate: 0.5, latencyMs: { p50: 100, p99: 120 } } } });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  afterAll(() => h.stop());

  function startWorkers(hooks: ProcessorHooks): void {
    const run = createPageProcessor(h.engine, undefined, undefined, hooks);
    for (const q of ["default", "whales"] as const) {
      workers.push(new Worker(q, (job: Job, token?: string) => run(job, token), {
        connection: h.engine.redis, prefix: h.engine.keys.queuePrefix(q), concurrency: 4,
      }));
    }
  }

  it("a duplicate's verify round is waited for: the set published is whole", async () => {
    const { account, id } = await newAccount(h, "linkedin", 3_000); // 60 pages of 50; drift on half of them
    let pinned: Job | null = null;
    startWorkers({
      async beforeVerify(job) {
        if (pinned) return;
        pinned = job;
        // A copy of page o50 (done long ago) runs from the whale queue: told "committing", it launches the round.
        const dup: PagePayload = { ...(job.data as PagePayload), page: "o50", offset: 50, mode: "known", cursor: null };
        const copy = await h.engine.queues.whales.add("followers.page", dup, { jobId: pageJobId(dup.treeId, dup.network, dup.accountId, dup.page) });
        await waitFor(() => copy.getState(), (s) => s === "completed", { timeoutMs: 10_000, intervalMs: 2, what: "the duplicate page run" });
        expect((await h.engine.tree.node(dup.treeId, account))?.verify).toBe(1);
      },
    });
    const { treeId } = await startSync(h.engine, [account]);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 60_000 });
    expect(pinned).not.toBeNull();
    expect(doc.state).toBe("done");
    expect((await h.engine.tree.node(treeId, account))?.verify).toBeGreaterThanOrEqual(1);
    expect((await followersOf(h.engine, account)).sha256).toBe((await h.truth("linkedin", id)).sha256);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followersOf, waitForTree } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { FAST, newAccount } from "./delivery/fixtures.ts";
import { startHarness, type Harness } from "./harness.ts";

/**
 * The whale detector's second trigger: an account far below the size threshold whose pages run faster than the
 * job-rate threshold is flagged, its waiting pages move to the whale queue (none lost, none run twice in effect),
 * and the rest of its paging runs there.
 */
describe("whale detection by job-rate spike", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { whaleThreshold: 1_000_000, whaleSpikePagesPerMinute: 10 } });
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
  });
  afterAll(() => h.stop());

  it("flags an account whose page rate spikes, moves its waiting pages and finishes exact", async () => {
    const { account, id } = await newAccount(h, "linkedin", 3_000); // 60 pages of 50, all enqueued after the first
    // One slot per queue: the page that spikes moves the waiting pages before another default page can start, so
    // what moved is deterministic (with more slots, a fast simnet may drain the queue first; that race is harmless).
    await h.worker({ concurrency: 1, queues: ["default", "whales"] });
    const { treeId } = await startSync(h.engine, [account]);
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 60_000 })).state).toBe("done");

    const [flag] = (await h.engine.whales.list()).filter((w) => w.account === account);
    expect(flag?.reason).toMatch(/^job rate spike: 1\d pages in a minute, above the threshold 10$/);
    expect(flag?.manual).toBe(false);
    // pages ran in both queues: the first ones in default, the moved ones and their successors in whales
    const [def, whales] = await Promise.all([h.engine.queues.default.getJobCounts("completed"), h.engine.queues.whales.getJobCounts("completed")]);
    expect(def.completed).toBeGreaterThan(10);
    expect(whales.completed).toBeGreaterThan(20);
    const [mine, truth] = await Promise.all([followersOf(h.engine, account), h.truth("linkedin", id)]);
    expect({ count: mine.count, sha256: mine.sha256 }).toEqual({ count: truth.count, sha256: truth.sha256 });
  });
});

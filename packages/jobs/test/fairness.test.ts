import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { waitForTree } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { FAST, newAccount } from "./delivery/fixtures.ts";
import { startHarness, type Harness } from "./harness.ts";

/**
 * Head-of-line blocking: a LinkedIn account with a known total enqueues all its pages at once; a Facebook account's
 * cursor chain in the same queue and at the same priority enqueues one page at a time. The fan-out queues one step
 * behind, so the chain's next page is taken as soon as a slot frees, not after the whole fan-out.
 */
describe("a fan-out does not starve a cursor chain in the same queue", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
  });
  afterAll(() => h.stop());

  it("the chain's account finishes while most of the fan-out still waits", async () => {
    const fanOut = await newAccount(h, "linkedin", 25_000); // 500 pages of 50, all enqueued after the first
    const chain = await newAccount(h, "facebook", 2_000); // 20 pages of 100, one after another
    await h.worker({ concurrency: 2, queues: ["default"] });
    const { treeId } = await startSync(h.engine, [fanOut.account, chain.account]);
    const chainDone = await waitFor(async () => ({
      chain: await h.engine.tree.node(treeId, chain.account),
      fanOut: await h.engine.tree.node(treeId, fanOut.account),
    }), (s) => s.chain?.state === "done", { timeoutMs: 60_000, what: "the chain's account done" });
    // Taking turns with the fan-out at most, the chain's 20 pages cost it ~40 of its 500: far from done.
    expect(chainDone.fanOut?.counts.done ?? 0).toBeLessThan(250);
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 90_000 })).state).toBe("done");
  });
});

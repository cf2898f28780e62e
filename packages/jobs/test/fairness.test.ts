import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { stats, waitForTree } from "../src/ops.ts";
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

/**
 * Whales take spare capacity only: while the default queue has jobs waiting for a slot, a worker takes at most its
 * yield slots of whale jobs at a time, and its full whale concurrency again once default has drained.
 */
describe("whale slots yield to waiting small syncs", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { whaleThreshold: 5_000 } });
    await h.simnet.admin("PATCH", "/_simnet/config", { ...FAST, networks: { ...FAST.networks, linkedin: { latencyMs: { p50: 20, p99: 40 } } } });
  });
  afterAll(() => h.stop());

  it("shrinks the whale slots while default has a backlog and grows them back after", async () => {
    const whale = await newAccount(h, "linkedin", 50_000); // 1,000 pages of 50, routed to the whales queue
    const small = await Promise.all(Array.from({ length: 12 }, () => newAccount(h, "linkedin", 1_000)));
    const member = await h.worker({ queues: ["default", "whales"], concurrency: { default: 2, whales: 8 }, whaleYield: { slots: 2, everyMs: 50 } });
    const whales = member.workers[1];
    if (!whales) throw new Error("no whales worker");
    const whaleTree = (await startSync(h.engine, [whale.account])).treeId;
    const activeWhales = () => h.engine.queues.whales.getJobCounts("active").then((c) => c.active ?? 0);
    await waitFor(activeWhales, (n) => n > 2, { timeoutMs: 30_000, what: "the whale running on more than 2 slots" });

    // 12 accounts x 21 calls on 2 default slots: a backlog that waits for seconds.
    const { treeId } = await startSync(h.engine, small.map((a) => a.account));
    await waitFor(async () => ({ slots: whales.concurrency, active: await activeWhales(), waiting: await h.engine.queues.default.getJobCounts("wait", "prioritized") }),
      (s) => s.slots === 2 && s.active <= 2 && (s.waiting.wait ?? 0) + (s.waiting.prioritized ?? 0) > 0,
      { timeoutMs: 10_000, what: "whale slots down to 2 while default jobs wait" });
    // A paused default queue waits for an operator, not for a slot: whales take their full slots meanwhile.
    await h.engine.queues.default.pause();
    await waitFor(() => whales.concurrency, (n) => n === 8, { timeoutMs: 5_000, what: "full whale slots while default is paused" });
    await h.engine.queues.default.resume();
    await waitFor(() => whales.concurrency, (n) => n === 2, { timeoutMs: 5_000, what: "whale slots down again once default resumed" });
    const beat = await waitFor(() => stats(h.engine).then((s) => s.workers.find((w) => w.id === member.id)), (w) => w?.whaleSlots?.now === 2, { timeoutMs: 5_000, what: "the heartbeat's whale slots" });
    expect(beat?.whaleSlots).toEqual({ now: 2, full: 8 });

    expect((await waitForTree(h.engine, treeId, { timeoutMs: 60_000 })).state).toBe("done");
    await waitFor(activeWhales, (n) => n > 2, { timeoutMs: 10_000, what: "the whale back on more than 2 slots" });
    expect(whales.concurrency).toBe(8);
    expect((await waitForTree(h.engine, whaleTree, { timeoutMs: 120_000 })).state).toBe("done");
  });
});

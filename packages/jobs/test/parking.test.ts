import { Worker, type Job } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectAccount, followersOf, waitForTree } from "../src/ops.ts";
import type { ParkingHooks } from "../src/parking.ts";
import { createPageProcessor } from "../src/processor.ts";
import { startSync } from "../src/sync.ts";
import { startHarness, type Harness } from "./harness.ts";

const FAST = { timeScale: 0.001, networks: Object.fromEntries(["twitter", "facebook", "linkedin", "mastodon"].map((n) => [n, { latencyMs: { p50: 0, p99: 0 } }])) };

/**
 * A revoked token parks the page; the account reconnects at a pinned point inside the processor's park. Whatever the
 * interleaving, the page must run again with the new token and the sync must finish: none may sleep for `parkMs`.
 * The worker is a plain BullMQ Worker around the real page processor, so the test can hand it its hooks.
 */
describe("park vs reconnect", () => {
  let h: Harness;
  let worker: Worker | null = null;
  beforeAll(async () => {
    h = await startHarness();
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
  });
  afterEach(async () => {
    await worker?.close();
    worker = null;
  });
  afterAll(() => h.stop());

  function startWorker(hooks: ParkingHooks): void {
    const run = createPageProcessor(h.engine, undefined, undefined, hooks);
    worker = new Worker("default", (job: Job, token?: string) => run(job, token), {
      connection: h.engine.redis, prefix: h.engine.keys.queuePrefix("default"), concurrency: 4,
    });
  }

  /** Revokes the account's token in simnet, then runs `hook` once (the first time it fires) as a reconnect. */
  async function revokeThenReconnectOnce(id: string): Promise<(job: Job) => Promise<void>> {
    await h.connect("facebook", id);
    await h.simnet.admin("POST", `/_simnet/accounts/facebook/${id}/revoke`);
    let fired = false;
    return async () => {
      if (fired) return;
      fired = true;
      const fresh = await h.simnet.admin<{ token: string }>("POST", `/_simnet/accounts/facebook/${id}/token`);
      await connectAccount(h.engine, `facebook:${id}`, fresh.token);
    };
  }

  async function expectSynced(id: string): Promise<void> {
    const { treeId } = await startSync(h.engine, [`facebook:${id}`]);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 30_000 });
    expect(doc).toMatchObject({ state: "done", counts: { parked: 0, failed: 0 } });
    expect((await followersOf(h.engine, `facebook:${id}`)).sha256).toBe((await h.truth("facebook", id)).sha256);
    expect(await h.engine.redis.scard(h.engine.keys.parked("facebook", id))).toBe(0);
    expect((await h.engine.accounts.info("facebook", id))?.connected).toBe(true);
  }

  it("a reconnect between the parked ticket and the move to delayed still wakes the page", async () => {
    const reconnect = await revokeThenReconnectOnce("small");
    startWorker({ beforeMove: reconnect });
    await expectSynced("small");
  });

  it("a reconnect between the auth failure and marking the account disconnected leaves it connected, the page retried", async () => {
    const reconnect = await revokeThenReconnectOnce("medium");
    startWorker({ beforeDisconnect: reconnect });
    await expectSynced("medium");
  });
});

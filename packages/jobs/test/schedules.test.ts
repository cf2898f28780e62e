import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { connectAccount } from "../src/ops.ts";
import { listSchedules, reconcileSchedules, runScheduleNow } from "../src/schedules.ts";
import { runTrickle } from "../src/trickle.ts";
import { startHarness, type Harness } from "./harness.ts";

describe("schedules and trickle", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { schedules: [{ name: "nightly", cron: "0 3 * * *", action: "sync", accounts: ["mastodon:small"] }], trickle: { maxAgeMs: 60_000, batch: 2 } } });
    await h.simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: { mastodon: { latencyMs: { p50: 0, p99: 0 } } } });
  });
  afterAll(() => h.stop());

  it("reconciles code-defined schedules: concurrent starts create each once, removed ones disappear", async () => {
    await Promise.all(Array.from({ length: 10 }, () => reconcileSchedules(h.engine)));
    const live = await h.engine.queues.system.getJobSchedulers(0, -1);
    expect(live.map((s) => s.key).sort()).toEqual(["nightly", "trickle"]);
    await h.engine.queues.system.upsertJobScheduler("stale", { every: 60_000 }, { name: "schedule.tick", data: { schedule: "stale" } });
    expect((await reconcileSchedules(h.engine)).removed).toBe(1);
    const list = await listSchedules(h.engine);
    expect(list.find((s) => s.name === "nightly")).toMatchObject({ cron: "0 3 * * *", action: "sync" });
    expect(list.find((s) => s.name === "trickle")?.next).toBeGreaterThan(Date.now() - 1_000);
    await expect(runScheduleNow(h.engine, "nope", { name: "t", via: "cli" })).rejects.toThrow(/no schedule/);
  });

  it("trickle picks only due accounts, in batches, each once", async () => {
    const t0 = h.engine.clock.now();
    for (const id of ["small", "medium", "large"]) {
      const a = (await h.simnet.admin<{ id: string; token: string }[]>("GET", "/_simnet/accounts?network=mastodon")).find((x) => x.id === id);
      await connectAccount(h.engine, `mastodon:${id}`, a?.token ?? "");
    }
    expect((await runTrickle(h.engine)).due).toBe(0); // connected just now: not due for maxAge
    await h.engine.redis.zadd(h.engine.keys.accountsDue(), t0 - 1, "mastodon:small", t0 - 1, "mastodon:medium", t0 - 1, "mastodon:large");
    const first = await runTrickle(h.engine);
    expect(first.due).toBe(2);
    const second = await runTrickle(h.engine);
    expect(second.due).toBe(1);
    expect((await runTrickle(h.engine)).due).toBe(0);
    const w = await h.worker({ concurrency: 5 });
    await waitFor(async () => (await h.engine.tree.read(second.treeId ?? "")).state, (s) => s === "done", { timeoutMs: 30_000, what: "trickle tree done" });
    const queued = await runScheduleNow(h.engine, "trickle", { name: "t", via: "cli" });
    expect(queued.jobId).toBeTruthy();
    await w.stop();
  });
});

import { findJob } from "@fanout/jobs/jobs";
import { setPaused, treeDoc } from "@fanout/jobs/ops";
import { waitFor } from "@fanout/testkit/wait";
import { connect, sync } from "../support/engine.ts";
import { confirmDialog, expect, newOperator, test, uid } from "../support/fixtures.ts";

const SETUP = { name: "e2e-setup", via: "cli" as const };

/**
 * Story 5: an operator gives an account's waiting jobs a higher priority; they run before the rest. Ten accounts'
 * syncs wait (low priority) in the held default queue; the last one is raised to high; on resume it starts first.
 */
test("reprioritized waiting jobs run before the rest", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const ids = Array.from({ length: 10 }, (_, i) => uid(`prio${i}`));
  for (const id of ids) await sim.create("mastodon", id, 30);
  const accounts = ids.map((id) => `mastodon:${id}`);
  await connect(stack, engine, accounts);
  await setPaused(engine, "default", true, SETUP);
  const since = Date.now();
  const trees: string[] = [];
  try {
    for (const a of accounts) trees.push(await sync(engine, [a], { priority: "low" }));
    const target = accounts[accounts.length - 1] ?? "";

    const op = await newOperator(stack, "operator");
    await signIn(op.name, op.password);
    await page.goto(`/accounts?account=${encodeURIComponent(target)}`);
    await expect(page.getByTestId("account-jobs")).toContainText("low");
    await page.getByRole("combobox", { name: "priority" }).selectOption("high");
    await page.getByRole("button", { name: "Reprioritize waiting jobs" }).click();
    expect(await confirmDialog(page)).toContain("Give priority high to the 1 waiting job of");
    await expect(page.getByTestId("account-result")).toHaveText("1 waiting job now high");
    await expect(page.getByTestId("account-jobs")).toContainText("high");
    await shoot("account-reprioritized");

    await page.goto("/queues");
    await page.locator('tr[data-queue="default"]').getByRole("button", { name: "Resume" }).click();
    await expect(page.locator('tr[data-queue="default"]')).toContainText("running");
  } finally {
    await setPaused(engine, "default", false, SETUP);
  }
  await waitFor(() => Promise.all(trees.map((t) => treeDoc(engine, t))), (docs) => docs.every((d) => d.state === "done"), { timeoutMs: 60_000, what: "all ten syncs" });
  // The system's record of the order: BullMQ appends an `active` event to the queue's event stream inside the
  // atomic move that starts a job, so the stream orders starts exactly (client clocks of two workers cannot).
  const firstJobs = trees.map((t, i) => `${t}-mastodon-${ids[i] ?? ""}-s0`);
  const stream = (await engine.redis.xrange(engine.queues.default.toKey("events"), String(since), "+")) as [string, string[]][];
  const started = stream
    .map(([, f]) => ({ event: f[f.indexOf("event") + 1], jobId: f[f.indexOf("jobId") + 1] ?? "" }))
    .filter((e) => e.event === "active" && firstJobs.includes(e.jobId))
    .map((e) => e.jobId);
  const order = [...new Set(started)];
  expect(order).toHaveLength(firstJobs.length);
  expect(order[0]).toBe(firstJobs[firstJobs.length - 1]);
  expect((await findJob(engine, firstJobs[firstJobs.length - 1] ?? ""))?.view.state).toBe("completed");
  const audit = await page.request.get("/api/audit?action=reprioritize");
  expect(await audit.json()).toMatchObject({ entries: [{ action: "reprioritize", details: { priority: "high", changed: 1 } }] });
});

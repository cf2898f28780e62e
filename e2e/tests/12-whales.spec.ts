import { findJob, listJobs } from "@fanout/jobs/jobs";
import { cancelTree, setPaused, treeDoc } from "@fanout/jobs/ops";
import { waitFor } from "@fanout/testkit/wait";
import { connect, sync } from "../support/engine.ts";
import { confirmDialog, expect, newOperator, test, uid } from "../support/fixtures.ts";

const SETUP = { name: "e2e-setup", via: "cli" as const };

/**
 * Story 3: a whale is detected automatically (Twitter's `whale`, 1,000,000 followers: its profile call says so
 * before paging) and shown with its progress and ETA; an operator moves another account to the whale queue and
 * back, and its waiting jobs move with it.
 */
test("a whale is detected and shown; another account moves to the whale queue and back with its waiting jobs", async ({ page, stack, sim, engine, signIn, shoot }) => {
  await connect(stack, engine, ["twitter:whale"]);
  const whaleTree = await sync(engine, ["twitter:whale"]);
  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto("/whales");
  const row = page.locator('tr[data-account="twitter:whale"]');
  await expect(row).toContainText("follower total 1000000 above the threshold 100000", { timeout: 30_000 });
  await expect(row).toContainText("auto");
  await expect(row).toContainText("1,000,000");
  await expect(row.getByTestId("whale-progress")).toContainText(/\d+ \/ 1,000/);
  await expect(row.getByTestId("whale-eta")).toHaveText(/\d+ (min|h)/); // ~1,000 pages at 15 per 9 s
  await expect(page.getByTestId("whale-threshold")).toContainText("100,000");
  // The system's state: flagged automatically, and its pages run in the whales queue.
  const flagged = (await engine.whales.list()).find((w) => w.account === "twitter:whale");
  expect(flagged).toMatchObject({ manual: false, size: 1_000_000 });
  const node = await waitFor(() => engine.tree.node(whaleTree, "twitter:whale"), (n) => (n?.pages ?? 0) >= 3, { timeoutMs: 30_000, what: "whale pages" });
  expect(node?.total).toBe(1_000_000);
  expect((await findJob(engine, `${whaleTree}-twitter-whale-p1`))?.view.queue).toBe("whales");
  await expect(row.getByTestId("whale-progress")).not.toContainText(/^0 \//);
  await shoot("whales");

  // Another account, with a waiting job: both queues are held so the job stays put while it moves.
  const mover = uid("mover");
  const account = `mastodon:${mover}`;
  await sim.create("mastodon", mover, 120);
  await connect(stack, engine, [account]);
  await setPaused(engine, "default", true, SETUP);
  await setPaused(engine, "whales", true, SETUP);
  try {
    const tree = await sync(engine, [account]);
    const jobId = `${tree}-mastodon-${mover}-s0`;
    await page.getByRole("textbox", { name: "Account" }).fill(account);
    await page.getByRole("button", { name: "To the whale queue" }).click();
    expect(await confirmDialog(page)).toContain(`Move ${account} and its waiting jobs to the whale queue`);
    await expect(page.getByRole("status").filter({ hasText: `${account} moved to the whale queue; 1 waiting job moved.` })).toBeVisible();
    const moved = page.locator(`tr[data-account="${account}"]`);
    await expect(moved).toContainText("moved by an operator");
    await expect(moved).toContainText("manual");
    expect((await findJob(engine, jobId))?.view.queue).toBe("whales");
    expect((await listJobs(engine, "default", "prioritized", 0, 100)).jobs.map((j) => j.id)).not.toContain(jobId);
    await shoot("whales-moved");

    await moved.getByRole("button", { name: "Move back" }).click();
    await confirmDialog(page);
    await expect(page.getByRole("status").filter({ hasText: `${account} moved out of the whale queue; 1 waiting job moved.` })).toBeVisible();
    await expect(moved).toHaveCount(0);
    expect((await findJob(engine, jobId))?.view).toMatchObject({ queue: "default", state: "prioritized" });
    expect(await engine.whales.isWhale(account)).toBe(false);
    await setPaused(engine, "default", false, SETUP);
    await waitFor(() => treeDoc(engine, tree), (d) => d.state === "done", { timeoutMs: 30_000, what: "the moved account's sync" });
  } finally {
    await setPaused(engine, "default", false, SETUP);
    await setPaused(engine, "whales", false, SETUP);
    // The whale would page for ten minutes: stop it, the story is told.
    await cancelTree(engine, whaleTree, SETUP);
  }
});

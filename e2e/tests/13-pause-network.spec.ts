import { setPaused, stats, treeDoc, waitForTree } from "@fanout/jobs/ops";
import { connect, sync } from "../support/engine.ts";
import { expect, newOperator, test, uid } from "../support/fixtures.ts";

// A failure mid-story must not leave Facebook paused for the specs after this one.
test.afterEach(async ({ engine }) => {
  if ((await stats(engine)).networks.facebook?.paused === true) await setPaused(engine, "network:facebook", false);
});

/** Story 4: an operator pauses a network: its jobs stop while other networks' flow; on resume they drain. */
test("pausing a network holds its jobs while others flow; resuming drains them", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const held = uid("held");
  const flowing = uid("flowing");
  await sim.create("facebook", held, 300);
  await sim.create("mastodon", flowing, 200);
  await connect(stack, engine, [`facebook:${held}`, `mastodon:${flowing}`]);

  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto("/networks?network=facebook");
  const row = page.getByTestId("networks-table").locator('tr[data-network="facebook"]');
  await row.getByRole("button", { name: "Pause network" }).click();
  await expect(row).toContainText("paused");
  expect((await stats(engine)).networks.facebook?.paused).toBe(true);

  const heldTree = await sync(engine, [`facebook:${held}`]);
  const flowTree = await sync(engine, [`mastodon:${flowing}`]);
  // Mastodon's sync runs to the end while Facebook's first page waits, delayed, without being attempted.
  expect((await waitForTree(engine, flowTree, { timeoutMs: 30_000 })).state).toBe("done");
  const waiting = await treeDoc(engine, heldTree);
  expect(waiting).toMatchObject({ state: "running", counts: { done: 0, failed: 0 } });
  await expect.poll(async () => (await treeDoc(engine, heldTree)).counts.delayed, { timeout: 10_000 }).toBe(1);
  await page.goto(`/trees?id=${heldTree}`);
  await expect(page.getByTestId("tree-summary").locator('[data-count="done"]')).toContainText("0");
  await expect(page.getByTestId("tree-summary").locator('[data-count="delayed"]')).toContainText("1");
  await page.goto("/networks?network=facebook");
  await expect(row).toContainText("paused");
  await shoot("networks-paused");

  await row.getByRole("button", { name: "Resume network" }).click();
  await expect(row).toContainText("flowing");
  expect((await waitForTree(engine, heldTree, { timeoutMs: 30_000 })).state).toBe("done");
  expect((await stats(engine)).networks.facebook?.paused).toBe(false);
  await page.goto(`/trees?id=${heldTree}`);
  await expect(page.getByTestId("tree-state")).toHaveText("done");
});

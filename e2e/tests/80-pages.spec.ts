import { listJobs } from "@fanout/jobs/jobs";
import { connect, sync } from "../support/engine.ts";
import { expect, test, uid } from "../support/fixtures.ts";
import { waitForTree } from "@fanout/jobs/ops";

const PAGES = [
  { path: "/queues", name: "queues", heading: "Queues" },
  { path: "/queues?queue=default&state=completed", name: "queues-completed", heading: "Queues" },
  { path: "/failed", name: "failed", heading: "Failed jobs" },
  { path: "/networks", name: "networks", heading: "Networks" },
  { path: "/rate-limits?network=mastodon", name: "rate-limits-mastodon", heading: "Rate limits" },
  { path: "/whales", name: "whales-after", heading: "Whales" },
  { path: "/trees", name: "trees", heading: "Trees" },
  { path: "/schedules", name: "schedules", heading: "Schedules" },
  { path: "/workers", name: "workers", heading: "Workers" },
  { path: "/audit", name: "audit-admin", heading: "Audit log" },
  { path: "/operators", name: "operators", heading: "Operators" },
  { path: "/webhooks", name: "webhooks-admin", heading: "Webhooks" },
  { path: "/apikeys", name: "apikeys", heading: "API keys" },
] as const;

/** After the stories the stack has history: every page, as an admin sees it, is live and screenshotted. */
test("every page renders live data for an admin", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const id = uid("pages");
  await sim.create("mastodon", id, 2_000);
  await connect(stack, engine, [`mastodon:${id}`]);
  const treeId = await sync(engine, [`mastodon:${id}`]);
  await waitForTree(engine, treeId, { timeoutMs: 30_000 });

  await signIn(stack.admin.name, stack.admin.password);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("fleet-health")).toBeVisible();
  await expect(page.getByTestId("overview-stats")).toContainText("Workers online");
  await expect(page.getByTestId("workers-table").locator("tbody tr")).toHaveCount(2);
  await expect(page.getByTestId("depth-history")).toBeVisible();
  await expect(page.getByTestId("throughput-chart")).toBeVisible();
  await expect(page.getByTestId("wait-chart")).toBeVisible();
  await shoot("overview");
  await page.screenshot({ path: `${stack.artifacts}/overview-full.png`, fullPage: true });
  await page.getByRole("radio", { name: "24 h" }).first().click();
  await expect(page.getByTestId("history")).toHaveAttribute("data-range", "24h");
  await shoot("overview-24h");

  for (const p of PAGES) {
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    await expect(page.locator(".fresh-bad")).toHaveCount(0);
    await shoot(p.name);
  }
  await page.goto(`/trees?account=${encodeURIComponent(`mastodon:${id}`)}`);
  await expect(page.getByTestId("account-trees")).toContainText(treeId);
  await shoot("trees-of-account");
  await page.getByRole("link", { name: treeId }).click();
  await expect(page.getByTestId("tree-state")).toHaveText("done");
  await page.getByRole("button", { name: `expand mastodon:${id}` }).click();
  await expect(page.getByTestId("tree-leaves").locator(".chip")).not.toHaveCount(0);
  await shoot("tree");

  const done = (await listJobs(engine, "default", "completed", 0, 1)).jobs[0];
  expect(done).toBeTruthy();
  await page.goto(`/jobs/${encodeURIComponent(done?.id ?? "")}`);
  await expect(page.getByTestId("job-state")).toHaveText("completed");
  await expect(page.getByTestId("job-payload")).toContainText("treeId");
  await shoot("job");
  await page.goto(`/accounts?account=${encodeURIComponent(`mastodon:${id}`)}`);
  await expect(page.getByTestId("account-connection")).toHaveText("connected");
  await shoot("account");
});

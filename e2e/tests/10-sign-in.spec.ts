import { networkGauges } from "@fanout/jobs/limiter/gauges";
import { browserFetch, csrfOf, expect, newOperator, test } from "../support/fixtures.ts";
import { withOperators } from "../support/operators.ts";

/** Story 1: operators sign in; a viewer sees everything and cannot act — the server refuses it too. */
test("a viewer reads every page, and the server refuses each of its actions", async ({ page, stack, signIn, shoot, engine }) => {
  const viewer = await newOperator(stack, "viewer");
  await page.goto("/login");
  await shoot("login");
  await signIn(viewer.name, viewer.password);
  await expect(page.getByTestId("operator-role")).toHaveText("viewer");
  await expect(page.getByTestId("overview-stats")).toBeVisible();
  await expect(page.getByRole("link", { name: "Operators" })).toHaveCount(0);

  // Reads: every page renders for a viewer; the buttons that act are disabled or absent.
  for (const [path, heading] of [["/queues", "Queues"], ["/failed", "Failed jobs"], ["/networks", "Networks"], ["/rate-limits", "Rate limits"], ["/whales", "Whales"],
    ["/trees", "Trees"], ["/schedules", "Schedules"], ["/workers", "Workers"], ["/audit", "Audit log"]] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  }
  await page.goto("/queues");
  await expect(page.locator('tr[data-queue="default"] button')).toBeDisabled();
  await shoot("queues-as-viewer");
  await page.goto("/failed");
  await expect(page.getByText("viewers cannot requeue")).toBeVisible();
  await page.goto("/networks");
  await expect(page.locator('tr[data-network="twitter"] button')).toBeDisabled();
  await page.goto("/operators");
  await expect(page.getByRole("alert").filter({ hasText: "Only admins manage operators." })).toBeVisible();

  // Acts: refused by the server whatever the UI shows, and nothing changed.
  const csrf = await csrfOf(page);
  const refused: [string, unknown][] = [
    ["/api/queues/default/pause", { paused: true }],
    ["/api/networks/twitter/pause", { paused: true }],
    ["/api/failed/requeue", { filter: {}, dryRun: false, expect: 0 }],
    ["/api/whales", { account: "twitter:large", whale: true }],
    ["/api/accounts/reprioritize", { account: "twitter:large", priority: "high" }],
    ["/api/limits/twitter/override", { adaptiveCap: 1 }],
    ["/api/operators", { name: "mallory", password: "long-enough", role: "admin" }],
  ];
  for (const [path, body] of refused) {
    const res = await browserFetch(page, path, { method: "POST", body, csrf });
    expect(res.status, path).toBe(403);
    expect(res.body, path).toMatchObject({ error: expect.stringContaining("viewer") });
  }
  const stats = await browserFetch(page, "/api/stats", { method: "GET" });
  expect(stats.body).toMatchObject({ queues: { default: { paused: 0 } }, networks: { twitter: { paused: false } } });
  expect(await engine.whales.isWhale("twitter:large")).toBe(false);
  expect(await withOperators(stack, (ops) => ops.getOperator("mallory"))).toBeNull();
  expect((await networkGauges(engine, "twitter")).overrides).toEqual({});
});

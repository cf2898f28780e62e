import { failedJobs } from "@fanout/jobs/jobs";
import { auditLog, waitForTree } from "@fanout/jobs/ops";
import { connect, sync } from "../support/engine.ts";
import { confirmDialog, expect, newOperator, test, uid } from "../support/fixtures.ts";

/**
 * Story 7: failed jobs found by filter (network, kind) are requeued in bulk; the confirmation states the count from
 * a dry run; the result and the audit log say how many, and under whose name.
 */
test("a bulk requeue by filter, confirmed with its count, lands in the audit log", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const ids = [uid("bulk"), uid("bulk"), uid("bulk")];
  for (const id of ids) await sim.create("twitter", id, 1_500);
  const accounts = ids.map((id) => `twitter:${id}`);
  await connect(stack, engine, accounts);
  await sim.patch({ networks: { twitter: { failAccounts: ids } } });
  const treeId = await sync(engine, accounts);
  expect((await waitForTree(engine, treeId, { timeoutMs: 45_000 })).state).toBe("partial");
  expect((await failedJobs(engine, { network: "twitter", kind: "transient" })).map((f) => f.account).sort()).toEqual([...accounts].sort());

  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto("/failed");
  await page.getByRole("combobox", { name: "network" }).selectOption("twitter");
  await page.getByRole("combobox", { name: "error kind" }).selectOption("transient");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("failed-table").locator("tbody tr")).toHaveCount(3);
  for (const a of accounts) await expect(page.getByTestId("failed-table")).toContainText(a);
  await page.getByTestId("bulk-requeue").click();
  await expect(page.getByTestId("failed-table").locator("tbody tr", { hasText: "ran again" })).toHaveCount(0);
  await expect(page.getByTestId("bulk-count")).toContainText("requeue up to 3 failed jobs matching network twitter, kind transient");
  await shoot("failed-bulk-confirm");
  await sim.patch({ networks: { twitter: { failAccounts: [] } } }); // the cause is gone before the operator confirms
  expect(await confirmDialog(page)).toContain("Requeue up to 3 jobs");
  await expect(page.getByTestId("bulk-result")).toHaveText("3 of 3 matching jobs requeued");
  expect((await waitForTree(engine, treeId, { timeoutMs: 45_000 })).state).toBe("done");
  expect(await failedJobs(engine, { network: "twitter", kind: "transient" })).toEqual([]);

  await page.goto("/audit");
  const entry = page.getByTestId("audit-table").locator('tr[data-action="requeue-failed"]').filter({ hasText: op.name }).first();
  await expect(entry).toContainText("matched=3");
  await expect(entry.getByTestId("audit-affected")).toHaveText("3");
  await shoot("audit");
  const log = await auditLog(engine, { action: "requeue-failed", who: op.name });
  expect(log).toHaveLength(1);
  expect(log[0]).toMatchObject({ via: "console", details: { filter: { network: "twitter", kind: "transient" }, matched: 3, requeued: 3 } });
});

import { auditLog, treeDoc, waitForTree } from "@fanout/jobs/ops";
import { fanout } from "../support/cli.ts";
import { connect, sync } from "../support/engine.ts";
import { confirmDialog, expect, newOperator, test, uid } from "../support/fixtures.ts";

/**
 * Story 2: a sync fails part-way (simnet's `failAccounts` answers 500 for two accounts' lists until they run out of
 * attempts); the tree view shows the failed branches with their errors; once simnet recovers, "Requeue failed" on a
 * subtree and then on the tree brings it to `done`, and `fanout followers` matches simnet's truth.
 */
test("a failed branch is shown with its errors, and Requeue failed after recovery brings the tree to done", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const masto = uid("fail");
  const fb = uid("fail");
  const ok = uid("ok");
  await sim.create("mastodon", masto, 400);
  await sim.create("facebook", fb, 150);
  await sim.create("linkedin", ok, 60);
  const accounts = [`mastodon:${masto}`, `facebook:${fb}`, `linkedin:${ok}`];
  await connect(stack, engine, accounts);
  // One failing account per network: several at once would look like an outage, and the breaker would hold them.
  await sim.patch({ networks: { mastodon: { failAccounts: [masto] }, facebook: { failAccounts: [fb] } } });
  const treeId = await sync(engine, accounts);

  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto(`/trees?id=${treeId}`);
  await expect(page.getByTestId("tree-state")).toHaveText("partial", { timeout: 45_000 });
  const mNode = page.locator(`li.tree-node[data-node="mastodon:${masto}"]`);
  const fNode = page.locator(`li.tree-node[data-node="facebook:${fb}"]`);
  await expect(mNode).toHaveClass(/is-failed/);
  await expect(fNode).toHaveClass(/is-failed/);
  await expect(mNode.getByTestId("node-failures")).toContainText("transient");
  await expect(page.locator(`li.tree-node[data-node="linkedin:${ok}"]`)).toHaveAttribute("data-state", "done");
  await mNode.getByRole("button", { name: `expand mastodon:${masto}` }).click();
  await expect(mNode.locator('.chip[data-state="failed"]')).toHaveCount(1);
  await expect(page.getByTestId("failed-table")).toContainText("transient");
  // The system's state: exactly these two pages failed, with the 500s as their error.
  const failedDoc = await treeDoc(engine, treeId);
  expect(failedDoc).toMatchObject({ state: "partial", counts: { failed: 2 } });
  expect(failedDoc.failed.map((f) => f.node).sort()).toEqual([`facebook:${fb}`, `mastodon:${masto}`]);
  await shoot("tree-failed");

  await sim.patch({ networks: { mastodon: { failAccounts: [] }, facebook: { failAccounts: [] } } });
  // The subtree first: only the Mastodon node's failed page runs again.
  await mNode.getByTestId(`requeue-node-mastodon:${masto}`).click();
  expect(await confirmDialog(page)).toContain("Requeue the 1 failed page of mastodon:");
  await expect(mNode).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(fNode).toHaveAttribute("data-state", /partial|failed/);
  // Then the tree: what is left.
  await page.getByTestId("requeue-tree").click();
  expect(await confirmDialog(page)).toContain("Requeue the 1 failed page of tree");
  await expect(page.getByTestId("tree-state")).toHaveText("done", { timeout: 30_000 });
  await shoot("tree-done");

  expect((await waitForTree(engine, treeId, { timeoutMs: 10_000 })).state).toBe("done");
  for (const a of accounts) {
    const [network = "", id = ""] = a.split(":");
    const stored = await fanout<{ account: string; count: number; sha256: string }>(stack, ["followers", a]);
    const truth = await sim.truth(network, id);
    expect({ account: a, count: stored.count, sha256: stored.sha256 }).toEqual({ account: a, count: truth.count, sha256: truth.sha256 });
  }
  // The failed index still lists the two failures, now marked as having run again.
  await page.goto(`/failed?account=${encodeURIComponent(`mastodon:${masto}`)}`);
  await expect(page.getByTestId("failed-table").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("failed-table")).toContainText("ran again");
  const log = await auditLog(engine, { who: op.name });
  expect(log.map((e) => [e.action, e.details.requeued])).toEqual(expect.arrayContaining([["requeue-node", 1], ["requeue-tree", 1]]));
});

test("a revoked token shows the account disconnected with its jobs parked, not failed; reconnecting resumes them", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const id = uid("revoked");
  const account = `facebook:${id}`;
  await sim.create("facebook", id, 250);
  await connect(stack, engine, [account]);
  await sim.revoke("facebook", id);
  const treeId = await sync(engine, [account]);

  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto(`/accounts?account=${encodeURIComponent(account)}`);
  await expect(page.getByTestId("account-connection")).toHaveText("disconnected", { timeout: 30_000 });
  await expect(page.getByTestId("account-jobs").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("account-jobs")).toContainText("parked");
  await expect(page.getByTestId("account-jobs")).toContainText("on reconnect");
  await expect(page.getByText("No failed jobs.")).toBeVisible();
  await shoot("account-disconnected");
  // The system's state: the account is disconnected, its page parked (kept), nothing failed.
  expect((await engine.accounts.info("facebook", id))?.connected).toBe(false);
  expect((await treeDoc(engine, treeId)).counts).toMatchObject({ parked: 1, failed: 0 });
  await page.goto(`/trees?id=${treeId}`);
  await expect(page.getByTestId("tree-summary").locator('[data-count="parked"]')).toContainText("1");
  await expect(page.getByTestId("tree-state")).toHaveText("running");

  // The user reconnects (simnet issues a new token), as `fanout connect --simnet` records it.
  await sim.reissue("facebook", id);
  const connected = await fanout<{ connected: boolean; resumed: number }>(stack, ["connect", account, "--simnet"]);
  expect(connected).toEqual({ account, connected: true, resumed: 1 });
  await expect(page.getByTestId("tree-state")).toHaveText("done", { timeout: 30_000 });
  await page.goto(`/accounts?account=${encodeURIComponent(account)}`);
  await expect(page.getByTestId("account-connection")).toHaveText("connected");
  const stored = await fanout<{ count: number; sha256: string }>(stack, ["followers", account]);
  expect(stored).toMatchObject(await sim.truth("facebook", id));
});

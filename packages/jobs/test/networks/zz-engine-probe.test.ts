import { afterAll, beforeAll, it } from "vitest";
import { followersOf, waitForTree } from "../../src/ops.ts";
import { startSync } from "../../src/sync.ts";
import { startHarness, type Harness } from "../harness.ts";

const NETS = ["twitter", "facebook", "linkedin", "mastodon"];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: { tuning: { twitter: { limits: [{ scope: "token", max: 15, windowMs: 900 }] }, linkedin: { window: 4 } } } });
  h.worker({ concurrency: 20 });
  for (const net of NETS) await h.connect(net, "large");
});
afterAll(() => h.stop());
it.each([1, 2, 3, 4])("run %s", async () => {
  await h.simnet.admin("POST", "/_simnet/reset");
  await h.simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: Object.fromEntries(NETS.map((n) => [n, { latencyMs: { p50: 0, p99: 0 }, errorRate: 0.1, malformedRate: 0.05, shortPageRate: 0.2, overlapRate: 0.2 }])) });
  const accounts = NETS.map((n) => `${n}:large`);
  const { treeId } = await startSync(h.engine, accounts);
  const doc = await waitForTree(h.engine, treeId, { timeoutMs: 120_000 });
  for (const a of accounts) {
    const [net, id] = a.split(":") as [string, string];
    const mine = await followersOf(h.engine, a); const truth = await h.truth(net, id);
    console.log("PROBE", doc.state, a, mine.count, truth.count, mine.sha256 === truth.sha256);
  }
}, 200_000);

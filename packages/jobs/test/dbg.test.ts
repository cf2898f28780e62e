import { afterAll, beforeAll, it } from "vitest";
import { followersOf, waitForTree } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { startHarness, type Harness } from "./harness.ts";
let h: Harness;
beforeAll(async () => { h = await startHarness({ config: { tuning: { twitter: { limits: [] } }, backoffBaseMs: 100 } }); h.worker({ concurrency: 20 });
  for (const n of ["twitter", "facebook", "linkedin", "mastodon"]) await h.connect(n, "large"); });
afterAll(() => h.stop());
for (const fault of ["shortPageRate", "overlapRate"]) {
  it(fault, async () => {
    await h.simnet.admin("POST", "/_simnet/reset");
    for (const a of ["facebook", "linkedin", "mastodon", "twitter"]) await h.engine.redis.del(h.engine.keys.followers(a, "large"), h.engine.keys.followersMeta(a, "large"));
    await h.simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: Object.fromEntries(["twitter", "facebook", "linkedin", "mastodon"].map((n) => [n, { latencyMs: { p50: 0, p99: 0 }, [fault]: 0.2 }])) });
    const accounts = ["facebook:large", "linkedin:large", "mastodon:large", "twitter:large"];
    const { treeId } = await startSync(h.engine, accounts);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 20_000 });
    const out = [];
    for (const a of accounts) { const [n, id] = a.split(":") as [string, string]; const m = await followersOf(h.engine, a); const t = await h.truth(n, id); out.push(`${a} ${m.count}/${t.count} ${m.sha256 === t.sha256}`); }
    console.log(fault, doc.state, out.join(" | "), JSON.stringify(doc));
    const kids = await h.engine.tree.children(treeId, 0, 10);
    console.log(JSON.stringify(kids));

  }, 60_000);
}

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiChanges, apiConnect, apiDisconnect, apiFollowers, apiStartSync, apiTree, runApi, type ApiResponse } from "../../src/delivery/api.ts";
import { createApiKey } from "../../src/delivery/apikeys.ts";
import { treeDoc } from "../../src/ops.ts";
import { startHarness, type Harness } from "../harness.ts";
import { FAST, newAccount, syncDone } from "./fixtures.ts";

/**
 * Hostile input to every `/api/v1` call (fast-check): whatever the body, query or path, the answer is a 2xx or a 4xx
 * with `{"error"}`, never a 500, and a synced account's set and its tree are exactly as before.
 */
const op = { name: "hostile-test", via: "cli" as const };
const RUNS = 150;

/** Any JSON-ish value, and objects shaped almost like the real bodies (right keys, wrong values). */
const junk = fc.oneof(fc.anything(), fc.jsonValue(), fc.string({ maxLength: 300 }));
const nearConnect = fc.record({
  network: fc.oneof(fc.constantFrom("twitter", "facebook", "Twitter", "", "a:b", "x".repeat(40)), junk),
  id: fc.oneof(fc.string({ maxLength: 300 }), junk),
  token: fc.oneof(fc.constantFrom("", " ", "a b", "x".repeat(9_000)), junk),
  refreshToken: fc.option(junk),
}, { requiredKeys: [] });
const nearSync = fc.record({
  accounts: fc.oneof(fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("nosuch:1", "twitter", ":1", "twitter:")), { maxLength: 5 }), junk),
  priority: fc.oneof(fc.constantFrom("urgent", "", "HIGH"), junk),
}, { requiredKeys: [] });
const query = fc.dictionary(fc.constantFrom("cursor", "limit", "since", "purge", "x"), fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom("0", "-1", "10001", "1e3", "NaN", "1.5", "99999999999999999999")));

describe("the /api/v1 calls under hostile input", () => {
  let h: Harness;
  let bearer: string;
  let account: string;
  let treeId: string;
  beforeAll(async () => {
    h = await startHarness({ config: { delivery: { api: { maxRequests: 1_000_000, windowMs: 1_000 } } } });
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
    const w = await h.worker({ concurrency: 5 });
    bearer = `Bearer ${(await createApiKey(h.engine, "site", op)).key}`;
    ({ account } = await newAccount(h, "facebook", 321));
    treeId = (await syncDone(h, [account])).treeId;
    await w.stop(); // nothing runs behind the checks: a sync started by a fuzzed call could not change anything
  });
  afterAll(() => h.stop());

  const call = (f: Parameters<typeof runApi>[2]) => runApi(h.engine, bearer, f);
  const sane = (r: ApiResponse) => {
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
    if (r.status >= 400) expect(r.body).toEqual(expect.objectContaining({ error: expect.any(String) }));
  };

  it("connect, sync, tree, followers, changes and disconnect answer 2xx or a clear 4xx, and change nothing they should not", async () => {
    const before = { digest: await h.engine.followers.digest("facebook", account.split(":")[1] ?? ""), tree: await treeDoc(h.engine, treeId) };
    await fc.assert(fc.asyncProperty(fc.oneof(junk, nearConnect), async (body) => {
      const r = await call((c) => apiConnect(h.engine, c, body));
      sane(r);
      if (r.status === 200) await h.engine.accounts.disconnect(...((r.body as { account: string }).account.split(/:(.*)/s).slice(0, 2) as [string, string]));
    }), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(fc.oneof(junk, nearSync), async (body) => sane(await call((c) => apiStartSync(h.engine, c, body)))), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), async (id) => sane(await call((c) => apiTree(h.engine, c, id)))), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(fc.oneof(fc.constant(account), fc.string({ maxLength: 300 })), query, async (a, q) => {
      sane(await call((c) => apiFollowers(h.engine, c, a, q)));
      sane(await call((c) => apiChanges(h.engine, c, a, q)));
    }), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }).filter((a) => a !== account), query, async (a, q) =>
      sane(await call((c) => apiDisconnect(h.engine, c, a, q)))), { numRuns: RUNS });

    expect(await h.engine.followers.digest("facebook", account.split(":")[1] ?? "")).toEqual(before.digest);
    expect(await treeDoc(h.engine, treeId)).toEqual(before.tree);
    expect((await h.truth("facebook", account.split(":")[1] ?? "")).sha256).toBe(before.digest.sha256);
  });

  it("refuses every request without a valid key, before looking at the input", async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.constant(null), fc.string({ maxLength: 200 }), fc.string({ maxLength: 60 }).map((s) => `Bearer fo_${s}`)), async (auth) => {
      let ran = false;
      const r = await runApi(h.engine, auth, async () => { ran = true; return {}; });
      expect([r.status, ran]).toEqual([401, false]);
    }), { numRuns: RUNS });
  });
});

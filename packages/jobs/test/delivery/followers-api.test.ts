import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { apiChanges, apiFollowers, runApi } from "../../src/delivery/api.ts";
import { createApiKey } from "../../src/delivery/apikeys.ts";
import { followersOf } from "../../src/ops.ts";
import { startHarness, type Harness } from "../harness.ts";
import { expectTruth, FAST, newAccount, readAll, syncDone } from "./fixtures.ts";

const op = { name: "delivery-test", via: "cli" as const };

describe("follower versions and change sets through the library API", () => {
  let h: Harness;
  let bearer: string;
  beforeAll(async () => {
    h = await startHarness({ config: { backoffBaseMs: 50, delivery: { versionRetentionMs: 2_000, api: { maxRequests: 10_000, windowMs: 1_000 } } } });
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
    await h.worker({ concurrency: 10 });
    bearer = `Bearer ${(await createApiKey(h.engine, "site", op)).key}`;
  });
  afterAll(() => h.stop());

  const followers = (account: string, query: Record<string, string>) => runApi(h.engine, bearer, (c) => apiFollowers(h.engine, c, account, query));
  const changes = (account: string, since: string) => runApi(h.engine, bearer, (c) => apiChanges(h.engine, c, account, { since }));

  it("pages a synced set with small pages, then gives exactly simnet's changes; old cursors live out their retention", async () => {
    const { account } = await newAccount(h, "facebook", 1_234);
    await syncDone(h, [account]);
    const v1 = await readAll(h.engine, account, 97);
    expect(v1.pages).toBe(Math.ceil(1_234 / 97));
    await expectTruth(h, account, v1.ids);
    expect((await followersOf(h.engine, account)).count).toBe(1_234);

    // a reader halfway through v1 when v2 swaps in
    const first = await followers(account, { limit: "500" });
    expect(first).toMatchObject({ status: 200, body: { version: v1.version, count: 1_234 } });
    const cursor = (first.body as { next: string }).next;

    const [network, id] = account.split(":") as [string, string];
    await h.simnet.admin("POST", `/_simnet/accounts/${network}/${id}/followers`, { add: 40, remove: 25 });
    await syncDone(h, [account]);
    const v2 = await readAll(h.engine, account, 250);
    await expectTruth(h, account, v2.ids);
    expect(v2.version).not.toBe(v1.version);

    const before = new Set(v1.ids);
    const after = new Set(v2.ids);
    const got = await changes(account, v1.version);
    expect(got.status).toBe(200);
    const ch = got.body as { added: string[]; removed: string[]; version: string };
    expect(ch.version).toBe(v2.version);
    expect(ch.added).toHaveLength(40);
    expect(ch.removed).toHaveLength(25);
    expect(new Set(ch.added)).toEqual(new Set(v2.ids.filter((x) => !before.has(x))));
    expect(new Set(ch.removed)).toEqual(new Set(v1.ids.filter((x) => !after.has(x))));
    expect((await changes(account, v2.version)).body).toEqual({ added: [], removed: [], version: v2.version });

    // the v1 cursor still reads v1 (its remaining 734 ids), then expires
    const rest = await followers(account, { cursor, limit: "10000" });
    expect(rest.body).toMatchObject({ version: v1.version, next: null });
    // the same ids, each once (in another order: where pages end decides the order within a batch)
    const again = [...(first.body as { followers: string[] }).followers, ...(rest.body as { followers: string[] }).followers];
    expect(again).toHaveLength(v1.ids.length);
    expect(new Set(again)).toEqual(new Set(v1.ids));
    const gone = await waitFor(() => followers(account, { cursor, limit: "10" }), (r) => r.status === 410, { timeoutMs: 10_000, what: "410 on an expired cursor" });
    expect(gone.body).toMatchObject({ error: expect.stringMatching(/no longer kept/) });
  });

  it("answers 400, 401, 404 and 410 as INTERFACES.md says", async () => {
    const { account } = await newAccount(h, "facebook", 5);
    await syncDone(h, [account]);
    expect((await followers(account, { limit: "0" })).status).toBe(400);
    expect((await followers(account, { limit: "10001" })).body).toMatchObject({ path: "limit" });
    expect((await followers(account, { limit: "ten" })).status).toBe(400);
    expect((await followers(account, { cursor: "not!a!cursor" })).status).toBe(400);
    expect((await followers(account, { limit: "10000" })).body).toMatchObject({ count: 5, next: null });
    expect((await followers("facebook:nobody-here", {})).status).toBe(404);
    expect((await followers("not-an-account", {})).status).toBe(400);
    expect((await changes(account, "0")).status).toBe(410);
    expect((await changes(account, "garbage")).status).toBe(400);
    expect((await runApi(h.engine, "Bearer fo_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", async () => "never")).status).toBe(401);
    expect((await runApi(h.engine, undefined, async () => "never")).status).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NETS, shaOf, startHarness, type Harness } from "./helpers.ts";
import { walk } from "./walkers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.quiet({ networks: { twitter: { limits: [] }, mastodon: { limits: [] } } });
});
afterAll(() => h.close());

describe("truth endpoint against a full walk of a 10,000-follower account", () => {
  for (const network of NETS) {
    it(`${network}: walking every page gives exactly the truth`, async () => {
      const acct = await h.account(network, "large");
      expect(acct.followers).toBe(10_000);
      const w = await walk(h.url, network, "large", acct.token);
      // no duplicates and no gaps on a clean walk
      expect(w.ids.length).toBe(10_000);
      expect(new Set(w.ids).size).toBe(10_000);
      const truth = await h.ok<{ count: number; sha256: string }>("GET", `/_simnet/truth/${network}/large`);
      expect(shaOf(w.ids)).toEqual(truth);
    });
  }

  it("ids look like each network's own user ids", async () => {
    const shapes: Record<string, RegExp> = {
      twitter: /^[1-9]\d{0,18}$/, facebook: /^1\d{16}$/, mastodon: /^[1-9]\d{0,17}$/, linkedin: /^[A-Za-z0-9_-]{10}$/,
    };
    for (const network of NETS) {
      const acct = await h.account(network, "medium");
      const w = await walk(h.url, network, "medium", acct.token);
      expect(w.ids.length).toBe(1_000);
      for (const id of w.ids) expect(id).toMatch(shapes[network] ?? /x/);
    }
  });

  it("newest first: followers added later come first on the first page", async () => {
    for (const network of NETS) {
      const acct = await h.account(network, "small");
      const before = await walk(h.url, network, "small", acct.token);
      await h.ok("POST", `/_simnet/accounts/${network}/small/followers`, { add: 3 });
      const after = await walk(h.url, network, "small", acct.token);
      expect(after.ids.slice(3)).toEqual(before.ids);
      expect(after.ids.slice(0, 3).some((id) => before.ids.includes(id))).toBe(false);
    }
  });

  it("the whale has a million followers on every network and pages deep without precomputation", async () => {
    for (const network of NETS) {
      const whale = await h.account(network, "whale");
      expect(whale.followers).toBe(1_000_000);
    }
    const li = await h.account("linkedin", "whale");
    const res = await fetch(`${h.url}/linkedin/v2/connections?q=viewer&start=999990&count=50`, { headers: { authorization: `Bearer ${li.token}` } });
    const body = (await res.json()) as { elements: unknown[]; paging: { total: number } };
    expect(body.elements.length).toBe(10);
    expect(body.paging.total).toBe(1_000_000);
  });
});

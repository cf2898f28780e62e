import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { get, NETS, shaOf, startHarness, type Harness } from "./helpers.ts";
import { walk } from "./walkers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await h.ok("POST", "/_simnet/reset");
  await h.quiet({ networks: { twitter: { limits: [] }, mastodon: { limits: [] } } });
});
afterAll(() => h.close());

describe("short and overlapping pages", () => {
  for (const network of NETS) {
    it(`${network}: every page is a subset of the truth and the union equals it`, async () => {
      const { token } = await h.account(network, "medium");
      const truth = await h.ok<{ count: number; sha256: string }>("GET", `/_simnet/truth/${network}/medium`);
      const clean = new Set((await walk(h.url, network, "medium", token, 20)).ids);
      await h.ok("PATCH", "/_simnet/config", { networks: { [network]: { shortPageRate: 0.4, overlapRate: 0.4 } } });
      const w = await walk(h.url, network, "medium", token, 20);
      for (const id of w.ids) expect(clean.has(id)).toBe(true);
      expect(shaOf(w.ids)).toEqual(truth);
      // the faults really happened: some pages short (not counting the last), some ids repeated
      expect(w.pages.slice(0, -1).some((p) => p.length < 20)).toBe(true);
      expect(w.ids.length).toBeGreaterThan(new Set(w.ids).size);
    });
  }
});

describe("endless paging and zero totals off LinkedIn", () => {
  it("twitter endlessPaging: next_token forever, each page one already-seen follower", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { endlessPaging: ["small"] } } });
    const { token } = await h.account("twitter", "small");
    const seen = new Set<string>();
    let next: string | undefined;
    for (let i = 0; i < 30; i++) {
      const q = next === undefined ? "" : `&pagination_token=${next}`;
      const res = await get(`${h.url}/twitter/2/users/small/followers?max_results=10${q}`, "twitter", token);
      const body = (await res.json()) as { data?: { id: string }[]; meta: { next_token?: string } };
      const ids = (body.data ?? []).map((u) => u.id);
      if (i >= 4) {
        expect(ids).toHaveLength(1);
        expect(seen.has(ids[0] ?? "")).toBe(true);
      }
      for (const id of ids) seen.add(id);
      expect(body.meta.next_token).toBeTypeOf("string");
      next = body.meta.next_token;
    }
    expect(seen.size).toBe(37);
    // another account is unaffected
    const w = await walk(h.url, "twitter", "medium", token, 100);
    expect(w.ids).toHaveLength(1_000);
  });

  it("mastodon endlessPaging: a Link next forever; facebook zeroTotal: summary.total_count 0", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { mastodon: { endlessPaging: true }, facebook: { zeroTotal: true } } });
    const m = await h.account("mastodon", "solo");
    let url = `${h.url}/mastodon/api/v1/accounts/solo/followers`;
    for (let i = 0; i < 10; i++) {
      const res = await get(url, "mastodon", m.token);
      expect(((await res.json()) as unknown[]).length).toBe(1);
      const next = /<([^>]+)>; rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
      expect(next).toBeDefined();
      url = next ?? "";
    }
    const f = await h.account("facebook", "small");
    const res = await get(`${h.url}/facebook/v19.0/me/friends?summary=total_count`, "facebook", f.token);
    expect(((await res.json()) as { summary: { total_count: number } }).summary.total_count).toBe(0);
  });
});

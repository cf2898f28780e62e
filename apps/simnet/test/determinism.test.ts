import { describe, expect, it } from "vitest";
import { FollowerSet } from "../src/accounts/follower-set.ts";
import { newAccount, followerId } from "../src/accounts/account.ts";
import { createPermutation48, DOMAIN_48 } from "../src/ids/feistel.ts";
import { createRng } from "../src/ids/rng.ts";
import { decodeCursor, encodeCursor } from "../src/paging/cursor.ts";
import { startHarness, type AccountView } from "./helpers.ts";

describe("seeded data", () => {
  it("the same seed gives the same tokens and truth; another seed gives others; tokens never embed the id", async () => {
    const [a, b, c] = await Promise.all([startHarness(7), startHarness(7), startHarness(8)]);
    try {
      const list = (x: typeof a) => x.ok<AccountView[]>("GET", "/_simnet/accounts");
      const [la, lb, lc] = await Promise.all([list(a), list(b), list(c)]);
      expect(la).toEqual(lb);
      expect(la.map((x) => x.token)).not.toEqual(lc.map((x) => x.token));
      expect(new Set(la.map((x) => x.token)).size).toBe(la.length);
      for (const acct of la) {
        expect(acct.token).not.toContain(acct.id);
        expect(Buffer.from(acct.token, "base64url").toString("latin1")).not.toContain(acct.id);
      }
      const truth = (x: typeof a) => x.ok("GET", "/_simnet/truth/linkedin/big");
      const [ta, tb, tc] = await Promise.all([truth(a), truth(b), truth(c)]);
      expect(ta).toEqual(tb);
      expect(ta).not.toEqual(tc);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("follower ids are distinct per account (a bijection on ordinals)", () => {
    for (const network of ["twitter", "facebook", "linkedin", "mastodon"] as const) {
      const acct = newAccount(3, network, "x", 0);
      const ids = new Set<string>();
      for (let o = 0; o < 50_000; o++) ids.add(followerId(acct, o));
      expect(ids.size).toBe(50_000);
    }
  });
});

describe("building blocks", () => {
  it("the 48-bit permutation inverts", () => {
    const p = createPermutation48([1, 2, 3, 4]);
    const rng = createRng(1, "t");
    for (let i = 0; i < 2_000; i++) {
      const v = Math.floor(rng() * DOMAIN_48);
      const f = p.forward(v);
      expect(f).toBeLessThan(DOMAIN_48);
      expect(p.inverse(f)).toBe(v);
    }
  });

  it("cursors decode on their account only and reject tampering", () => {
    const a = newAccount(1, "twitter", "a", 10);
    const b = newAccount(1, "twitter", "b", 10);
    const c = encodeCursor(a, "next", 123_456);
    expect(decodeCursor(a, c)).toEqual({ kind: "next", n: 123_456 });
    expect(decodeCursor(b, c)).toBeUndefined();
    expect(decodeCursor(a, c.slice(0, -1) + (c.endsWith("0") ? "1" : "0"))).toBeUndefined();
    expect(decodeCursor(a, "!!")).toBeUndefined();
  });

  it("FollowerSet positions, ranges and removals agree with a plain array model", () => {
    const set = new FollowerSet(300);
    set.remove(120, createRng(1, "r1"));
    set.add(40);
    set.remove(50, createRng(1, "r2"));
    const live: number[] = [];
    set.forEachLive((o) => live.push(o));
    expect(live).toHaveLength(300 + 40 - 170);
    expect(set.count).toBe(live.length);
    for (let p = 0; p < live.length; p++) expect(set.ordinalAt(p)).toBe(live[p]);
    expect(set.ordinalAt(live.length)).toBeUndefined();
    for (const below of [0, 5, 77, 200, 339, 340, 1_000]) {
      const out: number[] = [];
      set.takeBelow(below, 13, out);
      expect(out).toEqual(live.filter((o) => o < below).slice(0, 13));
    }
    for (const above of [-1, 10, 150, 339]) {
      expect(set.takeAbove(above, 7, true)).toEqual(live.filter((o) => o > above).slice(-7));
      expect(set.takeAbove(above, 7, false)).toEqual(live.filter((o) => o > above).slice(0, 7));
    }
  });
});

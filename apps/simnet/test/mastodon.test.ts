import { waitFor } from "@fanout/testkit/wait";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { links, shaOf, startHarness, type AccountView, type Harness } from "./helpers.ts";
import { walk } from "./walkers.ts";

let h: Harness;
let small: AccountView;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await h.ok("POST", "/_simnet/reset");
  await h.quiet();
  small = await h.account("mastodon", "small");
});
afterAll(() => h.close());

type MAccount = { id: string; username: string; acct: string };
const followers = (id: string, q = "", token: string | null = small.token): Promise<Response> =>
  fetch(`${h.url}/mastodon/api/v1/accounts/${id}/followers${q}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

describe("mastodon paging", () => {
  it("pages only through the Link header with follow-record max_id, not account ids", async () => {
    const res = await followers("small", "?limit=10");
    const body = (await res.json()) as MAccount[];
    expect(body).toHaveLength(10);
    const l = links(res.headers.get("link"));
    const maxId = new URL(l.next ?? "").searchParams.get("max_id") ?? "";
    expect(maxId).toMatch(/^\d+$/);
    expect(body.map((a) => a.id)).not.toContain(maxId);
    expect(l.prev).toContain("min_id=");
    const w = await walk(h.url, "mastodon", "small", small.token, 10);
    expect(w.pages.map((p) => p.length)).toEqual([10, 10, 10, 7]);
    expect(shaOf(w.ids)).toEqual(await h.ok("GET", "/_simnet/truth/mastodon/small"));
  });

  it("a total that is a multiple of limit ends with [] and no Link", async () => {
    const { token } = await h.account("mastodon", "medium");
    const w = await walk(h.url, "mastodon", "medium", token, 40);
    expect(w.pages).toHaveLength(26);
    expect(w.pages[24]).toHaveLength(40);
    expect(w.pages[25]).toEqual([]);
    const lastUrl = `?limit=40&max_id=1`;
    const end = await followers("medium", lastUrl, token);
    expect(await end.json()).toEqual([]);
    expect(end.headers.get("link")).toBeNull();
  });

  it("limit defaults to 40 and is clamped to 80", async () => {
    const { token } = await h.account("mastodon", "medium");
    expect(((await (await followers("medium", "", token)).json()) as unknown[]).length).toBe(40);
    expect(((await (await followers("medium", "?limit=500", token)).json()) as unknown[]).length).toBe(80);
  });

  it("any valid token reads any account; unknown accounts are 404 Record not found; the profile has followers_count", async () => {
    expect((await followers("medium")).status).toBe(200);
    const missing = await followers("nobody");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Record not found" });
    const profile = await fetch(`${h.url}/mastodon/api/v1/accounts/medium`, { headers: { authorization: `Bearer ${small.token}` } });
    expect(((await profile.json()) as { followers_count: number }).followers_count).toBe(1_000);
  });

  it("401 messages: missing, invalid, revoked", async () => {
    const none = await followers("small", "", null);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: "This API requires an authenticated user" });
    expect(await (await followers("small", "", "nope")).json()).toEqual({ error: "The access token is invalid" });
    await h.ok("POST", "/_simnet/accounts/mastodon/small/revoke");
    const revoked = await followers("small");
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ error: "The access token is invalid" });
    await h.ok("PATCH", "/_simnet/config", { networks: { mastodon: { tokenTtlMs: 50 } } });
    const issued = await h.ok<AccountView>("POST", "/_simnet/accounts/mastodon/small/token");
    expect((await followers("small", "", issued.token)).status).toBe(200);
    const expired = await waitFor(() => followers("small", "", issued.token), (r) => r.status === 401, { timeoutMs: 5_000 });
    expect(await expired.json()).toEqual({ error: "The access token expired" });
  });
});

describe("mastodon rate limits", () => {
  it("seed limits: 300 per 5 min with ISO-8601 microsecond resets aligned to the period", async () => {
    const res = await followers("small");
    expect(res.headers.get("x-ratelimit-limit")).toBe("300");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("299");
    const reset = res.headers.get("x-ratelimit-reset") ?? "";
    expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const ms = Number(res.headers.get("x-simnet-reset-ms"));
    expect(ms % 300_000).toBe(0);
    expect(Date.parse(reset)).toBe(ms);
  });

  it("headers describe the limit nearest exhaustion; the paging limit counts only cursor requests", async () => {
    await h.ok("PATCH", "/_simnet/config", {
      networks: { mastodon: { limits: [{ scope: "token", max: 10, windowMs: 300_000 }, { scope: "token", max: 3, windowMs: 900_000, paging: true }] } },
    });
    const plain = await followers("small", "?limit=1");
    expect(plain.headers.get("x-ratelimit-limit")).toBe("10");
    expect(plain.headers.get("x-ratelimit-remaining")).toBe("9");
    const next = links(plain.headers.get("link")).next ?? "";
    const pagingReq = (): Promise<Response> => fetch(next, { headers: { authorization: `Bearer ${small.token}` } });
    for (let i = 0; i < 3; i++) {
      const res = await pagingReq();
      expect(res.status).toBe(200);
      // the paging bucket (3) is nearer exhaustion than the general one (10)
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(2 - i));
    }
    const refused = await pagingReq();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(await refused.json()).toEqual({ error: "Too many requests" });
    // a request without a cursor still passes: its only limit has room (the paging bucket hides behind it)
    const stillOk = await followers("small", "?limit=1");
    expect(stillOk.status).toBe(200);
    expect(stillOk.headers.get("x-ratelimit-remaining")).toBe("5");
  });

  it("windows are aligned to period boundaries and reopen at the reset", async () => {
    await h.ok("PATCH", "/_simnet/config", {
      timeScale: 0.001,
      networks: { mastodon: { limits: [{ scope: "token", max: 2, windowMs: 300_000 }] } },
    });
    const first = await followers("small", "?limit=1");
    const reset = Number(first.headers.get("x-simnet-reset-ms"));
    expect(reset % 300).toBe(0);
    expect(Date.parse(first.headers.get("x-ratelimit-reset") ?? "")).toBe(reset);
    let status = 200;
    for (let i = 0; i < 3 && status === 200; i++) status = (await followers("small", "?limit=1")).status;
    expect(status).toBe(429);
    await waitFor(() => Date.now(), (now) => now >= reset + 300, { timeoutMs: 5_000 });
    expect((await followers("small", "?limit=1")).status).toBe(200);
    const stats = await h.ok<{ networks: { mastodon: { overLimit: number; rateLimited: number } } }>("GET", "/_simnet/stats");
    expect(stats.networks.mastodon.overLimit).toBe(0);
    expect(stats.networks.mastodon.rateLimited).toBeGreaterThan(0);
  });
});

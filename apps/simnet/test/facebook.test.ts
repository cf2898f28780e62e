import { waitFor } from "@fanout/testkit/wait";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { shaOf, startHarness, type AccountView, type Harness } from "./helpers.ts";
import { walk } from "./walkers.ts";

let h: Harness;
let small: AccountView;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await h.ok("POST", "/_simnet/reset");
  await h.quiet();
  small = await h.account("facebook", "small");
});
afterAll(() => h.close());

interface GraphPage { data: { id: string; name: string }[]; paging?: { cursors: { before?: string; after: string }; next?: string; previous?: string }; summary?: { total_count: number } }
interface GraphError { error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string } }

const friends = (path: string, token = small.token): Promise<Response> =>
  fetch(`${h.url}/facebook/${path}${path.includes("?") ? "&" : "?"}access_token=${token}`);

describe("facebook paging", () => {
  it("pages with {data, paging:{cursors, next, previous}}; the end has no next", async () => {
    const p1 = (await (await friends("v19.0/me/friends?limit=10")).json()) as GraphPage;
    expect(p1.data).toHaveLength(10);
    expect(p1.paging?.cursors.before).toBeTypeOf("string");
    expect(p1.paging?.previous).toBeUndefined();
    const next = p1.paging?.next ?? "";
    expect(next).toContain("access_token=");
    const p2 = (await (await fetch(next)).json()) as GraphPage;
    expect(p2.paging?.previous).toBeTypeOf("string");
    const back = (await (await fetch(p2.paging?.previous ?? "")).json()) as GraphPage;
    expect(back.data.map((f) => f.id)).toEqual(p1.data.map((f) => f.id));
    const w = await walk(h.url, "facebook", "small", small.token, 10);
    expect(w.pages.map((p) => p.length)).toEqual([10, 10, 10, 7]);
    expect(shaOf(w.ids)).toEqual(await h.ok("GET", "/_simnet/truth/facebook/small"));
  });

  it("limit defaults to 25 and is clamped to 100; an `after` cursor pages on", async () => {
    const { token } = await h.account("facebook", "medium");
    expect(((await (await friends("v19.0/me/friends", token)).json()) as GraphPage).data).toHaveLength(25);
    const big = (await (await friends("v19.0/me/friends?limit=5000", token)).json()) as GraphPage;
    expect(big.data).toHaveLength(100);
    const after = big.paging?.cursors.after ?? "";
    const p2 = (await (await friends(`v19.0/me/friends?limit=100&after=${after}`, token)).json()) as GraphPage;
    expect(p2.data[0]?.id).not.toBe(big.data[99]?.id);
    expect((await friends("v19.0/me/friends?after=bogus", token)).status).toBe(400);
  });

  it("summary=total_count, any vNN.N prefix or none, /me and the own id", async () => {
    for (const path of ["v19.0/me/friends", "v2.12/small/friends", "me/friends", "small/friends"]) {
      const res = await friends(`${path}?summary=total_count&limit=1`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as GraphPage).summary?.total_count).toBe(37);
    }
    expect(((await (await friends("me/friends")).json()) as GraphPage).summary).toBeUndefined();
    const empty = await h.account("facebook", "empty");
    expect(await (await friends("me/friends?summary=total_count", empty.token)).json()).toEqual({ data: [], summary: { total_count: 0 } });
  });

  it("another user's list gets the permission error; a Bearer header works like access_token", async () => {
    const res = await friends("v19.0/medium/friends");
    expect(res.status).toBe(403);
    const body = (await res.json()) as GraphError;
    expect(body.error).toMatchObject({ code: 200, type: "OAuthException" });
    expect(body.error.message).toMatch(/^\(#200\)/);
    const bearer = await fetch(`${h.url}/facebook/v19.0/me/friends`, { headers: { authorization: `Bearer ${small.token}` } });
    expect(bearer.status).toBe(200);
  });
});

describe("facebook auth and throttling", () => {
  it("no token: 400 code 104; bad token: 190; revoked: 190/458; expired: 190/463", async () => {
    const none = await fetch(`${h.url}/facebook/v19.0/me/friends`);
    expect(none.status).toBe(400);
    expect(((await none.json()) as GraphError).error).toMatchObject({
      code: 104, type: "OAuthException", message: "An access token is required to request this resource.",
    });
    const bad = (await (await friends("me/friends", "EAAGnope")).json()) as GraphError;
    expect(bad.error.code).toBe(190);
    await h.ok("POST", "/_simnet/accounts/facebook/small/revoke");
    const revoked = await friends("me/friends");
    expect(revoked.status).toBe(400);
    expect(((await revoked.json()) as GraphError).error).toMatchObject({ code: 190, error_subcode: 458 });
    await h.ok("PATCH", "/_simnet/config", { networks: { facebook: { tokenTtlMs: 1 } } });
    const issued = await h.ok<AccountView>("POST", "/_simnet/accounts/facebook/small/token");
    const expired = await waitFor(async () => (await friends("me/friends", issued.token)).json() as Promise<GraphError>,
      (b) => "error" in b, { timeoutMs: 5_000 });
    expect(expired.error).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it("a published limit: X-App-Usage percentages, then HTTP 400 code 17 with X-App-Usage at 100", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { facebook: { limits: [{ scope: "app", max: 4, windowMs: 60_000 }] } } });
    const usages: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await friends("me/friends?limit=1");
      expect(res.status).toBe(200);
      usages.push(res.headers.get("x-app-usage"));
      expect(res.headers.get("x-simnet-reset-ms")).not.toBeNull();
    }
    expect(usages.map((u) => (JSON.parse(u ?? "{}") as { call_count: number }).call_count)).toEqual([25, 50, 75, 100]);
    // app scope: another user's token is in the same bucket
    const other = await h.account("facebook", "medium");
    const res = await friends("me/friends", other.token);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.headers.get("x-app-usage") ?? "{}")).toMatchObject({ call_count: 100 });
    const body = (await res.json()) as GraphError;
    expect(body.error).toMatchObject({ code: 17, type: "OAuthException", message: "(#17) User request limit reached" });
  });

  it("a scaled window reopens at x-simnet-reset-ms", async () => {
    await h.ok("PATCH", "/_simnet/config", { timeScale: 0.001, networks: { facebook: { limits: [{ scope: "token", max: 2, windowMs: 300_000 }] } } });
    const first = await friends("me/friends");
    const reset = Number(first.headers.get("x-simnet-reset-ms"));
    expect(reset - Date.now()).toBeLessThanOrEqual(300);
    await friends("me/friends");
    expect((await friends("me/friends")).status).toBe(400);
    await waitFor(() => Date.now(), (now) => now >= reset, { timeoutMs: 5_000 });
    expect((await friends("me/friends")).status).toBe(200);
  });

  it("X-App-Usage is omitted while usage is about zero", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { facebook: { limits: [{ scope: "token", max: 1000, windowMs: 60_000 }] } } });
    const res = await friends("me/friends");
    expect(res.headers.get("x-app-usage")).toBeNull();
    expect(res.headers.get("x-simnet-reset-ms")).toBeNull();
  });

  it("hiddenLimit: code 17 without X-App-Usage", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { facebook: { hiddenLimit: { perSecond: 1 } } } });
    expect((await friends("me/friends")).status).toBe(200);
    const res = await friends("me/friends");
    expect(res.status).toBe(400);
    expect(res.headers.get("x-app-usage")).toBeNull();
    expect(((await res.json()) as GraphError).error.code).toBe(17);
  });
});

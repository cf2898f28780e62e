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
  small = await h.account("linkedin", "small");
});
afterAll(() => h.close());

interface LiPage { elements: { to: string }[]; paging: { start: number; count: number; total: number; links: { rel: string; href: string }[] } }
interface LiError { status: number; serviceErrorCode?: number; message: string }

const conn = (q: string, token: string | null = small.token): Promise<Response> =>
  fetch(`${h.url}/linkedin/v2/connections?${q}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

describe("linkedin paging", () => {
  it("start/count paging with paging.total and next links; elements are {to: urn:li:person:ID}", async () => {
    const body = (await (await conn("q=viewer&start=30&count=5")).json()) as LiPage;
    expect(body.elements).toHaveLength(5);
    for (const e of body.elements) expect(e.to).toMatch(/^urn:li:person:[A-Za-z0-9_-]{10}$/);
    expect(body.paging).toMatchObject({ start: 30, count: 5, total: 37 });
    expect(body.paging.links.find((l) => l.rel === "next")?.href).toBe("/linkedin/v2/connections?q=viewer&start=35&count=5");
    const last = (await (await conn("q=viewer&start=35&count=5")).json()) as LiPage;
    expect(last.elements).toHaveLength(2);
    expect(last.paging.links.find((l) => l.rel === "next")).toBeUndefined();
    const w = await walk(h.url, "linkedin", "small", small.token, 10);
    expect(w.pages.map((p) => p.length)).toEqual([10, 10, 10, 7]);
    expect(shaOf(w.ids)).toEqual(await h.ok("GET", "/_simnet/truth/linkedin/small"));
  });

  it("count defaults to 10 and is clamped to 50; q=viewer is required; bad numbers are 400", async () => {
    const { token } = await h.account("linkedin", "medium");
    const def = (await (await conn("q=viewer", token)).json()) as LiPage;
    expect(def.elements).toHaveLength(10);
    expect(def.paging.count).toBe(10);
    const clamped = (await (await conn("q=viewer&count=500", token)).json()) as LiPage;
    expect(clamped.elements).toHaveLength(50);
    expect(clamped.paging.total).toBe(1_000);
    expect((await conn("count=5", token)).status).toBe(400);
    expect((await conn("q=viewer&start=-1", token)).status).toBe(400);
    expect((await conn("q=viewer&count=ten", token)).status).toBe(400);
  });

  it("paginationCap: start >= N answers 400 Exceeds the pagination limit", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { linkedin: { paginationCap: 20 } } });
    expect((await conn("q=viewer&start=10&count=10")).status).toBe(200);
    const res = await conn("q=viewer&start=20&count=10");
    expect(res.status).toBe(400);
    expect(((await res.json()) as LiError)).toMatchObject({ status: 400, message: "Exceeds the pagination limit" });
  });

  it("zeroTotal: paging.total 0 for listed accounts only; the list still pages to its end", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { linkedin: { zeroTotal: ["small"] } } });
    expect(((await (await conn("q=viewer")).json()) as LiPage).paging.total).toBe(0);
    const medium = await h.account("linkedin", "medium");
    expect(((await (await conn("q=viewer", medium.token)).json()) as LiPage).paging.total).toBe(1_000);
    const w = await walk(h.url, "linkedin", "small", small.token, 10);
    expect(shaOf(w.ids)).toEqual(await h.ok("GET", "/_simnet/truth/linkedin/small"));
  });

  it("endlessPaging: total 0 and, past the true end, one already-seen follower per page, forever", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { linkedin: { endlessPaging: true } } });
    const seen = new Set<string>();
    let start = 0;
    for (let i = 0; i < 4; i++) {
      const body = (await (await conn(`q=viewer&start=${start}&count=10`)).json()) as LiPage;
      expect(body.paging.total).toBe(0);
      for (const e of body.elements) seen.add(e.to);
      start += body.elements.length;
    }
    expect(seen.size).toBe(37);
    for (let i = 0; i < 25; i++) {
      const body = (await (await conn(`q=viewer&start=${start}&count=10`)).json()) as LiPage;
      expect(body.elements).toHaveLength(1);
      expect(seen.has(body.elements[0]?.to ?? "")).toBe(true);
      expect(body.paging.links.some((l) => l.rel === "next")).toBe(true);
      start += 1;
    }
  });
});

describe("linkedin auth, permissions, throttling", () => {
  it("401 65600 for a missing or invalid token, 65601 once revoked", async () => {
    for (const token of [null, "AQVnope"]) {
      const res = await conn("q=viewer", token);
      expect(res.status).toBe(401);
      expect(((await res.json()) as LiError)).toMatchObject({ status: 401, serviceErrorCode: 65600 });
    }
    await h.ok("POST", "/_simnet/accounts/linkedin/small/revoke");
    const res = await conn("q=viewer");
    expect(((await res.json()) as LiError)).toMatchObject({ status: 401, serviceErrorCode: 65601 });
    // oauth2_access_token in the query also authenticates
    const medium = await h.account("linkedin", "medium");
    expect((await fetch(`${h.url}/linkedin/v2/connections?q=viewer&oauth2_access_token=${medium.token}`)).status).toBe(200);
  });

  it("an expired token (tokenTtlMs) is 401 65602", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { linkedin: { tokenTtlMs: 50 } } });
    const issued = await h.ok<AccountView>("POST", "/_simnet/accounts/linkedin/small/token");
    expect((await conn("q=viewer", issued.token)).status).toBe(200);
    const body = await waitFor(async () => (await conn("q=viewer", issued.token)).json() as Promise<LiError>, (b) => b.status === 401, { timeoutMs: 5_000 });
    expect(body).toMatchObject({ serviceErrorCode: 65602 });
  });

  it("another member's connections: 403 serviceErrorCode 100", async () => {
    const res = await conn("q=viewer&viewer=urn:li:person:medium");
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ status: 403, serviceErrorCode: 100, message: "Not enough permissions to access: GET-viewer /connections" });
    expect((await conn("q=viewer&viewer=small")).status).toBe(200);
  });

  it("throttled with 429 serviceErrorCode 101 and no rate-limit headers", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { linkedin: { limits: [{ scope: "token", max: 2, windowMs: 60_000 }] } } });
    const ok = await conn("q=viewer");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-simnet-reset-ms")).toBeNull();
    await conn("q=viewer");
    const res = await conn("q=viewer");
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ status: 429, serviceErrorCode: 101, message: "Resource level throttle limit for calls to this resource is reached." });
    expect(res.headers.get("retry-after")).toBeNull();
    expect(res.headers.get("x-simnet-reset-ms")).toBeNull();
  });

  it("a scaled window reopens after its (unannounced) reset", async () => {
    await h.ok("PATCH", "/_simnet/config", { timeScale: 0.001, networks: { linkedin: { limits: [{ scope: "token", max: 1, windowMs: 300_000 }] } } });
    const t0 = Date.now();
    expect((await conn("q=viewer")).status).toBe(200);
    expect((await conn("q=viewer")).status).toBe(429);
    await waitFor(async () => (await conn("q=viewer")).status, (s) => s === 200, { timeoutMs: 5_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

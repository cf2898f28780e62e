import { waitFor } from "@fanout/testkit/wait";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { shaOf, startHarness, type Harness } from "./helpers.ts";
import { walk } from "./walkers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await h.ok("POST", "/_simnet/reset");
  await h.quiet();
});
afterAll(() => h.close());

const followers = (id: string, q = ""): string => `${h.url}/twitter/2/users/${id}/followers${q}`;
const auth = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

describe("twitter paging", () => {
  it("pages with next_token, result_count and previous_token; the last page has no next_token", async () => {
    const { token } = await h.account("twitter", "small");
    const p1 = (await (await fetch(followers("small", "?max_results=10"), auth(token))).json()) as {
      data: { id: string; name: string; username: string }[]; meta: { result_count: number; next_token?: string; previous_token?: string };
    };
    expect(p1.data).toHaveLength(10);
    expect(p1.meta.result_count).toBe(10);
    expect(p1.meta.previous_token).toBeUndefined();
    expect(typeof p1.meta.next_token).toBe("string");
    const p2 = (await (await fetch(followers("small", `?max_results=10&pagination_token=${p1.meta.next_token ?? ""}`), auth(token))).json()) as typeof p1;
    expect(p2.data.map((u) => u.id).some((id) => p1.data.some((u) => u.id === id))).toBe(false);
    // previous_token goes back to the page before
    const back = (await (await fetch(followers("small", `?max_results=10&pagination_token=${p2.meta.previous_token ?? ""}`), auth(token))).json()) as typeof p1;
    expect(back.data.map((u) => u.id)).toEqual(p1.data.map((u) => u.id));
    const w = await walk(h.url, "twitter", "small", token, 10);
    expect(w.pages.map((p) => p.length)).toEqual([10, 10, 10, 7]);
    expect(shaOf(w.ids)).toEqual(await h.ok("GET", "/_simnet/truth/twitter/small"));
  });

  it("default page size is 100; an empty list has meta.result_count 0 and no data", async () => {
    const { token } = await h.account("twitter", "medium");
    const body = (await (await fetch(followers("medium"), auth(token))).json()) as { data: unknown[] };
    expect(body.data).toHaveLength(100);
    const empty = await fetch(followers("empty"), auth(token));
    expect(await empty.json()).toEqual({ meta: { result_count: 0 } });
  });

  it("max_results outside 1-1000 is a 400 invalid-request problem naming the parameter", async () => {
    const { token } = await h.account("twitter", "small");
    for (const bad of ["0", "1001", "abc", "-5", "2.5"]) {
      const res = await fetch(followers("small", `?max_results=${bad}`), auth(token));
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const body = (await res.json()) as { type: string; errors: { parameters: Record<string, string[]> }[] };
      expect(body.type).toBe("https://api.twitter.com/2/problems/invalid-request");
      expect(body.errors[0]?.parameters.max_results).toEqual([bad]);
    }
    expect((await fetch(followers("small", "?max_results=1000"), auth(token))).status).toBe(200);
  });

  it("a forged or foreign pagination_token is a 400", async () => {
    const { token } = await h.account("twitter", "small");
    const other = (await (await fetch(followers("medium", "?max_results=5"), auth(token))).json()) as { meta: { next_token: string } };
    for (const bad of ["zzz", other.meta.next_token, other.meta.next_token.replace(/.$/, (c) => (c === "0" ? "1" : "0"))]) {
      const res = await fetch(followers("small", `?pagination_token=${bad}`), auth(token));
      expect(res.status).toBe(400);
    }
  });

  it("any valid token reads any account; unknown users are a 200 with a resource-not-found error", async () => {
    const { token } = await h.account("twitter", "solo");
    expect((await fetch(followers("medium"), auth(token))).status).toBe(200);
    const res = await fetch(followers("nobody"), auth(token));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data?: unknown; errors: { type: string; resource_id: string }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toMatchObject({ type: "https://api.twitter.com/2/problems/resource-not-found", resource_id: "nobody" });
  });

  it("the profile carries public_metrics.followers_count", async () => {
    const { token } = await h.account("twitter", "small");
    const res = await fetch(`${h.url}/twitter/2/users/medium?user.fields=public_metrics`, auth(token));
    const body = (await res.json()) as { data: { id: string; public_metrics: { followers_count: number } } };
    expect(body.data.id).toBe("medium");
    expect(body.data.public_metrics.followers_count).toBe(1_000);
    const me = (await (await fetch(`${h.url}/twitter/2/users/me`, auth(token))).json()) as { data: { id: string; public_metrics?: unknown } };
    expect(me.data).toMatchObject({ id: "small" });
    expect(me.data.public_metrics).toBeUndefined();
  });
});

describe("twitter rate limits", () => {
  it("15 per window per token, in epoch seconds, with x-simnet-reset-ms; the 16th is a 429 about:blank; the window reopens", async () => {
    await h.ok("PATCH", "/_simnet/config", { timeScale: 0.001 }); // 15 min -> 900 ms
    const { token } = await h.account("twitter", "small");
    const t0 = Date.now();
    let reset = 0;
    for (let i = 1; i <= 15; i++) {
      const res = await fetch(followers("small", "?max_results=5"), auth(token));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-rate-limit-limit")).toBe("15");
      expect(res.headers.get("x-rate-limit-remaining")).toBe(String(15 - i));
      reset = Number(res.headers.get("x-simnet-reset-ms"));
      const resetS = Number(res.headers.get("x-rate-limit-reset"));
      expect(resetS).toBe(Math.ceil(reset / 1000));
    }
    // anchored at the first call: reset = first call + 900 ms
    expect(reset).toBeGreaterThanOrEqual(t0 + 900);
    expect(reset).toBeLessThanOrEqual(Date.now() + 900);
    const limited = await fetch(followers("small", "?max_results=5"), auth(token));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeNull();
    expect(limited.headers.get("x-rate-limit-remaining")).toBe("0");
    expect(await limited.json()).toEqual({ title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 });
    // another token has its own bucket
    const other = await h.account("twitter", "solo");
    expect((await fetch(followers("small"), auth(other.token))).status).toBe(200);
    await waitFor(() => Date.now(), (now) => now >= reset, { timeoutMs: 5_000 });
    const again = await fetch(followers("small", "?max_results=5"), auth(token));
    expect(again.status).toBe(200);
    expect(again.headers.get("x-rate-limit-remaining")).toBe("14");
    const stats = await h.ok<{ networks: { twitter: { rateLimited: number; overLimit: number } } }>("GET", "/_simnet/stats");
    expect(stats.networks.twitter.rateLimited).toBe(1);
    expect(stats.networks.twitter.overLimit).toBe(0);
  });

  it("usageCap: UsageCapExceeded 429 while the headers still show remaining > 0", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { usageCap: { max: 2 } } } });
    const { token } = await h.account("twitter", "small");
    expect((await fetch(followers("small"), auth(token))).status).toBe(200);
    expect((await fetch(followers("small"), auth(token))).status).toBe(200);
    const capped = await fetch(followers("small"), auth(token));
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get("x-rate-limit-remaining"))).toBeGreaterThan(0);
    const body = (await capped.json()) as { title: string; type: string; detail: string };
    expect(body.title).toBe("UsageCapExceeded");
    expect(body.type).toBe("https://api.twitter.com/2/problems/usage-capped");
  });

  it("hiddenLimit: 429 with no rate-limit headers and no reset", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { limits: [], hiddenLimit: { perSecond: 3 } } } });
    const { token } = await h.account("twitter", "small");
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await fetch(followers("small"), auth(token));
      statuses.push(res.status);
      if (res.status === 429) refused = res;
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
    expect(refused?.headers.get("x-rate-limit-reset")).toBeNull();
    expect(refused?.headers.get("x-simnet-reset-ms")).toBeNull();
    expect(refused?.headers.get("retry-after")).toBeNull();
  });
});

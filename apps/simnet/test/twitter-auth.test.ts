import { waitFor } from "@fanout/testkit/wait";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type AccountView, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await h.ok("POST", "/_simnet/reset");
  await h.quiet();
});
afterAll(() => h.close());

const page = (token: string | undefined): Promise<Response> =>
  fetch(`${h.url}/twitter/2/users/small/followers`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

const refresh = (refreshToken: string): Promise<Response> =>
  fetch(`${h.url}/twitter/2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}&client_id=fanout`,
  });

const UNAUTHORIZED = { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" };

describe("twitter auth", () => {
  it("missing and unknown tokens get 401 problem details without rate-limit headers", async () => {
    for (const token of [undefined, "not-a-token"]) {
      const res = await page(token);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.headers.get("x-rate-limit-limit")).toBeNull();
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }
  });

  it("revoke: the token and its refresh token stop working; a re-issued token works; reset undoes the revocation", async () => {
    const before = await h.account("twitter", "small");
    await h.ok("POST", "/_simnet/accounts/twitter/small/revoke");
    expect((await page(before.token)).status).toBe(401);
    const r = await refresh(before.refreshToken);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toBe("invalid_request");
    const issued = await h.ok<AccountView>("POST", "/_simnet/accounts/twitter/small/token");
    expect(issued.token).not.toBe(before.token);
    expect((await h.account("twitter", "small")).token).toBe(issued.token);
    expect((await page(issued.token)).status).toBe(200);
    expect((await page(before.token)).status).toBe(401);
    await h.ok("POST", "/_simnet/reset");
    expect((await page(before.token)).status).toBe(200);
  });

  it("tokenTtlMs: tokens issued after the PATCH expire (401); the refresh flow rotates the pair; reuse is 400", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { tokenTtlMs: 300 } } });
    const seeded = await h.account("twitter", "small");
    const issued = await h.ok<AccountView>("POST", "/_simnet/accounts/twitter/small/token");
    expect((await page(issued.token)).status).toBe(200);
    await waitFor(async () => (await page(issued.token)).status, (s) => s === 401, { timeoutMs: 5_000 });
    // the seeded token was issued before the PATCH: it never expires
    expect((await page(seeded.token)).status).toBe(200);

    const res = await refresh(issued.refreshToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token_type: string; access_token: string; refresh_token: string; expires_in: number };
    expect(body.token_type).toBe("bearer");
    expect(body.expires_in).toBe(1); // 300 ms, in whole seconds rounded up
    expect(body.refresh_token).not.toBe(issued.refreshToken);
    expect((await page(body.access_token)).status).toBe(200);
    expect((await h.account("twitter", "small")).token).toBe(body.access_token);

    const reuse = await refresh(issued.refreshToken);
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe("invalid_request");
    expect((await refresh(body.refresh_token)).status).toBe(200);
  });

  it("the token endpoint validates its form", async () => {
    const missing = await fetch(`${h.url}/twitter/2/oauth2/token`, { method: "POST", body: "" });
    expect(missing.status).toBe(400);
    const wrongGrant = await fetch(`${h.url}/twitter/2/oauth2/token`, { method: "POST", body: "grant_type=password" });
    expect(wrongGrant.status).toBe(400);
    expect((await fetch(`${h.url}/twitter/2/oauth2/token`)).status).toBe(405);
  });
});

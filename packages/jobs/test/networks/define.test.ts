import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineNetwork, endpoint } from "../../src/networks/define.ts";
import { createFacebookClient } from "../../src/networks/facebook.ts";
import { createLinkedInClient } from "../../src/networks/linkedin.ts";
import { createMastodonClient } from "../../src/networks/mastodon.ts";
import { createTwitterClient } from "../../src/networks/twitter.ts";
import type { PageRequest } from "../../src/networks/types.ts";
import { failure } from "./failure.ts";
import { json, startLocalServer, type Handler, type LocalServer } from "./local-server.ts";

// What each client puts on the wire, checked against a local server: paths, parameters, token placement.
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<LocalServer> {
  server = await startLocalServer(handler);
  return server;
}

const req = (over: Partial<PageRequest> = {}): PageRequest => ({ accountId: "42", cursor: null, offset: 0, pageSize: 5000, ...over });
const TOKEN = "tok-SECRET-9f8e7d";

describe("request building", () => {
  it("twitter: bearer token, max_results clamped to 1000, pagination_token", async () => {
    const s = await serve((_q, res) => json(res, 200, { data: [{ id: "1" }], meta: { result_count: 1 } }));
    const client = createTwitterClient({ baseUrl: `${s.url}/twitter` });
    await client.fetchPage(req({ cursor: "NEXT" }), { token: TOKEN });
    expect(s.seen[0]?.url).toBe("/twitter/2/users/42/followers?max_results=1000&pagination_token=NEXT");
    expect(s.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("facebook: access_token in the query, summary on the first page only, after cursor", async () => {
    const s = await serve((_q, res) => json(res, 200, { data: [] }));
    const client = createFacebookClient({ baseUrl: `${s.url}/facebook` });
    await client.fetchPage(req(), { token: TOKEN });
    await client.fetchPage(req({ cursor: "QVFI" }), { token: TOKEN });
    const [a, b] = s.seen.map((r) => new URL(r.url, s.url));
    expect(a?.pathname).toBe("/facebook/v19.0/42/friends");
    expect(Object.fromEntries(a?.searchParams ?? [])).toEqual({ limit: "100", summary: "total_count", access_token: TOKEN });
    expect(Object.fromEntries(b?.searchParams ?? [])).toEqual({ limit: "100", after: "QVFI", access_token: TOKEN });
    expect(s.seen[0]?.headers.authorization).toBeUndefined();
  });

  it("facebook: no message, cause or stack of an error shows the token", async () => {
    const s = await serve((_q, res) => json(res, 400, { error: { message: `(#190) Error validating access token ${TOKEN}`, type: "OAuthException", code: 190, error_subcode: 460 } }));
    const client = createFacebookClient({ baseUrl: `${s.url}/facebook` });
    const { err } = await failure(client.fetchPage(req(), { token: TOKEN }));
    expect(err.kind).toBe("auth_invalid");
    expect(`${err.message} ${err.stack ?? ""} ${JSON.stringify(err)}`).not.toContain(TOKEN);
    expect(err.message).toContain("GET /facebook/v19.0/42/friends");
  });

  it("linkedin: the viewer's connections by start/count (clamped to 50), never the account id", async () => {
    const s = await serve((_q, res) => json(res, 200, { elements: [], paging: { start: 100, count: 50, total: 0 } }));
    const client = createLinkedInClient({ baseUrl: `${s.url}/linkedin` });
    await client.fetchPage(req({ offset: 100 }), { token: TOKEN });
    expect(s.seen[0]?.url).toBe("/linkedin/v2/connections?q=viewer&start=100&count=50");
    expect(s.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("mastodon: the stored cursor goes back as query parameters on our own host, limit clamped to 80", async () => {
    const s = await serve((_q, res) => json(res, 200, [{ id: "1" }], { link: '<https://elsewhere.example/api/v1/accounts/42/followers?limit=80&max_id=55>; rel="next"' }));
    const client = createMastodonClient({ baseUrl: `${s.url}/mastodon` });
    const page = await client.fetchPage(req(), { token: TOKEN });
    expect(page.next).toBe("max_id=55");
    await client.fetchPage(req({ cursor: page.next }), { token: TOKEN });
    expect(s.seen.map((r) => r.url)).toEqual(["/mastodon/api/v1/accounts/42/followers?limit=80", "/mastodon/api/v1/accounts/42/followers?max_id=55&limit=80"]);
  });

  it("totals from the profiles", async () => {
    const s = await serve((q, res) =>
      q.url?.startsWith("/twitter") ? json(res, 200, { data: { id: "42", public_metrics: { followers_count: 321 } } }) : json(res, 200, { id: "42", followers_count: 654 }));
    expect((await createTwitterClient({ baseUrl: `${s.url}/twitter` }).fetchTotal?.("42", { token: TOKEN }))?.total).toBe(321);
    expect((await createMastodonClient({ baseUrl: `${s.url}/mastodon` }).fetchTotal?.("42", { token: TOKEN }))?.total).toBe(654);
    expect(s.seen.map((r) => r.url)).toEqual(["/twitter/2/users/42?user.fields=public_metrics", "/mastodon/api/v1/accounts/42"]);
  });
});

describe("twitter refresh", () => {
  it("posts the refresh form without a bearer token and reads the new pair", async () => {
    const s = await serve((_q, res) => json(res, 200, { token_type: "bearer", access_token: "A2", refresh_token: "R2", expires_in: 7200, scope: "follows.read" }));
    const client = createTwitterClient({ baseUrl: `${s.url}/twitter`, oauthClient: { id: "app-1" } });
    expect(await client.refresh?.("R1")).toEqual({ accessToken: "A2", refreshToken: "R2", expiresInMs: 7_200_000 });
    expect(s.seen[0]).toMatchObject({ method: "POST", url: "/twitter/2/oauth2/token", body: "grant_type=refresh_token&refresh_token=R1&client_id=app-1" });
    expect(s.seen[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(s.seen[0]?.headers.authorization).toBeUndefined();
  });

  it("answers auth_invalid to a used refresh token (400 invalid_request), without echoing it", async () => {
    const s = await serve((_q, res) => json(res, 400, { error: "invalid_request", error_description: "Value passed for the token was invalid." }));
    const { err } = await failure(createTwitterClient({ baseUrl: `${s.url}/twitter` }).refresh?.("R-used-123456") ?? Promise.resolve());
    expect([err.kind, err.code]).toEqual(["auth_invalid", "invalid_request"]);
    expect(err.message).not.toContain("R-used-123456");
  });
});

describe("defineNetwork for a user network", () => {
  const spec = (baseUrl: string) => ({
    name: "bluesky", baseUrl, paging: "cursor" as const, pageSize: { default: 50, max: 100 }, readsOthers: true,
    limits: [{ scope: "ip" as const, max: 3000, windowMs: 300_000 }],
    page: endpoint({
      schema: z.object({ followers: z.array(z.object({ did: z.string() })), cursor: z.string().optional() }),
      request: (r: PageRequest) => ({ path: "/xrpc/app.bsky.graph.getFollowers", query: { actor: r.accountId, limit: r.pageSize, cursor: r.cursor ?? undefined } }),
      read: (b) => ({ ids: b.followers.map((f) => f.did), next: b.cursor ?? null, total: null }),
    }),
  });

  it("serves pages and gets an error class named after the network", async () => {
    const s = await serve((q, res) => (q.url?.includes("cursor=") ? json(res, 500, { error: "InternalServerError" }) : json(res, 200, { followers: [{ did: "did:plc:a" }], cursor: "c1" })));
    const client = defineNetwork(spec(s.url));
    expect([client.name, client.paging, client.maxPageSize, client.limits.length]).toEqual(["bluesky", "cursor", 100, 1]);
    expect(await client.fetchPage(req({ pageSize: 10 }), { token: TOKEN })).toEqual({ ids: ["did:plc:a"], next: "c1", total: null, rate: null });
    const { err } = await failure(client.fetchPage(req({ cursor: "c1" }), { token: TOKEN }));
    expect(err.name).toBe("BlueskyError");
    expect(err).toBeInstanceOf(client.errorClass);
    expect(err.kind).toBe("transient");
  });

  it("refuses a spec with bad data", () => {
    expect(() => defineNetwork({ ...spec("ftp://x"), name: "Bad Name" })).toThrow(/name|baseUrl/);
    expect(() => defineNetwork({ ...spec("http://x"), pageSize: { default: 200, max: 100 } })).toThrow(/default exceeds max/);
  });
});

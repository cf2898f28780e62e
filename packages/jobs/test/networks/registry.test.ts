import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { endpoint } from "../../src/networks/define.ts";
import { createRegistry, UnknownNetworkError, type UserNetworkSpec } from "../../src/networks/registry.ts";
import type { PageRequest } from "../../src/networks/types.ts";
import { json, startLocalServer, type LocalServer } from "./local-server.ts";

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const custom: UserNetworkSpec = {
  name: "pixelfed", paging: "cursor", pageSize: { default: 40, max: 80 }, readsOthers: true, timeoutMs: 4_000,
  baseUrl: ({ simnetUrl, live }) => (live ? "https://pixelfed.social" : `${simnetUrl}/pixelfed`),
  page: endpoint({
    schema: z.array(z.object({ id: z.string() })),
    request: (r: PageRequest) => ({ path: `/api/v1/accounts/${r.accountId}/followers` }),
    read: (b) => ({ ids: b.map((a) => a.id), next: null, total: null }),
  }),
};

describe("network registry", () => {
  it("has the four built-ins with their published facts", () => {
    const reg = createRegistry({ simnetUrl: "http://127.0.0.1:4010", live: false });
    expect(reg.names()).toEqual(["twitter", "facebook", "linkedin", "mastodon"]);
    const facts = reg.names().map((n) => {
      const c = reg.require(n);
      return [c.name, c.paging, c.maxPageSize, c.readsOthers, c.limits.length, typeof c.fetchTotal, typeof c.refresh];
    });
    expect(facts).toEqual([
      ["twitter", "cursor", 1000, true, 2, "function", "function"],
      ["facebook", "cursor", 100, false, 0, "undefined", "undefined"],
      ["linkedin", "offset", 50, false, 0, "undefined", "undefined"],
      ["mastodon", "cursor", 80, true, 2, "function", "undefined"],
    ]);
    expect(reg.require("mastodon").limits).toEqual([
      { scope: "token", max: 300, windowMs: 300_000, aligned: true },
      { scope: "token", max: 300, windowMs: 900_000, aligned: true, paging: true },
    ]);
    expect(() => reg.require("myspace")).toThrow(UnknownNetworkError);
  });

  it("points built-ins at simnet under the network's prefix, and applies per-network timeouts", async () => {
    server = await startLocalServer((_q, res) => json(res, 200, { data: [], paging: {} }));
    const reg = createRegistry({ simnetUrl: `${server.url}/`, live: false, timeoutMs: { facebook: 1_234 } });
    expect(reg.require("facebook").timeoutMs).toBe(1_234);
    expect(reg.require("twitter").timeoutMs).toBe(10_000);
    await reg.require("facebook").fetchPage({ accountId: "9", cursor: null, offset: 0, pageSize: 10 }, { token: "t" });
    expect(server.seen[0]?.url).toMatch(/^\/facebook\/v19\.0\/9\/friends\?/);
  });

  it("adds user networks from config, with a base URL per mode, and refuses a taken name", () => {
    const reg = createRegistry({ simnetUrl: "http://sim:1", live: true, networks: [custom] });
    expect(reg.get("pixelfed")?.timeoutMs).toBe(4_000);
    expect(reg.names().map((n) => reg.require(n).baseUrl)).toEqual([
      "https://api.twitter.com/", "https://graph.facebook.com/", "https://api.linkedin.com/", "https://mastodon.social/", "https://pixelfed.social/"]);
    expect(createRegistry({ simnetUrl: "http://sim:1", live: false, networks: [custom] }).require("pixelfed").baseUrl).toBe("http://sim:1/pixelfed");
    expect(() => reg.add({ ...custom, name: "twitter" })).toThrow(/already defined/);
    expect(() => reg.add(custom)).toThrow(/already defined/);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NETS, shaOf, startHarness, type AccountView, type Harness } from "./helpers.ts";
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

type Cfg = { timeScale: number; networks: Record<string, Record<string, unknown>> };

describe("config", () => {
  it("seed defaults follow INTERFACES.md", async () => {
    await h.ok("POST", "/_simnet/reset");
    const cfg = await h.ok<Cfg>("GET", "/_simnet/config");
    expect(cfg.timeScale).toBe(1);
    for (const n of NETS) {
      expect(cfg.networks[n]).toMatchObject({
        latencyMs: { p50: 50, p99: 300 }, errorRate: 0, hangRate: 0, malformedRate: 0, outage: null, hiddenLimit: null,
        shortPageRate: 0, overlapRate: 0, endlessPaging: false, zeroTotal: false, paginationCap: null, usageCap: null, tokenTtlMs: null, recordArrivals: false,
      });
    }
    expect(cfg.networks.twitter?.limits).toEqual([{ scope: "token", max: 15, windowMs: 900_000 }]);
    expect(cfg.networks.mastodon?.limits).toEqual([
      { scope: "token", max: 300, windowMs: 300_000 }, { scope: "token", max: 300, windowMs: 900_000, paging: true },
    ]);
    expect(cfg.networks.facebook?.limits).toEqual([]);
    expect(cfg.networks.linkedin?.limits).toEqual([]);
  });

  it("PATCH deep-merges objects; arrays and null replace", async () => {
    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { latencyMs: { p50: 5, p99: 10 } } } });
    const cfg = await h.ok<Cfg>("PATCH", "/_simnet/config", { networks: { twitter: { latencyMs: { p99: 20 }, limits: [{ scope: "app", max: 5, windowMs: 1000 }] } } });
    expect(cfg.networks.twitter?.latencyMs).toEqual({ p50: 5, p99: 20 });
    expect(cfg.networks.twitter?.limits).toEqual([{ scope: "app", max: 5, windowMs: 1000 }]);
    expect(cfg.networks.facebook?.latencyMs).toEqual({ p50: 0, p99: 0 });
    const nulled = await h.ok<Cfg>("PATCH", "/_simnet/config", { networks: { twitter: { limits: null } } });
    expect(nulled.networks.twitter?.limits).toBeNull();
  });

  it("bad config answers 400 with the field's path and changes nothing", async () => {
    const cases: [unknown, string][] = [
      [{ timeScale: 0 }, "timeScale"],
      [{ timeScale: "fast" }, "timeScale"],
      [{ networks: { twitter: { errorRate: 1.5 } } }, "networks.twitter.errorRate"],
      [{ networks: { facebook: { latencyMs: { p50: 100, p99: 10 } } } }, "networks.facebook.latencyMs.p99"],
      [{ networks: { mastodon: { limits: [{ scope: "token", max: 1, windowMs: 1 }, { scope: "user", max: 1, windowMs: 1 }] } } }, "networks.mastodon.limits.1.scope"],
      [{ networks: { linkedin: { paginationCap: -1 } } }, "networks.linkedin.paginationCap"],
      [{ networks: { twitter: { outage: { startMs: 0 } } } }, "networks.twitter.outage.durationMs"],
      [{ networks: { twitter: { hiddenLimit: { perSecond: 0 } } } }, "networks.twitter.hiddenLimit.perSecond"],
      [{ networks: { bluesky: {} } }, "networks.bluesky"],
      [{ networks: { twitter: { errorRat: 0.5 } } }, "networks.twitter.errorRat"],
      [{ networks: { twitter: { failAccounts: "small" } } }, "networks.twitter.failAccounts"],
      [{ networks: { linkedin: { endlessPaging: "yes" } } }, "networks.linkedin.endlessPaging"],
      [{ networks: null }, "networks"],
      [[1, 2], ""],
    ];
    const before = await h.ok<Cfg>("GET", "/_simnet/config");
    for (const [body, path] of cases) {
      const r = await h.admin<{ error: string; path: string }>("PATCH", "/_simnet/config", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.path, JSON.stringify(body)).toBe(path);
      expect(r.body.error.length).toBeGreaterThan(0);
    }
    expect(await h.ok<Cfg>("GET", "/_simnet/config")).toEqual(before);
  });

  it("never crashes: malformed JSON, huge bodies, wrong methods, odd paths", async () => {
    expect((await h.admin("PATCH", "/_simnet/config", "{not json")).status).toBe(400);
    const huge = await fetch(`${h.url}/_simnet/config`, { method: "PATCH", body: "x".repeat(2 * 1024 * 1024) }).then((r) => r.status, () => 413);
    expect(huge).toBe(413);
    expect((await h.admin("DELETE", "/_simnet/config")).status).toBe(405);
    expect((await h.admin("GET", "/_simnet/nope")).status).toBe(404);
    expect((await fetch(`${h.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${h.url}/twitter/2/users/%E0%A4%A/followers`)).status).toBe(400);
    expect((await fetch(`${h.url}/twitter/2/users/small/followers`, { method: "DELETE" })).status).toBe(405);
    expect((await fetch(`${h.url}/mastodon/api/v2/anything`)).status).toBe(404);
    expect((await fetch(`${h.url}/_simnet/config`)).status).toBe(200);
  });
});

describe("accounts", () => {
  it("creates accounts with deterministic ids and opaque tokens; duplicates are 409, bad input 400 with path", async () => {
    const a = await h.ok<AccountView>("POST", "/_simnet/accounts", { network: "mastodon", followers: 250, id: "fresh" });
    expect(a).toMatchObject({ network: "mastodon", id: "fresh", followers: 250 });
    expect(a.token).not.toContain("fresh");
    const w = await walk(h.url, "mastodon", "fresh", a.token);
    expect(shaOf(w.ids)).toEqual(await h.ok("GET", "/_simnet/truth/mastodon/fresh"));
    const gen = await h.ok<AccountView>("POST", "/_simnet/accounts", { network: "twitter", followers: 3 });
    expect(gen.id).toMatch(/^acct\d+$/);
    expect((await h.admin("POST", "/_simnet/accounts", { network: "mastodon", followers: 1, id: "fresh" })).status).toBe(409);
    const bad: [unknown, string][] = [
      [{ network: "myspace", followers: 1 }, "network"],
      [{ network: "twitter", followers: -1 }, "followers"],
      [{ network: "twitter", followers: 1.5 }, "followers"],
      [{ network: "twitter", followers: 1, id: "has space" }, "id"],
      [{ network: "twitter", followers: 1, id: "me" }, "id"],
      [{ network: "twitter" }, "followers"],
      [{ network: "twitter", followers: 1, extra: true }, "extra"],
    ];
    for (const [body, path] of bad) {
      const r = await h.admin<{ path: string }>("POST", "/_simnet/accounts", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.path).toBe(path);
    }
    const list = await h.ok<AccountView[]>("GET", "/_simnet/accounts");
    expect(list.some((x) => x.network === "mastodon" && x.id === "fresh")).toBe(true);
    expect((await h.admin("GET", "/_simnet/accounts?network=nope")).status).toBe(400);
  });

  it("followers add/remove changes the truth deterministically; walks match it; removing too many is 400", async () => {
    await h.ok("POST", "/_simnet/accounts", { network: "linkedin", followers: 500, id: "churn" });
    const t0 = await h.ok<{ count: number; sha256: string }>("GET", "/_simnet/truth/linkedin/churn");
    const t1 = await h.ok<{ count: number; sha256: string }>("POST", "/_simnet/accounts/linkedin/churn/followers", { add: 30, remove: 120 });
    expect(t1.count).toBe(410);
    expect(t1.sha256).not.toBe(t0.sha256);
    const { token } = await h.account("linkedin", "churn");
    expect(shaOf((await walk(h.url, "linkedin", "churn", token)).ids)).toEqual(t1);
    const t2 = await h.ok<{ count: number }>("POST", "/_simnet/accounts/linkedin/churn/followers", { remove: 400 });
    expect(t2.count).toBe(10);
    expect(shaOf((await walk(h.url, "linkedin", "churn", token)).ids)).toEqual(await h.ok("GET", "/_simnet/truth/linkedin/churn"));
    const r = await h.admin<{ path: string }>("POST", "/_simnet/accounts/linkedin/churn/followers", { remove: 11 });
    expect(r.status).toBe(400);
    expect(r.body.path).toBe("remove");
    expect((await h.admin("POST", "/_simnet/accounts/linkedin/nobody/followers", { add: 1 })).status).toBe(404);
    expect((await h.admin("GET", "/_simnet/truth/linkedin/nobody")).status).toBe(404);
    expect((await h.admin<{ path: string }>("GET", "/_simnet/truth/myspace/x")).body.path).toBe("network");
  });
});

describe("stats and reset", () => {
  it("counts requests by status per network; stats/reset zeroes only the counters", async () => {
    await h.ok("POST", "/_simnet/stats/reset");
    const { token } = await h.account("twitter", "small");
    await fetch(`${h.url}/twitter/2/users/small/followers`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${h.url}/twitter/2/users/small/followers`);
    await fetch(`${h.url}/twitter/2/users/small/followers?max_results=0`, { headers: { authorization: `Bearer ${token}` } });
    type S = { networks: Record<string, { requests: number; byStatus: Record<string, number>; maxInFlight: number; rateLimited: number; overLimit: number }> };
    const s = await h.ok<S>("GET", "/_simnet/stats");
    expect(s.networks.twitter).toMatchObject({ requests: 3, byStatus: { "200": 1, "401": 1, "400": 1 }, rateLimited: 0, overLimit: 0 });
    expect(s.networks.twitter?.maxInFlight).toBeGreaterThanOrEqual(1);
    expect(s.networks.facebook).toMatchObject({ requests: 0, byStatus: {} });
    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { errorRate: 0.5 } } });
    await h.ok("POST", "/_simnet/stats/reset");
    expect((await h.ok<S>("GET", "/_simnet/stats")).networks.twitter).toMatchObject({ requests: 0, byStatus: {} });
    expect(((await h.ok<Cfg>("GET", "/_simnet/config")).networks.twitter)?.errorRate).toBe(0.5);
  });

  it("records arrivals only when asked: time, status, list or not, and the caller's account, never its token", async () => {
    type A = { network: string; recording: boolean; dropped: number; arrivals: { t: number; status: number; list: boolean; caller?: string }[] };
    const { token } = await h.account("twitter", "small");
    await h.ok("POST", "/_simnet/stats/reset");
    await fetch(`${h.url}/twitter/2/users/small/followers`, { headers: { authorization: `Bearer ${token}` } });
    expect(await h.ok<A>("GET", "/_simnet/arrivals?network=twitter")).toEqual({ network: "twitter", recording: false, dropped: 0, arrivals: [] });

    await h.ok("PATCH", "/_simnet/config", { networks: { twitter: { recordArrivals: true, limits: [{ scope: "token", max: 1, windowMs: 60_000 }] } } });
    const before = Date.now();
    await fetch(`${h.url}/twitter/2/users/small/followers`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${h.url}/twitter/2/users/small/followers`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${h.url}/twitter/2/users/small?user.fields=public_metrics`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${h.url}/twitter/2/users/small/followers`);
    const got = await h.ok<A>("GET", "/_simnet/arrivals?network=twitter");
    expect(got.recording).toBe(true);
    expect(got.arrivals.map(({ status, list, caller }) => ({ status, list, caller }))).toEqual([
      { status: 200, list: true, caller: "small" },
      { status: 429, list: true, caller: "small" },
      { status: 200, list: false, caller: "small" },
      { status: 401, list: true, caller: undefined },
    ]);
    const times = got.arrivals.map((a) => a.t);
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(JSON.stringify(got)).not.toContain(token);
    expect((await h.ok<A>("GET", "/_simnet/arrivals?network=facebook")).arrivals).toEqual([]);

    await h.ok("POST", "/_simnet/stats/reset");
    expect((await h.ok<A>("GET", "/_simnet/arrivals?network=twitter")).arrivals).toEqual([]);
    expect((await fetch(`${h.url}/_simnet/arrivals`)).status).toBe(400);
    expect(await (await fetch(`${h.url}/_simnet/arrivals?network=bluesky`)).json()).toEqual({ error: 'unknown network "bluesky"', path: "network" });
    expect((await fetch(`${h.url}/_simnet/arrivals?network=twitter`, { method: "POST" })).status).toBe(405);
  });

  it("reset restores the seed config and counters and undoes revocations; created accounts and changes stay", async () => {
    await h.ok("POST", "/_simnet/accounts", { network: "facebook", followers: 5, id: "keeper" });
    await h.ok("POST", "/_simnet/accounts/facebook/keeper/followers", { add: 2 });
    await h.ok("POST", "/_simnet/accounts/facebook/keeper/revoke");
    const keeper = await h.account("facebook", "keeper");
    await h.ok("PATCH", "/_simnet/config", { timeScale: 0.5, networks: { facebook: { errorRate: 1 } } });
    await h.ok("POST", "/_simnet/reset");
    const cfg = await h.ok<Cfg>("GET", "/_simnet/config");
    expect(cfg.timeScale).toBe(1);
    expect(cfg.networks.facebook?.errorRate).toBe(0);
    expect((await h.account("facebook", "keeper")).followers).toBe(7);
    await h.quiet();
    const res = await fetch(`${h.url}/facebook/me/friends?access_token=${keeper.token}`);
    expect(res.status).toBe(200);
  });
});

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { auditLog, treeDoc } from "@fanout/jobs/ops";
import { listWebhooks, removeWebhook } from "@fanout/jobs/delivery/webhooks";
import { failedJobs } from "@fanout/jobs/jobs";
import { tracesOf } from "@fanout/testkit/redis-traces";
import { waitFor } from "@fanout/testkit/wait";
import { Redis } from "ioredis";
import pg from "pg";
import { confirmDialog, expect, test, uid } from "../support/fixtures.ts";

/**
 * Story: the host website. An admin creates an API key and a webhook endpoint in the console; the website connects
 * accounts over /api/v1 (one with an access token that expires before its sync: refreshed once, no failed job), starts
 * syncs, receives signed sync.settled webhooks (verified here with this file's own HMAC, a tampered one refused), pages
 * through followers equal to simnet's truth; simnet then adds and removes followers, a second sync's `changes` and the
 * PostgreSQL sink hold exactly those changes; a purge leaves no trace but its audit entry.
 */
interface Hook { body: string; signature: string }
interface Page { followers: string[]; next: string | null; version: string; count: number }

const sha256 = (ids: string[]) => createHash("sha256").update([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((x) => `${x}\n`).join("")).digest("hex");

/** The website's verifier, written from INTERFACES.md alone: HMAC-SHA256 of `t + "." + body`, hex, within 5 minutes. */
function verify(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1_000 - t) > 300 || !parts.v1) return false;
  const want = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${parts.t}.${body}`).digest();
  const got = Buffer.from(parts.v1, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

test("the host website: API key, connect, sync, signed webhooks, followers, changes, PostgreSQL, refresh and purge", async ({ page, stack, sim, engine, signIn, shoot }) => {
  test.setTimeout(150_000);
  const hooks: Hook[] = [];
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hooks.push({ body: Buffer.concat(chunks).toString("utf8"), signature: String(req.headers["fanout-signature"] ?? "") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fanout`;
  const db = new pg.Client({ connectionString: stack.pgUrl });
  await db.connect();
  try {
    // The console: an API key and a webhook endpoint, each secret shown once.
    await signIn(stack.admin.name, stack.admin.password);
    await page.goto("/apikeys");
    const keyName = uid("site");
    await page.getByLabel("Name").fill(keyName);
    await page.getByRole("button", { name: "Create key" }).click();
    const apiKey = (await page.getByTestId("shown-once-value").textContent()) ?? "";
    expect(apiKey).toMatch(/^fo_/);
    await expect(page.locator(`tr[data-apikey="${keyName}"]`)).toContainText("never");
    await page.goto("/webhooks");
    await page.getByLabel("URL").fill(hookUrl);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("shown-once-value").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);

    const api = async <T>(method: string, path: string, body?: unknown, key = apiKey): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${stack.url}/api/v1${path}`, {
        method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      try {
        return { status: res.status, body: JSON.parse(text) as T };
      } catch {
        throw new Error(`${method} /api/v1${path}: ${res.status} and not JSON: ${text.slice(0, 200)}`);
      }
    };
    // Keys and sessions do not cross: no key, a wrong key, a session cookie → 401; a key does not open the console.
    expect((await api("GET", "/syncs/x", undefined, "")).status).toBe(401);
    expect((await api("GET", "/syncs/x", undefined, `${apiKey.slice(0, -2)}xx`)).status).toBe(401);
    const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    expect((await fetch(`${stack.url}/api/v1/syncs/x`, { headers: { cookie: cookies } })).status).toBe(401);
    expect((await fetch(`${stack.url}/api/stats`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(401);
    expect(await api("POST", "/accounts", { network: "mastodon" })).toMatchObject({ status: 400 });
    expect((await fetch(`${stack.url}/api/v1/accounts`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/plain" }, body: "x" })).status).toBe(415);

    // The OpenAPI document is public and describes every route.
    const doc = (await (await fetch(`${stack.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/api/v1/accounts", "/api/v1/accounts/{account}", "/api/v1/accounts/{account}/changes",
      "/api/v1/accounts/{account}/followers", "/api/v1/syncs", "/api/v1/syncs/{treeId}"]);

    // Accounts: Mastodon and Facebook, and a Twitter account whose access token expires before its sync runs.
    const masto = await sim.create("mastodon", uid("host"), 730);
    const fb = await sim.create("facebook", uid("host"), 260);
    await sim.patch({ networks: { twitter: { tokenTtlMs: 1_500 } } });
    const tw = await sim.create("twitter", uid("host"), 180);
    await sim.patch({ networks: { twitter: { tokenTtlMs: null } } });
    for (const a of [masto, fb, tw]) {
      const body = { network: a.network, id: a.id, token: a.token, ...(a.refreshToken ? { refreshToken: a.refreshToken } : {}) };
      expect(await api("POST", "/accounts", body)).toEqual({ status: 200, body: { account: `${a.network}:${a.id}`, connected: true } });
    }
    await waitFor(() => fetch(`${stack.simnetUrl}/twitter/2/users/${tw.id}/followers`, { headers: { authorization: `Bearer ${tw.token}` } }).then((r) => r.status),
      (s) => s === 401, { timeoutMs: 10_000, what: "the Twitter access token to expire" });
    const accounts = [masto, fb, tw].map((a) => `${a.network}:${a.id}`);

    const settled = async (treeId: string) => {
      const doc = await waitFor(() => api<{ state: string; counts: { failed: number } }>("GET", `/syncs/${treeId}`), (r) => r.body.state === "done",
        { timeoutMs: 60_000, what: `tree ${treeId} done` });
      const hook = await waitFor(() => hooks.find((h) => h.body.includes(`"treeId":"${treeId}"`)), (h) => h !== undefined,
        { timeoutMs: 20_000, what: "its sync.settled webhook" });
      return { doc: doc.body, hook: hook as Hook };
    };
    const readAll = async (account: string): Promise<{ ids: string[]; version: string; count: number }> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let version = "";
      let count: number;
      do {
        const r: { status: number; body: Page } = await api<Page>("GET", `/accounts/${encodeURIComponent(account)}/followers?limit=97${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(r.status).toBe(200);
        if (version) expect(r.body.version).toBe(version); // a cursor stays on its version
        ({ version, count } = r.body);
        ids.push(...r.body.followers);
        cursor = r.body.next;
      } while (cursor);
      return { ids, version, count };
    };

    const first = await api<{ treeId: string }>("POST", "/syncs", { accounts });
    expect(first.status).toBe(200);
    const one = await settled(first.body.treeId);
    expect(one.doc.counts.failed).toBe(0);
    const event = JSON.parse(one.hook.body) as { id: string; type: string; createdAt: string; data: { treeId: string; state: string } };
    expect(event).toMatchObject({ type: "sync.settled", data: { treeId: first.body.treeId, state: "done" } });
    expect(verify(secret, one.hook.signature, one.hook.body)).toBe(true);
    expect(verify(secret, one.hook.signature, one.hook.body.replace('"done"', '"failed"'))).toBe(false);
    expect(verify(`${secret}x`, one.hook.signature, one.hook.body)).toBe(false);

    // The expired token was refreshed once, fleet-wide, and no page failed on the way.
    expect(Number(await engine.redis.hget(engine.keys.accountToken("twitter", tw.id), "version"))).toBeGreaterThan(1);
    expect(await failedJobs(engine, { account: `twitter:${tw.id}` })).toHaveLength(0);

    const before = new Map<string, { ids: string[]; version: string }>();
    for (const a of [masto, fb, tw]) {
      const got = await readAll(`${a.network}:${a.id}`);
      const truth = await sim.truth(a.network, a.id);
      expect({ count: got.count, n: got.ids.length, sha256: sha256(got.ids) }).toEqual({ count: truth.count, n: truth.count, sha256: truth.sha256 });
      before.set(a.id, got);
    }

    // simnet adds and removes followers; a second sync; `changes` and PostgreSQL hold exactly those changes.
    const newTruth = await sim.call<{ count: number; sha256: string }>("POST", `/_simnet/accounts/mastodon/${encodeURIComponent(masto.id)}/followers`, { add: 40, remove: 15 });
    const second = await api<{ treeId: string }>("POST", "/syncs", { accounts: [`mastodon:${masto.id}`] });
    const two = await settled(second.body.treeId);
    expect(verify(secret, two.hook.signature, two.hook.body)).toBe(true);
    const old = before.get(masto.id) ?? { ids: [], version: "" };
    const now = await readAll(`mastodon:${masto.id}`);
    expect({ count: now.count, sha256: sha256(now.ids) }).toEqual(newTruth);
    const changes = await api<{ added: string[]; removed: string[]; version: string }>("GET", `/accounts/mastodon:${encodeURIComponent(masto.id)}/changes?since=${old.version}`);
    expect(changes.status).toBe(200);
    const oldSet = new Set(old.ids);
    const nowSet = new Set(now.ids);
    expect([...changes.body.added].sort()).toEqual(now.ids.filter((x) => !oldSet.has(x)).sort());
    expect([...changes.body.removed].sort()).toEqual(old.ids.filter((x) => !nowSet.has(x)).sort());
    expect([changes.body.added.length, changes.body.removed.length, changes.body.version]).toEqual([40, 15, now.version]);

    const rows = async (network: string, id: string) =>
      (await db.query<{ follower_id: string }>("SELECT follower_id FROM fanout_followers WHERE network = $1 AND account_id = $2", [network, id])).rows.map((r) => r.follower_id);
    const inPg = await waitFor(() => rows("mastodon", masto.id), (r) => r.length === now.ids.length && sha256(r) === newTruth.sha256,
      { timeoutMs: 20_000, what: "the sink to apply the second version" });
    expect(sha256(inPg)).toBe(newTruth.sha256);
    expect(sha256(await waitFor(() => rows("facebook", fb.id), (r) => r.length === fb.followers, { timeoutMs: 20_000 }))).toBe((await sim.truth("facebook", fb.id)).sha256);
    await page.goto("/apikeys");
    await expect(page.locator(`tr[data-apikey="${keyName}"] [data-testid="last-used"]`)).not.toHaveText("never");
    await page.goto("/webhooks");
    const row = page.locator(`[data-testid="deliveries-table"] tr[data-delivery^="${JSON.parse(two.hook.body).id as string}"]`);
    await expect(row).toHaveAttribute("data-status", "delivered");
    await shoot("webhooks");
    // Redelivered by hand: the same event (id and body), freshly signed.
    const copies = () => hooks.filter((h) => h.body === two.hook.body);
    await row.getByRole("button", { name: "Redeliver" }).click();
    const again = await waitFor(async () => copies(), (c) => c.length === 2, { timeoutMs: 20_000, what: "the redelivery" });
    expect(verify(secret, again[1]?.signature ?? "", again[1]?.body ?? "")).toBe(true);

    // Purge: nothing of the account is left in Redis or PostgreSQL but the audit entry that records the purge.
    const purged = await api("DELETE", `/accounts/mastodon:${encodeURIComponent(masto.id)}?purge=1`);
    expect(purged).toEqual({ status: 200, body: { account: `mastodon:${masto.id}`, connected: false, purged: true } });
    expect((await rows("mastodon", masto.id)).length).toBe(0);
    expect((await api("GET", `/accounts/mastodon:${encodeURIComponent(masto.id)}/followers`)).status).toBe(404);
    const raw = new Redis(stack.redisUrl);
    try {
      expect(await tracesOf(raw, stack.prefix, masto.id, (k) => k === engine.keys.audit())).toEqual([]);
    } finally {
      raw.disconnect();
    }
    const audit = await auditLog(engine, { limit: 500 });
    expect(audit.filter((e) => JSON.stringify(e).includes(masto.id)).map((e) => e.action)).toContain("disconnect-purge");
    expect((await treeDoc(engine, second.body.treeId)).state).not.toBe("unknown");

    // The console disconnects too (an operator's action, audited): the token goes, the stored followers stay readable.
    await page.goto(`/accounts?account=${encodeURIComponent(`facebook:${fb.id}`)}`);
    await page.getByTestId("account-disconnect").click();
    await confirmDialog(page);
    await expect(page.getByTestId("account-connection")).toHaveText("disconnected");
    expect((await api<Page>("GET", `/accounts/facebook:${encodeURIComponent(fb.id)}/followers?limit=1`)).body.count).toBe(fb.followers);

    // Revoking the key closes the API at once; removing the endpoint (in the console) stops the events.
    await page.goto("/apikeys");
    await page.getByTestId(`revoke-${keyName}`).click();
    await confirmDialog(page);
    await expect(page.locator(`tr[data-apikey="${keyName}"]`)).toHaveCount(0);
    expect((await api("GET", `/syncs/${first.body.treeId}`)).status).toBe(401);
  } finally {
    for (const w of await listWebhooks(engine)) if (w.url === hookUrl) await removeWebhook(engine, w.id, { name: "e2e-cleanup", via: "cli" });
    await db.end();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});

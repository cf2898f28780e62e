import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { signatureHeader, verifySignature } from "../../src/delivery/signature.ts";
import { addWebhook, listDeliveries, listWebhooks, redeliver, removeWebhook } from "../../src/delivery/webhooks.ts";
import { auditLog, NotFoundError } from "../../src/ops.ts";
import { startSync } from "../../src/sync.ts";
import { startHarness, type Harness } from "../harness.ts";
import { FAST, newAccount, syncDone } from "./fixtures.ts";

const op = { name: "webhook-test", via: "cli" as const };
interface Received { path: string; signature: string; eventId: string; body: string }

/** The host's side: records what arrives and answers the next planned status (then 200). */
async function startHost(): Promise<{ url: string; received: Received[]; plan: Map<string, number[]>; server: Server }> {
  const received: Received[] = [];
  const plan = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, signature: String(req.headers["fanout-signature"] ?? ""), eventId: String(req.headers["fanout-event-id"] ?? ""), body: Buffer.concat(chunks).toString("utf8") });
      const status = plan.get(path)?.shift() ?? 200;
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : `planned ${status} ${"x".repeat(5_000)}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`, received, plan, server };
}

describe("signed webhooks through BullMQ", () => {
  let h: Harness;
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    h = await startHarness({ config: { backoffBaseMs: 50, delivery: { webhooks: { backoffBaseMs: 100, timeoutMs: 2_000, responseCapBytes: 64 } } } });
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
    await h.worker({ concurrency: 10 });
    host = await startHost();
  });
  afterAll(async () => {
    await h.stop();
    host.server.closeAllConnections();
    await new Promise((r) => host.server.close(r));
  });

  it("delivers sync.settled signed, retries after a 500, and a tampered body fails verification", async () => {
    const ep = await addWebhook(h.engine, `${host.url}/hooks/a`, op);
    expect(ep.secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await listWebhooks(h.engine))).not.toContain(ep.secret);
    expect(JSON.stringify(await h.engine.redis.hgetall(h.engine.keys.webhookEndpoint(ep.id)))).not.toContain(ep.secret); // sealed at rest
    host.plan.set("/hooks/a", [500]);

    const { account } = await newAccount(h, "facebook", 30);
    const doc = await syncDone(h, [account]);
    const got = await waitFor(() => host.received.filter((r) => r.path === "/hooks/a"), (r) => r.length >= 2, { timeoutMs: 20_000, what: "a retried delivery" });
    const [failed, ok] = got as [Received, Received];
    expect(ok.body).toBe(failed.body); // the same bytes every attempt
    const event = JSON.parse(ok.body) as { id: string; type: string; createdAt: string; data: { treeId: string; state: string } };
    expect(event).toMatchObject({ type: "sync.settled", data: { treeId: doc.treeId, state: "done" } });
    expect(new Date(event.createdAt).toISOString()).toBe(event.createdAt);
    expect(ok.eventId).toBe(event.id);
    expect(ok.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(ep.secret, ok.signature, ok.body, 300)).toBe(true);
    expect(verifySignature(ep.secret, ok.signature, ok.body.replace('"done"', '"fail"'), 300)).toBe(false);
    expect(verifySignature(`${ep.secret}x`, ok.signature, ok.body, 300)).toBe(false);
    expect(verifySignature(ep.secret, ok.signature.replace(/v1=(.)/, (_m, c: string) => `v1=${c === "0" ? "1" : "0"}`), ok.body, 300)).toBe(false);
    expect(verifySignature(ep.secret, ok.signature, ok.body, 300, Math.floor(Date.now() / 1_000) + 3_600)).toBe(false); // too old

    const deliveries = await waitFor(() => listDeliveries(h.engine, ep.id), (d) => d[0]?.status === "delivered", { timeoutMs: 5_000 });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ eventId: event.id, type: "sync.settled", attempts: 2, responseCode: 200, lastError: null });

    // by hand: the same event again, same id and body, freshly signed
    await redeliver(h.engine, deliveries[0]?.id ?? "", op);
    const again = await waitFor(() => host.received.filter((r) => r.path === "/hooks/a"), (r) => r.length >= 3, { timeoutMs: 10_000 });
    expect(again[2]?.body).toBe(ok.body);
    expect(verifySignature(ep.secret, again[2]?.signature, again[2]?.body ?? "", 300)).toBe(true);
    await expect(redeliver(h.engine, "evt_nope-wh_0000000000000000", op)).rejects.toBeInstanceOf(NotFoundError);
    await removeWebhook(h.engine, ep.id, op);
    expect((await auditLog(h.engine, { action: "webhook-redeliver" })).length).toBe(1);
  });

  it("a failure keeps the error and the status; 410 Gone disables the endpoint", async () => {
    const ep = await addWebhook(h.engine, `${host.url}/hooks/gone`, op);
    host.plan.set("/hooks/gone", [503, 410]);
    const { account } = await newAccount(h, "facebook", 3);
    await syncDone(h, [account]);
    const d = await waitFor(() => listDeliveries(h.engine, ep.id), (x) => x[0]?.status === "failed", { timeoutMs: 20_000, what: "a failed delivery" });
    expect(d[0]).toMatchObject({ attempts: 2, responseCode: 410 });
    expect(d[0]?.lastError?.length).toBeLessThan(300); // the body is capped, not buffered
    expect((await listWebhooks(h.engine)).find((w) => w.id === ep.id)).toMatchObject({ disabled: true });
    // a disabled endpoint gets no new deliveries (a live one, added now, shows the next event went out)
    const live = await addWebhook(h.engine, `${host.url}/hooks/live`, op);
    const next = await syncDone(h, [account]);
    await waitFor(() => host.received.filter((r) => r.path === "/hooks/live" && r.body.includes(next.treeId)), (r) => r.length === 1, { timeoutMs: 10_000 });
    expect(host.received.filter((r) => r.path === "/hooks/gone")).toHaveLength(2);
    await removeWebhook(h.engine, ep.id, op);
    await removeWebhook(h.engine, live.id, op);
  });

  it("announces account.disconnected once when a job loses the account's authorization", async () => {
    const ep = await addWebhook(h.engine, `${host.url}/hooks/auth`, op);
    const { account, id } = await newAccount(h, "facebook", 120);
    await h.simnet.admin("POST", `/_simnet/accounts/facebook/${id}/revoke`);
    await startSync(h.engine, [account]);
    const got = await waitFor(() => host.received.filter((r) => r.path === "/hooks/auth"), (r) => r.length >= 1, { timeoutMs: 20_000, what: "account.disconnected" });
    const event = JSON.parse(got[0]?.body ?? "{}") as { type: string; data: { account: string; reason: string } };
    expect(event).toMatchObject({ type: "account.disconnected", data: { account } });
    expect(verifySignature(ep.secret, got[0]?.signature, got[0]?.body ?? "", 60)).toBe(true);
    expect((await h.engine.accounts.info("facebook", id))?.connected).toBe(false);
    expect(host.received.filter((r) => r.path === "/hooks/auth")).toHaveLength(1);
    await removeWebhook(h.engine, ep.id, op);
  });

  it("verifySignature accepts several v1 (a rolled secret) and rejects malformed headers", () => {
    const body = '{"a":1}';
    const t = 1_700_000_000;
    const good = signatureHeader("s3cret", t, body);
    const rolled = `${signatureHeader("old", t, body)},${good.split(",")[1] ?? ""}`;
    expect(verifySignature("s3cret", rolled, body, 10, t)).toBe(true);
    expect(verifySignature("s3cret", good, Buffer.from(body), 10, t + 5)).toBe(true);
    for (const bad of ["", "t=abc,v1=00", "v1=" + "0".repeat(64), `t=${t}`, "garbage"]) expect(verifySignature("s3cret", bad, body, 10, t)).toBe(false);
  });
});

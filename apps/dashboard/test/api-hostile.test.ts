import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@fanout/jobs/log";
import { testRedisEnv, testRedisClient, wipePrefix } from "@fanout/testkit/redis-client";
import type {} from "@fanout/testkit/global-setup";
import { loadConsoleEnv } from "../env.ts";
import { provideServices, type ConsoleServices } from "../lib/services.ts";
import { createServices } from "../server/services.ts";
import * as limitsClear from "../app/api/limits/[network]/clear/route.ts";
import * as limitsOverride from "../app/api/limits/[network]/override/route.ts";
import * as limitsReset from "../app/api/limits/[network]/reset/route.ts";
import * as scheduleRun from "../app/api/schedules/[name]/run/route.ts";
import * as treeRequeue from "../app/api/trees/[id]/requeue/route.ts";
import * as job from "../app/api/jobs/[id]/route.ts";
import * as networkPause from "../app/api/networks/[network]/pause/route.ts";
import * as queuePause from "../app/api/queues/[queue]/pause/route.ts";
import * as operators from "../app/api/operators/route.ts";
import * as operator from "../app/api/operators/[name]/route.ts";
import * as failedRequeue from "../app/api/failed/requeue/route.ts";
import * as apikeys from "../app/api/apikeys/route.ts";
import * as apikey from "../app/api/apikeys/[name]/route.ts";
import * as webhooks from "../app/api/webhooks/route.ts";
import * as redeliver from "../app/api/webhooks/deliveries/[id]/redeliver/route.ts";
import * as webhook from "../app/api/webhooks/[id]/route.ts";
import * as reprioritize from "../app/api/accounts/reprioritize/route.ts";
import * as disconnect from "../app/api/accounts/disconnect/route.ts";
import * as whales from "../app/api/whales/route.ts";
import * as login from "../app/api/auth/login/route.ts";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every mutation of the console's own API (the `/api/v1` ones have their own suite in the jobs package). */
const MUTATIONS: { path: string; method: string; param?: string; fn: Handler }[] = [
  { path: "/api/limits/:p/clear", method: "POST", param: "network", fn: limitsClear.POST },
  { path: "/api/limits/:p/override", method: "POST", param: "network", fn: limitsOverride.POST },
  { path: "/api/limits/:p/reset", method: "POST", param: "network", fn: limitsReset.POST },
  { path: "/api/schedules/:p/run", method: "POST", param: "name", fn: scheduleRun.POST },
  { path: "/api/trees/:p/requeue", method: "POST", param: "id", fn: treeRequeue.POST },
  { path: "/api/jobs/:p", method: "POST", param: "id", fn: job.POST },
  { path: "/api/networks/:p/pause", method: "POST", param: "network", fn: networkPause.POST },
  { path: "/api/queues/:p/pause", method: "POST", param: "queue", fn: queuePause.POST },
  { path: "/api/operators", method: "POST", fn: operators.POST },
  { path: "/api/operators/:p", method: "PATCH", param: "name", fn: operator.PATCH },
  { path: "/api/operators/:p", method: "DELETE", param: "name", fn: operator.DELETE },
  { path: "/api/failed/requeue", method: "POST", fn: failedRequeue.POST },
  { path: "/api/apikeys", method: "POST", fn: apikeys.POST },
  { path: "/api/apikeys/:p", method: "DELETE", param: "name", fn: apikey.DELETE },
  { path: "/api/webhooks", method: "POST", fn: webhooks.POST },
  { path: "/api/webhooks/deliveries/:p/redeliver", method: "POST", param: "id", fn: redeliver.POST },
  { path: "/api/webhooks/:p", method: "DELETE", param: "id", fn: webhook.DELETE },
  { path: "/api/accounts/reprioritize", method: "POST", fn: reprioritize.POST },
  { path: "/api/accounts/disconnect", method: "POST", fn: disconnect.POST },
  { path: "/api/whales", method: "POST", fn: whales.POST },
  { path: "/api/auth/login", method: "POST", fn: login.POST },
];

/** Hostile JSON: wrong types, prototype keys, deep nesting, huge and odd strings, plus near-miss shapes of real bodies. */
const hostileString = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("__proto__", "constructor", "twitter:", ":", "default", "high",
  "network:twitter", "é🐳", "../../x", "\u0000", "a".repeat(10_000), "-1", "1e309"));
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom("account", "whale", "priority", "purge", "name", "role", "password", "url", "events", "limits", "max", "windowMs",
    "network", "kind", "since", "until", "paused", "action", "__proto__", "constructor"), fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 5 }),
  fc.constant("{\"__proto__\":{\"polluted\":true}}"),
);

/**
 * The console's own API under hostile input (issue 10): for every mutation route, random bodies and path params sent
 * by a signed-in admin with a valid CSRF token. Always a JSON answer below 500 (a 4xx names the problem), never a
 * crash; a refused request changes nothing (the audit log, where every action is recorded, does not grow); and no
 * prototype is polluted.
 */
describe("console API routes under hostile input (fast-check)", () => {
  const prefix = `test-${randomUUID()}`;
  let s: ConsoleServices & { close(): Promise<void> };
  let cookie = "";
  let csrf = "";
  beforeAll(async () => {
    const env = loadConsoleEnv({ ...testRedisEnv(), NODE_ENV: "production", FANOUT_PREFIX: prefix, FANOUT_SECRET: "console-fuzz-secret-0123456789", LOG_LEVEL: "silent" });
    s = await createServices(env, createLogger({ level: "silent" }));
    provideServices(s);
    const admin = await s.operators.addOperator("fuzz-admin", "a-long-enough-password-1", "admin");
    const issued = await s.sessions.issue({ name: admin.name, epoch: admin.epoch }, Date.now());
    cookie = `${s.sessions.cookieName}=${issued.value}`;
    csrf = s.sessions.csrfToken(issued.session);
  });
  afterAll(async () => {
    provideServices(undefined);
    await s.close();
    const redis = testRedisClient();
    await wipePrefix(redis, prefix);
    await redis.quit();
  });

  it("answers every hostile request with JSON below 500, and a refusal changes nothing", { timeout: 120_000 }, async () => {
    const auditKey = s.engine.keys.audit();
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(fc.constantFrom(...MUTATIONS), hostileString, body, fc.boolean(), async (route, param, payload, asText) => {
      const before = await s.engine.redis.xlen(auditKey);
      const url = `http://127.0.0.1:3000${route.path.replace(":p", encodeURIComponent(param))}`;
      const req = new NextRequest(url, {
        method: route.method,
        headers: { cookie, "x-fanout-csrf": csrf, "content-type": "application/json", origin: "http://127.0.0.1:3000" },
        body: asText && typeof payload === "string" ? payload : JSON.stringify(payload),
      });
      const res = await route.fn(req, { params: Promise.resolve(route.param ? { [route.param]: param } : {}) });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const what = `${route.method} ${url.slice(0, 120)} ${JSON.stringify(payload).slice(0, 200)} → ${res.status} ${text.slice(0, 200)}`;
      expect(res.status, what).toBeLessThan(500);
      const doc = JSON.parse(text) as Record<string, unknown>;
      if (res.status >= 400) {
        expect(typeof doc.error, what).toBe("string");
        expect(await s.engine.redis.xlen(auditKey), what).toBe(before);
      }
      expect(({} as Record<string, unknown>).polluted, what).toBeUndefined();
    }), { numRuns: 300, seed: 20261125 });
    // signed in for real: most refusals are the routes' own (400/404/413/415), not the gate's 401/403
    const gate = (statuses.get(401) ?? 0) + (statuses.get(403) ?? 0);
    expect(gate, JSON.stringify([...statuses])).toBeLessThan(60);
    expect(statuses.get(400) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(100);
  });
});

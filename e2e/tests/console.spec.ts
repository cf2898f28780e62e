import { randomBytes } from "node:crypto";
import { browserFetch, csrfOf, expect, test } from "../support/fixtures.ts";
import { seedSync } from "../support/engine.ts";
import { withOperators } from "../support/operators.ts";
import { pauseRedis } from "../support/redis.ts";

const PAGES = [
  { path: "/", name: "overview", heading: "Overview" },
  { path: "/queues", name: "queues", heading: "Queues" },
  { path: "/networks", name: "networks", heading: "Networks" },
  { path: "/rate-limits", name: "rate-limits", heading: "Rate limits" },
  { path: "/whales", name: "whales-empty", heading: "Whales" },
  { path: "/trees", name: "trees", heading: "Trees" },
  { path: "/schedules", name: "schedules", heading: "Schedules" },
  { path: "/workers", name: "workers", heading: "Workers" },
  { path: "/audit", name: "audit-admin", heading: "Audit log" },
  { path: "/operators", name: "operators", heading: "Operators" },
] as const;

/** A fresh operator of `role`, created through the jobs package as `fanout operators add` does. */
async function newOperator(stack: { redisUrl: string; prefix: string }, role: "viewer" | "operator" | "admin") {
  const name = `${role}-${randomBytes(3).toString("hex")}`;
  const password = randomBytes(12).toString("base64url");
  await withOperators(stack, (ops) => ops.addOperator(name, password, role));
  return { name, password };
}

test("/api/health answers without sign-in, with the security headers", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, redis: "up" });
  const h = res.headers();
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'.*frame-ancestors 'none'/);
});

test("without a session the API answers 401 and pages redirect to sign-in", async ({ page, request, baseURL }) => {
  for (const path of ["/api/stats", "/api/operators"]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(401);
    expect(await res.json()).toEqual({ error: "sign in first" });
  }
  const post = await request.post("/api/operators", { data: { name: "x", password: "long-enough", role: "admin" }, headers: { Origin: baseURL ?? "" } });
  expect(post.status()).toBe(401);
  await page.goto("/queues");
  await expect(page).toHaveURL(/\/login\?next=%2Fqueues$/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("the admin signs in, sees the overview, and every page renders", async ({ page, stack, signIn, shoot }) => {
  const treeId = await seedSync(stack, ["twitter:1001", "mastodon:2002", "facebook:3003"]);
  await page.goto("/login");
  await shoot("login");
  await signIn(stack.admin.name, stack.admin.password);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("operator-role")).toHaveText("admin");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("overview-stats")).toContainText("Workers online");
  await expect(page.getByTestId("queues-table").locator('tr[data-queue="default"]')).toContainText("3");
  await expect(page.getByTestId("networks-table")).toContainText("twitter");
  // Two polls, so the trend chart has points to draw.
  await expect(page.getByTestId("trend-chart")).toBeVisible({ timeout: 15_000 });

  await shoot("overview");
  await page.screenshot({ path: `${stack.artifacts}/overview-full.png`, fullPage: true });

  for (const p of PAGES.slice(1)) {
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    await shoot(p.name);
  }
  await page.goto(`/trees?id=${treeId}`);
  await expect(page.getByTestId("tree-state")).toHaveText("pending");
  await expect(page.getByText("mastodon:2002")).toBeVisible();
  await shoot("tree");
  // Nothing secret in what the browser got: not the FANOUT_SECRET, not the admin's password.
  const html = await page.content();
  for (const s of stack.secrets) expect(html).not.toContain(s);
});

test("an operator pauses and resumes a queue from the Queues page", async ({ page, stack, signIn, shoot }) => {
  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto("/queues");
  const row = page.locator('tr[data-queue="trickle"]');
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row).toContainText("paused");
  const stats = await browserFetch(page, "/api/stats", { method: "GET" });
  expect(stats.body).toMatchObject({ queues: { trickle: { paused: 1 } } });
  await shoot("queues-paused");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row).toContainText("running");
  expect((await browserFetch(page, "/api/stats", { method: "GET" })).body).toMatchObject({ queues: { trickle: { paused: 0 } } });
});

test("the audit log shows who did what; trees and whales answer for unknown ids", async ({ page, stack, signIn, shoot }) => {
  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto("/queues");
  const row = page.locator('tr[data-queue="interactive"]');
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row).toContainText("paused");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row).toContainText("running");

  await page.goto("/audit");
  const audit = page.getByTestId("audit-table");
  await expect(audit.locator("tr", { hasText: "pause" }).filter({ hasText: op.name }).first()).toContainText("target=interactive");
  await expect(audit.locator("tr", { hasText: "sign-in" }).filter({ hasText: op.name })).toHaveCount(1);
  await page.getByLabel("action").fill("resume");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(audit.locator("tbody tr").first()).toContainText("resume");
  await expect(audit.locator("tbody tr", { hasNotText: "resume" })).toHaveCount(0);
  await page.getByLabel("action").fill("");
  await page.getByRole("button", { name: "Filter" }).click();
  await shoot("audit");

  await page.goto("/trees?id=no-such-tree");
  await expect(page.getByText("No tree no-such-tree")).toBeVisible();
  await shoot("trees-unknown");

  await page.goto("/whales");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("textbox", { name: "Account" }).fill("twitter:nobody-here");
  await page.getByRole("button", { name: "To the whale queue" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "unknown account" })).toBeVisible();

  // An account with a sync under way moves to the whale queue with its waiting page, and back.
  await seedSync(stack, ["twitter:4004"]);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("textbox", { name: "Account" }).fill("twitter:4004");
  await page.getByRole("button", { name: "To the whale queue" }).click();
  await expect(page.getByRole("status").filter({ hasText: "twitter:4004 moved to the whale queue; 1 waiting job moved." })).toBeVisible();
  await expect(page.getByTestId("whales-table")).toContainText("moved by an operator");
  const queued = await browserFetch(page, "/api/stats", { method: "GET" });
  expect(queued.body).toMatchObject({ queues: { whales: { prioritized: 1 } } });
  await shoot("whales");
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("whales-table").getByRole("button", { name: "Move back" }).click();
  await expect(page.getByText("No whales: no account is in the whale queue.")).toBeVisible();
  expect((await browserFetch(page, "/api/stats", { method: "GET" })).body).toMatchObject({ queues: { whales: { prioritized: 0 } } });
});

test("a wrong password is refused", async ({ page, stack }) => {
  const op = await newOperator(stack, "operator");
  await page.goto("/login");
  await page.getByLabel("Name").fill(op.name);
  await page.getByLabel("Password").fill(`${op.password}x`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "wrong name or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  expect((await page.context().cookies()).find((c) => c.name === "fanout_session")).toBeUndefined();
});

test("sign-in attempts are limited per address and name", async ({ request, baseURL }) => {
  const op = { name: `limited-${randomBytes(3).toString("hex")}` };
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await request.post("/api/auth/login", { data: { name: op.name, password: "not-the-password" }, headers: { Origin: baseURL ?? "" } });
    statuses.push(res.status());
  }
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
});

test("a viewer reads everything, and the server refuses its mutations", async ({ page, stack, signIn, shoot }) => {
  const viewer = await newOperator(stack, "viewer");
  await signIn(viewer.name, viewer.password);
  await expect(page.getByTestId("operator-role")).toHaveText("viewer");
  await expect(page.getByTestId("overview-stats")).toBeVisible();
  await expect(page.getByRole("link", { name: "Operators" })).toHaveCount(0);
  await page.goto("/queues");
  await expect(page.locator('tr[data-queue="default"] button')).toBeDisabled();
  await shoot("queues-as-viewer");

  const csrf = await csrfOf(page);
  const pause = await browserFetch(page, "/api/queues/default/pause", { method: "POST", body: { paused: true }, csrf });
  expect(pause.status).toBe(403);
  expect(pause.body).toMatchObject({ error: expect.stringContaining("viewer") });
  const add = await browserFetch(page, "/api/operators", { method: "POST", body: { name: "mallory", password: "long-enough", role: "admin" }, csrf });
  expect(add.status).toBe(403);
  // The system's state afterwards: nothing paused, no operator added.
  const stats = await browserFetch(page, "/api/stats", { method: "GET" });
  expect(stats.body).toMatchObject({ queues: { default: { paused: 0 } } });
  expect(await withOperators(stack, (ops) => ops.getOperator("mallory"))).toBeNull();

  await page.goto("/operators");
  await expect(page.getByRole("alert").filter({ hasText: "Only admins manage operators." })).toBeVisible();
});

test("a mutation without the CSRF token, or from another origin, gets 403", async ({ page, stack, signIn, request }) => {
  await signIn(stack.admin.name, stack.admin.password);
  const name = `csrf-${randomBytes(3).toString("hex")}`;
  const body = { name, password: "long-enough-pass", role: "viewer" };

  const without = await browserFetch(page, "/api/operators", { method: "POST", body, csrf: null });
  expect(without).toEqual({ status: 403, body: { error: "missing or wrong CSRF token" } });
  const wrong = await browserFetch(page, "/api/operators", { method: "POST", body, csrf: "not-the-token" });
  expect(wrong.status).toBe(403);

  const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const csrf = await csrfOf(page);
  const crossSite = await request.post("/api/operators", { data: body, headers: { Cookie: cookies, "x-fanout-csrf": csrf, Origin: "http://evil.example" } });
  expect(crossSite.status()).toBe(403);
  expect(await withOperators(stack, (ops) => ops.getOperator(name))).toBeNull();

  // The same request with the token is accepted: the 403s were the CSRF checks, not something else.
  const ok = await browserFetch(page, "/api/operators", { method: "POST", body, csrf });
  expect(ok.status).toBe(201);
  expect((await withOperators(stack, (ops) => ops.getOperator(name)))?.role).toBe("viewer");
  // Bad input gets a 400 naming the field.
  const bad = await browserFetch(page, "/api/operators", { method: "POST", body: { ...body, role: "root" }, csrf });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ path: "role" });
});

test("the session cookie is sealed and HttpOnly, and signing out ends it on the server", async ({ page, stack, signIn, request }) => {
  await signIn(stack.admin.name, stack.admin.password);
  const cookie = (await page.context().cookies()).find((c) => c.name === "fanout_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  expect(cookie?.value.split(".")).toHaveLength(5); // a compact JWE: nothing readable inside
  const copied = `fanout_session=${cookie?.value ?? ""}`;
  expect((await request.get("/api/stats", { headers: { Cookie: copied } })).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await request.get("/api/stats", { headers: { Cookie: copied } })).status()).toBe(401);
});

test("when Redis stops answering the console says so, and recovers by itself", async ({ page, stack, signIn, shoot, request }) => {
  test.setTimeout(120_000);
  await signIn(stack.admin.name, stack.admin.password);
  const live = page.getByTestId("live-status");
  const fresh = page.getByTestId("freshness");
  await expect(live).toHaveAttribute("data-status", "live");
  await expect(fresh).toHaveAttribute("data-stale", "false");

  await pauseRedis(stack, 25_000); // every client's commands hang, as with a Redis that stopped answering
  await expect(live).toHaveAttribute("data-status", "redis-down", { timeout: 15_000 });
  const health = await request.get("/api/health");
  expect(health.status()).toBe(503);
  expect(await health.json()).toMatchObject({ ok: false, redis: "down" });
  // The overview's numbers stop updating: they are marked out of date, not left looking live.
  await expect(fresh).toHaveAttribute("data-stale", "true", { timeout: 20_000 });
  await shoot("overview-redis-down");

  await expect(live).toHaveAttribute("data-status", "live", { timeout: 30_000 });
  await expect(fresh).toHaveAttribute("data-stale", "false", { timeout: 15_000 });
  expect((await request.get("/api/health")).status()).toBe(200);
});

import { randomBytes } from "node:crypto";
import { browserFetch, csrfOf, expect, newOperator, test } from "../support/fixtures.ts";
import { withOperators } from "../support/operators.ts";

/** The console's foundation: the public surface, sign-in, sessions, CSRF, a queue action and its audit entry. */

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

test("the audit log shows who did what; trees answer for unknown ids", async ({ page, stack, signIn, shoot }) => {
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

test("every API route answers bad input with a 4xx naming the field", async ({ page, stack, signIn }) => {
  await signIn(stack.admin.name, stack.admin.password);
  const csrf = await csrfOf(page);
  const gets: [string, number, string][] = [
    ["/api/queues/nope/jobs?state=wait", 400, "queue"],
    ["/api/queues/default/jobs?state=sleeping", 400, "state"],
    ["/api/queues/default/jobs?state=wait&limit=100000", 400, "limit"],
    ["/api/failed?kind=bored", 400, "kind"],
    ["/api/failed?fromMs=20&toMs=10", 400, "fromMs"],
    ["/api/failed?cursor=abc", 400, "cursor"],
    ["/api/accounts?account=nocolon", 400, "account"],
    ["/api/overview?range=7d", 400, "range"],
    ["/api/networks/myspace", 404, "network"],
    ["/api/limits/Bad!", 400, "network"],
    ["/api/trees/t1/leaves?node=twitter:x&cursor=-1", 400, "cursor"],
    ["/api/jobs/no-such-job", 404, ""],
  ];
  for (const [path, status, field] of gets) {
    const res = await browserFetch(page, path, { method: "GET" });
    expect(res.status, path).toBe(status);
    if (field) expect(res.body, path).toMatchObject({ path: field });
  }
  const posts: [string, unknown, number][] = [
    ["/api/failed/requeue", { filter: {}, dryRun: false }, 400],
    ["/api/failed/requeue", { filter: { network: "twitter" }, dryRun: false, expect: 999_999 }, 409],
    ["/api/jobs/x", { action: "explode" }, 400],
    ["/api/limits/twitter/override", { limits: [{ scope: "token", max: 0, windowMs: 1 }] }, 400],
    ["/api/accounts/reprioritize", { account: "twitter:x", priority: "urgent" }, 400],
    ["/api/schedules/no-such/run", undefined, 404],
  ];
  for (const [path, body, status] of posts) {
    const res = await browserFetch(page, path, { method: "POST", body, csrf });
    expect(res.status, path).toBe(status);
  }
});

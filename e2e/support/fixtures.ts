import { test as base, expect, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stackEngine, type Engine } from "./engine.ts";
import { withOperators } from "./operators.ts";
import { simnet } from "./simnet.ts";
import type { StackInfo } from "./stack.ts";

export const STACK_ENV = "FANOUT_E2E_STACK";

export function stackInfo(): StackInfo {
  const raw = process.env[STACK_ENV];
  if (!raw) throw new Error(`${STACK_ENV} is not set: run through playwright.config.ts (its global setup starts the stack)`);
  return JSON.parse(raw) as StackInfo;
}

/** Every console response body a test's browser received is kept here (the run's private directory) for the leak check. */
export const responsesDir = (stack: Pick<StackInfo, "home">) => join(stack.home, "responses");

interface Fixtures {
  stack: StackInfo;
  /** Signs in through the login form and waits for the console. */
  signIn: (name: string, password: string) => Promise<void>;
  /** A PNG of what the page shows now, kept in e2e/artifacts/. */
  shoot: (name: string) => Promise<void>;
  sim: ReturnType<typeof simnet>;
}

interface WorkerFixtures {
  /** The jobs library on the stack (one engine per Playwright worker): set-up and checks of the system's real state. */
  engine: Engine;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  // Playwright reads a fixture's dependencies from the destructuring pattern: these have none.
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => use(stackInfo()),
  // eslint-disable-next-line no-empty-pattern
  baseURL: async ({}, use) => use(stackInfo().url),
  // eslint-disable-next-line no-empty-pattern
  engine: [async ({}, use) => {
    const engine = await stackEngine(stackInfo());
    await use(engine);
    await engine.close();
  }, { scope: "worker" }],
  sim: async ({ stack }, use) => use(simnet(stack)),
  context: async ({ context, stack }, use, testInfo) => {
    // Every console response passes through here on its way to the page, so each body is kept whole, whatever
    // the page does next (a navigation, an aborted prefetch): the leak check reads them all.
    const bodies: string[] = [];
    await context.route((url) => url.href.startsWith(stack.url) && !url.pathname.startsWith("/_next/static/"), async (route) => {
      const res = await route.fetch({ maxRedirects: 0 });
      const body = await res.body();
      bodies.push(`### ${res.status()} ${new URL(route.request().url()).pathname}${new URL(route.request().url()).search}\n${body.toString("utf8")}`);
      await route.fulfill({ response: res, body });
    });
    await use(context);
    // Polls still in flight when the test ends never reach a page: stop intercepting before the context closes.
    await context.unrouteAll({ behavior: "ignoreErrors" });
    mkdirSync(responsesDir(stack), { recursive: true });
    writeFileSync(join(responsesDir(stack), `${testInfo.testId}.txt`), bodies.join("\n"));
  },
  signIn: async ({ page }, use) => use(async (name, password) => {
    await page.goto("/login");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("operator")).toContainText(name);
  }),
  shoot: async ({ page, stack }, use) => use(async (name) => {
    await page.screenshot({ path: join(stack.artifacts, `${name}.png`) });
  }),
});

export { expect };

/** The CSRF token of the page's session (the console puts it in a meta tag for exactly this). */
export async function csrfOf(page: Page): Promise<string> {
  const token = await page.locator('meta[name="fanout-csrf"]').getAttribute("content");
  if (!token) throw new Error("no CSRF token on the page");
  return token;
}

/** Calls the console API from inside the browser, with the page's cookies and Origin, as the UI would. */
export async function browserFetch(page: Page, path: string, init: { method: string; body?: unknown; csrf?: string | null }): Promise<{ status: number; body: unknown }> {
  return page.evaluate(async ({ path, init }) => {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (init.csrf) headers["x-fanout-csrf"] = init.csrf;
    const res = await fetch(path, { method: init.method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }, { path, init });
}

/** A fresh operator of `role`, created through the jobs package as `fanout operators add` does. */
export async function newOperator(stack: { redisUrl: string; prefix: string }, role: "viewer" | "operator" | "admin") {
  const name = `${role}-${randomBytes(3).toString("hex")}`;
  const password = randomBytes(12).toString("base64url");
  await withOperators(stack, (ops) => ops.addOperator(name, password, role));
  return { name, password };
}

/** A unique id for a story's own simnet accounts. */
export const uid = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;

/** Accepts the console's confirmation dialog (it states what the action will touch) and hands its text back. */
export async function confirmDialog(page: Page): Promise<string> {
  const dialog = page.getByTestId("confirm-dialog");
  await expect(dialog).toBeVisible();
  const text = (await dialog.textContent()) ?? "";
  await dialog.locator(".modal-actions .btn-primary").click();
  await expect(dialog).toBeHidden();
  return text;
}

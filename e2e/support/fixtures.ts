import { test as base, expect, type Page } from "@playwright/test";
import { join } from "node:path";
import type { StackInfo } from "./stack.ts";

export const STACK_ENV = "FANOUT_E2E_STACK";

function stackInfo(): StackInfo {
  const raw = process.env[STACK_ENV];
  if (!raw) throw new Error(`${STACK_ENV} is not set: run through playwright.config.ts (its global setup starts the stack)`);
  return JSON.parse(raw) as StackInfo;
}

interface Fixtures {
  stack: StackInfo;
  /** Signs in through the login form and waits for the console. */
  signIn: (name: string, password: string) => Promise<void>;
  /** A full-page-size PNG of what the page shows now, kept in e2e/artifacts/. */
  shoot: (name: string) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  // Playwright reads a fixture's dependencies from the destructuring pattern: these have none.
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => use(stackInfo()),
  // eslint-disable-next-line no-empty-pattern
  baseURL: async ({}, use) => use(stackInfo().url),
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

import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

/**
 * A first load of a console page in Debian's Chromium: a fresh profile (empty cache), the session cookie set as a
 * sign-in would leave it. Times from the start of navigation: the HTML committed, the live data shown (`selector`
 * visible: the server renders it), the load event (every script fetched and run), and the page interactive
 * (clicking `radio` toggles it, i.e. React has hydrated).
 */
export interface FirstLoad { commitMs: number; dataMs: number; loadEventMs: number; interactiveMs: number; htmlFirstByteMs: number; scriptBytes: number }

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export async function firstLoad(o: { url: string; path: string; cookie: string; selector: string; radio: string; timeoutMs?: number }): Promise<FirstLoad> {
  const dir = await mkdtemp(join(os.tmpdir(), "fanout-bench-chromium-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath: "/usr/bin/chromium", headless: true, args: ARGS });
  try {
    const [name = "", value = ""] = o.cookie.split(/=(.*)/s);
    await context.addCookies([{ name, value, url: o.url }]);
    const page = context.pages()[0] ?? await context.newPage();
    const timeout = o.timeoutMs ?? 30_000;
    const sizes: Promise<number>[] = [];
    page.on("requestfinished", (r) => { if (r.resourceType() === "script") sizes.push(r.sizes().then((z) => z.responseBodySize)); });
    const t0 = performance.now();
    const loaded = page.waitForEvent("load", { timeout }).then(() => performance.now() - t0);
    await page.goto(`${o.url}${o.path}`, { waitUntil: "commit", timeout });
    const commitMs = performance.now() - t0;
    await page.locator(o.selector).first().waitFor({ state: "visible", timeout });
    const dataMs = performance.now() - t0;
    // A click before hydration does nothing: click until the radio reports itself checked.
    const radio = page.getByRole("radio", { name: o.radio });
    const deadline = performance.now() + timeout;
    for (;;) {
      await radio.click({ timeout });
      if (await radio.getAttribute("aria-checked") === "true") break;
      if (performance.now() > deadline) throw new Error(`${o.path}: the ${o.radio} toggle never responded`);
      await page.waitForTimeout(20);
    }
    const interactiveMs = performance.now() - t0;
    const loadEventMs = await loaded;
    // A string: the bench compiles without the DOM library.
    const htmlFirstByteMs = Number(await page.evaluate("performance.getEntriesByType('navigation')[0]?.responseStart ?? NaN"));
    const scriptBytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return { commitMs, dataMs, loadEventMs, interactiveMs, htmlFirstByteMs, scriptBytes };
  } finally {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  }
}

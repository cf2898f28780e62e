import { defineConfig } from "@playwright/test";

/**
 * The console's end-to-end suite: Debian's Chromium against a real stack (support/stack.ts: its own redis-server,
 * simnet, the console and two worker processes on free ports, fresh prefix, secret and first admin), started once by
 * the global setup. Files run in name order; the leak check runs last, over everything the others received and logged.
 */
export default defineConfig({
  testDir: "./tests",
  outputDir: "./artifacts/test-output",
  globalSetup: "./support/global-setup.ts",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // One worker: the stack is shared and the machine has 2 cores (Chromium + Next + Redis + simnet + 2 workers).
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  reporter: [["list"], ["json", { outputFile: "artifacts/results.json" }]],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"],
    },
  },
  projects: [
    { name: "stories", testIgnore: /leaks\.spec\.ts$/, use: { browserName: "chromium" } },
    { name: "leaks", testMatch: /leaks\.spec\.ts$/, dependencies: ["stories"], use: { browserName: "chromium" } },
  ],
});

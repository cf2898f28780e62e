import type { FullConfig } from "@playwright/test";
import { startStack } from "./stack.ts";
import { STACK_ENV } from "./fixtures.ts";

/** Starts the stack once for the run; the workers read where it is from the environment they inherit. */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads the global setup as a default export
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  process.stdout.write("e2e: starting redis-server, simnet, the console (it runs `next build` first if its sources changed) and two workers; logs in e2e/artifacts/\n");
  const stack = await startStack();
  process.stdout.write(`e2e: console at ${stack.url}, simnet at ${stack.simnetUrl}\n`);
  const { stop, ...info } = stack;
  process.env[STACK_ENV] = JSON.stringify(info);
  return stop;
}

import type { FullConfig } from "@playwright/test";
import { startStack } from "./stack.ts";
import { STACK_ENV } from "./fixtures.ts";

/** Starts the stack once for the run; the workers read where it is from the environment they inherit. */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads the global setup as a default export
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const stack = await startStack();
  const { env: _env, stop, ...info } = stack;
  process.env[STACK_ENV] = JSON.stringify(info);
  return stop;
}

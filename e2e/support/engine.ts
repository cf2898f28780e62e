import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnv } from "@fanout/jobs/env";
import { createEngine } from "@fanout/jobs/runtime";
import { startSync } from "@fanout/jobs/sync";
import type { StackInfo } from "./stack.ts";

/**
 * Starts a sync through the jobs library, as the CLI's `fanout sync` does. With no workers in this stack yet its pages
 * wait in the queues: data for the console to show.
 */
export async function seedSync(stack: StackInfo, accounts: string[]): Promise<string> {
  const env = loadEnv({
    REDIS_URL: stack.redisUrl, FANOUT_PREFIX: stack.prefix, FANOUT_SECRET: stack.secrets[0],
    FANOUT_HOME: mkdtempSync(join(tmpdir(), "fanout-e2e-engine-")), LOG_LEVEL: "warn",
  }, { generateSecret: false });
  const engine = await createEngine({ env });
  try {
    return (await startSync(engine, accounts)).treeId;
  } finally {
    await engine.close();
  }
}

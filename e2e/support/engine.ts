import { loadEnv } from "@fanout/jobs/env";
import { createLogger } from "@fanout/jobs/log";
import { connectAccount } from "@fanout/jobs/ops";
import { createEngine } from "@fanout/jobs/runtime";
import { startSync, type StartSyncOptions } from "@fanout/jobs/sync";
import { simnet } from "./simnet.ts";
import type { StackInfo } from "./stack.ts";

export type Engine = Awaited<ReturnType<typeof createEngine>>;

/** The jobs library on the stack's Redis and prefix, as the CLI uses it: the tests' way to set up and check real state. */
export async function stackEngine(stack: StackInfo): Promise<Engine> {
  const env = loadEnv({ ...stack.env, LOG_LEVEL: "silent" }, { generateSecret: false });
  return createEngine({ env, log: createLogger({ level: "silent", name: "e2e" }) });
}

const ACTOR = { name: "e2e-setup", via: "cli" as const };

/** Connects accounts with the tokens simnet gives them (as `fanout connect --simnet` does). */
export async function connect(stack: StackInfo, engine: Engine, accounts: string[]): Promise<void> {
  const sim = simnet(stack);
  for (const a of accounts) {
    const [network = "", id = ""] = a.split(":");
    const acc = await sim.account(network, id);
    await connectAccount(engine, a, acc.token, acc.refreshToken ?? null, ACTOR);
  }
}

/** Starts a sync (as `fanout sync`); resolves with its tree id. */
export async function sync(engine: Engine, accounts: string[], opts: StartSyncOptions = {}): Promise<string> {
  return (await startSync(engine, accounts, opts)).treeId;
}

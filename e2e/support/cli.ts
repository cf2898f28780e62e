import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StackInfo } from "./stack.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs `fanout ARGS --json` against the stack, as an operator would from a shell; resolves with its JSON document. */
export function fanout<T>(stack: Pick<StackInfo, "env">, args: string[], timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["apps/worker/bin/fanout.js", ...args, "--json"], {
      cwd: ROOT, env: { ...process.env, ...stack.env, LOG_LEVEL: "warn" }, timeout: timeoutMs, maxBuffer: 4 * 1_024 * 1_024,
    }, (err, stdout, stderr) => {
      if (err) { reject(new Error(`fanout ${args.join(" ")} failed: ${err.message}\n${stderr}`, { cause: err })); return; }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch (parseErr) {
        reject(new Error(`fanout ${args.join(" ")} printed no JSON: ${stdout.slice(0, 500)}`, { cause: parseErr }));
      }
    });
  });
}

import { readEnv, type SimnetEnv } from "./env.ts";
import { createSimnet } from "./server.ts";

let env: SimnetEnv;
try {
  env = readEnv();
} catch (err) {
  console.error(`simnet: bad environment: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const simnet = await createSimnet({ seed: env.SIMNET_SEED, port: env.SIMNET_PORT, host: env.SIMNET_HOST });
// The test harness (tooling/testkit/src/simnet.ts) waits for exactly this line.
console.log(`simnet listening on ${simnet.url}`);

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => {
    console.error(`simnet: close did not finish after ${signal}; exiting`);
    process.exit(0);
  }, 3_000);
  force.unref();
  simnet.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error("simnet: close failed", err);
      process.exit(1);
    },
  );
}
process.once("SIGTERM", () => stop("SIGTERM"));
process.once("SIGINT", () => stop("SIGINT"));

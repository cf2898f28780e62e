import { fileURLToPath } from "node:url";

/** Where things live, from the bench's point of view. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BENCH = fileURLToPath(new URL("../", import.meta.url));
export const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));
export const SIMNET_MAIN = fileURLToPath(new URL("../../apps/simnet/src/main.ts", import.meta.url));
export const FANOUT_CLI = fileURLToPath(new URL("../../apps/worker/bin/fanout.js", import.meta.url));
export const BASELINE_WORKER = fileURLToPath(new URL("../workers/baseline-worker.ts", import.meta.url));

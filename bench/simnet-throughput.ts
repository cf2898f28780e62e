/**
 * Kept for the command in apps/simnet/README.md: the simnet bench now lives in benches/simnet.ts and runs through the
 * bench runner (own Redis, results/simnet.json, SUMMARY.md). Same as `npm run bench -- simnet [--quick]`.
 *
 *   node --import tsx bench/simnet-throughput.ts [--quick]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("./run.ts", import.meta.url));
const res = spawnSync(process.execPath, ["--conditions=@fanout/source", "--import", "tsx", runner, "simnet", ...process.argv.slice(2)], { stdio: "inherit" });
process.exitCode = res.status ?? 1;

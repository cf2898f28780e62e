import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

/** The long fault suite (`npm run test:faults`): real worker processes killed, Redis restarted and frozen. */
export default defineProject({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: { name: "faults", include: ["faults/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 120_000, fileParallelism: false },
});

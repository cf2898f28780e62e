import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "jobs", include: ["test/**/*.test.ts"], globalSetup: ["@fanout/testkit/global-setup"], testTimeout: 60_000, hookTimeout: 60_000 },
});

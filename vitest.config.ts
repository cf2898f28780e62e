import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { projects: ["packages/*", "apps/worker", "apps/simnet", "apps/dashboard"] },
});

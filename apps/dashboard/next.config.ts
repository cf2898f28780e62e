import type { NextConfig } from "next";

/**
 * The console runs through server.ts, which loads the jobs package itself and hands it to route handlers
 * (lib/services.ts): Next code imports `@fanout/jobs/*` for types only. serverExternalPackages does not make a
 * workspace package external (Turbopack and webpack both bundle it: its real path is not under node_modules); it
 * still keeps these libraries out of the bundle if anything imports them directly.
 */
const config: NextConfig = {
  serverExternalPackages: ["@fanout/jobs", "bullmq", "ioredis", "pino"],
  poweredByHeader: false,
  reactStrictMode: true,
  // tsc runs in `npm run typecheck` / CI; the build need not type-check twice on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
};

export default config;

import type { NextConfig } from "next";

const config: NextConfig = {
  serverExternalPackages: ["@fanout/jobs", "bullmq", "ioredis", "pino"],
};

export default config;

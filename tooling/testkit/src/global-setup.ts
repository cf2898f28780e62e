import type { TestProject } from "vitest/node";
import { startRedisCluster } from "./redis-cluster.ts";
import { startRedisServer } from "./redis-server.ts";

declare module "vitest" {
  export interface ProvidedContext { redisUrl: string; redisClusterNodes: string }
}

/**
 * Vitest global setup: every suite gets a Redis it may own (a 3-master cluster with FANOUT_TEST_CLUSTER=1). Given FANOUT_TEST_REDIS_URL, tests use that server
 * with fresh prefixes (and never flush it); otherwise a private redis-server is started on a free port.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.FANOUT_TEST_CLUSTER === "1") {
    const cluster = await startRedisCluster(3);
    project.provide("redisUrl", cluster.url);
    project.provide("redisClusterNodes", cluster.nodes);
    return () => cluster.stop();
  }
  project.provide("redisClusterNodes", "");
  const given = process.env.FANOUT_TEST_REDIS_URL;
  if (given) {
    project.provide("redisUrl", given);
    return async () => undefined;
  }
  const server = await startRedisServer();
  project.provide("redisUrl", server.url);
  return () => server.stop();
}

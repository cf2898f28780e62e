import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import type { Row } from "./summary.ts";

/** What the runner hands every bench: its own Redis (never 6379), a temp dir, the mode, and a logger. */
export interface BenchContext {
  quick: boolean;
  redisUrl: string;
  redisPort: number;
  /** An admin connection to the bench's Redis (INFO, commandstats, wiping a bench's own prefix). */
  redis: Redis;
  tmp: string;
  resultsDir: string;
  secret: string;
  log(msg: string): void;
}

export interface BenchOutput {
  rows: Row[];
  config: Record<string, unknown>;
  samples: Record<string, unknown>;
  /** File names (relative to bench/results) of charts the bench wrote. */
  charts?: string[];
  notes?: string[];
}

export interface BenchModule {
  name: string;
  title: string;
  /** Soak-type benches run only when named. */
  soak?: boolean;
  run(ctx: BenchContext): Promise<BenchOutput>;
}

export function writeChart(ctx: BenchContext, file: string, svg: string): string {
  writeFileSync(join(ctx.resultsDir, file), svg);
  return file;
}

import type { BenchContext, BenchOutput } from "../lib/context.ts";
export const name = "limiter-adaptive";
export const title = "todo";
export async function run(_ctx: BenchContext): Promise<BenchOutput> { await Promise.resolve(); throw new Error("todo"); }
